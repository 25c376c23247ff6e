"""Database tables.

Anonymity is built into the shape of the data (docs/architecture.md, "Anonymity in
storage"): an invitation keeps only the hash of its token and a ``used`` flag (no time);
a submitted answer set first waits, encrypted, in ``pending_response`` and joins the
``response`` and ``comment`` tables with at least k others of its team, in a shuffled
batch written by a transaction of its own — so no transaction id, physical position or
time links a response or a comment to the invitation that was used in the same
transaction as its submission. A response has a random id and only the day it was
submitted; a comment has no link to a response and no time at all. On SQLite these
tables are stored without a rowid so that their physical order follows the random ids.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timezone
from enum import Enum

from sqlalchemy import JSON, BigInteger, Column, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(timezone.utc)


class Role(str, Enum):
    consultant = "consultant"
    hr_admin = "hr_admin"
    viewer = "viewer"


class CampaignStatus(str, Enum):
    draft = "draft"
    open = "open"
    closed = "closed"


class InvitationKind(str, Enum):
    personal = "personal"
    open = "open"


class User(SQLModel, table=True):
    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    full_name: str = Field(default="", max_length=200)
    password_hash: str = Field(max_length=255)
    is_active: bool = True
    created_at: datetime = Field(default_factory=utcnow)


class UserSession(SQLModel, table=True):
    """A login session; the cookie carries a random token, the table only its hash."""

    __tablename__ = "user_session"
    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    csrf_token: str = Field(max_length=64)
    user_id: uuid.UUID = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    expires_at: datetime


class Organization(SQLModel, table=True):
    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    name: str = Field(max_length=200)
    industry: str = Field(default="", max_length=100)
    size_band: str = Field(default="", max_length=20)
    k: int = Field(default=5, ge=3, le=50)
    k_acknowledged: bool = False
    comment_k: int = Field(default=10, ge=3, le=100)
    live_results: bool = False
    benchmark_opt_in: bool = False
    created_at: datetime = Field(default_factory=utcnow)


class Membership(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("user_id", "organization_id"),)
    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    organization_id: uuid.UUID = Field(foreign_key="organization.id", index=True, ondelete="CASCADE")
    role: Role
    # a viewer limited to the results of one top-level unit; deleting the unit ends
    # the membership rather than widening it to the whole organization
    unit_id: uuid.UUID | None = Field(default=None, foreign_key="unit.id", ondelete="CASCADE")


class Unit(SQLModel, table=True):
    """A node of the organization's hierarchy; units nest to any depth."""

    __table_args__ = (UniqueConstraint("organization_id", "parent_id", "name"),)
    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    organization_id: uuid.UUID = Field(foreign_key="organization.id", index=True, ondelete="CASCADE")
    parent_id: uuid.UUID | None = Field(default=None, foreign_key="unit.id", ondelete="CASCADE")
    name: str = Field(max_length=100)


class Team(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("organization_id", "unit_id", "name"),)
    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    organization_id: uuid.UUID = Field(foreign_key="organization.id", index=True, ondelete="CASCADE")
    unit_id: uuid.UUID | None = Field(default=None, foreign_key="unit.id", ondelete="SET NULL")
    name: str = Field(max_length=100)
    headcount: int = Field(ge=0, le=100_000)


class Campaign(SQLModel, table=True):
    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    organization_id: uuid.UUID = Field(foreign_key="organization.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=200)
    questionnaire_id: str = Field(max_length=100)
    questionnaire_version: int
    languages: str = Field(default="en,de", max_length=20)
    opens_on: date | None = None
    closes_on: date | None = None
    status: CampaignStatus = CampaignStatus.draft
    k: int = Field(default=5, ge=3, le=50)
    k_acknowledged: bool = False
    comment_k: int = Field(default=10, ge=3, le=100)
    launched_at: datetime | None = None
    closed_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    # results could be shown while the campaign ran (live results): answer sets then
    # join only in batches (analysis.release), also at closing
    interim_results: bool = False
    # answer sets that could not join the results at closing without revealing them
    withheld_answers: int = Field(default=0, ge=0)
    # SHA-256 of the questionnaire file the campaign is bound to (set at creation and
    # again at launch); the file must not change under the same version afterwards
    questionnaire_sha256: str | None = Field(default=None, max_length=64)
    # the organization's list for the top-priority item: [{"en": …, "de": …}, …]
    priorities: list | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    # participants' e-mail addresses are deleted at closing or on this day, if earlier
    address_retention_until: date | None = None
    addresses_deleted: bool = False
    # raised by every write that changes what the results show (answer sets joining,
    # closing, live results switched): each server checks it before using the results
    # it cached (app.services.results, "Caching")
    results_version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class CampaignTeam(SQLModel, table=True):
    """A team as it was when the campaign was launched (the frozen structure)."""

    __tablename__ = "campaign_team"
    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    campaign_id: uuid.UUID = Field(foreign_key="campaign.id", index=True, ondelete="CASCADE")
    team_id: uuid.UUID | None = Field(default=None, index=True)
    unit_path: str = Field(default="", max_length=1000)
    name: str = Field(max_length=100)
    headcount: int = Field(ge=0)


class Invitation(SQLModel, table=True):
    """A survey link: personal (single use) or open (one per team, many uses)."""

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    campaign_id: uuid.UUID = Field(foreign_key="campaign.id", index=True, ondelete="CASCADE")
    campaign_team_id: uuid.UUID = Field(foreign_key="campaign_team.id", index=True, ondelete="CASCADE")
    kind: InvitationKind = InvitationKind.personal
    token_hash: str = Field(max_length=64, unique=True, index=True)
    used: bool = False
    active: bool = True


class Response(SQLModel, table=True):
    __table_args__ = {"sqlite_with_rowid": False}
    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    campaign_id: uuid.UUID = Field(foreign_key="campaign.id", index=True, ondelete="CASCADE")
    campaign_team_id: uuid.UUID = Field(foreign_key="campaign_team.id", index=True, ondelete="CASCADE")
    role: str = Field(max_length=20)
    tenure: str | None = Field(default=None, max_length=20)
    answers: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    submitted_on: date
    language: str | None = Field(default=None, max_length=5)  # the survey's language (en, de)


class PendingResponse(SQLModel, table=True):
    """A submitted answer set waiting to join its team's responses in a batch: role,
    tenure, answers, comment and day as JSON, sealed with the service's key
    (:class:`app.core.security.Sealer`), so that a reader of the database alone cannot
    read it while it still shares a transaction with its invitation."""

    __tablename__ = "pending_response"
    __table_args__ = {"sqlite_with_rowid": False}
    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    campaign_id: uuid.UUID = Field(foreign_key="campaign.id", index=True, ondelete="CASCADE")
    campaign_team_id: uuid.UUID = Field(foreign_key="campaign_team.id", index=True, ondelete="CASCADE")
    payload: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class LinkAudit(SQLModel, table=True):
    """Who created survey links, when, and how many per team: readable by every member
    of the organization, so that nobody can quietly hand out extra links."""

    __tablename__ = "link_audit"
    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    campaign_id: uuid.UUID = Field(foreign_key="campaign.id", index=True, ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow)
    created_by: str = Field(max_length=254)
    kind: str = Field(max_length=10)  # an InvitationKind value
    links: int = Field(ge=0)
    teams: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))  # [[unit path, team, links], …]


class Comment(SQLModel, table=True):
    __table_args__ = {"sqlite_with_rowid": False}
    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    campaign_id: uuid.UUID = Field(foreign_key="campaign.id", index=True, ondelete="CASCADE")
    campaign_team_id: uuid.UUID = Field(foreign_key="campaign_team.id", index=True, ondelete="CASCADE")
    text: str = Field(max_length=10_000)


class ResultSnapshot(SQLModel, table=True):
    """The responses behind the final results of a closed campaign, stored in the
    closing's transaction (never when results are shown): the answer columns without
    ids or days, as compressed Arrow IPC bytes, and their count."""

    __tablename__ = "result_snapshot"
    campaign_id: uuid.UUID = Field(foreign_key="campaign.id", primary_key=True, ondelete="CASCADE")
    response_count: int = Field(ge=0)
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class BenchmarkEntryRow(SQLModel, table=True):
    """One entry of the benchmark pool: organization-level aggregates only, as built by
    :func:`analysis.benchmark.entry_from_diagnosis` (``data`` is the entry's file layout).
    Entries of this installation keep their organization and campaign so that they can
    be replaced and withdrawn; imported entries keep only the label of their file.
    An entry takes part in comparisons once ``released`` (see
    :mod:`app.services.benchmarks`)."""

    __tablename__ = "benchmark_entry"
    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    entry_id: str = Field(max_length=32, unique=True, index=True)
    organization_id: uuid.UUID | None = Field(
        default=None, foreign_key="organization.id", index=True, ondelete="CASCADE"
    )
    campaign_id: uuid.UUID | None = Field(default=None, foreign_key="campaign.id", unique=True, ondelete="CASCADE")
    source: str = Field(default="", max_length=200)
    data: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    released: bool = False
    created_at: datetime = Field(default_factory=utcnow)


class MailJob(SQLModel, table=True):
    """One sending of e-mails for a campaign: the invitations to the participants not yet
    invited, or a reminder to those who have not answered (now or at ``scheduled_for``).
    Only counts and times of the sending as a whole; which participant it reached is not
    kept once their message is sent or has failed (see :class:`Participant`)."""

    __tablename__ = "mail_job"
    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    campaign_id: uuid.UUID = Field(foreign_key="campaign.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=10)  # "invitation" or "reminder"
    state: str = Field(default="scheduled", max_length=10)  # scheduled, running, done, cancelled
    scheduled_for: datetime
    created_by: str = Field(max_length=254)
    base_url: str = Field(max_length=300)  # what the links in its messages start with
    queued: int = Field(default=0, ge=0)
    sent: int = Field(default=0, ge=0)
    failed: int = Field(default=0, ge=0)
    finished_at: datetime | None = None


class Participant(SQLModel, table=True):
    """An e-mail address invited to a campaign, with its personal link (sealed with the
    service's key, so that reminders can carry the same link) and the state of the last
    message sent to it. Whether the person has answered is the ``used`` flag of the
    invitation; the row holds no time and no link to a response. All rows of a campaign
    are deleted at closing or at the campaign's ``address_retention_until``."""

    __table_args__ = (UniqueConstraint("campaign_id", "email"),)
    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    campaign_id: uuid.UUID = Field(foreign_key="campaign.id", index=True, ondelete="CASCADE")
    campaign_team_id: uuid.UUID = Field(foreign_key="campaign_team.id", index=True, ondelete="CASCADE")
    invitation_id: uuid.UUID = Field(foreign_key="invitation.id", unique=True, ondelete="CASCADE")
    email: str = Field(max_length=254)
    language: str = Field(max_length=2)
    sealed_link: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    status: str = Field(default="new", max_length=10, index=True)  # new, queued, sent, failed
    attempts: int = Field(default=0, ge=0)
    error: str = Field(default="", max_length=500)
    # while queued: the sending it belongs to and when it is next due (both cleared after)
    job_id: uuid.UUID | None = Field(default=None, foreign_key="mail_job.id", ondelete="SET NULL")
    due_at: datetime | None = None


class MailTemplate(SQLModel, table=True):
    """HR's wording of a campaign's invitation or reminder in one language (the
    bundled text in ``app/templates/mail/`` applies where there is none)."""

    __tablename__ = "mail_template"
    __table_args__ = (UniqueConstraint("campaign_id", "kind", "language"),)
    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    campaign_id: uuid.UUID = Field(foreign_key="campaign.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=10)
    language: str = Field(max_length=2)
    subject: str = Field(max_length=200)
    body: str = Field(max_length=5000)


class RegisterVersion(SQLModel, table=True):
    """One saved version of an organization's decision register (docs/methodology.md
    §18): every save adds a version, none is changed afterwards. ``document`` holds the
    decision types, the designed deciders per unit or team and the agreements between
    teams (:mod:`app.services.register`)."""

    __tablename__ = "register_version"
    __table_args__ = (UniqueConstraint("organization_id", "number"),)
    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    organization_id: uuid.UUID = Field(foreign_key="organization.id", index=True, ondelete="CASCADE")
    number: int = Field(ge=1)
    created_at: datetime = Field(default_factory=utcnow)
    created_by: str = Field(max_length=254)
    document: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class CampaignRegister(SQLModel, table=True):
    """The register as it was when the campaign was launched: its version number, the
    decision types, the designed decider of every campaign team (resolved, codes of
    :data:`analysis.decisions.DECIDERS` or -1 for not decided), the agreements, and
    the decision types the survey asks about."""

    __tablename__ = "campaign_register"
    campaign_id: uuid.UUID = Field(foreign_key="campaign.id", primary_key=True, ondelete="CASCADE")
    register_number: int = Field(ge=1)
    decisions: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    design: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))  # {campaign team id: [code, …]}
    agreements: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    asked: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class TeamFactSheet(SQLModel, table=True):
    """The facts about one campaign team as its lead or HR states them — openly, with
    the name of who filled it in (docs/methodology.md §18, "Team fact sheet"). One per
    campaign team; ``saves`` lists every save as ``{"by": e-mail, "at": ISO time}``."""

    __tablename__ = "team_fact_sheet"
    campaign_team_id: uuid.UUID = Field(foreign_key="campaign_team.id", primary_key=True, ondelete="CASCADE")
    goals_written: bool
    goals_link: str = Field(default="", max_length=500)
    decision_record: bool
    review_cadence: str = Field(max_length=20)
    last_lesson: date | None = None
    filled_by: str = Field(max_length=254)
    filled_at: datetime = Field(default_factory=utcnow)
    saves: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


# ------------------------------------------------------------------ shared state of the servers
# Several app servers on one database keep no state of their own that another would need
# (docs/architecture.md, "Several servers"): rate-limit counters, report jobs and their
# files live in these tables.


class RateCounter(SQLModel, table=True):
    """Events of one rate-limit key in one time bucket (:mod:`app.core.ratelimit`). The
    key is a SHA-256 of the limiter's name and the key (a client address, an e-mail
    address), so no address is stored; ``expires`` (epoch seconds) is when the bucket
    has left the limiter's window and the row can be deleted."""

    __tablename__ = "rate_counter"
    key: str = Field(max_length=64, primary_key=True)
    bucket: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    hits: int = Field(ge=0)
    expires: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))


class ReportJob(SQLModel, table=True):
    """A report generated in the background (:class:`app.services.downloads.JobRunner`);
    its file is a :class:`ReportFile`. Any server answers its polling and download."""

    __tablename__ = "report_job"
    id: str = Field(max_length=32, primary_key=True)
    owner_id: uuid.UUID
    campaign_id: uuid.UUID = Field(foreign_key="campaign.id", index=True, ondelete="CASCADE")
    format: str = Field(max_length=20)
    filename: str = Field(max_length=200)
    state: str = Field(default="queued", max_length=10)  # queued → running → done | failed
    created_at: datetime = Field(default_factory=utcnow, index=True)
    started_at: datetime | None = None
    finished_at: datetime | None = None


class ReportFile(SQLModel, table=True):
    """The bytes of a finished report job."""

    __tablename__ = "report_file"
    job_id: str = Field(foreign_key="report_job.id", primary_key=True, max_length=32, ondelete="CASCADE")
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
