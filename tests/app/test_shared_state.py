"""State that several app servers on one database share: rate-limit counters in the
database (atomic per key and bucket, on SQLite and PostgreSQL)."""

from __future__ import annotations

import threading

from sqlmodel import select

from app.core.db import make_engine, session_scope
from app.core.ratelimit import PRUNE_EVERY, DatabaseRateLimiter, RateLimiter, limiters
from app.models import RateCounter
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
        assert limiter.hit("a") == 60 and limiter.hit("b") == 0     # over the limit: not counted
        limiter.undo("b")
        assert [limiter.hit("b") for _ in range(3)] == [0, 0, 60]
        now[0] += 55
        assert limiter.hit("a") == 5                                 # the first bucket leaves in 5 s
        now[0] += 5
        assert limiter.hit("a") == 0 and limiter.hit("a") == 0 and limiter.hit("a") == 60
        limiter.undo("a")
        assert limiter.hit("a") == 0
        assert {len(r.key) for r in _rows(engine)} == {64}                     # keys are hashed
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
        limiter.hit("kept")          # the key's own expired bucket goes at once
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
