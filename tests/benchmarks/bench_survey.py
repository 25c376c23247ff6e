"""A crowd answering at once: 200 and 1,000 concurrent respondents against the real
server (uvicorn in a subprocess) on SQLite (one worker) and, when
``AAD_TEST_POSTGRES_URL`` is set, on PostgreSQL (two workers).

    python tests/benchmarks/bench_survey.py [N …]      (default: 200 1000)

Every respondent starts at the same moment and does the full round trip as a browser
would: open its personal link (→ survey session and redirect), load the 37-question
form, post every answer and follow the redirect to the thank-you page. The benchmark
checks that every submission was accepted, that the stored answers equal the accepted
ones, that no request got a 5xx and none hung, and that an admin page (``/login``)
kept answering during the crowd. The same client then runs against a bare FastAPI app
that renders and stores an equal form (``bare_survey_app.py``); the ratio of the two
rates is the cost of everything the product adds (signed sessions, CSRF, validation
against the instrument, anonymity measures, security headers).
"""

from __future__ import annotations

import asyncio
import os
import platform
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bare_survey_app  # noqa: E402

from analysis import load_questionnaire  # noqa: E402
from app.core.db import make_engine, session_scope, upgrade  # noqa: E402
from app.models import Role  # noqa: E402
from app.services.campaigns import campaign_teams, create_campaign, launch_campaign  # noqa: E402
from app.services.invitations import create_personal_links  # noqa: E402
from app.services.organizations import create_organization  # noqa: E402
from app.services.teams import import_teams  # noqa: E402
from app.services.users import create_user  # noqa: E402

Q = load_questionnaire("aligned-autonomy-v1")
FORM = {i.id: str(i.options[-2 if len(i.options) > 2 else 0].value) for i in Q.items if i.options} | {
    "comment": "Benchmark comment."
}
TEAM_SIZE = 20
TIMEOUT_S = 600
ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def product_links(url: str, n: int) -> list[str]:
    """An organization with teams of 20 and ``n`` personal links, on a migrated database."""
    engine = make_engine(url)
    with session_scope(engine, write=True) as session:
        user = create_user(session, email="bench@example.org", password="benchmark password")
        session.commit()
        org = create_organization(session, user=user, name="Bench", creator_role=Role.hr_admin)
        rows = "".join(f"Unit {t % 5},Team {t},{TEAM_SIZE}\n" for t in range(-(-n // TEAM_SIZE)))
        import_teams(session, organization=org, data=f"unit path,team,headcount\n{rows}".encode())
        campaign = create_campaign(session, organization=org, name="Bench", questionnaire_id=Q.id)
        launch_campaign(session, campaign=campaign, organization=org)
        teams = campaign_teams(session, campaign=campaign)
        counts = {t.id: min(TEAM_SIZE, n - i * TEAM_SIZE) for i, t in enumerate(teams)}
        links = [
            r["link"]
            for r in create_personal_links(
                session, campaign=campaign, counts=counts, base_url="", created_by="bench@example.org"
            )
        ]
    engine.dispose()
    return links


def product_stored(url: str) -> int:
    engine = make_engine(url)
    with engine.connect() as conn:
        n = sum(
            conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one()
            for table in ("response", "pending_response")
            if engine.dialect.has_table(conn, table)
        )
    engine.dispose()
    return n


@contextmanager
def server(app: str, url: str, workers: int, env_key: str):
    port = _free_port()
    env = {
        **os.environ,
        "AAD_ENV": "development",
        "AAD_SECRET_KEY": "b" * 40,
        env_key: url,
        "AAD_SURVEY_REQUESTS_PER_MINUTE": str(10**9),
        "AAD_WARM_UP": "0",
        "PYTHONPATH": str(ROOT),
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            app,
            "--factory",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--no-access-log",
            "--log-level",
            "warning",
            "--backlog",
            "4096",
        ],
        env=env,
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                httpx.get(f"{base}/survey/thanks", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait()


async def _respond(base: str, link: str, start: asyncio.Event, out: dict) -> None:
    path = link[link.index("/s/") :]
    await start.wait()
    t0 = time.perf_counter()
    try:
        async with httpx.AsyncClient(base_url=base, follow_redirects=True, timeout=TIMEOUT_S) as client:
            page = await client.get(path)
            if page.status_code >= 500:
                out["5xx"] += 1
                return
            match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
            data = {**FORM, **({"csrf_token": match.group(1)} if match else {"token": path[3:]})}
            r = await client.post("/survey", data=data)
            if r.status_code >= 500:
                out["5xx"] += 1
            elif r.status_code == 200 and "Thank" in r.text:
                out["accepted"] += 1
                out["times"].append(time.perf_counter() - t0)
            else:
                out["other"].append(r.status_code)
    except httpx.HTTPError as exc:
        out["errors"].append(type(exc).__name__)


async def _probe(base: str, done: asyncio.Event, out: dict) -> None:
    """An admin page fetched every half second while the crowd answers."""
    async with httpx.AsyncClient(base_url=base, timeout=TIMEOUT_S) as client:
        while not done.is_set():
            t0 = time.perf_counter()
            r = await client.get("/login")
            out["probe"].append((time.perf_counter() - t0, r.status_code))
            await asyncio.sleep(0.5)


async def crowd(base: str, links: list[str], probe: bool) -> dict:
    out = {"accepted": 0, "5xx": 0, "other": [], "errors": [], "times": [], "probe": []}
    start, done = asyncio.Event(), asyncio.Event()
    tasks = [asyncio.create_task(_respond(base, link, start, out)) for link in links]
    prober = asyncio.create_task(_probe(base, done, out)) if probe else None
    await asyncio.sleep(0.2)
    t0 = time.perf_counter()
    start.set()
    await asyncio.gather(*tasks)
    out["elapsed"] = time.perf_counter() - t0
    done.set()
    if prober:
        await prober
    return out


def run(label: str, app: str, env_key: str, url: str, links: list[str], workers: int, stored, probe=True) -> dict:
    with server(app, url, workers, env_key) as base:
        out = asyncio.run(crowd(base, links, probe))
    out["stored"] = stored(url)
    out["rate"] = out["accepted"] / out["elapsed"]
    times = sorted(out["times"]) or [float("nan")]
    probe_max = max((t for t, _ in out["probe"]), default=float("nan"))
    probe_bad = sum(1 for _, s in out["probe"] if s != 200)
    print(
        f"  {label:<8} {len(links):>5} respondents: {out['accepted']:>5} accepted, {out['stored']:>5} stored, "
        f"{out['5xx']} 5xx, {len(out['errors'])} failed ({', '.join(sorted(set(out['errors']))) or '-'}), "
        f"other {sorted(set(out['other'])) or '-'}; {out['rate']:6.1f} surveys/s, "
        f"survey median {statistics.median(times):5.1f} s, max {times[-1]:5.1f} s"
        + (f"; /login max {probe_max:4.2f} s ({probe_bad} not 200)" if probe else ""),
        flush=True,
    )
    return out


def compare(kind: str, url_for, n: int, workers: int) -> bool:
    url = url_for()
    upgrade(url)
    links = product_links(url, n)
    ours = run("product", "app.main:create_app", "AAD_DATABASE_URL", url, links, workers, product_stored)
    url_bare = url_for()
    tokens = [secrets.token_urlsafe(16) for _ in range(n)]
    bare_survey_app.prepare(url_bare, tokens)
    bare = run(
        "bare",
        "tests.benchmarks.bare_survey_app:create_app",
        "BARE_DATABASE_URL",
        url_bare,
        [f"/s/{t}" for t in tokens],
        workers,
        bare_survey_app.stored,
        probe=False,
    )
    ok = ours["accepted"] == n == ours["stored"] and ours["5xx"] == 0 and not ours["errors"]
    print(
        f"  {kind}, {n}: product / bare = {ours['rate'] / bare['rate']:.2f}"
        f"{'' if ok else '   <-- NOT every submission accepted and stored'}",
        flush=True,
    )
    return ok


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [200, 1000]
    print(
        f"{date.today()} · {platform.node()} · {platform.processor() or platform.machine()} · "
        f"{os.cpu_count()} CPUs · Python {platform.python_version()}",
        flush=True,
    )
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        counter = iter(range(10**6))
        sqlite_url = lambda: f"sqlite:///{tmp}/bench{next(counter)}.db"  # noqa: E731
        print("SQLite, 1 worker", flush=True)
        for n in sizes:
            ok &= compare("SQLite", sqlite_url, n, 1)
    base = os.environ.get("AAD_TEST_POSTGRES_URL")
    if base:
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        names = []

        def pg_url():
            name = f"aad_bench_{secrets.token_hex(4)}"
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            names.append(name)
            return make_url(base).set(database=name).render_as_string(hide_password=False)

        print("PostgreSQL, 2 workers", flush=True)
        try:
            for n in sizes:
                ok &= compare("PostgreSQL", pg_url, n, 2)
        finally:
            with admin.connect() as conn:
                for name in names:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
