"""Report downloads: formats, safe file names, and background jobs for slow reports.

Every report is a pure function of a released :class:`analysis.Diagnosis` (the
renderers in :mod:`app.reports`), so downloads follow the same anonymity rules as the
dashboard. Reports that can take more than a couple of seconds (PDF, PPTX) run in a
small thread pool as jobs with an id: the page polls the job's state and then offers
the file, and the server keeps answering other users meanwhile. Job states and files
live in the database (``report_job``, ``report_file``), so that any server on the same
database, and any worker process of it, answers the polling and the download
(docs/architecture.md, "Several servers").
"""

from __future__ import annotations

import importlib
import logging
import re
import secrets
import unicodedata
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import Engine, delete, update
from sqlmodel import Session, col, select

from app.catalogue import N_
from app.core.db import after_commit, session_scope
from app.models import ReportFile, ReportJob, utcnow
from app.services import NotFound, ServiceError

UNKNOWN_FORMAT = "unknown report format"
JOB_NOT_FOUND = "report job not found"
JOB_NOT_READY = "the report is not ready yet"
JOB_FAILED = "the report could not be generated"
TEAM_HIDDEN = "this team's results are hidden to protect anonymity"
TEAM_NOT_FOUND = "team not found"
JOB_TTL_SECONDS = 15 * 60
#: a job not finished after this long is shown as failed: the server running it stopped
JOB_STALE_SECONDS = 10 * 60
MAX_WORKERS = 2
JOB_FAILED_LOG = "report job %s (%s of campaign %s) failed"
JOB_STATE_LOST = "report job %s: its failure could not be stored"
log = logging.getLogger(__name__)
_JOB_ID = re.compile(r"[A-Za-z0-9_-]{20,30}")


@dataclass(frozen=True)
class Format:
    key: str
    module: str
    function: str
    extension: str
    media_type: str
    slow: bool
    label: str
    options: tuple = ()  # keyword arguments of the renderer


FORMATS = {
    f.key: f
    for f in (
        Format(
            "html",
            "app.reports.html_report",
            "render_report_html",
            "html",
            "text/html; charset=utf-8",
            False,
            N_("Interactive report (HTML)"),
        ),
        Format(
            "pdf",
            "app.reports.pdf_report",
            "render_report_pdf",
            "pdf",
            "application/pdf",
            True,
            N_("Report for leadership (PDF)"),
        ),
        Format(
            "xlsx",
            "app.reports.xlsx_report",
            "render_report_xlsx",
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            False,
            N_("Tables for analysis (XLSX)"),
        ),
        Format(
            "pptx",
            "app.reports.pptx_report",
            "render_report_pptx",
            "pptx",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            True,
            N_("Workshop deck (PPTX)"),
        ),
        Format(
            "csv",
            "app.reports.csv_report",
            "render_report_csv",
            "csv",
            "text/csv; charset=utf-8",
            False,
            N_("Aggregates, long format (CSV)"),
            (("bom", True),),
        ),
        Format(
            "csv-excel",
            "app.reports.csv_report",
            "render_report_csv",
            "csv",
            "text/csv; charset=utf-8",
            False,
            N_("Aggregates for German Excel (CSV with ;)"),
            (("bom", True), ("sep", "semicolon")),
        ),
        Format(
            "team-pdf",
            "app.reports.pdf_report",
            "render_team_report_pdf",
            "pdf",
            "application/pdf",
            True,
            N_("Team report (PDF)"),
        ),
    )
}


def get_format(key: str) -> Format:
    if key not in FORMATS:
        raise NotFound(UNKNOWN_FORMAT)
    return FORMATS[key]


def safe_filename(*parts: str, extension: str) -> str:
    """ASCII letters, digits, ``-`` and ``_`` only (at most 80 characters before the extension)."""
    text = "-".join(p for p in parts if p)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[^A-Za-z0-9_]+", "-", text).strip("-")[:80].strip("-") or "report"
    return f"{text}.{extension}"


def content_disposition(filename: str) -> str:
    return f'attachment; filename="{filename}"'


def render(
    fmt: Format,
    diagnosis,
    *,
    lang: str,
    organization_name: str,
    campaign_name: str,
    team: str | None = None,
    benchmark=None,
    provenance=None,
    register=None,
) -> bytes:
    """The report as bytes (every renderer's library is a dependency: a missing one is
    an installation error and fails loudly); ``benchmark`` (a benchmark comparison
    dict), ``provenance`` (the link log's summary, see
    :func:`app.reports.common.provenance_lines`) and ``register`` (the decision register
    against the answers) go into the organization reports."""
    fn = getattr(importlib.import_module(fmt.module), fmt.function)
    if fmt.module == "app.reports.csv_report":
        out = fn(diagnosis, benchmark=benchmark, provenance=provenance, register=register, **dict(fmt.options))
    elif fmt.key == "html":
        out = fn(
            diagnosis,
            lang=lang,
            title=f"{organization_name} · {campaign_name}",
            benchmark=benchmark,
            provenance=provenance,
            register=register,
        )
    elif fmt.key == "team-pdf":
        out = fn(diagnosis, team, lang=lang, organization_name=organization_name, campaign_name=campaign_name)
    else:
        out = fn(
            diagnosis,
            lang=lang,
            organization_name=organization_name,
            campaign_name=campaign_name,
            benchmark=benchmark,
            provenance=provenance,
            register=register,
        )
    return out.encode("utf-8") if isinstance(out, str) else bytes(out)


def check_team(diagnosis, team: str | None) -> None:
    """A team report needs a released team of the diagnosis."""
    if team is None or team not in diagnosis.teams.labels:
        raise NotFound(TEAM_NOT_FOUND)
    if diagnosis.teams.suppressed[diagnosis.teams.index(team)]:
        raise ServiceError(TEAM_HIDDEN)


# ------------------------------------------------------------------ jobs


@dataclass
class Job:
    id: str
    owner: str
    campaign_id: str
    format: str
    filename: str
    state: str = "queued"  # queued → running → done | failed
    started: datetime | None = None
    finished: datetime | None = None

    @classmethod
    def of(cls, row: ReportJob) -> Job:
        """The job of ``row``; one still queued or running after :data:`JOB_STALE_SECONDS`
        is failed (the server that ran it stopped; no other server takes it over)."""
        state, created = row.state, _aware(row.created_at) or utcnow()
        if state in ("queued", "running") and created < utcnow() - timedelta(seconds=JOB_STALE_SECONDS):
            state = "failed"
        return cls(
            id=row.id,
            owner=str(row.owner_id),
            campaign_id=str(row.campaign_id),
            format=row.format,
            filename=row.filename,
            state=state,
            started=row.started_at,
            finished=row.finished_at,
        )

    def to_dict(self) -> dict:
        now = utcnow()
        started = _aware(self.started) or now
        return {
            "id": self.id,
            "format": self.format,
            "state": self.state,
            "filename": self.filename,
            "seconds": round(((_aware(self.finished) or now) - started).total_seconds(), 1),
            "detail": JOB_FAILED if self.state == "failed" else None,
            "download": f"/api/v1/campaigns/{self.campaign_id}/results/jobs/{self.id}/file"
            if self.state == "done"
            else None,
        }


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite returns the stored UTC times without their zone."""
    return moment.replace(tzinfo=timezone.utc) if moment is not None and moment.tzinfo is None else moment


class JobRunner:
    """A small thread pool for slow reports. A job and its file are rows of the
    database, so that every server on it answers the page's polling and the download;
    jobs older than :data:`JOB_TTL_SECONDS` are deleted with their files when a new
    one is submitted. A failed job is logged with its traceback and shown as failed."""

    def __init__(self, engine: Engine, workers: int = MAX_WORKERS):
        self._engine = engine
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="aad-report")

    def submit(
        self, session: Session, *, owner: uuid.UUID, campaign_id: uuid.UUID, fmt: Format, filename: str, work
    ) -> Job:
        """Store a queued job (deleting expired ones) in ``session`` (the request's) and
        start ``work`` (which returns the file's bytes) in the pool once it has committed."""
        session.execute(
            delete(ReportJob).where(col(ReportJob.created_at) < utcnow() - timedelta(seconds=JOB_TTL_SECONDS))
        )
        row = ReportJob(
            id=secrets.token_urlsafe(16), owner_id=owner, campaign_id=campaign_id, format=fmt.key, filename=filename
        )
        session.add(row)
        session.flush()
        job = Job.of(row)
        after_commit(session, lambda: self._pool.submit(self._run, job, work))
        return job

    def _run(self, job: Job, work) -> None:
        try:
            self._set(job.id, state="running", started_at=utcnow())
            body = work()
            with session_scope(self._engine, write=True) as session:
                session.add(ReportFile(job_id=job.id, data=body))
                session.execute(
                    update(ReportJob).where(col(ReportJob.id) == job.id).values(state="done", finished_at=utcnow())
                )
        except Exception:  # noqa: BLE001 - reported to the user as a failed job, logged for the operator
            log.exception(JOB_FAILED_LOG, job.id, job.format, job.campaign_id)
            try:
                self._set(job.id, state="failed", finished_at=utcnow())
            except Exception:  # noqa: BLE001 - the database itself failed: the job stays unfinished and expires
                log.exception(JOB_STATE_LOST, job.id)

    def _set(self, job_id: str, **values) -> None:
        with session_scope(self._engine, write=True) as session:
            session.execute(update(ReportJob).where(col(ReportJob.id) == job_id).values(**values))

    def get(self, job_id: str, *, owner: uuid.UUID, campaign_id: uuid.UUID) -> Job:
        """The job of ``owner`` for ``campaign_id`` (404 for any other)."""
        if not _JOB_ID.fullmatch(job_id):
            raise NotFound(JOB_NOT_FOUND)
        with session_scope(self._engine) as session:
            row = session.get(ReportJob, job_id)
            if row is None or row.owner_id != owner or row.campaign_id != campaign_id:
                raise NotFound(JOB_NOT_FOUND)
            return Job.of(row)

    def body(self, job: Job) -> bytes:
        with session_scope(self._engine) as session:
            data = session.exec(select(ReportFile.data).where(ReportFile.job_id == job.id)).first()
        if data is None:
            raise NotFound(JOB_NOT_FOUND)
        return bytes(data)
