"""Results of a campaign: its responses as an analysis matrix, the diagnosis, and when
results may be shown.

Responses are read column-wise: the ``answers`` JSON of all rows is fetched as text,
joined with newlines and parsed once by ``pyarrow.json.read_json`` into one column per
item; teams, units, roles and tenure bands come from the same query. The app never
computes a statistic: :func:`analysis.diagnose` (with the campaign's frozen k and
comment threshold) produces every figure, suppression included.

When results are shown
    * A closed campaign shows its results.
    * An open campaign shows nothing unless the organization enabled live results.
      Then it shows interim results: the responses that have joined so far, which
      they do per team in batches that change every figure by none or at least k
      people (:mod:`app.services.intake`, :mod:`analysis.release`); role and tenure
      breakdowns, filtered views by role or tenure and comments wait for the final
      results. Answer sets still waiting for their batch are counted as ``pending``.
    * Enabling live results marks the organization's open campaigns (and campaigns
      launched while it is on) as having interim results; at their closing an answer
      set that cannot join in a batch is withheld rather than change a released
      figure by fewer than k people.

Snapshots
    The responses behind the final results of a closed campaign are stored as a
    snapshot (Arrow IPC, zstd-compressed, without ids or days) with their count, in the
    closing's transaction (:func:`store_release`, called by
    :func:`app.services.closing.close_and_release`), so that the results of a closed
    campaign are never read from the responses again. Showing results never writes: the
    interim results of a running campaign are read from its responses, and so are the
    results of a campaign closed without a snapshot (before snapshots existed) until the
    server's warm-up stores its snapshot (:func:`warm_up`).

Caching
    Diagnoses are cached in the process (the last :data:`CACHE_SIZE` campaigns), keyed
    by campaign and its stamp: the campaign's ``results_version``, released count and
    settings, all read from the database on every request. Every write that changes
    what the results show without changing the count raises the version
    (:func:`results_changed`: closing, live results switched), so that any server on
    the same database finds its cached results outdated at the next request
    (docs/architecture.md, "Several servers"); a campaign keeps only the entry of its
    current stamp. Each key is computed once, and a request for a key being computed
    waits for that computation. :func:`warm_up` fills the cache in a background thread:
    the campaign just closed, and at server start the most recently closed campaigns.
    Filtered views and the response rate have a cache of their own, so that many of
    them cannot push a large diagnosis out.
"""

from __future__ import annotations

import io
import json
import logging
import threading
import uuid
from collections import OrderedDict
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.ipc as ipc
import pyarrow.json as pj
from sqlalchemy import Engine, String, cast, select as sa_select, update
from sqlmodel import Session, col, select

from analysis import Diagnosis, ResponseData, diagnose
from analysis.responses import answer_items
from analysis.views import View, diagnose_view
from app.catalogue import N_
from app.core.db import session_scope
from app.models import Campaign, CampaignStatus, Comment, Organization, Response, ResultSnapshot
from app.services.campaigns import campaign_teams, questionnaire_of, response_count
from app.services.intake import waiting
from app.services.rates import response_rates
from app.services.register import campaign_register
from app.services.register_items import PREFIX
from app.services.register_results import RegisterFindings, decision_columns, diagnose_register
from app.services.teams import split_path

NO_UNIT = "(no unit)"
HIDDEN_WHILE_OPEN = N_("results are shown when the campaign closes")
NOT_LAUNCHED = N_("the campaign has not been launched")
NO_RESPONSES = N_("no responses yet")
CACHE_SIZE = 8
WARM_UP_FAILED = "warming the results of campaign %s failed"
LISTING_FAILED = "listing the closed campaigns to warm up failed"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Results:
    """What may be shown of a campaign now.

    ``diagnosis`` is None when nothing may be shown; ``hidden`` then says why.
    ``released_count`` is the number of responses behind the shown results, ``pending``
    the answer sets still waiting to join them, ``interim`` whether these are interim
    results of a running campaign and ``withheld`` how many answer sets a campaign with
    interim results could not add at closing.
    """

    campaign_id: uuid.UUID
    diagnosis: Diagnosis | None
    data: ResponseData | None
    hidden: str | None
    released_count: int
    pending: int
    live: bool
    withheld: int = 0
    register: RegisterFindings | None = None

    @property
    def interim(self) -> bool:
        return self.live


# ------------------------------------------------------------------ reading responses


def team_labels(teams: list) -> tuple[dict, dict]:
    """Team label and unit of every campaign team. A team is labelled by its name; a
    name used in several units gets the rest of its unit path (or the unit) added."""
    unit_of, base = {}, {}
    for t in teams:
        path = split_path(t.unit_path)
        unit_of[t.id] = path[0] if path else NO_UNIT
        base[t.id] = t.name
    counts: dict[str, int] = {}
    for name in base.values():
        counts[name] = counts.get(name, 0) + 1
    label = {}
    for t in teams:
        if counts[t.name] > 1:
            label[t.id] = f"{t.name} ({t.unit_path or NO_UNIT})"
        else:
            label[t.id] = t.name
    return label, unit_of


def _answers_table(texts: list[str], item_ids: tuple) -> pa.Table:
    schema = pa.schema([(i, pa.float64()) for i in item_ids])
    blob = "\n".join(texts).encode()
    return pj.read_json(
        io.BytesIO(blob),
        parse_options=pj.ParseOptions(explicit_schema=schema, unexpected_field_behavior="ignore"),
        read_options=pj.ReadOptions(block_size=1 << 20),
    )


def _strings(values) -> np.ndarray:
    """Object array with None → ``""``, as str."""
    a = np.asarray(values, dtype=object)
    return np.where(a == None, "", a).astype(str) if a.size else np.array([], dtype=str)  # noqa: E711


def read_columns(session: Session, *, campaign: Campaign) -> dict:
    """The campaign's responses as columns (no per-response Python loop over the data):
    ``answers`` (Arrow table, one float column per answer item), ``team``, ``unit``,
    ``role``, ``tenure``, ``language`` (numpy string arrays) and ``comments`` ((team,
    text) pairs)."""
    q = questionnaire_of(campaign)
    item_ids = answer_items(q) + decision_columns(campaign_register(session, campaign_id=campaign.id))
    teams = campaign_teams(session, campaign=campaign)
    label, unit_of = team_labels(teams)
    # ids as text: SQLite stores 32 hex digits, PostgreSQL prints the dashed form
    by_text = {**{t.id.hex: t.id for t in teams}, **{str(t.id): t.id for t in teams}}
    rows = session.execute(
        sa_select(
            cast(Response.campaign_team_id, String),
            col(Response.role),
            col(Response.tenure),
            cast(Response.answers, String),
            col(Response.language),
        ).where(col(Response.campaign_id) == campaign.id)
    ).all()
    if rows:
        team_ids, roles, tenures, texts, languages = (np.array(c, dtype=object) for c in zip(*rows))
    else:
        team_ids = roles = tenures = texts = languages = np.array([], dtype=object)
    team_lab = unit_lab = np.array([], dtype=object)
    if rows:
        uniq, inv = np.unique(team_ids.astype(str), return_inverse=True)
        team_lab = np.array([label[by_text[u]] for u in uniq.tolist()], dtype=object)[inv]
        unit_lab = np.array([unit_of[by_text[u]] for u in uniq.tolist()], dtype=object)[inv]
    comments = session.execute(
        select(cast(Comment.campaign_team_id, String), Comment.text).where(Comment.campaign_id == campaign.id)
    ).all()
    return {
        "answers": _answers_table(texts.tolist(), item_ids) if rows else None,
        "team": team_lab.astype(str),
        "unit": unit_lab.astype(str),
        "role": _strings(roles),
        "tenure": _strings(tenures),
        "language": _strings(languages),
        "comments": [(label[by_text[t]], text) for t, text in comments if t in by_text],
    }


def to_response_data(campaign: Campaign, columns: dict) -> ResponseData | None:
    """:class:`ResponseData` from :func:`read_columns` (None without responses)."""
    table = columns["answers"]
    if table is None or table.num_rows == 0:
        return None
    answers = {
        name: table.column(name).to_numpy(zero_copy_only=False)
        for name in table.column_names
        if not name.startswith(PREFIX)
    }  # register items: app.services.register_results
    unit = columns["unit"]
    return ResponseData.from_columns(
        questionnaire_of(campaign),
        team=columns["team"],
        answers=answers,
        unit=None if (unit == NO_UNIT).all() else unit,
        role=columns["role"],
        tenure=columns["tenure"],
        comments=columns["comments"],
    )


# ------------------------------------------------------------------ snapshots

_IPC_OPTIONS = ipc.IpcWriteOptions(compression="zstd")
_COLUMNS = ("team", "unit", "role", "tenure", "language")


def _pack(columns: dict) -> bytes:
    t = columns["answers"]
    for name in _COLUMNS:
        t = t.append_column(f"__{name}", pa.array(columns[name], pa.string()))
    t = t.replace_schema_metadata({"comments": json.dumps(columns["comments"])})
    sink = io.BytesIO()
    with ipc.new_file(sink, t.schema, options=_IPC_OPTIONS) as writer:
        writer.write_table(t)
    return sink.getvalue()


def _unpack(data: bytes) -> dict:
    t = ipc.open_file(pa.BufferReader(data)).read_all()
    out: dict[str, Any] = {"comments": [tuple(c) for c in json.loads(t.schema.metadata[b"comments"])]}
    for name in _COLUMNS:
        # snapshots stored before the response language was recorded have no language column
        out[name] = (
            t.column(f"__{name}").to_numpy(zero_copy_only=False).astype(str)
            if f"__{name}" in t.column_names
            else np.full(t.num_rows, "", dtype=str)
        )
    out["answers"] = t.select([c for c in t.column_names if not c.startswith("__")])
    return out


def _stored_count(session: Session, campaign: Campaign) -> int | None:
    """The response count of the campaign's snapshot (None without one)."""
    return session.exec(select(ResultSnapshot.response_count).where(ResultSnapshot.campaign_id == campaign.id)).first()


def _store(session: Session, campaign: Campaign, stored: int | None) -> None:
    """Read all responses of the campaign and store them as its snapshot (in the
    caller's transaction)."""
    columns = read_columns(session, campaign=campaign)
    count, data = columns["answers"].num_rows, _pack(columns)
    if stored is None:
        session.add(ResultSnapshot(campaign_id=campaign.id, response_count=count, data=data))
    else:
        session.execute(
            update(ResultSnapshot)
            .where(col(ResultSnapshot.campaign_id) == campaign.id)
            .values(response_count=count, data=data)
        )
    session.flush()


def _load(session: Session, campaign: Campaign) -> dict:
    return _unpack(session.exec(select(ResultSnapshot.data).where(ResultSnapshot.campaign_id == campaign.id)).one())


def store_release(session: Session, *, campaign: Campaign) -> None:
    """Store the joined responses as the campaign's snapshot unless it holds them
    already (in the caller's transaction)."""
    stored = _stored_count(session, campaign)
    count = response_count(session, campaign=campaign)
    if count and count != stored:
        _store(session, campaign, stored)


def results_changed(session: Session, *, campaign_ids) -> None:
    """Raise the results version of the campaigns (in the caller's transaction), so that
    every server recomputes their results instead of using the ones it cached."""
    ids = list(campaign_ids)
    if ids:
        session.execute(
            update(Campaign).where(col(Campaign.id).in_(ids)).values(results_version=Campaign.results_version + 1)
        )


# ------------------------------------------------------------------ diagnosis cache


class _LRU:
    """A small thread-safe least-recently-used cache that computes each key once: a
    caller asking for a key being computed waits for that computation (and computes
    the key itself if that one failed)."""

    def __init__(self, size: int, *, one_per_campaign: bool = False):
        self.size = size
        self.one_per_campaign = one_per_campaign  # a new entry replaces its campaign's (``key[0]``) others
        self.items: OrderedDict = OrderedDict()
        self.running: dict = {}
        self.lock = threading.Lock()

    def get(self, key, build):
        while True:
            with self.lock:
                if key in self.items:
                    self.items.move_to_end(key)
                    return self.items[key]
                running = self.running.get(key)
                if running is None:
                    running = self.running[key] = Future()
                    break
            if running.exception() is None:
                return running.result()
        return self._compute(key, build, running)

    def _compute(self, key, build, future: Future):
        try:
            value = build()
        except BaseException as exc:
            with self.lock:
                del self.running[key]
            future.set_exception(exc)
            raise
        with self.lock:
            del self.running[key]
            if self.one_per_campaign:
                for old in [k for k in self.items if k[0] == key[0]]:
                    del self.items[old]
            self.items[key] = value
            while len(self.items) > self.size:
                self.items.popitem(last=False)
        future.set_result(value)
        return value


# diagnoses are large; filtered views and response rates are small and many
_diagnoses = _LRU(CACHE_SIZE, one_per_campaign=True)
_small = _LRU(256)


def clear_cache() -> None:
    for cache in (_diagnoses, _small):
        with cache.lock:
            cache.items.clear()


def forget(campaign_id: uuid.UUID) -> None:
    """Drop what this process cached of the campaign (its closing failed after results
    were computed inside the transaction that was rolled back)."""
    for cache in (_diagnoses, _small):
        with cache.lock:
            for key in [k for k in cache.items if k[0] == campaign_id]:
                del cache.items[key]


def _diagnose(campaign: Campaign, data: ResponseData, interim: bool, language=None) -> Diagnosis:
    return diagnose(
        data,
        min_group_size=campaign.k,
        comment_min_group_size=campaign.comment_k,
        acknowledge_small_groups=campaign.k_acknowledged,
        interim=interim,
        language=language,
    )


def _build(session: Session, campaign: Campaign, columns: dict, interim: bool) -> tuple:
    data = to_response_data(campaign, columns)
    dx = _diagnose(campaign, data, interim, columns.get("language")) if data is not None else None
    label, _ = team_labels(campaign_teams(session, campaign=campaign))
    register = diagnose_register(
        campaign_register(session, campaign_id=campaign.id),
        columns,
        dx,
        k=campaign.k,
        team_ids={lab: tid for tid, lab in label.items()},
    )
    return data, dx, register


def campaign_results(session: Session, *, campaign: Campaign, organization: Organization) -> Results:
    """The results that may be shown now (see the module docstring); reads only."""
    if campaign.status == CampaignStatus.draft:
        return Results(campaign.id, None, None, NOT_LAUNCHED, 0, 0, False)
    live = campaign.status == CampaignStatus.open and organization.live_results
    if campaign.status == CampaignStatus.open and not live:
        return Results(campaign.id, None, None, HIDDEN_WHILE_OPEN, 0, 0, False)
    count = response_count(session, campaign=campaign)
    pending = waiting(session, campaign=campaign)
    if count == 0:
        return Results(campaign.id, None, None, NO_RESPONSES, 0, pending, live, campaign.withheld_answers)

    def build():
        if _stored_count(session, campaign) == count:
            return _build(session, campaign, _load(session, campaign), live)
        return _build(session, campaign, read_columns(session, campaign=campaign), live)

    key = (campaign.id, campaign.results_version, count, campaign.k, campaign.comment_k, live)
    data, dx, register = _diagnoses.get(key, build)
    hidden = NO_RESPONSES if dx is None else None
    return Results(campaign.id, dx, data, hidden, count, pending, live, campaign.withheld_answers, register)


# ------------------------------------------------------------------ settings, rates, views


def set_live_results(session: Session, *, organization: Organization, enabled: bool) -> Organization:
    """Show results of open campaigns while they run (in batches, see the module
    docstring), or not; enabling marks the open campaigns as having interim results."""
    organization.live_results = enabled
    session.add(organization)
    running = session.exec(
        select(Campaign.id).where(Campaign.organization_id == organization.id, Campaign.status == CampaignStatus.open)
    ).all()
    if enabled and running:
        session.execute(update(Campaign).where(col(Campaign.id).in_(running)).values(interim_results=True))
    results_changed(session, campaign_ids=running)
    session.flush()
    session.refresh(organization)
    return organization


def organization_rate(session: Session, *, campaign: Campaign, unit: str | None = None) -> dict | None:
    """The organization's row of :func:`app.services.rates.response_rates`, or the row of
    the top-level ``unit`` (suppressed there as they must be), cached while the answer
    sets stay the same (headcounts are frozen at launch)."""
    key = (
        campaign.id,
        "rate",
        unit,
        campaign.status,
        campaign.results_version,
        response_count(session, campaign=campaign),
        waiting(session, campaign=campaign),
    )

    def row():
        rows = response_rates(session, campaign=campaign)
        if unit is None:
            return next(iter(rows), None)
        return next((r for r in rows if r["kind"] == "unit" and r["name"] == unit), None)

    return _small.get(key, row)


def filtered_view(results: Results, campaign: Campaign, *, unit=None, role=None, tenure=None) -> View:
    """A filtered view of the shown results (cached); see :func:`analysis.views.diagnose_view`."""
    data = results.data
    if data is None:
        raise ValueError("results: nothing is shown, so there is nothing to filter")
    key = (
        campaign.id,
        campaign.results_version,
        results.released_count,
        "view",
        unit,
        role,
        tenure,
        campaign.k,
        results.interim,
    )
    return _small.get(
        key,
        lambda: diagnose_view(
            data,
            unit=unit,
            role=role,
            tenure=tenure,
            min_group_size=campaign.k,
            acknowledge_small_groups=campaign.k_acknowledged,
            interim=results.interim,
        ),
    )


# ------------------------------------------------------------------ warm-up


def warm_up(engine: Engine, campaign_ids: list[uuid.UUID] | None = None) -> threading.Thread:
    """Diagnose campaigns into the cache in a daemon thread and return the thread:
    ``campaign_ids``, or the most recently closed campaigns (at most :data:`CACHE_SIZE`).
    Errors are logged, never raised."""
    thread = threading.Thread(target=_warm, args=(engine, campaign_ids), name="results-warm-up", daemon=True)
    thread.start()
    return thread


def _warm(engine: Engine, campaign_ids: list[uuid.UUID] | None) -> None:
    if campaign_ids is None:
        try:
            campaign_ids = _recently_closed(engine)
        except Exception:  # a warm-up never fails the server
            log.exception(LISTING_FAILED)
            return
    for campaign_id in campaign_ids:
        try:
            _warm_one(engine, campaign_id)
        except Exception:  # a warm-up never fails the server
            log.exception(WARM_UP_FAILED, campaign_id)


def _recently_closed(engine: Engine) -> list[uuid.UUID]:
    """The most recently closed campaigns, oldest first, so that the newest stay cached longest."""
    with session_scope(engine) as session:
        ids = session.exec(
            select(Campaign.id)
            .where(Campaign.status == CampaignStatus.closed)
            .order_by(col(Campaign.closed_at).desc().nulls_last(), col(Campaign.created_at).desc())
            .limit(CACHE_SIZE)
        ).all()
    return list(reversed(ids))


def _warm_one(engine: Engine, campaign_id: uuid.UUID) -> None:
    with session_scope(engine) as session:
        campaign = session.get(Campaign, campaign_id)
        missing = (
            campaign is not None
            and campaign.status == CampaignStatus.closed
            and (_stored_count(session, campaign) != response_count(session, campaign=campaign))
        )
    if missing:  # closed before snapshots were stored at closing: store it now, not when it is shown
        with session_scope(engine, write=True) as session:
            campaign = session.get(Campaign, campaign_id)
            if campaign is not None:
                store_release(session, campaign=campaign)
    with session_scope(engine) as session:
        campaign = session.get(Campaign, campaign_id)
        organization = session.get(Organization, campaign.organization_id) if campaign else None
        if campaign is not None and organization is not None:
            campaign_results(session, campaign=campaign, organization=organization)
            organization_rate(session, campaign=campaign)
