"""The results overview right after closing a campaign: server time of the first overview
page (HTML) after the close request returns, then of later requests, for a campaign the
size of the demo's (25 teams in 4 units, 230 respondents).

    python tests/benchmarks/bench_overview.py [TEAMS] [RESPONDENTS_PER_TEAM]

Prints the closing time, the first overview page after it (the target is ≤ 1 s: the
diagnosis is computed at closing, in the background) in a new process and in one that
has served pages before, the median of 5 later requests,
and the size of plotly.js as served (compressed) with its cache headers.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "app"))
sys.path.insert(0, os.path.dirname(__file__))

from app.core.db import upgrade  # noqa: E402
from app.main import create_app  # noqa: E402
from app.routers.results import plotly_url  # noqa: E402
from app.services import results as results_service  # noqa: E402
from app.services.results import warm_up  # noqa: E402
from bench_dashboard import seed  # noqa: E402
from web_helpers import login, make_settings, new_client  # noqa: E402

TARGET = 1.0


def main() -> float:
    teams = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 25
    per_team = int(sys.argv[2]) if len(sys.argv) > 2 and sys.argv[2].isdigit() else 9
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        upgrade(url)
        cid = seed(url, teams, per_team)
        print(
            f"{platform.node()} · {os.cpu_count()} CPUs · SQLite · {date.today()} · "
            f"{teams} teams, {teams * per_team} responses"
        )
        app = create_app(make_settings(url, warm_up=False))
        client = new_client(app)
        csrf = login(client, "bench@example.org")
        page = f"/campaigns/{cid}/results"
        t0 = time.perf_counter()
        r = client.post(f"/api/v1/campaigns/{cid}/close", headers={"X-CSRF-Token": csrf})
        assert r.status_code == 200, r.text
        closing = time.perf_counter() - t0
        t0 = time.perf_counter()
        r = client.get(page)
        first = time.perf_counter() - t0
        assert r.status_code == 200 and "Key findings" in r.text, r.text[:300]
        # the same in a process that has served pages before: a new diagnosis (the cache
        # cleared, as for a campaign just closed) computed by the closing's background
        # thread while the page is requested
        results_service.clear_cache()
        t0 = time.perf_counter()
        warm_up(app.state.engine, [uuid.UUID(cid)])
        assert client.get(page).status_code == 200
        warm_process = time.perf_counter() - t0
        later = []
        for _ in range(5):
            t0 = time.perf_counter()
            assert client.get(page).status_code == 200
            later.append(time.perf_counter() - t0)
        js = client.get(plotly_url(), headers={"accept-encoding": "gzip"})
        print(f"closing: {closing:.2f} s")
        print(f"first overview page after closing: {first:.2f} s (target ≤ {TARGET:.1f} s)")
        print(f"first overview page after closing, in a process that has served pages: {warm_process:.2f} s")
        print(f"later overview pages: {1000 * statistics.median(later):.0f} ms (median of 5)")
        print(
            f"plotly.js: {int(js.headers['content-length']) / 1e6:.2f} MB on the wire, {len(js.content) / 1e6:.2f} MB unpacked "
            f"({js.headers.get('content-encoding', 'identity')}), cache-control: {js.headers['cache-control']}"
        )
        app.state.engine.dispose()
        return first


if __name__ == "__main__":
    main()
