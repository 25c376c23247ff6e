"""The demo's decision register: a register for the demo organization and a closed
campaign that asked its items, with answers simulated by
:func:`analysis.simulate_decisions.simulate_decisions` on that register (planted cells:
as designed, escalation beyond the design, design not known, contested), so that the
decision map shows escalation in some teams. Seeded once, like the rest of the demo."""

from __future__ import annotations

import numpy as np
from sqlmodel import Session, select

from analysis.decisions import STARTER_DECISIONS
from analysis.simulate import simulate_responses
from analysis.simulate_decisions import simulate_decisions
from app.models import Organization, RegisterVersion
from app.services.register import resolve, save_register, starter_document
from app.services.teams import team_rows
from app.services.register_items import PREFIX

CAMPAIGN = "Decision rights check 2026"
#: Units that design some decisions differently from the organization.
UNIT_DESIGNS = (
    ("Technology", "methods", "team"),
    ("Technology", "spending", "team_with_consent"),
    ("Operations", "hiring", "unit"),
    ("Corporate Functions", "priorities", "unit"),
)
SEED = 41


def demo_register(session: Session, organization: Organization) -> dict:
    """The starter decision types with their usual design for the organization, a few
    unit designs, one decision left undecided in Sales and Service, and two agreements."""
    document = starter_document()
    designs = [{"decision": i, "unit_path": "", "team": "", "decider": usual} for i, *_, usual in STARTER_DECISIONS]
    designs += [{"decision": d, "unit_path": u, "team": "", "decider": who} for u, d, who in UNIT_DESIGNS]
    designs.append({"decision": "interfaces", "unit_path": "Sales and Service", "team": "", "decider": "not_decided"})
    teams = {t["name"]: t["unit_path"] for t in team_rows(session, organization=organization)}
    agreements = [
        {
            "unit_path": teams["Hub North"],
            "team": "Hub North",
            "partner_unit_path": teams["Line Haul"],
            "partner_team": "Line Haul",
            "decision": "interfaces",
            "subject": "hand-over times and load plans",
            "owner": "Head of Operations",
            "review_date": "2027-03-31",
        },
        {
            "unit_path": teams["Platform"],
            "team": "Platform",
            "partner_unit_path": teams["Mobile Apps"],
            "partner_team": "Mobile Apps",
            "decision": "interfaces",
            "subject": "API versions and deprecations",
            "owner": "CTO office",
            "review_date": "2027-01-15",
        },
    ]
    return {**document, "designs": designs, "agreements": agreements}


def seed_register(
    session: Session,
    organization: Organization,
    *,
    author: str,
    add_closed_campaign,
    names,
    units: int,
    teams: int,
    respondents: int,
) -> None:
    """The register (when the organization has none) and the closed campaign asking its
    items (when missing)."""
    if session.exec(select(RegisterVersion.id).where(RegisterVersion.organization_id == organization.id)).first():
        return
    document = demo_register(session, organization)
    save_register(session, organization=organization, document=document, author=author)
    data = simulate_responses("aligned-autonomy-v1", respondents=respondents, teams=teams, units=units, seed=SEED)
    labels = sorted(set(data.team.tolist()))
    team_names = dict(zip(labels, names))
    rows = {t["name"]: t["unit_path"] for t in team_rows(session, organization=organization)}
    designed, _ = resolve(document, [(rows[team_names[t]], team_names[t]) for t in labels])
    size = int(max((data.team == t).sum() for t in labels))
    world = simulate_decisions(np.random.default_rng(SEED), designed=designed, team_size=size)
    # the i-th member of a team answers as the i-th simulated member of that team
    team_code = np.searchsorted(np.asarray(labels), data.team.astype(str))
    order = np.argsort(team_code, kind="stable")
    rank = np.empty(data.n, np.int64)
    starts = np.searchsorted(team_code[order], np.arange(len(labels)))
    rank[order] = np.arange(data.n) - np.repeat(starts, np.bincount(team_code, minlength=len(labels)))
    answers = world.answers[team_code * size + rank]
    ids = [d["id"] for d in document["decisions"]]
    extra = [{PREFIX + i: int(a) for i, a in zip(ids, row) if a >= 0} for row in answers.tolist()]
    add_closed_campaign(
        session, organization, CAMPAIGN, data, opened=30, closed=16, names=team_names, asked=ids, extra_answers=extra
    )
