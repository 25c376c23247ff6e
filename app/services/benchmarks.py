"""The benchmark pool: entries of organizations that opted in, imported entries, and an
organization's comparison with the released pool.

Every statistic and disclosure rule comes from :mod:`analysis.benchmark`; this module
only stores entries and decides which ones are released.

What the pool holds
    One entry per opted-in organization — organization-level aggregates of its latest
    closed campaign (:func:`analysis.benchmark.entry_from_diagnosis`), never a response
    or a team figure — and the entries of imported benchmark files, labelled with
    their source. An organization needs an industry and a size band to take part.

What may leave the installation (benchmark files)
    Only consultants export the pool (:func:`export_file`; so may the operator, with
    ``aad benchmark export``); HR admins and viewers are refused. A pool of fewer than
    :data:`MIN_ORGANIZATIONS` released entries is not exported at all. The file holds
    the released entries with industry, size band and closing date generalized
    (:func:`analysis.benchmark.generalize`): where an (industry, size band) combination
    holds fewer than 5 entries, the size band and then the industry become ``"any"``;
    the closing month becomes its quarter, or its year or ``"any"`` where fewer than 5
    entries of the combination share it; answer counts are left out. So every row of
    the file shares industry, size band and closing period with at least four others.
    The rows come in a random order, and no name or id of this installation is in the file. An installation that
    imports it counts a generalized entry among all organizations, never in an industry
    or size-band comparison.

Releases (no isolation by differencing)
    New entries (a newly opted-in organization, a newer closed campaign, an imported
    file) wait as *pending*. They are released together only when at least
    :data:`RELEASE_STEP` (= the minimum cell size, 5) are pending, and an organization's
    replaced entry leaves the released pool in the same step. So two views of the pool
    taken at different times always differ by zero or by at least five entries, and no
    single organization's figures can be recovered by comparing them. Withdrawing the
    opt-in removes the organization's entries at once: consent outranks the step rule,
    and a withdrawal reveals no figure of the one who withdrew.

When the pool is updated
    :func:`sync_pool` runs where an entry can arise: when a campaign closes
    (:func:`app.services.closing.close_and_release`), when an organization opts in, and
    before an export (which also catches up campaigns closed before closing updated the
    pool); :func:`import_file` releases by itself. Viewing the pool or a comparison only
    reads it.

Damaged entries
    One organization's problem never breaks another's pages: a stored entry that does
    not read as a benchmark entry is left out of the pool, and a closed campaign whose
    entry cannot be built gets none (its organization's next closing tries again);
    both are logged as errors.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading

import numpy as np
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from analysis.benchmark import (
    ANY,
    SIZE_BANDS,
    BenchmarkEntry,
    BenchmarkPool,
    BenchmarkResult,
    benchmark,
    dump_benchmark,
    entry_from_diagnosis,
    generalize,
    load_benchmark,
)
from app.models import BenchmarkEntryRow, Campaign, CampaignStatus, Organization, User
from app.services import Conflict, Forbidden, Invalid
from app.services.results import campaign_results
from app.services.users import is_consultant

MIN_ORGANIZATIONS = 5
RELEASE_STEP = MIN_ORGANIZATIONS
CONSULTANTS_ONLY = "only consultants may manage the benchmark pool"
NEEDS_PROFILE = "set the organization's industry and size band to take part in the benchmark"
NOT_RELEASED = "the campaign has no released results to compare"
NOT_COMPARABLE = "the benchmark holds no entries comparable with this campaign's questionnaire"
BAD_FILE = "the benchmark file was not imported"
TOO_FEW_TO_EXPORT = (
    f"the benchmark pool holds fewer than {MIN_ORGANIZATIONS} released entries; nothing may leave this installation"
)
MAX_SOURCE = 200
LOCAL_SOURCE = "this installation"

log = logging.getLogger(__name__)


def industry_code(industry: str) -> str | None:
    """The benchmark industry code of a free-text industry ("Logistics & Transport" →
    ``logistics_transport``), or None when nothing usable is left (``"any"`` is the
    generalized industry of exported files, no industry)."""
    code = re.sub(r"[^a-z0-9]+", "_", industry.strip().lower()).strip("_")
    code = re.sub(r"^[^a-z]+", "", code)[:48].rstrip("_")
    return code if code and code != ANY else None


def require_consultant(session: Session, *, user: User) -> None:
    if not is_consultant(session, user=user):
        raise Forbidden(CONSULTANTS_ONLY)


# ------------------------------------------------------------------ the pool

#: The last released pool built and the hash of its row ids (see :func:`released_pool`).
_POOL_CACHE: dict = {}
_POOL_LOCK = threading.Lock()


def _ids_key(ids) -> bytes:
    return hashlib.sha256(b"".join(sorted(i.bytes for i in ids))).digest()


def _rows(session: Session, *, released: bool | None = None) -> list[BenchmarkEntryRow]:
    query = select(BenchmarkEntryRow)
    if released is not None:
        query = query.where(BenchmarkEntryRow.released == released)
    return list(session.exec(query.order_by(BenchmarkEntryRow.entry_id)).all())


def released_pool(session: Session) -> BenchmarkPool:
    """The pool that comparisons use (released entries only; a damaged one is left out
    and logged). Entries never change once stored, so the pool is rebuilt only when the
    set of released entries changes (one query of their row ids otherwise)."""
    ids = session.exec(select(BenchmarkEntryRow.id).where(BenchmarkEntryRow.released == True)).all()  # noqa: E712
    with _POOL_LOCK:
        if _POOL_CACHE.get("key") == _ids_key(ids):
            return _POOL_CACHE["pool"]
    rows = _rows(session, released=True)
    entries = []
    for row in rows:
        try:
            entries.append(BenchmarkEntry.from_dict(row.data))
        except (TypeError, ValueError) as exc:
            log.error("benchmark entry %s is left out of the pool: %s", row.entry_id, exc)
    pool = BenchmarkPool(entries)
    with _POOL_LOCK:
        _POOL_CACHE.update(key=_ids_key(row.id for row in rows), pool=pool)
    return pool


def pool_status(session: Session) -> dict:
    """Counts only: released, pending, and how many more entries release the pending ones."""
    counts = dict(
        session.exec(
            select(col(BenchmarkEntryRow.released), func.count()).group_by(col(BenchmarkEntryRow.released))
        ).all()
    )
    pending = counts.get(False, 0)
    sources = session.exec(
        select(BenchmarkEntryRow.source, func.count())
        .where(BenchmarkEntryRow.released == True)  # noqa: E712
        .group_by(BenchmarkEntryRow.source)
        .order_by(BenchmarkEntryRow.source)
    ).all()
    return {
        "released": counts.get(True, 0),
        "pending": pending,
        "needed_for_release": max(RELEASE_STEP - pending, 0) if pending else RELEASE_STEP,
        "release_step": RELEASE_STEP,
        "min_organizations": MIN_ORGANIZATIONS,
        "sources": [{"source": s or LOCAL_SOURCE, "entries": n} for s, n in sources],
    }


def _release(session: Session) -> None:
    """Release the pending entries when at least :data:`RELEASE_STEP` are waiting, and
    drop the released entries they replace (same organization)."""
    pending = _rows(session, released=False)
    if len(pending) < RELEASE_STEP:
        return
    replacing = {r.organization_id for r in pending if r.organization_id is not None}
    for old in _rows(session, released=True):
        if old.organization_id in replacing:
            session.delete(old)
    for r in pending:
        r.released = True
        session.add(r)
    session.flush()


def latest_closed_campaign(session: Session, *, organization: Organization) -> Campaign | None:
    return latest_closed_campaigns(session, [organization.id]).get(organization.id)


def latest_closed_campaigns(session: Session, organization_ids) -> dict:
    """The latest closed campaign of each organization (by closing, then creation
    time), from one query."""
    latest: dict = {}
    for c in session.exec(
        select(Campaign)
        .where(col(Campaign.organization_id).in_(organization_ids), Campaign.status == CampaignStatus.closed)
        .order_by(col(Campaign.closed_at).desc().nulls_last(), col(Campaign.created_at).desc())
    ).all():
        latest.setdefault(c.organization_id, c)
    return latest


def sync_pool(session: Session, *, organization_id=None) -> None:
    """Add a pending entry for every opted-in organization (or only ``organization_id``)
    whose latest closed campaign has none yet, then release if enough are pending. Each
    organization's entry is added in a savepoint, so that one that fails leaves the
    others (in the caller's transaction)."""
    query = select(Organization).where(Organization.benchmark_opt_in == True)  # noqa: E712
    if organization_id is not None:
        query = query.where(Organization.id == organization_id)
    orgs = [
        org
        for org in session.exec(query).all()
        if industry_code(org.industry) is not None and org.size_band in SIZE_BANDS
    ]
    latest = latest_closed_campaigns(session, [org.id for org in orgs])
    has_entry = set(
        session.exec(
            select(BenchmarkEntryRow.campaign_id).where(
                col(BenchmarkEntryRow.campaign_id).in_([c.id for c in latest.values()])
            )
        ).all()
    )
    for org in orgs:
        industry = industry_code(org.industry)
        campaign = latest.get(org.id)
        if industry is None or campaign is None or campaign.id in has_entry:  # orgs holds known industries
            continue
        try:
            with session.begin_nested():
                _add_entry(session, org, campaign, industry)
        except IntegrityError:  # another request added this campaign's entry first
            continue
        except Exception:  # noqa: BLE001 - one organization's campaign must not block the others
            log.exception("campaign %s gets no benchmark entry", campaign.id)
    _release(session)


def _add_entry(session: Session, org: Organization, campaign: Campaign, industry: str) -> None:
    """The pending entry of ``campaign``, replacing the organization's pending one."""
    dx = campaign_results(session, campaign=campaign, organization=org).diagnosis
    if dx is None or dx.n_respondents is None:
        return
    entry = entry_from_diagnosis(
        dx,
        industry=industry,
        size_band=org.size_band,
        closed_on=campaign.closed_at or campaign.closes_on or campaign.created_at,
    )
    for old in session.exec(
        select(BenchmarkEntryRow).where(
            BenchmarkEntryRow.organization_id == org.id,
            BenchmarkEntryRow.released == False,  # noqa: E712
        )
    ).all():
        session.delete(old)
    session.add(
        BenchmarkEntryRow(
            entry_id=entry.entry_id, organization_id=org.id, campaign_id=campaign.id, data=entry.to_dict()
        )
    )
    session.flush()


def set_opt_in(session: Session, *, organization: Organization, opt_in: bool) -> Organization:
    """Opt in (needs industry and size band) or out; opting out removes the
    organization's entries at once."""
    if opt_in and (industry_code(organization.industry) is None or organization.size_band not in SIZE_BANDS):
        raise Invalid(NEEDS_PROFILE)
    organization.benchmark_opt_in = opt_in
    session.add(organization)
    if not opt_in:
        for row in session.exec(
            select(BenchmarkEntryRow).where(BenchmarkEntryRow.organization_id == organization.id)
        ).all():
            session.delete(row)
    session.flush()
    session.refresh(organization)
    return organization


# ------------------------------------------------------------------ files


def export_file(session: Session, *, user: User | None) -> bytes:
    """The released pool as a benchmark file, generalized and in a random order (module
    docstring). ``user`` must be a consultant; None stands for the operator's command
    line. No organization name and no id of this installation is in the file (entry
    ids are the pool's opaque random ids)."""
    if user is not None:
        require_consultant(session, user=user)
    pool = released_pool(session)
    if len(pool) < MIN_ORGANIZATIONS:
        raise Conflict(TOO_FEW_TO_EXPORT)
    return dump_benchmark(generalize(pool, k=MIN_ORGANIZATIONS), rng=np.random.default_rng())


def import_file(session: Session, *, data: bytes, source: str) -> int:
    """Add the entries of a benchmark file as pending entries labelled ``source``;
    returns how many were new. A malformed or incompatible file raises
    :class:`Invalid` naming the problem, and nothing is changed."""
    try:
        pool = load_benchmark(data)
    except ValueError as exc:
        raise Invalid(BAD_FILE, errors=[str(exc)]) from None
    known = set(session.exec(select(BenchmarkEntryRow.entry_id)).all())
    new = [e for e in pool if e.entry_id not in known]
    if not new:
        return 0
    label = (source.strip() or "imported file")[:MAX_SOURCE]
    for e in new:
        session.add(BenchmarkEntryRow(entry_id=e.entry_id, source=label, data=e.to_dict()))
    session.flush()
    _release(session)
    return len(new)


# ------------------------------------------------------------------ comparison


def own_entry_ids(session: Session, *, organization: Organization) -> list[str]:
    return list(
        session.exec(
            select(BenchmarkEntryRow.entry_id).where(BenchmarkEntryRow.organization_id == organization.id)
        ).all()
    )


def compare(session: Session, *, organization: Organization, diagnosis) -> BenchmarkResult | None:
    """The organization's diagnosis among the released pool, overall and filtered by its
    industry and size band (None when the pool is empty). The organization's own
    entries never take part."""
    if diagnosis is None or diagnosis.n_respondents is None:
        raise Invalid(NOT_RELEASED)
    pool = released_pool(session)
    if not len(pool):
        return None
    industry = industry_code(organization.industry)
    size_band = organization.size_band if organization.size_band in SIZE_BANDS else None
    try:
        return benchmark(
            pool,
            diagnosis,
            industry=industry,
            size_band=size_band,
            min_organizations=MIN_ORGANIZATIONS,
            exclude=own_entry_ids(session, organization=organization),
        )
    except ValueError:
        raise Invalid(NOT_COMPARABLE) from None


def campaign_benchmark(session: Session, *, campaign: Campaign, organization: Organization) -> dict | None:
    """The benchmark comparison of a campaign as a dict, or None when there is none
    (no released results, empty pool, no comparable entries) — for reports."""
    dx = campaign_results(session, campaign=campaign, organization=organization).diagnosis
    if dx is None or dx.n_respondents is None:
        return None
    try:
        result = compare(session, organization=organization, diagnosis=dx)
    except Invalid:
        return None
    return result.to_dict() if result is not None else None
