"""Campaigns: draft → open → closed. Launching freezes the team structure and k."""

from __future__ import annotations

import logging
import uuid
from datetime import date

from sqlalchemy import Row
from sqlmodel import Session, col, func, select

from analysis.instrument import (
    InstrumentChanged,
    QuestionnaireError,
    check_priorities,
    list_questionnaires,
    load_questionnaire,
)
from app.i18n import LANGUAGES
from app.catalogue import N_
from app.models import Campaign, CampaignStatus, CampaignTeam, Organization, Response, utcnow
from app.services import Conflict, Invalid, NotFound
from app.services.organizations import check_k
from app.services.register import freeze_register
from app.services.teams import team_rows

log = logging.getLogger(__name__)
CAMPAIGN_NOT_FOUND = N_("campaign not found")
NOT_DRAFT = N_("only a draft campaign can be changed or launched")
NOT_OPEN = N_("only an open campaign can be closed")
NO_TEAMS = N_("import the team structure before launching")
K_FROZEN = N_("k is frozen at launch")
UNKNOWN_QUESTIONNAIRE = N_("unknown questionnaire")
NO_PRIORITIES = N_("set the list of priorities before launching")
INSTRUMENT_CHANGED = N_(
    "the questionnaire file of this campaign has changed since the campaign was bound to it; "
    "restore the original file (the server log names it)"
)
NO_PRIORITY_ITEM = N_("this questionnaire has no top-priority item")
BAD_PRIORITIES = N_("give 2 to 12 different priorities, each with 1 to 200 characters in English and German")
NAME_LENGTH = N_("the name must have 1 to 200 characters")
LANGUAGES_ALLOWED = N_("languages must be among en, de")
CLOSES_BEFORE_OPENING = N_("the closing date is before the opening date")
#: The instrument of a new campaign unless another is chosen.
DEFAULT_QUESTIONNAIRE = "aligned-autonomy-v2"


def questionnaire_choices() -> list[dict]:
    """The bundled instruments, the default (:data:`DEFAULT_QUESTIONNAIRE`) first."""
    return sorted(
        ({"id": q.id, "version": q.version, "title": q.title, "n_items": len(q.items)} for q in list_questionnaires()),
        key=lambda c: (c["id"] != DEFAULT_QUESTIONNAIRE, c["id"]),
    )


def questionnaire_of(campaign: Campaign):
    """The exact instrument the campaign is bound to (id, version and file hash), with
    the campaign's priorities as the options of its top-priority item.

    ``Conflict(INSTRUMENT_CHANGED)`` when the file has changed under the same version
    since the campaign was launched (a draft is bound again at launch) (the details go to the log): its
    answers are never scored by another instrument than the one they were given to.
    """
    try:
        q = load_questionnaire(
            campaign.questionnaire_id,
            version=campaign.questionnaire_version,
            sha256=None if campaign.status == CampaignStatus.draft else campaign.questionnaire_sha256,
        )
    except InstrumentChanged as exc:
        log.error("campaign %s: %s", campaign.id, exc)
        raise Conflict(INSTRUMENT_CHANGED) from None
    return q.with_priorities(campaign.priorities)


def asks_priority(campaign: Campaign) -> bool:
    """Whether the campaign's instrument has the top-priority item."""
    return load_questionnaire(campaign.questionnaire_id).priority_item is not None


def languages_of(campaign: Campaign) -> tuple[str, ...]:
    return tuple(lang for lang in campaign.languages.split(",") if lang in LANGUAGES) or ("en",)


def list_campaigns(session: Session, *, organization: Organization) -> list[Campaign]:
    return list(
        session.exec(
            select(Campaign)
            .where(Campaign.organization_id == organization.id)
            .order_by(col(Campaign.created_at).desc())
        ).all()
    )


def get_campaign(session: Session, *, organization_ids, campaign_id: uuid.UUID) -> Campaign:
    """A campaign of one of ``organization_ids`` (else 404)."""
    campaign = session.get(Campaign, campaign_id)
    if campaign is None or campaign.organization_id not in organization_ids:
        raise NotFound(CAMPAIGN_NOT_FOUND)
    return campaign


def create_campaign(
    session: Session,
    *,
    organization: Organization,
    name: str,
    questionnaire_id: str,
    languages: list[str] | None = None,
    opens_on: date | None = None,
    closes_on: date | None = None,
) -> Campaign:
    """A draft campaign with the organization's k and comment threshold."""
    try:
        questionnaire = load_questionnaire(questionnaire_id)
    except QuestionnaireError:
        raise Invalid(UNKNOWN_QUESTIONNAIRE) from None
    if questionnaire.id != questionnaire_id:
        raise Invalid(UNKNOWN_QUESTIONNAIRE)
    campaign = Campaign(
        organization_id=organization.id,
        name="",
        questionnaire_id=questionnaire.id,
        questionnaire_version=questionnaire.version,
        questionnaire_sha256=questionnaire.sha256,
        k=organization.k,
        k_acknowledged=organization.k_acknowledged,
        comment_k=organization.comment_k,
    )
    _apply(campaign, name=name, languages=languages or list(LANGUAGES), opens_on=opens_on, closes_on=closes_on)
    session.add(campaign)
    session.flush()
    session.refresh(campaign)
    return campaign


def update_campaign(session: Session, *, campaign: Campaign, changes: dict) -> Campaign:
    """Change a draft (name, languages, dates, k); after launch only the closing date.
    The campaign's row is locked first, so a launch cannot slip in between."""
    session.refresh(campaign, with_for_update=True)
    if campaign.status != CampaignStatus.draft:
        if "k" in changes and changes["k"] != campaign.k:
            raise Conflict(K_FROZEN)
        if set(changes) - {"closes_on", "k"}:
            raise Conflict(NOT_DRAFT)
    if "k" in changes or "k_acknowledged" in changes:
        k = changes.get("k", campaign.k)
        ack = changes.get("k_acknowledged", campaign.k_acknowledged)
        check_k(k, acknowledged=ack)
        if campaign.comment_k < k:
            campaign.comment_k = k
        campaign.k, campaign.k_acknowledged = k, ack
    _apply(
        campaign,
        name=changes.get("name", campaign.name),
        languages=changes.get("languages", list(languages_of(campaign))),
        opens_on=changes.get("opens_on", campaign.opens_on),
        closes_on=changes.get("closes_on", campaign.closes_on),
    )
    session.add(campaign)
    session.flush()
    session.refresh(campaign)
    return campaign


def _apply(campaign: Campaign, *, name: str, languages: list[str], opens_on, closes_on) -> None:
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise Invalid(NAME_LENGTH)
    if not languages or any(lang not in LANGUAGES for lang in languages):
        raise Invalid(LANGUAGES_ALLOWED)
    if opens_on and closes_on and closes_on < opens_on:
        raise Invalid(CLOSES_BEFORE_OPENING)
    campaign.name = name
    campaign.languages = ",".join(lang for lang in LANGUAGES if lang in languages)
    campaign.opens_on, campaign.closes_on = opens_on, closes_on


def set_priorities(session: Session, *, campaign: Campaign, priorities: list[dict]) -> Campaign:
    """The organization's list for the top-priority item (a draft's only; 2–12
    distinct texts in English and German)."""
    session.refresh(campaign, with_for_update=True)
    if campaign.status != CampaignStatus.draft:
        raise Conflict(NOT_DRAFT)
    if not asks_priority(campaign):
        raise Invalid(NO_PRIORITY_ITEM)
    try:
        check_priorities(priorities)
    except ValueError:
        raise Invalid(BAD_PRIORITIES) from None
    campaign.priorities = [{lang: p[lang].strip() for lang in LANGUAGES} for p in priorities]
    session.add(campaign)
    session.flush()
    session.refresh(campaign)
    return campaign


def launch_campaign(
    session: Session, *, campaign: Campaign, organization: Organization, asked: list[str] | None = None
) -> Campaign:
    """Open a draft: copy the current team structure and decision register into the
    campaign, freeze k and bind the campaign to the questionnaire file as it is now (its
    SHA-256); ``asked`` are the register's decision types the survey asks about. The
    campaign's row is locked first, so that of concurrent launches one copies the
    structure and the others find the campaign open (409)."""
    session.refresh(campaign, with_for_update=True)
    if campaign.status != CampaignStatus.draft:
        raise Conflict(NOT_DRAFT)
    try:
        questionnaire = load_questionnaire(campaign.questionnaire_id, version=campaign.questionnaire_version)
    except InstrumentChanged:
        raise Conflict(UNKNOWN_QUESTIONNAIRE) from None
    if questionnaire.priority_item is not None and not campaign.priorities:
        raise Conflict(NO_PRIORITIES)
    campaign.questionnaire_sha256 = questionnaire.sha256
    teams = team_rows(session, organization=organization)
    if not teams:
        raise Conflict(NO_TEAMS)
    frozen = [
        CampaignTeam(
            campaign_id=campaign.id,
            team_id=row["id"],
            unit_path=row["unit_path"],
            name=row["name"],
            headcount=row["headcount"],
        )
        for row in teams
    ]
    session.add_all(frozen)
    try:
        freeze_register(
            session, campaign=campaign, organization=organization, campaign_teams=frozen, asked=list(asked or [])
        )
    except Invalid:
        session.rollback()
        raise
    campaign.status = CampaignStatus.open
    campaign.launched_at = utcnow()
    campaign.interim_results = organization.live_results  # see app.services.results
    session.add(campaign)
    session.flush()
    session.refresh(campaign)
    return campaign


def close_campaign(session: Session, *, campaign: Campaign) -> Campaign:
    """Mark an open campaign closed, in the caller's transaction (see
    :func:`app.services.closing.close_and_release`)."""
    if campaign.status != CampaignStatus.open:
        raise Conflict(NOT_OPEN)
    campaign.status = CampaignStatus.closed
    campaign.closed_at = utcnow()
    session.add(campaign)
    session.flush()
    return campaign


def accepting_responses(campaign: Campaign, *, today: date) -> bool:
    """Open, and today lies between the opening and closing dates (where set)."""
    return (
        campaign.status == CampaignStatus.open
        and (campaign.opens_on is None or campaign.opens_on <= today)
        and (campaign.closes_on is None or today <= campaign.closes_on)
    )


def campaign_teams(session: Session, *, campaign: Campaign) -> list[Row]:
    """The campaign's teams as read-only rows (``id``, ``unit_path``, ``name``,
    ``headcount``) ordered by unit path and name: much lighter than ORM objects for a
    campaign with thousands of teams."""
    return list(
        session.execute(
            select(CampaignTeam.id, CampaignTeam.unit_path, CampaignTeam.name, CampaignTeam.headcount)
            .where(CampaignTeam.campaign_id == campaign.id)
            .order_by(CampaignTeam.unit_path, CampaignTeam.name)
        ).all()
    )


def response_count(session: Session, *, campaign: Campaign) -> int:
    return session.exec(select(func.count()).select_from(Response).where(Response.campaign_id == campaign.id)).one()
