"""Dashboard data for a large organization: server time of the results endpoints for a
closed campaign with 5,000 teams in 50 units (about 8 respondents per team).

    python tests/benchmarks/bench_dashboard.py [TEAMS] [RESPONDENTS_PER_TEAM]

Prints the time to close the campaign (reading all responses, one query parsed at once
by pyarrow, and storing them as the results snapshot), the first overview request after
a restart (cache cleared: diagnosis from the stored snapshot), the start-up warm-up and
the first request after it, then the server time of each dashboard request once the
diagnosis is cached (median of 5): overview JSON, unit heatmap, a unit's teams (first
page), one team, the overview and heatmap pages. Runs on a temporary SQLite file, or on
PostgreSQL when AAD_TEST_POSTGRES_URL is set and --postgres is given.
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

import numpy as np
from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url
from sqlmodel import select

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "app"))

from analysis import simulate_responses  # noqa: E402
from app.core.db import make_engine, session_scope, upgrade  # noqa: E402
from app.main import create_app  # noqa: E402
from app.models import CampaignTeam, Response, Role  # noqa: E402
from app.services import results as results_service  # noqa: E402
from app.services.campaigns import create_campaign, launch_campaign  # noqa: E402
from app.services.organizations import create_organization  # noqa: E402
from app.services.teams import import_teams  # noqa: E402
from app.services.users import create_user  # noqa: E402
from web_helpers import PASSWORD, login, make_settings, new_client  # noqa: E402

RESTART_RUNS = 3


def seed(url: str, teams: int, per_team: int) -> str:
    units = max(1, teams // 100)
    data = simulate_responses(respondents=teams * per_team, teams=teams, units=units, seed=1)
    labels, first = np.unique(data.team, return_index=True)
    engine = make_engine(url)
    with session_scope(engine, write=True) as session:
        user = create_user(session, email="bench@example.org", password=PASSWORD)
        session.commit()
        org = create_organization(session, user=user, name="Benchmark AG", creator_role=Role.hr_admin)
        csv = "unit path,team,headcount\n" + "".join(
            f"{data.unit[i]},{t},{per_team + 2}\n" for t, i in zip(labels.tolist(), first.tolist())
        )
        import_teams(session, organization=org, data=csv.encode())
        c = create_campaign(session, organization=org, name="Large", questionnaire_id="aligned-autonomy-v1")
        launch_campaign(session, campaign=c, organization=org)
        ids = {t.name: t.id for t in session.exec(select(CampaignTeam).where(CampaignTeam.campaign_id == c.id))}
        rows = []
        for i in range(data.n):
            answers = {item: int(v) for item, v in zip(data.item_ids, data.values[i]) if not np.isnan(v)}
            rows.append(
                {
                    "id": uuid.uuid4(),
                    "campaign_id": c.id,
                    "campaign_team_id": ids[str(data.team[i])],
                    "role": str(data.role[i]),
                    "tenure": str(data.tenure[i]) or None,
                    "answers": answers,
                    "submitted_on": date(2026, 11, 2),
                }
            )
        session.execute(insert(Response), rows)
        session.commit()
        cid = str(c.id)
    engine.dispose()
    return cid


def timed(client, path: str, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        r = client.get(path)
        times.append(time.perf_counter() - t0)
        assert r.status_code == 200, (path, r.status_code, r.text[:300])
    return statistics.median(times)


def closing_and_restart(app, client, csrf: str, cid: str, responses: int) -> None:
    """Close the campaign, then time the first overview request after a restart (from
    the stored snapshot) and after the start-up warm-up (median of RESTART_RUNS)."""
    t0 = time.perf_counter()
    r = client.post(f"/api/v1/campaigns/{cid}/close", headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200, r.text
    print(f"closing (read {responses} responses, store the snapshot): {time.perf_counter() - t0:.2f} s")
    overview = f"/api/v1/campaigns/{cid}/results"
    timed(client, overview, repeat=1)  # waits for the diagnosis started by closing
    snapshot, warm, after_warm = [], [], []
    for _ in range(RESTART_RUNS):
        results_service.clear_cache()
        snapshot.append(timed(client, overview, repeat=1))
        results_service.clear_cache()
        t0 = time.perf_counter()
        results_service.warm_up(app.state.engine).join()
        warm.append(time.perf_counter() - t0)
        after_warm.append(timed(client, overview, repeat=1))
    print(
        f"first request after a restart (diagnose the stored snapshot): {statistics.median(snapshot):.2f} s "
        f"(median of {RESTART_RUNS})"
    )
    print(
        f"start-up warm-up (background thread): {statistics.median(warm):.2f} s; first request after it: "
        f"{1000 * statistics.median(after_warm):.0f} ms"
    )


def main() -> None:
    teams = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 5000
    per_team = int(sys.argv[2]) if len(sys.argv) > 2 and sys.argv[2].isdigit() else 8
    pg = "--postgres" in sys.argv and os.environ.get("AAD_TEST_POSTGRES_URL")
    with tempfile.TemporaryDirectory() as tmp:
        if pg:
            base = os.environ["AAD_TEST_POSTGRES_URL"]
            name = f"aad_bench_{os.getpid()}"
            admin = create_engine(base, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            url = make_url(base).set(database=name).render_as_string(hide_password=False)
        else:
            url = f"sqlite:///{tmp}/bench.db"
        try:
            upgrade(url)
            t0 = time.perf_counter()
            cid = seed(url, teams, per_team)
            print(
                f"{platform.node()} · {platform.processor() or platform.machine()} · {os.cpu_count()} CPUs · "
                f"{'PostgreSQL' if pg else 'SQLite'} · {date.today()}"
            )
            print(f"seeded {teams} teams, {teams * per_team} responses in {time.perf_counter() - t0:.1f} s")
            app = create_app(make_settings(url))
            client = new_client(app)
            csrf = login(client, "bench@example.org")
            closing_and_restart(app, client, csrf, cid, teams * per_team)
            overview = client.get(f"/api/v1/campaigns/{cid}/results").json()
            unit = overview["units"][0]["unit"]
            team = client.get(f"/api/v1/campaigns/{cid}/results/heatmap", params={"unit": unit}).json()["rows"][0]
            for label, path in (
                ("overview JSON", f"/api/v1/campaigns/{cid}/results"),
                ("unit heatmap JSON", f"/api/v1/campaigns/{cid}/results/heatmap"),
                ("teams of a unit JSON", f"/api/v1/campaigns/{cid}/results/heatmap?unit={unit}"),
                ("one team JSON", f"/api/v1/campaigns/{cid}/results/team?name={team}"),
                ("overview page", f"/campaigns/{cid}/results"),
                ("heatmap page", f"/campaigns/{cid}/results/heatmaps"),
            ):
                print(f"{label:<22} {1000 * timed(client, path):7.0f} ms (median of 5, cached diagnosis)")
            app.state.engine.dispose()
        finally:
            if pg:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                admin.dispose()


if __name__ == "__main__":
    main()
