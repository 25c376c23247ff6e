"""Team structure of a large organization: import, re-import and listing.

Not collected by pytest (file name bench_*). Run from the repository root:

    python tests/benchmarks/bench_teams.py [--teams 5000] [--units 500] [--postgres]

Imports ``teams`` teams in ``units`` units (two levels: ``units / 10`` divisions with ten
departments each) into an empty organization, imports a changed file again (a tenth of
the headcounts changed, a tenth of the teams removed and as many added), and lists the
teams as the teams page, ``teams.csv`` and the API do (:func:`team_rows`, best of 3).
Runs on a temporary SQLite file, or on a fresh PostgreSQL database when
AAD_TEST_POSTGRES_URL is set and ``--postgres`` is given.

Target (issue 16): 5,000 teams in 500 units imported and listed in < 1 s each.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from app.core.db import make_engine, session_scope, upgrade  # noqa: E402
from app.models import Role  # noqa: E402
from app.services.organizations import create_organization  # noqa: E402
from app.services.teams import import_teams, team_rows, teams_csv  # noqa: E402
from app.services.users import create_user  # noqa: E402


def structure(teams: int, units: int, *, variant: int = 0) -> bytes:
    """CSV of ``teams`` teams spread over ``units`` departments in ``units / 10`` divisions."""
    lines = ["unit path,team,headcount"]
    first = teams // 10 if variant else 0  # the changed file drops the first tenth ...
    for t in range(first, teams + first):  # ... and adds as many new teams at the end
        u = t % units
        headcount = 8 + (t % 7) + (variant if t % 10 == 1 else 0)
        lines.append(f"Division {u // 10:03d} / Department {u:04d},Team {t:05d},{headcount}")
    return ("\n".join(lines) + "\n").encode()


def timed(fn) -> tuple[float, object]:
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


def run(url: str, teams: int, units: int) -> None:
    upgrade(url)
    engine = make_engine(url)
    with session_scope(engine, write=True) as session:
        user = create_user(session, email="bench@example.org", password="correct horse battery staple")
        session.commit()
        org = create_organization(session, user=user, name="Benchmark AG", creator_role=Role.hr_admin)

        def request(data: bytes):  # one import request: its writes and the commit
            report = import_teams(session, organization=org, data=data)
            session.commit()
            return report

        t_import, first = timed(lambda: request(structure(teams, units)))
        t_again, second = timed(lambda: request(structure(teams, units, variant=1)))
        listing = min(timed(lambda: team_rows(session, organization=org))[0] for _ in range(3))
        t_csv = min(timed(lambda: teams_csv(session, organization=org))[0] for _ in range(3))
        listed = len(team_rows(session, organization=org))
    engine.dispose()
    verdict = "met" if max(t_import, t_again, listing) < 1 else "MISSED"
    print(f"import {teams:,} teams in {units} units: {t_import:.2f} s ({first.to_dict()})")
    print(f"import a changed file:              {t_again:.2f} s ({second.to_dict()})")
    print(f"list {listed:,} teams (team_rows):   {listing:.2f} s;  teams.csv {t_csv:.2f} s")
    print(f"target < 1 s each: {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", type=int, default=5000)
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    base = os.environ.get("AAD_TEST_POSTGRES_URL") if args.postgres else None
    if args.postgres and not base:
        raise SystemExit("--postgres needs AAD_TEST_POSTGRES_URL")
    print(
        f"# {date.today()}  {platform.node()}  {os.cpu_count()} CPUs  load {os.getloadavg()[0]:.1f}  "
        f"{'PostgreSQL' if base else 'SQLite'}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        if not base:
            run(f"sqlite:///{tmp}/bench.db", args.teams, args.units)
            return
        name = f"aad_bench_teams_{os.getpid()}"
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            run(make_url(base).set(database=name).render_as_string(hide_password=False), args.teams, args.units)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
