"""Report downloads: formats, safe file names, and background jobs for slow reports.

Every report is a pure function of a released :class:`analysis.Diagnosis` (the
renderers in :mod:`app.reports`), so downloads follow the same anonymity rules as the
dashboard. Reports that can take more than a couple of seconds (PDF, PPTX) run in a
small thread pool as jobs with an id: the page polls the job's state and then offers
the file, and the server keeps answering other users meanwhile. Job states and files
live in the data directory, so any worker process can answer the polling.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import re
import secrets
import time
import unicodedata
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from app.catalogue import N_
from app.services import NotFound, ServiceError

UNKNOWN_FORMAT = "unknown report format"
JOB_NOT_FOUND = "report job not found"
JOB_NOT_READY = "the report is not ready yet"
JOB_FAILED = "the report could not be generated"
TEAM_HIDDEN = "this team's results are hidden to protect anonymity"
TEAM_NOT_FOUND = "team not found"
JOB_TTL_SECONDS = 15 * 60
MAX_WORKERS = 2
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
    options: tuple = ()   # keyword arguments of the renderer


FORMATS = {f.key: f for f in (
    Format("html", "app.reports.html_report", "render_report_html", "html", "text/html; charset=utf-8", False,
           N_("Interactive report (HTML)")),
    Format("pdf", "app.reports.pdf_report", "render_report_pdf", "pdf", "application/pdf", True,
           N_("Report for leadership (PDF)")),
    Format("xlsx", "app.reports.xlsx_report", "render_report_xlsx", "xlsx",
           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", False, N_("Tables for analysis (XLSX)")),
    Format("pptx", "app.reports.pptx_report", "render_report_pptx", "pptx",
           "application/vnd.openxmlformats-officedocument.presentationml.presentation", True,
           N_("Workshop deck (PPTX)")),
    Format("csv", "app.reports.csv_report", "render_report_csv", "csv", "text/csv; charset=utf-8", False,
           N_("Aggregates, long format (CSV)"), (("bom", True),)),
    Format("csv-excel", "app.reports.csv_report", "render_report_csv", "csv", "text/csv; charset=utf-8", False,
           N_("Aggregates for German Excel (CSV with ;)"), (("bom", True), ("sep", "semicolon"))),
    Format("team-pdf", "app.reports.pdf_report", "render_team_report_pdf", "pdf", "application/pdf", True,
           N_("Team report (PDF)")),
)}


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


def render(fmt: Format, diagnosis, *, lang: str, organization_name: str, campaign_name: str,
           team: str | None = None, benchmark=None, provenance=None, register=None) -> bytes:
    """The report as bytes (every renderer's library is a dependency: a missing one is
    an installation error and fails loudly); ``benchmark`` (a benchmark comparison
    dict), ``provenance`` (the link log's summary, see
    :func:`app.reports.common.provenance_lines`) and ``register`` (the decision register
    against the answers) go into the organization reports."""
    fn = getattr(importlib.import_module(fmt.module), fmt.function)
    if fmt.module == "app.reports.csv_report":
        out = fn(diagnosis, benchmark=benchmark, provenance=provenance, register=register, **dict(fmt.options))
    elif fmt.key == "html":
        out = fn(diagnosis, lang=lang, title=f"{organization_name} · {campaign_name}", benchmark=benchmark,
                 provenance=provenance, register=register)
    elif fmt.key == "team-pdf":
        out = fn(diagnosis, team, lang=lang, organization_name=organization_name, campaign_name=campaign_name)
    else:
        out = fn(diagnosis, lang=lang, organization_name=organization_name, campaign_name=campaign_name,
                 benchmark=benchmark, provenance=provenance, register=register)
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
    created: float = field(default_factory=time.time)
    started: float | None = None
    finished: float | None = None

    def to_dict(self) -> dict:
        now = time.time()
        return {
            "id": self.id, "format": self.format, "state": self.state, "filename": self.filename,
            "seconds": round((self.finished or now) - (self.started or now), 1),
            "detail": JOB_FAILED if self.state == "failed" else None,
            "download": f"/api/v1/campaigns/{self.campaign_id}/results/jobs/{self.id}/file"
            if self.state == "done" else None,
        }


class JobRunner:
    """A small thread pool for slow reports. A job's state and file are kept in
    ``directory`` (under the data directory), so that every worker process of the
    server can answer the page's polling; they are removed after a while."""

    def __init__(self, directory: Path, workers: int = MAX_WORKERS):
        self._dir = Path(directory)
        self._dir.mkdir(parents=True, exist_ok=True)
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="aad-report")

    def submit(self, *, owner: uuid.UUID, campaign_id: uuid.UUID, fmt: Format, filename: str, work) -> Job:
        self._expire()
        job = Job(id=secrets.token_urlsafe(16), owner=str(owner), campaign_id=str(campaign_id), format=fmt.key,
                  filename=filename)
        self._save(job)
        self._pool.submit(self._run, job, work)
        return job

    def _run(self, job: Job, work) -> None:
        job.state, job.started = "running", time.time()
        self._save(job)
        try:
            body = work()
            self._write(self._dir / f"{job.id}.bin", body)
            job.state = "done"
        except Exception:  # noqa: BLE001 - reported to the user as a failed job, logged for the operator
            log.exception("report job %s (%s of campaign %s) failed", job.id, job.format, job.campaign_id)
            job.state = "failed"
        job.finished = time.time()
        self._save(job)

    def get(self, job_id: str, *, owner: uuid.UUID, campaign_id: uuid.UUID) -> Job:
        path = self._dir / f"{job_id}.json"
        if not _JOB_ID.fullmatch(job_id) or not path.exists():
            raise NotFound(JOB_NOT_FOUND)
        job = Job(**json.loads(path.read_text()))
        if job.owner != str(owner) or job.campaign_id != str(campaign_id):
            raise NotFound(JOB_NOT_FOUND)
        return job

    def body(self, job: Job) -> bytes:
        return (self._dir / f"{job.id}.bin").read_bytes()

    def _save(self, job: Job) -> None:
        self._write(self._dir / f"{job.id}.json", json.dumps(asdict(job)).encode())

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)

    def _expire(self) -> None:
        cutoff = time.time() - JOB_TTL_SECONDS
        for path in self._dir.glob("*"):
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink()
            except FileNotFoundError:
                pass
