"""Sendings of a campaign: invitations and reminders, their editable bilingual wording,
and their progress. The messages themselves go out in the background
(:mod:`app.services.mail_sender`), from the state kept here in the database.

A sending (:class:`app.models.MailJob`) queues its recipients: an invitation every
participant not yet invited, a reminder every participant whose personal link has not
been used — now, or at the time HR chose. A queued participant points to its sending
only until its message is sent or has failed; afterwards nothing records which sendings
reached a person (docs/methodology.md §13).
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from pathlib import Path

from sqlalchemy import select as sa_select
from sqlalchemy import update
from sqlmodel import Session, col, select

from app.catalogue import N_, gettext, use_language
from app.core.inputs import control_character
from app.models import Campaign, CampaignStatus, Invitation, MailJob, MailTemplate, Participant
from app.services import Conflict, Invalid, NotFound
from app.services.campaigns import languages_of
from app.services.participants import ADDRESSES_DELETED, status_counts

KINDS = ("invitation", "reminder")
PLACEHOLDERS = ("campaign", "team", "link", "closes_on", "k")
TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "mail"
NOT_OPEN = N_("e-mails can be sent only while the campaign is open")
NOTHING_TO_SEND = N_("every participant on the list has been invited already")
NO_LIST = N_("upload a participant list first")
JOB_NOT_FOUND = N_("sending not found")
NOT_SCHEDULED = N_("only a scheduled reminder can be cancelled")
SCHEDULE_PAST = N_("a reminder can be scheduled only for a later time")
TEMPLATE_INVALID = N_("the template cannot be used")
_FIELD = re.compile(r"\{([^{}]*)\}")
#: The closing date of a campaign without one, as the mail templates say it ("open until …").
OPEN_UNTIL = N_("further notice")


def default_template(kind: str, language: str) -> dict:
    """The bundled wording: ``{"subject", "body"}`` from ``app/templates/mail/``."""
    text = (TEMPLATES / f"{kind}.{language}.txt").read_text(encoding="utf-8")
    first, _, body = text.partition("\n")
    return {"subject": first.removeprefix("Subject:").strip(), "body": body.strip("\n") + "\n"}


def templates_of(session: Session, *, campaign: Campaign) -> dict[tuple[str, str], dict]:
    """The wording per (kind, language) of the campaign's languages; ``edited`` tells
    whether HR changed the bundled text."""
    saved = {
        (t.kind, t.language): t
        for t in session.exec(select(MailTemplate).where(MailTemplate.campaign_id == campaign.id)).all()
    }
    out = {}
    for kind in KINDS:
        for language in languages_of(campaign):
            row = saved.get((kind, language))
            out[(kind, language)] = (
                {"subject": row.subject, "body": row.body, "edited": True}
                if row
                else {**default_template(kind, language), "edited": False}
            )
    return out


def template_problems(subject: str, body: str) -> list[str]:
    """What keeps a wording from being used: empty or too long parts, a line break or
    control character in the subject, an unknown ``{placeholder}``, no ``{link}``."""
    problems = []
    if not subject.strip() or len(subject) > 200:
        problems.append("the subject must have 1 to 200 characters")
    if not body.strip() or len(body) > 5000:
        problems.append("the text must have 1 to 5000 characters")
    if control_character(subject, line_breaks=False):
        problems.append("the subject must be one line without control characters")
    if control_character(body):
        problems.append("the text must not contain control characters")
    for text in (subject, body):
        if text.count("{") != len(_FIELD.findall(text)) or text.count("}") != len(_FIELD.findall(text)):
            problems.append("braces { } may only enclose a placeholder")
        unknown = sorted({name for name in _FIELD.findall(text) if name not in PLACEHOLDERS})
        if unknown:
            problems.append(
                f"unknown placeholder {{{unknown[0][:40]}}}; use {', '.join('{' + p + '}' for p in PLACEHOLDERS)}"
            )
    if "{link}" not in body:
        problems.append("the text must contain {link}")
    return list(dict.fromkeys(problems))


def save_template(session: Session, *, campaign: Campaign, kind: str, language: str, subject: str, body: str) -> None:
    """Store HR's wording of ``kind`` in ``language`` (refused with every problem named)."""
    if kind not in KINDS or language not in languages_of(campaign):
        raise Invalid(TEMPLATE_INVALID, errors=["unknown message kind or language"])
    body = body.replace("\r\n", "\n")
    if problems := template_problems(subject, body):
        raise Invalid(TEMPLATE_INVALID, errors=problems)
    row = session.exec(
        select(MailTemplate).where(
            MailTemplate.campaign_id == campaign.id, MailTemplate.kind == kind, MailTemplate.language == language
        )
    ).first()
    row = row or MailTemplate(campaign_id=campaign.id, kind=kind, language=language, subject="", body="")
    row.subject, row.body = subject.strip(), body
    session.add(row)
    session.flush()


def fill(text: str, values: dict[str, str]) -> str:
    """``text`` with each ``{placeholder}`` replaced (the text was checked on saving)."""
    return _FIELD.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def message_values(campaign: Campaign, *, team: str, link: str, language: str) -> dict[str, str]:
    with use_language(language):
        closes = campaign.closes_on.isoformat() if campaign.closes_on else gettext(OPEN_UNTIL)
    return {"campaign": campaign.name, "team": team, "link": link, "closes_on": closes, "k": str(campaign.k)}


def _sendable(session: Session, campaign: Campaign) -> None:
    if campaign.status != CampaignStatus.open:
        raise Conflict(NOT_OPEN)
    if campaign.addresses_deleted:
        raise Conflict(ADDRESSES_DELETED)
    if session.exec(select(Participant.id).where(Participant.campaign_id == campaign.id).limit(1)).first() is None:
        raise Conflict(NO_LIST)


def send_invitations(session: Session, *, campaign: Campaign, created_by: str, base_url: str, now: datetime) -> MailJob:
    """Queue the invitation of every participant not yet invited; their links start with ``base_url``."""
    _sendable(session, campaign)
    job = MailJob(
        campaign_id=campaign.id, kind="invitation", scheduled_for=now, created_by=created_by, base_url=base_url
    )
    session.add(job)
    session.flush()
    if start_job(session, job=job, now=now) == 0:
        session.rollback()
        raise Conflict(NOTHING_TO_SEND)
    session.flush()
    return job


def send_reminder(
    session: Session, *, campaign: Campaign, created_by: str, base_url: str, now: datetime, at: datetime | None = None
) -> MailJob:
    """A reminder to every participant who has not answered: now, or at ``at`` (then the
    recipients are chosen at that time)."""
    _sendable(session, campaign)
    if at is not None and at <= now:
        raise Invalid(SCHEDULE_PAST)
    job = MailJob(
        campaign_id=campaign.id, kind="reminder", scheduled_for=at or now, created_by=created_by, base_url=base_url
    )
    session.add(job)
    session.flush()
    if at is None:
        start_job(session, job=job, now=now)
    session.flush()
    return job


def start_job(session: Session, *, job: MailJob, now: datetime) -> int:
    """Queue the sending's recipients (not committed); returns how many."""
    recipients = col(Participant.campaign_id) == job.campaign_id
    if job.kind == "invitation":
        chosen = recipients & (col(Participant.status) == "new")
    else:
        not_answered = sa_select(col(Invitation.id)).where(
            col(Invitation.campaign_id) == job.campaign_id,
            col(Invitation.used) == False,  # noqa: E712
        )
        chosen = recipients & (col(Participant.status) != "queued") & col(Participant.invitation_id).in_(not_answered)
    queued = session.exec(
        update(Participant).where(chosen).values(status="queued", job_id=job.id, due_at=now, attempts=0, error="")
    ).rowcount
    job.queued, job.state = queued, ("running" if queued else "done")
    job.finished_at = None if queued else now
    session.add(job)
    return queued


def start_due_jobs(session: Session, *, now: datetime) -> int:
    """Start every scheduled reminder whose time has come (of a campaign that is still
    open; others are cancelled). Returns how many started."""
    due = session.exec(select(MailJob).where(MailJob.state == "scheduled", MailJob.scheduled_for <= now)).all()
    for job in due:
        campaign = session.get(Campaign, job.campaign_id)
        if campaign is None or campaign.status != CampaignStatus.open or campaign.addresses_deleted:
            job.state = "cancelled"
            session.add(job)
        else:
            start_job(session, job=job, now=now)
    session.flush()
    return len(due)


def cancel_reminder(session: Session, *, campaign: Campaign, job_id: uuid.UUID) -> None:
    job = session.get(MailJob, job_id)
    if job is None or job.campaign_id != campaign.id:
        raise NotFound(JOB_NOT_FOUND)
    if job.state != "scheduled":
        raise Conflict(NOT_SCHEDULED)
    job.state = "cancelled"
    session.add(job)
    session.flush()


def jobs_of(session: Session, *, campaign: Campaign) -> list[dict]:
    """The campaign's sendings, newest first, with their progress."""
    jobs = session.exec(
        select(MailJob).where(MailJob.campaign_id == campaign.id).order_by(col(MailJob.scheduled_for).desc())
    ).all()
    return [
        {
            "id": j.id,
            "kind": j.kind,
            "state": j.state,
            "scheduled_for": j.scheduled_for,
            "created_by": j.created_by,
            "queued": j.queued,
            "sent": j.sent,
            "failed": j.failed,
            "waiting": max(0, j.queued - j.sent - j.failed),
            "finished_at": j.finished_at,
        }
        for j in jobs
    ]


def mail_status(session: Session, *, campaign: Campaign, configured: bool) -> dict:
    """Whether mail can be sent, the addresses per state and every sending's progress."""
    return {
        "configured": configured,
        "addresses_deleted": campaign.addresses_deleted,
        "address_retention_until": campaign.address_retention_until,
        "participants": status_counts(session, campaign=campaign),
        "jobs": jobs_of(session, campaign=campaign),
    }
