"""The team fact sheet of a campaign team: its page (read by every member of the
organization, filled in by its consultants and HR admins) and its JSON twin
(docs/methodology.md §18, "Team fact sheet").

A member limited to one unit reads the sheets of that unit's teams (the results pages
link to them) and no other team's (404, as for a team of another campaign); they never write."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Literal

from fastapi import APIRouter
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, ConfigDict, Field, StrictBool, ValidationError

from app.catalogue import N_
from app.deps import CsrfRoute, CurrentUser, FormBody, Page, SessionDep
from app.models import Role, TeamFactSheet
from app.services import Invalid, NotFound, ServiceError
from app.services.campaigns import get_campaign
from app.services.fact_sheets import CADENCE_LABELS, CADENCES, get_team, save_sheet, sheet_dict
from app.services.fact_sheets import TEAM_NOT_FOUND
from app.services.organizations import get_organization, organization_ids, unit_scope
from app.services.results import team_labels
from app.templating import PageContext

router = APIRouter(tags=["fact sheets"], route_class=CsrfRoute)
FORM_INVALID = N_("Please answer every question of the fact sheet.")
Cadence = Literal[CADENCES]  # type: ignore[valid-type]


class FactsIn(BaseModel):
    """The facts of a team; every save replaces them and records who saved them."""

    model_config = ConfigDict(extra="forbid")
    goals_written: StrictBool
    goals_link: str = Field("", max_length=500, description="where the written goals are (optional)")
    decision_record: StrictBool
    review_cadence: Cadence
    last_lesson: date | None = Field(None, description="the last time a lesson changed the framework")


class FactsOut(BaseModel):
    team_id: uuid.UUID
    team: str
    unit_path: str
    sheet: dict | None


def _load(session, user, campaign_id, team_id, *, write=False):
    """Campaign, organization, role, team and the unit the user is limited to (None:
    the whole organization); a reader of one unit reaches only its teams and cannot write."""
    campaign = get_campaign(session, organization_ids=organization_ids(session, user=user), campaign_id=campaign_id)
    org, role = get_organization(
        session, user=user, organization_id=campaign.organization_id, write=write, results=not write
    )
    team = get_team(session, campaign=campaign, team_id=team_id)
    scope = unit_scope(session, user=user, organization=org)
    if scope is not None:
        _, unit_of = team_labels([team])
        if unit_of[team.id] != scope:
            raise NotFound(TEAM_NOT_FOUND)
    return campaign, org, role, team, scope


def _save(session, user, team, facts: FactsIn):
    try:
        return save_sheet(session, team=team, author=user.email, **facts.model_dump())
    except ServiceError:
        session.rollback()
        raise


# ------------------------------------------------------------------ page


def _page(
    page_ctx: PageContext,
    session,
    campaign,
    org,
    role,
    team,
    *,
    scope=None,
    form=None,
    error=None,
    saved=False,
    status_code=200,
):
    sheet = sheet_dict(session.get(TeamFactSheet, team.id))
    return page_ctx.render(
        "admin/fact_sheet.html",
        {
            "campaign": campaign,
            "org": org,
            "team": team,
            "sheet": sheet,
            "form": form or sheet or {},
            "can_write": scope is None and role in (Role.consultant, Role.hr_admin),
            "cadences": CADENCE_LABELS,
            "form_error": error,
            "saved": saved,
            "scope": scope,
        },
        status_code=status_code,
    )


@router.get("/campaigns/{campaign_id}/teams/{team_id}/facts", include_in_schema=False)
def fact_sheet_page(
    campaign_id: uuid.UUID,
    team_id: uuid.UUID,
    session: SessionDep,
    user: CurrentUser,
    page_ctx: Page,
    saved: bool = False,
):
    campaign, org, role, team, scope = _load(session, user, campaign_id, team_id)
    return _page(page_ctx, session, campaign, org, role, team, scope=scope, saved=saved)


def _form_facts(form) -> FactsIn:
    """The form's fields as facts (yes/no radios, an optional date); 422 otherwise."""
    yes_no = {"yes": True, "no": False}
    try:
        return FactsIn(
            goals_written=yes_no.get(form.get("goals_written")),
            goals_link=form.get("goals_link", ""),
            decision_record=yes_no.get(form.get("decision_record")),
            review_cadence=form.get("review_cadence"),
            last_lesson=form.get("last_lesson") or None,
        )
    except ValidationError:
        raise Invalid(FORM_INVALID) from None


@router.post("/campaigns/{campaign_id}/teams/{team_id}/facts", include_in_schema=False)
def fact_sheet_form(
    campaign_id: uuid.UUID, team_id: uuid.UUID, page_ctx: Page, session: SessionDep, user: CurrentUser, form: FormBody
):
    campaign, org, role, team, _ = _load(session, user, campaign_id, team_id, write=True)
    page_ctx = page_ctx.in_language("de" if form.get("lang") == "de" else "en")
    try:
        _save(session, user, team, _form_facts(form))
    except ServiceError as exc:
        fields = {f: form.get(f, "") for f in FactsIn.model_fields}
        return _page(
            page_ctx,
            session,
            campaign,
            org,
            role,
            team,
            form=fields,
            error=exc.detail,
            status_code=exc.status_code,
        )
    return RedirectResponse(
        f"/campaigns/{campaign.id}/teams/{team.id}/facts?lang={page_ctx.lang}&saved=true", status_code=303
    )


# ------------------------------------------------------------------- API


def _out(session, team) -> FactsOut:
    return FactsOut(
        team_id=team.id, team=team.name, unit_path=team.unit_path, sheet=sheet_dict(session.get(TeamFactSheet, team.id))
    )


@router.get("/api/v1/campaigns/{campaign_id}/teams/{team_id}/facts", response_model=FactsOut)
def api_get(campaign_id: uuid.UUID, team_id: uuid.UUID, session: SessionDep, user: CurrentUser):
    """The team's fact sheet (``sheet`` null: not filled in yet)."""
    team = _load(session, user, campaign_id, team_id)[3]
    return _out(session, team)


@router.put("/api/v1/campaigns/{campaign_id}/teams/{team_id}/facts", response_model=FactsOut)
def api_put(campaign_id: uuid.UUID, team_id: uuid.UUID, body: FactsIn, session: SessionDep, user: CurrentUser):
    """Save the team's fact sheet (consultants and HR admins; it is not anonymous: the
    sheet records the e-mail of whoever saved it)."""
    team = _load(session, user, campaign_id, team_id, write=True)[3]
    _save(session, user, team, body)
    return _out(session, team)
