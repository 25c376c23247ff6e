"""A consultant's portfolio: every organization the user is a member of, with the figures
its latest closed campaign released (typology, maturity per dimension, response rate).
A member limited to one unit sees none of these organization-wide figures and no draft."""

from __future__ import annotations

import logging

from sqlmodel import Session, col, select

from app.models import Campaign, CampaignStatus, User
from app.services.benchmarks import latest_closed_campaign
from app.services.organizations import UNIT_ONLY, list_organizations, unit_scope
from app.services.rates import response_rates
from app.services.results import campaign_results

FEWER_THAN_K = "fewer than k responses"
NOT_AVAILABLE = "results not available"
RESULTS_FAILED = "the results of campaign %s could not be read for the portfolio"
log = logging.getLogger(__name__)


def _latest_campaign(session: Session, *, organization_id, launched: bool) -> Campaign | None:
    query = select(Campaign).where(Campaign.organization_id == organization_id)
    if launched:
        query = query.where(Campaign.status != CampaignStatus.draft)
    return session.exec(query.order_by(col(Campaign.created_at).desc())).first()


def _released_figures(session: Session, closed: Campaign, org) -> dict:
    """Typology, dimensions, respondents and response rate of a closed campaign as
    released, or why they are hidden; a campaign whose results cannot be read is logged
    and shown as not available, never breaking the whole portfolio."""
    try:
        dx = campaign_results(session, campaign=closed, organization=org).diagnosis
        rates = response_rates(session, campaign=closed)
    except Exception:  # one broken campaign must not hide a consultant's whole portfolio
        log.exception(RESULTS_FAILED, closed.id)
        return {"hidden": NOT_AVAILABLE}
    out = {"response_rate": rates[0]["rate"] if rates else None}
    if dx is None or dx.n_respondents is None:
        return {**out, "hidden": FEWER_THAN_K}
    return {**out, "typology": dx.organization.typology[0], "n_respondents": dx.n_respondents,
            "dimensions": {d: {"score": f.get("score"), "level": f.get("level")} for d, f in dx.dimensions.items()}}


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
            row.update(_released_figures(session, closed, org))
        rows.append(row)
    return rows


