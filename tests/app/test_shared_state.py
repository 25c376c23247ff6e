"""State that several app servers on one database share: rate-limit counters in the
database (atomic per key and bucket, on SQLite and PostgreSQL) and the migration that
adds them with the report jobs and the results version."""

from __future__ import annotations

import threading
import uuid

from alembic import command
from sqlalchemy import inspect
from sqlmodel import select

from app.core.db import alembic_config, make_engine, session_scope, upgrade
from app.core.ratelimit import PRUNE_EVERY, DatabaseRateLimiter, RateLimiter, limiters
from app.models import RateCounter
from app.services import results as results_service
from results_helpers import close, store_responses
from web_helpers import make_settings


def _rows(engine) -> list[RateCounter]:
    with session_scope(engine) as s:
        return list(s.exec(select(RateCounter)).all())


def test_database_limits_count_in_a_sliding_window_of_buckets(database_url):
    engine = make_engine(database_url)
    now = [1_000_000.0]
    limiter = DatabaseRateLimiter(engine, name="login_account", limit=2, clock=lambda: now[0])
    try:
        assert limiter.hit("a") == 0 and limiter.hit("a") == 0
        assert limiter.hit("a") == 60 and limiter.hit("b") == 0  # over the limit: not counted
        limiter.undo("b")
        assert [limiter.hit("b") for _ in range(3)] == [0, 0, 60]
        now[0] += 55
        assert limiter.hit("a") == 5  # the first bucket leaves in 5 s
        now[0] += 5
        assert limiter.hit("a") == 0 and limiter.hit("a") == 0 and limiter.hit("a") == 60
        limiter.undo("a")
        assert limiter.hit("a") == 0
        assert {len(r.key) for r in _rows(engine)} == {64}  # keys are hashed
        # another limiter's name is another key
        assert DatabaseRateLimiter(engine, name="login", limit=1, clock=lambda: now[0]).hit("a") == 0
    finally:
        engine.dispose()


def test_expired_buckets_are_deleted(database_url):
    engine = make_engine(database_url)
    now = [2_000_000.0]
    limiter = DatabaseRateLimiter(engine, name="survey", limit=PRUNE_EVERY * 2, clock=lambda: now[0])
    try:
        limiter.hit("old")
        limiter.hit("kept")
        now[0] += 61
        limiter.hit("kept")  # the key's own expired bucket goes at once
        assert sorted(r.hits for r in _rows(engine)) == [1, 1]
        for i in range(PRUNE_EVERY - 3):
            limiter.hit(f"k{i % 7}")
        keys = {r.key for r in _rows(engine)}
        assert limiter._key("old") not in keys and limiter._key("kept") in keys
    finally:
        engine.dispose()


def test_concurrent_events_of_one_key_cannot_pass_the_limit_together(database_url):
    engine = make_engine(database_url, pool_size=10)
    limiter = DatabaseRateLimiter(engine, name="login_account", limit=7)
    barrier, got = threading.Barrier(20), []

    def one():
        barrier.wait()
        got.append(limiter.hit("shared"))

    threads = [threading.Thread(target=one) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    engine.dispose()
    assert sorted(w == 0 for w in got) == [False] * 13 + [True] * 7


def test_the_service_counts_in_the_database_on_postgresql(database_url):
    engine = make_engine(database_url)
    chosen = limiters(make_settings(database_url), engine)
    engine.dispose()
    kind = DatabaseRateLimiter if database_url.startswith("postgresql") else RateLimiter
    assert set(chosen) == {"login", "login_account", "survey"}
    assert all(isinstance(limiter, kind) for limiter in chosen.values())


def test_the_shared_state_migration_goes_down_and_up(database_url):
    """0008_shared_state adds the tables and the results version (0 for existing
    campaigns) and removes them again."""
    engine = make_engine(database_url)
    try:
        command.downgrade(alembic_config(database_url), "0007_fact_sheet")
        assert not {"rate_counter", "report_job", "report_file"} & set(inspect(engine).get_table_names())
        assert "results_version" not in {c["name"] for c in inspect(engine).get_columns("campaign")}
    finally:
        upgrade(database_url)
    inspector = inspect(engine)
    assert {"rate_counter", "report_job", "report_file"} <= set(inspector.get_table_names())
    version = next(c for c in inspector.get_columns("campaign") if c["name"] == "results_version")
    assert not version["nullable"] and "0" in str(version["default"])
    engine.dispose()


def test_a_raised_results_version_makes_every_server_recompute(app, admin, monkeypatch):
    """Another server's write that raises the version (here in a transaction of its own)
    makes this process recompute instead of using its cache, although the count is the
    same; the campaign keeps one cached entry."""
    cid = admin.campaign()
    store_responses(app.state.engine, cid, {"Assembly": 6, "Logistics": 5})
    close(app.state.engine, cid)
    calls = []
    diagnose = results_service._diagnose
    monkeypatch.setattr(results_service, "_diagnose", lambda *a, **kw: calls.append(1) or diagnose(*a, **kw))
    url = f"/api/v1/campaigns/{cid}/results"
    first = admin.client.get(url).json()
    assert admin.client.get(url).json() == first and len(calls) == 1
    with session_scope(app.state.engine, write=True) as s:
        results_service.results_changed(s, campaign_ids=[uuid.UUID(cid)])
        s.commit()
    assert admin.client.get(url).json() == first and len(calls) == 2
    assert len([k for k in results_service._diagnoses.items if k[0] == uuid.UUID(cid)]) == 1
