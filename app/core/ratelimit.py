"""Sliding-window rate limits.

A limiter counts events per key (a client address, an account) over the last ``window``
seconds. The service uses only :meth:`RateLimiter.hit` (count an event, and say whether
it was within the limit) and :meth:`RateLimiter.undo` (take the last counted event of a
key back); a limiter that keeps its counters in shared storage (the database, a cache)
provides the same two methods and is put into ``app.state.limiters`` instead.

This one keeps its counters in the process's memory, so each worker process counts on
its own: with ``n`` workers a client or an account gets at most ``n`` times the limit;
the reverse proxy may add a global limit (see the README).
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable


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
