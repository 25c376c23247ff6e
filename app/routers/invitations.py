"""Survey links: personal single-use links and one open link per team, handed out once
as CSV (pages) or JSON (API); only their hashes are kept."""

from __future__ import annotations

import uuid
from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from app.deps import CsrfRoute, CurrentUser, FormBody, Page, SessionDep, SettingsDep
from app.routers.campaigns import _campaign
from app.catalogue import N_
from app.problems import Problem
from app.services import Invalid
from app.services.campaigns import campaign_teams, get_campaign
from app.services.invitations import (
    audit_log,
    create_open_links,
    create_personal_links,
    invitation_counts,
    links_csv,
    remaining_links,
)
from app.services.organizations import get_organization, organization_ids, unit_scope

router = APIRouter(tags=["invitations"], route_class=CsrfRoute)
CHOOSE_TEAM = N_("choose a team, or all teams")
UNKNOWN_CAMPAIGN_TEAM = N_("unknown team for this campaign")


class PersonalLinksIn(BaseModel):
    counts: dict[uuid.UUID, int] | None = Field(None, description="links per campaign team; default: its headcount")


class OpenLinksIn(BaseModel):
    team_ids: list[uuid.UUID] | None = Field(None, description="campaign teams; default: all")


class LinkOut(BaseModel):
    unit_path: str
    team: str
    kind: str
    link: str


class AuditTeamOut(BaseModel):
    team: str
    links: int


class AuditOut(BaseModel):
    created_at: datetime
    created_by: str
    kind: str
    links: int
    teams: list[AuditTeamOut]
    other_units: int = Field(0, description="links for teams outside the reader's unit (not named)")


class InvitationCountOut(BaseModel):
    campaign_team_id: uuid.UUID
    unit_path: str
    team: str
    headcount: int
    personal_links: int
    open_link: bool


def _base_url(request: Request, configured: str) -> str:
    return (configured or str(request.base_url)).rstrip("/")


def _csv(rows, name: str) -> Response:
    return Response(
        links_csv(rows),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


def _counts_from_form(form, teams) -> dict[uuid.UUID, int]:
    counts = {}
    for team in teams:
        raw = form.get(f"n_{team.id}", "0")
        if not isinstance(raw, str) or not raw.strip().isdigit():
            raise Invalid(Problem("links_whole_number", at=Problem("at_team", {"team": team.name})))
        if int(raw) > 0:
            counts[team.id] = int(raw)
    return counts


@router.post("/campaigns/{campaign_id}/invitations", include_in_schema=False)
def links_download(
    campaign_id: uuid.UUID,
    request: Request,
    form: FormBody,
    session: SessionDep,
    user: CurrentUser,
    settings: SettingsDep,
):
    """Create personal links (numbers per team from the form) and download them once."""
    campaign, _, _ = _campaign(session, user, campaign_id, write=True)
    counts = _counts_from_form(form, campaign_teams(session, campaign=campaign))
    rows = create_personal_links(
        session, campaign=campaign, counts=counts, base_url=_base_url(request, settings.base_url), created_by=user.email
    )
    return _csv(rows, "personal-links.csv")


@router.post("/campaigns/{campaign_id}/open-links", include_in_schema=False)
def open_links_download(
    campaign_id: uuid.UUID,
    request: Request,
    form: FormBody,
    session: SessionDep,
    user: CurrentUser,
    settings: SettingsDep,
):
    """Create (or replace) the open link of one team, or of every team, and download them."""
    campaign, _, _ = _campaign(session, user, campaign_id, write=True)
    team = form.get("team_id")
    if not isinstance(team, str):
        raise Invalid(CHOOSE_TEAM)
    try:
        team_ids = [uuid.UUID(team)] if team else None
    except (ValueError, AttributeError):
        raise Invalid(UNKNOWN_CAMPAIGN_TEAM) from None
    rows = create_open_links(
        session,
        campaign=campaign,
        team_ids=team_ids,
        base_url=_base_url(request, settings.base_url),
        created_by=user.email,
    )
    return _csv(rows, "open-links.csv")


@router.get("/api/v1/campaigns/{campaign_id}/invitations", response_model=list[InvitationCountOut])
def api_counts(campaign_id: uuid.UUID, session: SessionDep, user: CurrentUser):
    """How many links exist per team (never the links themselves)."""
    campaign, _, _ = _campaign(session, user, campaign_id)
    counts = invitation_counts(session, campaign=campaign)
    return [
        InvitationCountOut(
            campaign_team_id=t.id,
            unit_path=t.unit_path,
            team=t.name,
            headcount=t.headcount,
            personal_links=counts.get(t.id, {}).get("personal", 0),
            open_link=counts.get(t.id, {}).get("open", False),
        )
        for t in campaign_teams(session, campaign=campaign)
    ]


@router.post("/api/v1/campaigns/{campaign_id}/invitations", response_model=list[LinkOut], status_code=201)
def api_personal(
    campaign_id: uuid.UUID,
    body: PersonalLinksIn,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    settings: SettingsDep,
):
    """Create personal single-use links. The response is the only place the links appear."""
    campaign, _, _ = _campaign(session, user, campaign_id, write=True)
    counts = body.counts
    if counts is None:
        counts = {t: n for t, n in remaining_links(session, campaign=campaign).items() if n}
    return create_personal_links(
        session, campaign=campaign, counts=counts, base_url=_base_url(request, settings.base_url), created_by=user.email
    )


@router.post("/api/v1/campaigns/{campaign_id}/open-links", response_model=list[LinkOut], status_code=201)
def api_open(
    campaign_id: uuid.UUID,
    body: OpenLinksIn,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    settings: SettingsDep,
):
    """Create one open link per team (replacing an earlier one); shown only in this response."""
    campaign, _, _ = _campaign(session, user, campaign_id, write=True)
    return create_open_links(
        session,
        campaign=campaign,
        team_ids=body.team_ids,
        base_url=_base_url(request, settings.base_url),
        created_by=user.email,
    )


def _readable(session, user, campaign_id: uuid.UUID):
    """The campaign and its organization for any member, a viewer of one unit included."""
    campaign = get_campaign(session, organization_ids=organization_ids(session, user=user), campaign_id=campaign_id)
    org, role = get_organization(session, user=user, organization_id=campaign.organization_id, results=True)
    return campaign, org, role


@router.get("/campaigns/{campaign_id}/link-log", include_in_schema=False)
def link_log_page(campaign_id: uuid.UUID, page_ctx: Page, session: SessionDep, user: CurrentUser):
    """Who created links, when and how many per team: open to every member."""
    campaign, org, role = _readable(session, user, campaign_id)
    log = audit_log(session, campaign=campaign, unit=unit_scope(session, user=user, organization=org))
    return page_ctx.render("admin/link_log.html", {"campaign": campaign, "log": log}, org=org, role=role)


@router.get("/api/v1/campaigns/{campaign_id}/link-log", response_model=list[AuditOut])
def api_link_log(campaign_id: uuid.UUID, session: SessionDep, user: CurrentUser):
    """Every creation of survey links (when, by whom, kind, links per team), newest
    first; readable by every member of the organization."""
    campaign, org, _ = _readable(session, user, campaign_id)
    log = audit_log(session, campaign=campaign, unit=unit_scope(session, user=user, organization=org))
    # a team's top-level unit serves the scoping above; its path already names it
    return [{**row, "teams": [{"team": t["team"], "links": t["links"]} for t in row["teams"]]} for row in log]
