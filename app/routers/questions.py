"""Question-level results of a campaign: the dashboard's Questions page and its JSON
twin. The figures are the released ones of the campaign's diagnosis
(:mod:`analysis.items`); a viewer of one unit sees the organization, that unit and its
teams only (:func:`analysis.restrict_to_unit`)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from analysis import Diagnosis
from app.deps import CurrentUser, Page, SessionDep
from app.reports.questions import QTEXTS, scope_table
from app.routers.results import Loaded, _load, _page, _require, _scoped_unit
from app.services import NotFound

router = APIRouter(tags=["results"])

TEAM_NOT_FOUND = "team not found"
UNIT_NOT_FOUND = "unit not found"
Label = Annotated[str | None, Query(max_length=300)]


class QuestionScopeOut(BaseModel):
    """The items' figures of one group (``items``: per item ``n``, ``mean``,
    ``favourable``, ``distribution`` and why a figure is hidden)."""

    suppressed: bool
    suppression_reason: str | None
    suppression_text: dict[str, str] | None
    items: dict[str, dict[str, Any]] | None = Field(
        None, description="absent for a hidden group", exclude_if=lambda items: items is None
    )


class QuestionUnitOut(QuestionScopeOut):
    unit: str


class QuestionTeamOut(QuestionScopeOut):
    team: str
    unit: str | None


class QuestionsOut(BaseModel):
    """Released question-level results: the items and, per group in the reader's
    scope, every item's ``n``, ``mean``, ``favourable``, ``distribution`` (null and the
    reason when hidden)."""

    questions: list[dict[str, Any]] = Field(description="the items, their options and what favourable means")
    organization: QuestionScopeOut
    units: list[QuestionUnitOut]
    teams: list[QuestionTeamOut]
    k: int


def _check(dx: Diagnosis, loaded: Loaded, unit: str | None, team: str | None) -> str | None:
    """The unit to show (a reader of one unit: that unit); 404 for a unit or team the
    reader may not see or that does not exist."""
    unit = _scoped_unit(loaded, unit)
    if unit is not None and (dx.units is None or unit not in dx.units.labels):
        raise NotFound(UNIT_NOT_FOUND)
    if team is not None and team not in dx.teams.labels:
        raise NotFound(TEAM_NOT_FOUND)
    parents = dx.teams.parent  # None only without a unit level, where no unit passed the check above
    if team is not None and unit is not None and (parents is None or parents[dx.teams.index(team)] != unit):
        raise NotFound(TEAM_NOT_FOUND)
    return unit


def _questions(loaded: Loaded, unit: str | None, team: str | None) -> dict:
    dx = _require(loaded.results)
    unit = _check(dx, loaded, unit, team)
    return {**dx.items.to_dict(unit=unit, team=team), "k": dx.settings["min_group_size"]}


@router.get("/api/v1/campaigns/{campaign_id}/results/questions", response_model=QuestionsOut)
def api_questions(
    campaign_id: uuid.UUID, session: SessionDep, user: CurrentUser, unit: Label = None, team: Label = None
):
    """Every item's mean, distribution and share favourable for the organization, the
    units and the teams the reader may see (``unit``/``team`` narrow the lists)."""
    return _questions(_load(session, user, campaign_id), unit, team)


@router.get("/campaigns/{campaign_id}/results/questions", include_in_schema=False)
def questions_page(
    campaign_id: uuid.UUID,
    session: SessionDep,
    user: CurrentUser,
    page_ctx: Page,
    unit: Label = None,
    team: Label = None,
):
    lang = page_ctx.lang
    loaded = _load(session, user, campaign_id)
    dx = _require(loaded.results)
    unit, team = unit or None, team or None
    if loaded.scope is not None and unit is None and team is None:
        unit = loaded.scope
    _check(dx, loaded, unit, team)
    table = scope_table(dx, lang, unit=unit if team is None else None, team=team)
    choices = {
        "units": list(dx.units.labels) if dx.units is not None else [],
        "teams": list(zip(dx.teams.labels, dx.teams.parent or [None] * len(dx.teams.labels))),
    }
    return _page(
        page_ctx,
        "results/questions.html",
        loaded,
        table=table,
        choices=choices,
        chosen={"unit": unit, "team": team},
        qtx=lambda key, **v: QTEXTS[key][lang].format(**v),
    )
