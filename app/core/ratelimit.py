"""Sliding-window rate limits.

A limiter counts events per key (a client address, an account) over the last ``window``
seconds. The service uses only ``hit`` (count an event, and say whether it was within
the limit) and ``undo`` (take the last counted event of a key back); both limiters
below provide them, and ``app.state.limiters`` holds one of them per purpose.

:class:`RateLimiter` keeps its counters in the process's memory, so each process counts
on its own: with ``n`` worker processes a client or an account gets at most ``n`` times
the limit. :class:`DatabaseRateLimiter` keeps them in the database's ``rate_counter``
table, so that every server on the same database counts together; the service uses it
on PostgreSQL, the database several servers can share (docs/architecture.md, "Several
servers").
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable

from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col

from app.models import RateCounter

#: a window is counted in this many buckets: an event leaves the count at most
#: ``window / BUCKETS`` seconds later than in an exact sliding window
BUCKETS = 12
#: every this many events a process deletes all expired buckets (besides the key's own)
PRUNE_EVERY = 1000


class RateLimiter:
    """At most ``limit`` events per key in any ``window`` seconds (``clock``: a
    monotonic time in seconds)."""

    def __init__(self, *, limit: int, window: float = 60.0, clock: Callable[[], float] = time.monotonic):
        self.limit = limit
        self.window = window
        self._clock = clock
        self._hits: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def hit(self, key: str) -> float:
        """Count one event for ``key``; 0 if it is within the limit, else the seconds to
        wait (an event over the limit is not counted)."""
        now = self._clock()
        with self._lock:
            wait = self._wait(key, now)
            if wait:
                return wait
            self._hits[key].append(now)
            if len(self._hits) > 100_000:
                self._prune(now)
            return 0.0

    def undo(self, key: str) -> None:
        """Take back the last counted event of ``key`` (it turned out not to count)."""
        with self._lock:
            hits = self._hits.get(key)
            if hits:
                hits.pop()

    def _wait(self, key: str, now: float) -> float:
        hits = self._hits.get(key)
        if not hits:
            return 0.0
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        return hits[0] + self.window - now if len(hits) >= self.limit else 0.0

    def _prune(self, now: float) -> None:
        for key in [k for k, h in self._hits.items() if not h or h[-1] <= now - self.window]:
            del self._hits[key]


class DatabaseRateLimiter:
    """The limits of :class:`RateLimiter` with counters in the database, shared by every
    server on it. Each window is counted in :data:`BUCKETS` buckets of ``window /
    BUCKETS`` seconds (``clock``: the wall-clock time in seconds, which the servers
    share); an event is counted by one atomic upsert (``INSERT … ON CONFLICT DO UPDATE``)
    of its key's current bucket and the key's buckets in the window are summed in the
    same transaction, which is rolled back when the sum is over the limit (an event over
    the limit is not counted). Concurrent events of one key queue on the bucket's row,
    so that they cannot pass the limit together on any number of servers.

    Each call runs in a short transaction of its own connection, independent of the
    request's: a failed login counts although its request changes nothing. On SQLite a
    request's write transaction holds the database's only write lock, so this limiter is
    for PostgreSQL (its table and statements work on both)."""

    def __init__(
        self, engine: Engine, *, name: str, limit: int, window: float = 60.0, clock: Callable[[], float] = time.time
    ):
        self.engine = engine
        self.name = name
        self.limit = limit
        self.window = window
        self._bucket_s = window / BUCKETS
        self._clock = clock
        self._insert = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert
        self._events = 0

    def _key(self, key: str) -> str:
        return hashlib.sha256(f"{self.name}\x00{key}".encode()).hexdigest()

    def hit(self, key: str) -> float:
        """Count one event for ``key``; 0 if it is within the limit, else the seconds to
        wait (an event over the limit is not counted)."""
        now = self._clock()
        current = math.floor(now / self._bucket_s)
        oldest = current - BUCKETS + 1
        k = self._key(key)
        stmt = self._insert(RateCounter).values(
            key=k, bucket=current, hits=1, expires=math.ceil((current + BUCKETS) * self._bucket_s)
        )
        stmt = stmt.on_conflict_do_update(index_elements=["key", "bucket"], set_={"hits": col(RateCounter.hits) + 1})
        with self.engine.connect().execution_options(aad_write=True) as conn:
            with conn.begin() as tx:
                conn.execute(stmt)
                rows = conn.execute(
                    select(col(RateCounter.bucket), col(RateCounter.hits))
                    .where(col(RateCounter.key) == k, col(RateCounter.bucket) >= oldest, col(RateCounter.hits) > 0)
                    .order_by(col(RateCounter.bucket))
                ).all()
                if sum(h for _, h in rows) > self.limit:
                    tx.rollback()
                    return max((rows[0][0] + BUCKETS) * self._bucket_s - now, 0.001)
                conn.execute(delete(RateCounter).where(col(RateCounter.key) == k, col(RateCounter.bucket) < oldest))
                self._events += 1
                if self._events % PRUNE_EVERY == 0:
                    conn.execute(delete(RateCounter).where(col(RateCounter.expires) < now))
        return 0.0

    def undo(self, key: str) -> None:
        """Take back the last counted event of ``key`` (it turned out not to count)."""
        k = self._key(key)
        last = (
            select(func.max(col(RateCounter.bucket)))
            .where(col(RateCounter.key) == k, col(RateCounter.hits) > 0)
            .scalar_subquery()
        )
        with self.engine.connect().execution_options(aad_write=True) as conn:
            with conn.begin():
                conn.execute(
                    update(RateCounter)
                    .where(col(RateCounter.key) == k, col(RateCounter.bucket) == last)
                    .values(hits=col(RateCounter.hits) - 1)
                )


def limiters(settings, engine: Engine) -> dict:
    """The service's limiters: in the database on PostgreSQL (shared by every server on
    it), in the process otherwise."""
    limits = {
        "login": settings.login_attempts_per_minute,
        "login_account": settings.login_failures_per_account_per_minute,
        "survey": settings.survey_requests_per_minute,
    }
    if engine.dialect.name == "postgresql":
        return {name: DatabaseRateLimiter(engine, name=name, limit=limit) for name, limit in limits.items()}
    return {name: RateLimiter(limit=limit) for name, limit in limits.items()}
