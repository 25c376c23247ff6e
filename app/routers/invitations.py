"""Survey links: personal single-use links and one open link per team, handed out once
as CSV (pages) or JSON (API); only their hashes are kept."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from app.deps import CsrfProtected, CurrentUser, SessionDep, SettingsDep
from app.routers.campaigns import _campaign
from app.services import Invalid
from app.services.campaigns import campaign_teams
from app.services.invitations import create_open_links, create_personal_links, invitation_counts, links_csv

router = APIRouter(tags=["invitations"], dependencies=[CsrfProtected])


class PersonalLinksIn(BaseModel):
    counts: dict[uuid.UUID, int] | None = Field(None, description="links per campaign team; default: its headcount")


class OpenLinksIn(BaseModel):
    team_ids: list[uuid.UUID] | None = Field(None, description="campaign teams; default: all")


class LinkOut(BaseModel):
    unit_path: str
    team: str
    kind: str
    link: str


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
    return Response(links_csv(rows), media_type="text/csv; charset=utf-8",
                    headers={"content-disposition": f'attachment; filename="{name}"'})


async def _form(request: Request):
    if not request.headers.get("content-type", "").startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        raise Invalid("expected a form")
    return await request.form()


def _counts_from_form(form, teams) -> dict[uuid.UUID, int]:
    counts = {}
    for team in teams:
        raw = form.get(f"n_{team.id}", "0")
        if not isinstance(raw, str) or not raw.strip().isdigit():
            raise Invalid(f"team {team.name}: the number of links must be a whole number")
        if int(raw) > 0:
            counts[team.id] = int(raw)
    return counts


@router.post("/campaigns/{campaign_id}/invitations", include_in_schema=False)
async def links_download(campaign_id: uuid.UUID, request: Request, session: SessionDep, user: CurrentUser,
                         settings: SettingsDep):
    """Create personal links (numbers per team from the form) and download them once."""
    campaign, _, _ = _campaign(session, user, campaign_id, write=True)
    counts = _counts_from_form(await _form(request), campaign_teams(session, campaign=campaign))
    rows = create_personal_links(session, campaign=campaign, counts=counts, base_url=_base_url(request, settings.base_url))
    return _csv(rows, "personal-links.csv")


@router.post("/campaigns/{campaign_id}/open-links", include_in_schema=False)
async def open_links_download(campaign_id: uuid.UUID, request: Request, session: SessionDep, user: CurrentUser,
                              settings: SettingsDep):
    """Create (or replace) the open link of one team, or of every team, and download them."""
    campaign, _, _ = _campaign(session, user, campaign_id, write=True)
    team = (await _form(request)).get("team_id")
    if not isinstance(team, str):
        raise Invalid("choose a team, or all teams")
    try:
        team_ids = [uuid.UUID(team)] if team else None
    except (ValueError, AttributeError):
        raise Invalid("unknown team for this campaign") from None
    rows = create_open_links(session, campaign=campaign, team_ids=team_ids, base_url=_base_url(request, settings.base_url))
    return _csv(rows, "open-links.csv")


@router.get("/api/v1/campaigns/{campaign_id}/invitations", response_model=list[InvitationCountOut])
def api_counts(campaign_id: uuid.UUID, session: SessionDep, user: CurrentUser):
    """How many links exist per team (never the links themselves)."""
    campaign, _, _ = _campaign(session, user, campaign_id)
    counts = invitation_counts(session, campaign=campaign)
    return [
        InvitationCountOut(campaign_team_id=t.id, unit_path=t.unit_path, team=t.name, headcount=t.headcount,
                           personal_links=counts.get(t.id, {}).get("personal", 0),
                           open_link=counts.get(t.id, {}).get("open", False))
        for t in campaign_teams(session, campaign=campaign)
    ]


@router.post("/api/v1/campaigns/{campaign_id}/invitations", response_model=list[LinkOut], status_code=201)
def api_personal(campaign_id: uuid.UUID, body: PersonalLinksIn, request: Request, session: SessionDep,
                 user: CurrentUser, settings: SettingsDep):
    """Create personal single-use links. The response is the only place the links appear."""
    campaign, _, _ = _campaign(session, user, campaign_id, write=True)
    counts = body.counts
    if counts is None:
        counts = {t.id: t.headcount for t in campaign_teams(session, campaign=campaign) if t.headcount}
    return create_personal_links(session, campaign=campaign, counts=counts, base_url=_base_url(request, settings.base_url))


@router.post("/api/v1/campaigns/{campaign_id}/open-links", response_model=list[LinkOut], status_code=201)
def api_open(campaign_id: uuid.UUID, body: OpenLinksIn, request: Request, session: SessionDep,
             user: CurrentUser, settings: SettingsDep):
    """Create one open link per team (replacing an earlier one); shown only in this response."""
    campaign, _, _ = _campaign(session, user, campaign_id, write=True)
    return create_open_links(session, campaign=campaign, team_ids=body.team_ids,
                             base_url=_base_url(request, settings.base_url))
