"""A consultant's portfolio: every organization the user is a member of, with the figures
its latest closed campaign released (typology, maturity per dimension, response rate).
A member limited to one unit sees none of these organization-wide figures and no draft."""

from __future__ import annotations

import logging

from sqlmodel import Session, col, select

from app.catalogue import N_
from app.models import Campaign, CampaignStatus, Membership, Organization, Unit, User
from app.services.benchmarks import latest_closed_campaigns
from app.services.organizations import UNIT_ONLY
from app.services.results import campaign_results, organization_rate

FEWER_THAN_K = N_("fewer than k responses")
NOT_AVAILABLE = "results not available"
RESULTS_FAILED = "the results of campaign %s could not be read for the portfolio"
log = logging.getLogger(__name__)


def _memberships(session: Session, user: User) -> list[tuple]:
    """(organization, role, unit name or None) of every membership, in one query."""
    return list(
        session.exec(
            select(Organization, col(Membership.role), col(Unit.name))
            .join(Membership, col(Membership.organization_id) == Organization.id)
            .join(Unit, col(Unit.id) == Membership.unit_id, isouter=True)
            .where(Membership.user_id == user.id)
            .order_by(Organization.name)
        ).all()
    )


def _latest_campaigns(session: Session, organization_ids) -> tuple[dict, dict]:
    """Per organization: its latest campaign and its latest launched one (one query)."""
    latest: dict = {}
    launched: dict = {}
    for c in session.exec(
        select(Campaign)
        .where(col(Campaign.organization_id).in_(organization_ids))
        .order_by(col(Campaign.created_at).desc())
    ).all():
        latest.setdefault(c.organization_id, c)
        if c.status != CampaignStatus.draft:
            launched.setdefault(c.organization_id, c)
    return latest, launched


def _released_figures(session: Session, closed: Campaign, org) -> dict:
    """Typology, dimensions, respondents and response rate of a closed campaign as
    released, or why they are hidden; a campaign whose results cannot be read is logged
    and shown as not available, never breaking the whole portfolio."""
    try:
        dx = campaign_results(session, campaign=closed, organization=org).diagnosis
        rate = organization_rate(session, campaign=closed)
    except Exception:  # one broken campaign must not hide a consultant's whole portfolio
        log.exception(RESULTS_FAILED, closed.id)
        return {"hidden": NOT_AVAILABLE}
    out = {"response_rate": rate["rate"] if rate else None}
    if dx is None or dx.n_respondents is None:
        return {**out, "hidden": FEWER_THAN_K}
    return {
        **out,
        "typology": dx.organization.typology[0],
        "n_respondents": dx.n_respondents,
        "dimensions": {d: {"score": f.get("score"), "level": f.get("level")} for d, f in dx.dimensions.items()},
    }


def portfolio(session: Session, *, user: User) -> list[dict]:
    """One row per organization of ``user``: the latest campaign (any status) and, from
    the latest closed campaign's released diagnosis, typology, per-dimension score and
    maturity level, respondents and the organization's response rate (as released).
    Where ``user`` is limited to one unit (``unit``), the latest campaign is the latest
    launched one and the figures are left out (``hidden`` says why)."""
    memberships = _memberships(session, user)
    ids = [org.id for org, _, _ in memberships]
    latest, launched = _latest_campaigns(session, ids)
    closed_of = latest_closed_campaigns(session, ids)
    rows = []
    for org, role, unit in memberships:
        closed = closed_of.get(org.id)
        row = {
            "organization": org,
            "role": role,
            "unit": unit,
            "latest": (launched if unit is not None else latest).get(org.id),
            "closed": closed,
            "typology": None,
            "dimensions": {},
            "n_respondents": None,
            "response_rate": None,
            "hidden": None,
        }
        if unit is not None:
            row["hidden"] = UNIT_ONLY
        elif closed is not None:
            row.update(_released_figures(session, closed, org))
        rows.append(row)
    return rows
