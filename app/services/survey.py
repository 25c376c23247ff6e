"""The employee survey: link exchange, answer validation and the anonymous submission."""

from __future__ import annotations

import unicodedata
import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import update
from sqlmodel import Session, col, func, select

from analysis.instrument import Questionnaire
from app.catalogue import N_
from app.core.db import lock_key
from app.core.security import Sealer, token_hash
from app.models import Campaign, CampaignTeam, Invitation, InvitationKind, PendingResponse, Response
from app.problems import Problem, at_item
from app.services import Conflict, Invalid, NotFound
from app.services.campaigns import accepting_responses
from app.services.intake import park, waiting

MAX_BODY_BYTES = 65_536
BODY_TOO_LARGE = f"request body larger than {MAX_BODY_BYTES} bytes"
UNKNOWN_LINK = N_("unknown link")
USED_LINK = N_("already answered")
CLOSED = N_("survey closed")
TEAM_FULL = N_("this team has already given as many answers as it has members")
ANSWERED_KINDS = ("perception", "structure", "misconception", "outcome")
CONTROL = {chr(c) for c in range(32)} - {"\n", "\t"} | {"\x7f"}


@dataclass(frozen=True)
class Submission:
    """Validated answers: scored items by value, background as keys, the comment text."""

    answers: dict[str, int]
    role: str
    tenure: str | None
    comment: str | None
    language: str | None = None  # the language the survey was answered in


def find_link(session: Session, *, token: str, today: date) -> tuple[Invitation, Campaign]:
    """The live invitation for ``token``: :class:`NotFound` if unknown or withdrawn,
    :class:`Conflict` if used, ``Conflict(CLOSED)`` if the campaign takes no answers."""
    if not token or len(token) > 100:
        raise NotFound(UNKNOWN_LINK)
    invitation = session.exec(select(Invitation).where(Invitation.token_hash == token_hash(token))).first()
    if invitation is None or not invitation.active:
        raise NotFound(UNKNOWN_LINK)
    campaign = session.get(Campaign, invitation.campaign_id)
    if campaign is None:  # the invitation outlived its campaign
        raise NotFound(UNKNOWN_LINK)
    if not accepting_responses(campaign, today=today):
        raise Conflict(CLOSED)
    if invitation.used:
        raise Conflict(USED_LINK)
    _check_room(session, invitation)
    return invitation, campaign


def load_link(session: Session, *, invitation_id: uuid.UUID, today: date) -> tuple[Invitation, Campaign, CampaignTeam]:
    """The invitation behind a survey session, checked again like :func:`find_link`."""
    invitation = session.get(Invitation, invitation_id)
    if invitation is None or not invitation.active:
        raise NotFound(UNKNOWN_LINK)
    campaign = session.get(Campaign, invitation.campaign_id)
    if campaign is None:  # the invitation outlived its campaign
        raise NotFound(UNKNOWN_LINK)
    if not accepting_responses(campaign, today=today):
        raise Conflict(CLOSED)
    if invitation.used:
        raise Conflict(USED_LINK)
    team = session.get(CampaignTeam, invitation.campaign_team_id)
    if team is None:
        raise NotFound(UNKNOWN_LINK)
    _check_room(session, invitation, team)
    return invitation, campaign, team


def _check_room(session: Session, invitation: Invitation, team: CampaignTeam | None = None) -> None:
    """``Conflict(TEAM_FULL)`` once the team has given as many answer sets as its headcount."""
    team = team or session.get(CampaignTeam, invitation.campaign_team_id)
    if team is None:
        raise NotFound(UNKNOWN_LINK)
    if _given(session, team.id) >= team.headcount:
        raise Conflict(TEAM_FULL)


def validate(questionnaire: Questionnaire, fields: dict[str, list]) -> Submission:
    """Check raw answers (``item id -> list of submitted values``) against the instrument.

    Values may be option values as int or decimal text; an empty text means unanswered.
    Raises :class:`Invalid` naming the first problem.
    """
    known = {item.id: item for item in questionnaire.items}
    for key in fields:
        if key not in known:
            raise Invalid(Problem("unknown_item", {"item": _name(key)}))
    answers: dict[str, int] = {}
    background: dict[str, str] = {}
    comment = None
    for item in questionnaire.items:
        values = [v for v in fields.get(item.id, []) if not (isinstance(v, str) and v.strip() == "") and v is not None]
        if len(values) > 1:
            raise Invalid(Problem("more_than_one_answer", at=at_item(item.id)))
        if not values:
            if item.required:
                raise Invalid(Problem("answer_required", at=at_item(item.id)))
            continue
        raw = values[0]
        if item.kind == "comment":
            comment = _comment(item, raw)
            continue
        option = option_of(item, raw)
        if item.kind == "background":
            assert item.background is not None  # the schema gives every background item one
            background[item.background] = option.key
        else:
            answers[item.id] = option.value
    if "role" not in background:
        raise Invalid(Problem("answer_required", at=at_item("role")))
    return Submission(answers=answers, role=background["role"], tenure=background.get("tenure"), comment=comment)


def _name(key) -> str:
    return repr(str(key)[:50])


def option_of(item, raw):
    """The option of ``item`` that ``raw`` (an int or decimal text) names; :class:`Invalid` otherwise."""
    value = None
    if isinstance(raw, int) and not isinstance(raw, bool):
        value = raw
    elif isinstance(raw, str) and raw.strip().isdigit() and raw.strip().isascii() and len(raw) < 10:
        value = int(raw)
    option = next((o for o in item.options if o.value == value), None) if value is not None else None
    if option is None:
        allowed = ", ".join(str(o.value) for o in item.options)
        raise Invalid(Problem("not_an_answer_value", {"value": _name(raw), "allowed": allowed}, at=at_item(item.id)))
    return option


def _comment(item, raw) -> str | None:
    if not isinstance(raw, str):
        raise Invalid(Problem("comment_not_text", at=at_item(item.id)))
    try:
        raw.encode("utf-8")
    except UnicodeEncodeError:
        raise Invalid(Problem("comment_not_valid", at=at_item(item.id))) from None
    text = unicodedata.normalize("NFC", "".join(ch for ch in raw.replace("\r\n", "\n") if ch not in CONTROL)).strip()
    if len(text) > item.max_length:
        raise Invalid(Problem("comment_too_long", {"max": item.max_length}, at=at_item(item.id)))
    return text or None


def _given(session: Session, team_id: uuid.UUID) -> int:
    return sum(
        session.exec(select(func.count()).select_from(table).where(table.campaign_team_id == team_id)).one()
        for table in (Response, PendingResponse)
    )


@dataclass(frozen=True)
class Stored:
    """Where a submission went: its campaign and team, and whether the team's waiting
    answer sets may now form a batch (:func:`app.services.intake.flush_team`)."""

    campaign_id: uuid.UUID
    team_id: uuid.UUID
    batch_ready: bool


def submit(
    session: Session, *, invitation_id: uuid.UUID, submission: Submission, today: date, sealer: Sealer
) -> Stored:
    """Store one answer set in a single transaction: a personal link is marked used and
    the answers are parked, sealed (:func:`app.services.intake.park`). A team never gives
    more answer sets than its headcount frozen at launch (409 :data:`TEAM_FULL`)."""
    invitation, campaign, team = load_link(session, invitation_id=invitation_id, today=today)
    lock_key(session, team.id)
    _check_room(session, invitation, team)  # again, now that concurrent submissions wait
    if invitation.kind == InvitationKind.personal:
        marked = session.exec(
            update(Invitation)
            .where(col(Invitation.id) == invitation.id, col(Invitation.used) == False)  # noqa: E712
            .values(used=True)
        )
        if marked.rowcount != 1:
            session.rollback()
            raise Conflict(USED_LINK)
    park(
        session,
        campaign=campaign,
        team_id=team.id,
        answers=submission.answers,
        role=submission.role,
        tenure=submission.tenure,
        comment=submission.comment,
        today=today,
        sealer=sealer,
        language=submission.language,
    )
    session.flush()
    ready = waiting(session, campaign=campaign, team_id=team.id) >= campaign.k
    session.flush()
    return Stored(campaign.id, team.id, ready)
