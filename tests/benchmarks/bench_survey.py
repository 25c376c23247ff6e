"""Completed surveys per second against the real server (uvicorn in a subprocess) on
SQLite (one worker) and, when AAD_TEST_POSTGRES_URL is set, on PostgreSQL (two workers),
with 8 concurrent respondents.

    python tests/benchmarks/bench_survey.py [N]

Each respondent does the full round trip: open the personal link, load the form, post
every answer of the 37-item questionnaire (one transaction: the link is marked used,
the response and the comment are stored).
"""

from __future__ import annotations

import os
import platform
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import select

from analysis import load_questionnaire
from app.core.db import make_engine, session_scope, upgrade
from app.models import CampaignTeam, Role
from app.services.campaigns import create_campaign, launch_campaign
from app.services.invitations import create_personal_links
from app.services.organizations import create_organization
from app.services.teams import import_teams
from app.services.users import create_user

Q = load_questionnaire("aligned-autonomy-v1")
FORM = {i.id: str(i.options[0].value) for i in Q.items if i.options} | {"comment": "Benchmark comment."}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _respond(base: str, link: str) -> None:
    with httpx.Client(base_url=base, follow_redirects=True) as client:
        client.get(link)
        page = client.get("/survey").text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        r = client.post("/survey", data={"csrf_token": csrf, **FORM})
        assert r.status_code == 200 and "Thank you" in r.text, r.text


def bench(url: str, n: int, workers: int) -> float:
    engine = make_engine(url)
    with session_scope(engine, write=True) as session:
        user = create_user(session, email="bench@example.org", password="benchmark password")
        session.commit()
        org = create_organization(session, user=user, name="Bench", creator_role=Role.hr_admin)
        import_teams(session, organization=org, data=b"unit path,team,headcount\nOps,A,10\n")
        campaign = create_campaign(session, organization=org, name="Bench", questionnaire_id=Q.id)
        launch_campaign(session, campaign=campaign, organization=org)
        team = session.exec(select(CampaignTeam).where(CampaignTeam.campaign_id == campaign.id)).one()
        links = [r["link"] for r in create_personal_links(session, campaign=campaign, counts={team.id: n}, base_url="")]
    engine.dispose()
    port = _free_port()
    env = {**os.environ, "AAD_ENV": "development", "AAD_SECRET_KEY": "b" * 40, "AAD_DATABASE_URL": url,
           "AAD_SURVEY_REQUESTS_PER_MINUTE": str(10**9)}
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory", "--port", str(port),
         "--workers", str(workers), "--no-access-log", "--log-level", "warning"], env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                httpx.get(f"{base}/login")
                break
            except httpx.TransportError:
                time.sleep(0.2)
        start = time.perf_counter()
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda link: _respond(base, link), links))
        elapsed = time.perf_counter() - start
    finally:
        server.terminate()
        server.wait()
    return n / elapsed


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    print(f"{date.today()} · {platform.node()} · {platform.processor() or platform.machine()} · "
          f"{os.cpu_count()} CPUs · Python {platform.python_version()}")
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        upgrade(url)
        print(f"SQLite, 1 worker:     {bench(url, n, 1):6.1f} completed surveys per second ({n} respondents)")
    base = os.environ.get("AAD_TEST_POSTGRES_URL")
    if base:
        name = f"aad_bench_{secrets.token_hex(4)}"
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(base).set(database=name).render_as_string(hide_password=False)
        try:
            upgrade(url)
            print(f"PostgreSQL, 2 workers: {bench(url, n, 2):6.1f} completed surveys per second ({n} respondents)")
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
