"""E-mail invitations, reminders and posters of a campaign (pages and ``/api/v1``):
participant lists, editable wording, sendings with their progress, the address
retention date, and the posters with each team's open link as a QR code."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timezone
from typing import Annotated

from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from app.catalogue import N_
from app.deps import CsrfRoute, CurrentUser, Page, RawBody, SessionDep, SettingsDep
from app.models import utcnow
from app.reports.posters import render_posters_pdf
from app.routers.campaigns import _campaign
from app.routers.invitations import OpenLinksIn, _base_url
from app.services import Conflict, Invalid
from app.services.campaigns import languages_of
from app.services.invitations import UNKNOWN_TEAM, create_open_links
from app.services.mailing import (
    PLACEHOLDERS,
    cancel_reminder,
    jobs_of,
    mail_status,
    save_template,
    send_invitations,
    send_reminder,
    templates_of,
)
from app.services.participants import (
    MAX_CSV_BYTES,
    import_participants,
    participant_log,
    set_retention,
)
from app.templating import PageContext

router = APIRouter(tags=["mailing"], route_class=CsrfRoute)
MAIL_NOT_CONFIGURED = N_(
    "no mail server is configured (AAD_SMTP_HOST); download the personal links as CSV for your own mail system instead"
)
BAD_TIME = N_("give the reminder's time as YYYY-MM-DDTHH:MM")


class JobOut(BaseModel):
    id: uuid.UUID
    kind: str
    state: str
    scheduled_for: datetime
    created_by: str
    queued: int
    sent: int
    failed: int
    waiting: int
    finished_at: datetime | None


class MailStatusOut(BaseModel):
    configured: bool = Field(description="whether an SMTP server is configured")
    addresses_deleted: bool
    address_retention_until: date | None
    participants: dict[str, int] = Field(description="addresses per state: new, queued, sent, failed")
    jobs: list[JobOut]


class ParticipantOut(BaseModel):
    email: str
    team: str
    language: str
    status: str
    attempts: int
    error: str


class AddedOut(BaseModel):
    added: int = Field(description="participants added from the list")


class ReminderIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    at: datetime | None = Field(None, description="when to send (with time zone); default: now")


class TemplateIn(BaseModel):
    subject: str = Field(max_length=200)
    body: str = Field(max_length=5000)


class TemplateOut(TemplateIn):
    kind: str
    language: str
    edited: bool


class RetentionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    until: date | None = Field(..., description="delete the addresses on this day (null: at closing)")


def _writable(session, user, campaign_id):
    campaign, org, _ = _campaign(session, user, campaign_id, write=True)
    return campaign, org


def _configured(settings) -> None:
    if not settings.mail_configured:
        raise Conflict(MAIL_NOT_CONFIGURED)


def _who(request, settings, user) -> dict:
    """Who sends, from where the links start, and now."""
    return {"created_by": user.email, "base_url": _base_url(request, settings.base_url), "now": utcnow()}


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=timezone.utc)


def _page(page_ctx: PageContext, session, campaign, org, settings, *, errors=None, status_code=200):
    templates = templates_of(session, campaign=campaign)
    return page_ctx.render(
        "admin/mail.html",
        {
            "org": org,
            "campaign": campaign,
            "mail": mail_status(session, campaign=campaign, configured=settings.mail_configured),
            "log": participant_log(session, campaign=campaign),
            "errors": errors,
            "templates": [{"kind": k, "language": lang, **t} for (k, lang), t in templates.items()],
            "placeholders": PLACEHOLDERS,
            "languages": languages_of(campaign),
        },
        status_code=status_code,
    )


def _back(campaign) -> RedirectResponse:
    return RedirectResponse(f"/campaigns/{campaign.id}/mail", status_code=303)


# ------------------------------------------------------------------ pages


@router.get("/campaigns/{campaign_id}/mail", include_in_schema=False)
def mail_page(campaign_id: uuid.UUID, page_ctx: Page, session: SessionDep, user: CurrentUser, settings: SettingsDep):
    campaign, org = _writable(session, user, campaign_id)
    return _page(page_ctx, session, campaign, org, settings)


@router.post("/campaigns/{campaign_id}/participants", include_in_schema=False)
def participants_upload(
    campaign_id: uuid.UUID,
    request: Request,
    page_ctx: Page,
    session: SessionDep,
    user: CurrentUser,
    settings: SettingsDep,
    file: UploadFile,
):
    campaign, org = _writable(session, user, campaign_id)
    try:
        import_participants(
            session,
            campaign=campaign,
            data=file.file.read(MAX_CSV_BYTES + 1),
            sealer=request.app.state.link_sealer,
            created_by=user.email,
        )
    except Invalid as exc:
        session.rollback()
        return _page(page_ctx, session, campaign, org, settings, errors=[exc.problem, *exc.problems], status_code=422)
    return _back(campaign)


@router.post("/campaigns/{campaign_id}/mail/invitations", include_in_schema=False)
def invitations_send(
    campaign_id: uuid.UUID, request: Request, session: SessionDep, user: CurrentUser, settings: SettingsDep
):
    campaign, _ = _writable(session, user, campaign_id)
    _configured(settings)
    send_invitations(session, campaign=campaign, **_who(request, settings, user))
    return _back(campaign)


@router.post("/campaigns/{campaign_id}/mail/reminders", include_in_schema=False)
def reminder_send(
    campaign_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    settings: SettingsDep,
    when: Annotated[str, Form(max_length=40)],
):
    """A reminder ``now`` or at a time (YYYY-MM-DDTHH:MM, UTC unless it names its zone)."""
    campaign, _ = _writable(session, user, campaign_id)
    _configured(settings)
    try:
        at = None if when == "now" else _aware(datetime.fromisoformat(when))
    except ValueError:
        raise Invalid(BAD_TIME) from None
    send_reminder(session, campaign=campaign, **_who(request, settings, user), at=at)
    return _back(campaign)


@router.post("/campaigns/{campaign_id}/mail/jobs/{job_id}/cancel", include_in_schema=False)
def reminder_cancel(campaign_id: uuid.UUID, job_id: uuid.UUID, session: SessionDep, user: CurrentUser):
    campaign, _ = _writable(session, user, campaign_id)
    cancel_reminder(session, campaign=campaign, job_id=job_id)
    return _back(campaign)


@router.post("/campaigns/{campaign_id}/mail/templates", include_in_schema=False)
def template_save(
    campaign_id: uuid.UUID,
    page_ctx: Page,
    session: SessionDep,
    user: CurrentUser,
    settings: SettingsDep,
    kind: Annotated[str, Form(max_length=10)],
    language: Annotated[str, Form(max_length=2)],
    subject: Annotated[str, Form(max_length=200)],
    body: Annotated[str, Form(max_length=5000)],
):
    campaign, org = _writable(session, user, campaign_id)
    try:
        save_template(session, campaign=campaign, kind=kind, language=language, subject=subject, body=body)
    except Invalid as exc:
        session.rollback()
        return _page(page_ctx, session, campaign, org, settings, errors=[exc.problem, *exc.problems], status_code=422)
    return _back(campaign)


@router.post("/campaigns/{campaign_id}/mail/retention", include_in_schema=False)
def retention_save(
    campaign_id: uuid.UUID, session: SessionDep, user: CurrentUser, until: Annotated[date | None, Form()] = None
):
    campaign, _ = _writable(session, user, campaign_id)
    set_retention(session, campaign=campaign, until=until, today=utcnow().date())
    return _back(campaign)


@router.post("/campaigns/{campaign_id}/posters", include_in_schema=False)
def posters_download(
    campaign_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    settings: SettingsDep,
    team_id: Annotated[str, Form(max_length=40)],
):
    """Create (or replace) the open link of one team (or of ``all``) and download their posters."""
    campaign, org = _writable(session, user, campaign_id)
    try:
        team_ids = None if team_id == "all" else [uuid.UUID(team_id)]
    except ValueError:
        raise Invalid(UNKNOWN_TEAM) from None
    return _posters(request, session, campaign, org, settings, user, team_ids)


def _posters(request, session, campaign, org, settings, user, team_ids) -> Response:
    rows = create_open_links(
        session,
        campaign=campaign,
        team_ids=team_ids,
        base_url=_base_url(request, settings.base_url),
        created_by=user.email,
    )
    teams = [{"team": " / ".join(p for p in (r["unit_path"], r["team"]) if p), "link": r["link"]} for r in rows]
    pdf = render_posters_pdf(campaign=campaign, organization_name=org.name, teams=teams)
    return Response(
        pdf, media_type="application/pdf", headers={"content-disposition": 'attachment; filename="posters.pdf"'}
    )


# ------------------------------------------------------------------- API


@router.get("/api/v1/campaigns/{campaign_id}/mail", response_model=MailStatusOut)
def api_status(campaign_id: uuid.UUID, session: SessionDep, user: CurrentUser, settings: SettingsDep):
    """Whether mail can be sent, the addresses per state and every sending's progress."""
    campaign, _ = _writable(session, user, campaign_id)
    return mail_status(session, campaign=campaign, configured=settings.mail_configured)


@router.get("/api/v1/campaigns/{campaign_id}/participants", response_model=list[ParticipantOut])
def api_participants(campaign_id: uuid.UUID, session: SessionDep, user: CurrentUser):
    """The send log: each address with the state of its last message (no time)."""
    campaign, _ = _writable(session, user, campaign_id)
    return participant_log(session, campaign=campaign)


@router.post(
    "/api/v1/campaigns/{campaign_id}/participants",
    status_code=201,
    response_model=AddedOut,
    openapi_extra={"requestBody": {"content": {"text/csv": {"schema": {"type": "string"}}}, "required": True}},
)
def api_upload(campaign_id: uuid.UUID, body: RawBody, request: Request, session: SessionDep, user: CurrentUser):
    """Add a participant list (CSV: email, team, optional unit path and language); all or nothing."""
    campaign, _ = _writable(session, user, campaign_id)
    return import_participants(
        session, campaign=campaign, data=body, sealer=request.app.state.link_sealer, created_by=user.email
    )


@router.post("/api/v1/campaigns/{campaign_id}/mail/invitations", response_model=JobOut, status_code=201)
def api_invitations(
    campaign_id: uuid.UUID, request: Request, session: SessionDep, user: CurrentUser, settings: SettingsDep
):
    """Send the invitation to every participant not yet invited (in the background)."""
    campaign, _ = _writable(session, user, campaign_id)
    _configured(settings)
    job = send_invitations(session, campaign=campaign, **_who(request, settings, user))
    return next(j for j in jobs_of(session, campaign=campaign) if j["id"] == job.id)


@router.post("/api/v1/campaigns/{campaign_id}/mail/reminders", response_model=JobOut, status_code=201)
def api_reminder(
    campaign_id: uuid.UUID,
    body: ReminderIn,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    settings: SettingsDep,
):
    """Remind every participant who has not answered, now or at ``at``."""
    campaign, _ = _writable(session, user, campaign_id)
    _configured(settings)
    job = send_reminder(
        session, campaign=campaign, **_who(request, settings, user), at=_aware(body.at) if body.at else None
    )
    return next(j for j in jobs_of(session, campaign=campaign) if j["id"] == job.id)


@router.get("/api/v1/campaigns/{campaign_id}/mail/templates", response_model=list[TemplateOut])
def api_templates(campaign_id: uuid.UUID, session: SessionDep, user: CurrentUser):
    """The wording of the invitation and the reminder in each of the campaign's languages."""
    campaign, _ = _writable(session, user, campaign_id)
    return [{"kind": k, "language": lang, **t} for (k, lang), t in templates_of(session, campaign=campaign).items()]


@router.put("/api/v1/campaigns/{campaign_id}/mail/templates/{kind}/{language}", status_code=204)
def api_template_save(
    campaign_id: uuid.UUID, kind: str, language: str, body: TemplateIn, session: SessionDep, user: CurrentUser
) -> None:
    """Change the wording (placeholders: {campaign}, {team}, {link}, {closes_on}, {k})."""
    campaign, _ = _writable(session, user, campaign_id)
    save_template(session, campaign=campaign, kind=kind, language=language, subject=body.subject, body=body.body)


@router.put("/api/v1/campaigns/{campaign_id}/mail/retention", response_model=MailStatusOut)
def api_retention(
    campaign_id: uuid.UUID, body: RetentionIn, session: SessionDep, user: CurrentUser, settings: SettingsDep
):
    """The day the addresses are deleted if the campaign is still open (else at closing)."""
    campaign, _ = _writable(session, user, campaign_id)
    set_retention(session, campaign=campaign, until=body.until, today=utcnow().date())
    return mail_status(session, campaign=campaign, configured=settings.mail_configured)


@router.post(
    "/api/v1/campaigns/{campaign_id}/posters",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
def api_posters(
    campaign_id: uuid.UUID,
    body: OpenLinksIn,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    settings: SettingsDep,
):
    """A poster per team (``team_ids``; default: all) with a new open link as QR code; an
    earlier open link of the team stops working."""
    campaign, org = _writable(session, user, campaign_id)
    return _posters(request, session, campaign, org, settings, user, body.team_ids)
