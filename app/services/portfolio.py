"""A consultant's portfolio: every organization the user is a member of, with the figures
its latest closed campaign released (typology, maturity per dimension, response rate).
A member limited to one unit sees none of these organization-wide figures and no draft."""

from __future__ import annotations

from sqlmodel import Session, col, select

from app.models import Campaign, CampaignStatus, User
from app.services.benchmarks import latest_closed_campaign
from app.services.organizations import UNIT_ONLY, list_organizations, unit_scope
from app.services.rates import response_rates
from app.services.results import campaign_results

FEWER_THAN_K = "fewer than k responses"


def _latest_campaign(session: Session, *, organization_id, launched: bool) -> Campaign | None:
    query = select(Campaign).where(Campaign.organization_id == organization_id)
    if launched:
        query = query.where(Campaign.status != CampaignStatus.draft)
    return session.exec(query.order_by(col(Campaign.created_at).desc())).first()


def portfolio(session: Session, *, user: User) -> list[dict]:
    """One row per organization of ``user``: the latest campaign (any status) and, from
    the latest closed campaign's released diagnosis, typology, per-dimension score and
    maturity level, respondents and the organization's response rate (as released).
    Where ``user`` is limited to one unit (``unit``), the latest campaign is the latest
    launched one and the figures are left out (``hidden`` says why)."""
    rows = []
    for org, role in list_organizations(session, user=user):
        unit = unit_scope(session, user=user, organization=org)
        latest = _latest_campaign(session, organization_id=org.id, launched=unit is not None)
        closed = latest_closed_campaign(session, organization=org)
        row = {"organization": org, "role": role, "unit": unit, "latest": latest, "closed": closed,
               "typology": None, "dimensions": {}, "n_respondents": None, "response_rate": None, "hidden": None}
        if unit is not None:
            row["hidden"] = UNIT_ONLY
        elif closed is not None:
            dx = campaign_results(session, campaign=closed, organization=org).diagnosis
            if dx is not None and dx.n_respondents is not None:
                row["typology"] = dx.organization.typology[0]
                row["n_respondents"] = dx.n_respondents
                row["dimensions"] = {d: {"score": f.get("score"), "level": f.get("level")}
                                     for d, f in dx.dimensions.items()}
            else:
                row["hidden"] = FEWER_THAN_K
            rates = response_rates(session, campaign=closed)
            row["response_rate"] = rates[0]["rate"] if rates else None
        rows.append(row)
    return rows


