"""The team fact sheet: facts about a campaign team stated openly by its lead or HR, and
their agreement with the members' released answers (docs/methodology.md §18, "Team
fact sheet").

A sheet holds facts only (written goals, a decision record, the review cadence, the last
time a lesson changed the framework) and the e-mail of whoever saved it. The agreement
indicator compares each fact with the share of the team's members whose answer to the
related structure item says the same thing — computed from the item's released
distribution, so a cell that k hides yields no figure and no indicator.
"""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass
from datetime import date

import numpy as np
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from analysis.fact_agreement import FACTS, agreement
from analysis.items import ItemResults
from app.catalogue import N_
from app.models import Campaign, CampaignTeam, TeamFactSheet, utcnow
from app.services import Invalid, NotFound
from app.services.campaigns import campaign_teams
from app.services.results import team_labels

TEAM_NOT_FOUND = N_("team not found")
BAD_DATE = N_("the date of the last lesson must not lie in the future")
CADENCES = ("weekly", "fortnightly", "monthly", "quarterly", "less_often", "none")
CADENCE_LABELS = {
    "weekly": N_("weekly"),
    "fortnightly": N_("fortnightly"),
    "monthly": N_("monthly"),
    "quarterly": N_("quarterly"),
    "less_often": N_("less often"),
    "none": N_("none"),
}
#: Cadences that count as "reviewed at least quarterly".
REVIEWED = frozenset(CADENCES[:4])


def get_team(session: Session, *, campaign: Campaign, team_id: uuid.UUID) -> CampaignTeam:
    """The campaign team ``team_id`` of ``campaign`` (404 for any other)."""
    team = session.get(CampaignTeam, team_id)
    if team is None or team.campaign_id != campaign.id:
        raise NotFound(TEAM_NOT_FOUND)
    return team


def save_sheet(
    session: Session,
    *,
    team: CampaignTeam,
    author: str,
    goals_written: bool,
    goals_link: str,
    decision_record: bool,
    review_cadence: str,
    last_lesson: date | None,
) -> TeamFactSheet:
    """Create or replace the team's sheet, recording who saved it and when."""
    if review_cadence not in CADENCES:
        raise Invalid(N_("unknown review cadence"))
    if last_lesson is not None and last_lesson > utcnow().date():
        raise Invalid(BAD_DATE)
    for attempt in range(2):
        sheet = session.get(TeamFactSheet, team.id, populate_existing=True, with_for_update=True) or TeamFactSheet(
            campaign_team_id=team.id,
            goals_written=goals_written,
            decision_record=decision_record,
            review_cadence=review_cadence,
            filled_by=author,
        )
        now = utcnow()
        sheet.sqlmodel_update(
            {
                "goals_written": goals_written,
                "goals_link": goals_link.strip(),
                "decision_record": decision_record,
                "review_cadence": review_cadence,
                "last_lesson": last_lesson,
                "filled_by": author,
                "filled_at": now,
                "saves": [*sheet.saves, {"by": author, "at": now.isoformat()}],
            }
        )
        try:
            with session.begin_nested():  # a savepoint: a lost race is retried in the same transaction
                session.add(sheet)
            break
        except IntegrityError:
            # two first saves at once: the other one inserted the row; save over it
            if attempt:
                raise
    session.refresh(sheet)
    return sheet


def sheet_dict(sheet: TeamFactSheet | None) -> dict | None:
    if sheet is None:
        return None
    return {
        "goals_written": sheet.goals_written,
        "goals_link": sheet.goals_link,
        "decision_record": sheet.decision_record,
        "review_cadence": sheet.review_cadence,
        "last_lesson": sheet.last_lesson.isoformat() if sheet.last_lesson else None,
        "filled_by": sheet.filled_by,
        "filled_at": sheet.filled_at.isoformat(),
        "saves": list(sheet.saves),
    }


@dataclass(frozen=True)
class TeamFacts:
    """A team's sheet (None: not filled in) beside the members' released answers."""

    team_id: uuid.UUID
    label: str
    sheet: dict | None
    facts: tuple[dict, ...]  # per compared fact: fact, item, sheet (bool), share, state


def campaign_facts(
    session: Session, *, campaign: Campaign, items: ItemResults | None, scope: str | None = None
) -> dict[str, TeamFacts]:
    """Every released team of the campaign (the teams of ``items``; of the unit ``scope``
    only, when given) with its sheet and agreement, by team label; without question-level
    results, the sheets alone."""
    label, unit_of = team_labels(campaign_teams(session, campaign=campaign))
    shown = set(items.teams.labels) if items is not None else set(label.values())
    ids = [tid for tid, lab in label.items() if lab in shown and (scope is None or unit_of[tid] == scope)]
    rows = session.exec(select(TeamFactSheet).where(col(TeamFactSheet.campaign_team_id).in_(ids))).all() if ids else []
    sheets = {s.campaign_team_id: sheet_dict(s) for s in rows}
    labels = [label[t] for t in ids]
    stated = np.array([[_stated(sheets.get(t), fact) for fact, _, _ in FACTS] for t in ids], dtype=float).reshape(
        len(ids), len(FACTS)
    )
    share, state = agreement(items, labels, stated)
    return {
        lab: TeamFacts(
            t,
            lab,
            sheets.get(t),
            tuple(
                {
                    "fact": fact,
                    "item": item,
                    "sheet": None if np.isnan(stated[i, j]) else bool(stated[i, j]),
                    "share": None if np.isnan(share[i, j]) else float(share[i, j]),
                    "state": str(state[i, j]),
                }
                for j, (fact, item, _) in enumerate(FACTS)
            ),
        )
        for i, (t, lab) in enumerate(zip(ids, labels))
    }


def _stated(sheet: dict | None, fact: str) -> float:
    if sheet is None:
        return np.nan
    return float(sheet["review_cadence"] in REVIEWED) if fact == "reviewed_quarterly" else float(sheet[fact])


def facts_records(
    session: Session, *, campaign: Campaign, items: ItemResults | None, scope: str | None = None
) -> list[dict]:
    """The fact sheets and agreement indicator of every released team, as plain records
    for the results JSON and the reports (teams of the unit ``scope`` only, when given):
    ``team``, ``unit``, ``sheet`` (None: not filled in; the sheet is not anonymous and
    names who saved it) and ``facts`` (per compared fact: ``fact``, ``item``, ``sheet``,
    ``share``, ``state``). Shares are released figures only (:mod:`analysis.fact_agreement`)."""
    _, unit_of = team_labels(campaign_teams(session, campaign=campaign))
    facts = campaign_facts(session, campaign=campaign, items=items, scope=scope)
    return [
        {"team": f.label, "unit": unit_of.get(f.team_id), "sheet": f.sheet, "facts": [dict(x) for x in f.facts]}
        for f in facts.values()
    ]


def with_facts(session: Session, *, campaign: Campaign, register, items: ItemResults | None, scope: str | None = None):
    """``register`` (:class:`~app.services.register_results.RegisterFindings`) with the
    fact sheets attached for the reports; a campaign without register items but with a
    filled-in sheet gets a register part that holds the sheets alone; None without either."""
    from app.services.register_results import facts_only

    records = facts_records(session, campaign=campaign, items=items, scope=scope)
    if register is not None:
        return dataclasses.replace(register, facts=tuple(records))
    if not any(r["sheet"] is not None for r in records):
        return None
    return facts_only(tuple(records), scope=scope)
