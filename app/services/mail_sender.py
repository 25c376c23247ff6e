"""The background sender: a thread that delivers queued messages through SMTP.

Everything it needs is in the database, so a restart loses nothing: each pass deletes
the addresses whose retention date has come, starts scheduled reminders, then *claims*
a batch of due messages (their ``due_at`` moves a lease ahead, so that another process
or a restarted one takes them only if this one died) and sends them over one SMTP
connection at no more than ``AAD_MAIL_RATE_PER_MINUTE``. A temporary failure (a 4xx
answer, a lost connection) is retried after ``AAD_MAIL_RETRY_SECONDS``, doubled after
every attempt; a permanent one (5xx) or the last attempt marks the message failed with
the server's reason. A process that dies between sending and recording a batch sends
that batch again after the lease (at least once, never lost).

The log names no address: it counts messages per pass.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

from sqlalchemy import Engine, func, select as sa_select, update
from sqlmodel import Session, col, select

from app.core.config import Settings
from app.core.db import session_scope
from app.core.security import Sealer
from app.models import Campaign, CampaignTeam, MailJob, Participant, utcnow
from app.services.mailing import fill, message_values, start_due_jobs, templates_of
from app.services.participants import delete_expired
from app.services.teams import join_path, split_path

log = logging.getLogger("aad.mail")
BATCH = 50
LEASE = timedelta(minutes=5)
UNREADABLE_LINK = "the personal link cannot be opened with the configured secret keys"


@dataclass(frozen=True)
class Outcome:
    participant_id: uuid.UUID
    job_id: uuid.UUID | None
    code: int  # 250 sent; 4xx or 0 temporary; 5xx permanent
    reason: str = ""


class MailSender:
    """Delivers the queued messages of every campaign; :meth:`start` runs it in a
    daemon thread, :meth:`run_once` runs one pass (the tests drive it directly)."""

    def __init__(self, engine: Engine, settings: Settings, sealer: Sealer, *, poll_seconds: float = 1.0):
        self.engine, self.settings, self.sealer = engine, settings, sealer
        self.poll_seconds = poll_seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._next_slot = time.monotonic()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="aad-mail", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30) -> None:
        """Stop after the batch being sent (it is recorded first)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                busy = self.run_once()
            except Exception:  # keep sending after a database hiccup; the claim lease protects the batch
                log.exception("mail pass failed")
                busy = 0
            if not busy:
                self._stop.wait(self.poll_seconds)

    def run_once(self) -> int:
        """One pass: housekeeping, then one batch sent and recorded. Returns the number
        of messages handled."""
        now = utcnow()
        housekeeping, sending = self._due(now)
        if housekeeping:
            with session_scope(self.engine, write=True) as session:
                delete_expired(session, today=now.date())
                start_due_jobs(session, now=now)
        if not self.settings.mail_configured or not (sending or housekeeping):
            return 0
        batch = self._claim(now)
        if not batch:
            return 0
        outcomes = self._deliver(batch)
        self._record(outcomes)
        sent = sum(o.code == 250 for o in outcomes)
        log.info("mail pass: %d sent, %d not sent", sent, len(outcomes) - sent)
        return len(outcomes)

    def _due(self, now: datetime) -> tuple[bool, bool]:
        """Whether addresses are to be deleted or reminders started, and whether messages
        are due: read first, so that an idle pass never takes the write lock."""
        with session_scope(self.engine) as session:
            expired = session.exec(
                select(Campaign.id)
                .where(col(Campaign.address_retention_until) <= now.date(), col(Campaign.addresses_deleted) == False)  # noqa: E712
                .limit(1)
            ).first()
            scheduled = session.exec(
                select(MailJob.id).where(col(MailJob.state) == "scheduled", col(MailJob.scheduled_for) <= now).limit(1)
            ).first()
            due = session.exec(
                select(Participant.id)
                .where(col(Participant.status) == "queued", col(Participant.due_at) <= now)
                .limit(1)
            ).first()
        return expired is not None or scheduled is not None, due is not None

    def _claim(self, now: datetime) -> list[dict]:
        """Due messages, leased to this pass, with what their text needs."""
        with session_scope(self.engine, write=True) as session:
            rows = session.execute(
                sa_select(
                    Participant,
                    col(MailJob.kind),
                    col(MailJob.base_url),
                    col(CampaignTeam.unit_path),
                    col(CampaignTeam.name),
                )
                .join(MailJob, col(MailJob.id) == Participant.job_id)
                .join(CampaignTeam, col(CampaignTeam.id) == Participant.campaign_team_id)
                .where(col(Participant.status) == "queued", col(Participant.due_at) <= now)
                .order_by(col(Participant.due_at))
                .limit(BATCH)
                .with_for_update(skip_locked=True, of=Participant)
            ).all()
            if not rows:
                return []
            ids = [p.id for p, *_ in rows]
            session.execute(update(Participant).where(col(Participant.id).in_(ids)).values(due_at=now + LEASE))
            batch = [
                {
                    "id": p.id,
                    "job_id": p.job_id,
                    "campaign_id": p.campaign_id,
                    "email": p.email,
                    "language": p.language,
                    "sealed": p.sealed_link,
                    "kind": kind,
                    "base_url": base,
                    "team": join_path([*split_path(path), name]),
                }
                for p, kind, base, path, name in rows
            ]
            wording = {}
            for campaign_id in {b["campaign_id"] for b in batch}:
                campaign = session.get(Campaign, campaign_id)
                if campaign is None:  # its participants hold it: cannot happen
                    raise LookupError(f"campaign {campaign_id} does not exist")
                wording[campaign_id] = (campaign, templates_of(session, campaign=campaign))
                session.expunge(campaign)  # read after the commit
        for item in batch:
            item["campaign"], item["templates"] = wording[item["campaign_id"]]
        return batch

    def message(self, item: dict) -> EmailMessage:
        """The e-mail for one claimed participant, in its language."""
        campaign, language = item["campaign"], item["language"]
        link = f"{item['base_url']}/s/{self.sealer.open(item['sealed']).decode()}"
        wording = item["templates"][(item["kind"], language)]
        values = message_values(campaign, team=item["team"], link=link, language=language)
        msg = EmailMessage()
        msg["From"] = self.settings.mail_from
        msg["To"] = item["email"]
        msg["Subject"] = fill(wording["subject"], values)
        msg["Date"] = formatdate(localtime=False)
        msg["Message-ID"] = make_msgid(domain=parseaddr(self.settings.mail_from)[1].rpartition("@")[2] or None)
        msg["Auto-Submitted"] = "auto-generated"
        msg.set_content(fill(wording["body"], values))
        msg["Content-Language"] = language  # after set_content, which replaces Content-* headers
        return msg

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        context = ssl.create_default_context()
        smtp: smtplib.SMTP
        if s.smtp_tls:
            smtp = smtplib.SMTP_SSL(s.smtp_host, s.smtp_port, timeout=30, context=context)
        else:
            smtp = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=30)
            if s.smtp_starttls:
                smtp.starttls(context=context)
        if s.smtp_user:
            smtp.login(s.smtp_user, s.smtp_password)
        return smtp

    def _pace(self) -> None:
        """Wait for the next sending slot of the per-minute rate."""
        interval = 60.0 / self.settings.mail_rate_per_minute
        now = time.monotonic()
        self._next_slot = max(self._next_slot, now - interval)  # no credit saved up for a burst
        if self._next_slot > now:
            time.sleep(self._next_slot - now)
        self._next_slot += interval

    def _deliver(self, batch: list[dict]) -> list[Outcome]:
        outcomes: list[Outcome] = []
        try:
            smtp = self._connect()
        except (OSError, smtplib.SMTPException) as exc:
            return [Outcome(b["id"], b["job_id"], _code(exc), _reason(exc)) for b in batch]
        try:
            for item in batch:
                try:
                    message = self.message(item)
                except ValueError:  # sealed under a key that is no longer configured
                    outcomes.append(Outcome(item["id"], item["job_id"], 550, UNREADABLE_LINK))
                    continue
                self._pace()
                try:
                    refused = smtp.send_message(message)
                    outcomes.append(
                        Outcome(item["id"], item["job_id"], 250)
                        if not refused
                        else Outcome(item["id"], item["job_id"], *_first(refused))
                    )
                except smtplib.SMTPRecipientsRefused as exc:
                    outcomes.append(Outcome(item["id"], item["job_id"], *_first(exc.recipients)))
                except (smtplib.SMTPResponseException, smtplib.SMTPSenderRefused) as exc:
                    outcomes.append(Outcome(item["id"], item["job_id"], _code(exc), _reason(exc)))
                    smtp.rset()
                except (OSError, smtplib.SMTPException) as exc:  # the connection is gone: the rest waits
                    done = {o.participant_id for o in outcomes}
                    outcomes += [Outcome(b["id"], b["job_id"], 0, _reason(exc)) for b in batch if b["id"] not in done]
                    break
        finally:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                smtp.close()
        return outcomes

    def _record(self, outcomes: list[Outcome]) -> None:
        """Write each message's new state and the sendings' counts in one transaction."""
        now = utcnow()
        retry = self.settings.mail_retry_seconds
        with session_scope(self.engine, write=True) as session:
            counts: dict[uuid.UUID, list[int]] = {}
            rows = {
                p.id: p
                for p in session.exec(
                    select(Participant).where(col(Participant.id).in_([o.participant_id for o in outcomes]))
                ).all()
            }
            for o in outcomes:
                p = rows.get(o.participant_id)
                if p is None or p.status != "queued":  # deleted (closing) meanwhile
                    continue
                p.attempts += 1
                final = o.code == 250 or o.code >= 500 or p.attempts >= self.settings.mail_max_attempts
                if not final:
                    p.due_at, p.error = now + timedelta(seconds=retry * 2 ** (p.attempts - 1)), o.reason
                else:
                    p.status = "sent" if o.code == 250 else "failed"
                    p.error = "" if o.code == 250 else o.reason
                    p.job_id = p.due_at = None
                    if o.job_id is not None:
                        counts.setdefault(o.job_id, [0, 0])[o.code != 250] += 1
                session.add(p)
            for job_id, (sent, failed) in counts.items():
                session.execute(
                    update(MailJob)
                    .where(col(MailJob.id) == job_id)
                    .values(sent=MailJob.sent + sent, failed=MailJob.failed + failed)
                )
            session.flush()
            _finish_jobs(session, list(counts), now)


def _finish_jobs(session: Session, job_ids: list[uuid.UUID], now: datetime) -> None:
    """Mark the sendings without a waiting message done, and rewrite every participant
    row of their campaigns, so that the rows a sending reached do not stand out by the
    transaction that last wrote them (PostgreSQL's ``xmin``; docs/methodology.md §13)."""
    for job_id in job_ids:
        waiting = session.exec(select(func.count()).select_from(Participant).where(Participant.job_id == job_id)).one()
        if not waiting:
            done = session.execute(
                update(MailJob)
                .where(col(MailJob.id) == job_id, col(MailJob.state) == "running")
                .values(state="done", finished_at=now)
                .returning(col(MailJob.campaign_id))
            ).all()
            for (campaign_id,) in done:
                session.execute(
                    update(Participant)
                    .where(Participant.campaign_id == campaign_id)
                    .values(attempts=Participant.attempts)
                )


def _first(refused: dict) -> tuple[int, str]:
    code, message = next(iter(refused.values()))
    return code, f"{code} {_text(message)}"


def _code(exc: Exception) -> int:
    code = getattr(exc, "smtp_code", 0)
    return code if isinstance(code, int) and code >= 400 and not isinstance(exc, smtplib.SMTPAuthenticationError) else 0


def _reason(exc: Exception) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {_text(exc.smtp_error)}"[:500]
    return (f"{type(exc).__name__}: {exc}")[:500]


def _text(message) -> str:
    return (message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message))[:480]
