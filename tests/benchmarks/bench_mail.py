"""Benchmark: 10,000 e-mail invitations to a local SMTP server (aiosmtpd on loopback,
in a process of its own).

Uploads a participant list of 10,000 addresses in 100 teams (one transaction), queues
the invitations and lets the background sender (:class:`app.services.mail_sender.MailSender`)
deliver them without a rate limit, on SQLite (default) or on the database named by
``AAD_BENCH_DATABASE_URL``. Prints the upload time and the sending rate.

    .venv/bin/python tests/benchmarks/bench_mail.py [--n 10000]
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlmodel import func, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "app"))
from smtp_server import free_port  # noqa: E402

from app.core.config import Settings  # noqa: E402
from app.core.db import make_engine, session_scope, upgrade  # noqa: E402
from app.core.security import LinkSealer  # noqa: E402
from app.models import Participant, User  # noqa: E402
from app.services.campaigns import create_campaign, launch_campaign  # noqa: E402
from app.services.mail_sender import MailSender  # noqa: E402
from app.services.mailing import send_invitations  # noqa: E402
from app.services.organizations import create_organization  # noqa: E402
from app.services.participants import import_participants  # noqa: E402
from app.services.teams import import_teams  # noqa: E402
from app.models import Role, utcnow  # noqa: E402

TEAMS = 100
SECRET = "bench-secret-" + "x" * 40


# the SMTP server runs in a process of its own, so that it does not share the sender's
# interpreter; it counts the messages it accepts and writes the count when stopped
SERVER = """
import signal, sys, threading
from aiosmtpd.controller import Controller

class Counter:
    received = 0

    async def handle_DATA(self, server, session, envelope):
        Counter.received += len(envelope.rcpt_tos)
        return "250 OK"

controller = Controller(Counter(), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("ready", flush=True)
stop = threading.Event()
signal.signal(signal.SIGTERM, lambda *_: stop.set())
stop.wait()
controller.stop()
print(Counter.received, flush=True)
"""


def _setup(url: str, n: int, sealer) -> tuple[float, object]:
    engine = make_engine(url)
    with session_scope(engine, write=True) as session:
        user = User(email="bench@example.org", password_hash="x")
        session.add(user)
        session.commit()
        org = create_organization(session, user=user, name="Bench", creator_role=Role.hr_admin)
        per_team = -(-n // TEAMS)
        import_teams(
            session,
            organization=org,
            data=(
                "unit path,team,headcount\n" + "".join(f"Unit {t % 10},Team {t},{per_team}\n" for t in range(TEAMS))
            ).encode(),
        )
        campaign = create_campaign(session, organization=org, name="Bench", questionnaire_id="aligned-autonomy-v1")
        launch_campaign(session, campaign=campaign, organization=org)
        rows = "".join(f"person{i}@example.org,Unit {(i % TEAMS) % 10},Team {i % TEAMS}\n" for i in range(n))
        started = time.perf_counter()
        import_participants(
            session,
            campaign=campaign,
            data=f"email,unit path,team\n{rows}".encode(),
            sealer=sealer,
            created_by="bench@example.org",
        )
        session.commit()  # the upload's request ends here
        upload = time.perf_counter() - started
        send_invitations(
            session,
            campaign=campaign,
            created_by="bench@example.org",
            base_url="https://survey.example.org",
            now=utcnow(),
        )
    return upload, engine


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("AAD_BENCH_DATABASE_URL") or f"sqlite:///{Path(tmp) / 'aad.db'}"
        upgrade(url)
        port = free_port()
        server = subprocess.Popen([sys.executable, "-c", SERVER, str(port)], stdout=subprocess.PIPE, text=True)
        assert server.stdout.readline().strip() == "ready"
        settings = Settings(
            env="production",
            secret_key=SECRET,
            base_url="https://survey.example.org",
            database_url=url,
            smtp_host="127.0.0.1",
            smtp_port=port,
            smtp_starttls=False,
            mail_from="survey@example.org",
            mail_rate_per_minute=1_000_000,
        )
        sealer = LinkSealer(SECRET)
        upload, engine = _setup(url, args.n, sealer)
        sender = MailSender(engine, settings, sealer)
        started = time.perf_counter()
        while sender.run_once():
            pass
        elapsed = time.perf_counter() - started
        server.terminate()
        received = int(server.communicate(timeout=30)[0].strip())
        with session_scope(engine) as session:
            sent = session.exec(select(func.count()).select_from(Participant).where(Participant.status == "sent")).one()
        engine.dispose()
    assert sent == received == args.n, (sent, received)
    print(
        f"{date.today()} · {platform.processor() or platform.machine()} · {os.cpu_count()} cores · "
        f"{engine.dialect.name}"
    )
    print(f"participant list of {args.n:,} addresses stored in {upload:.1f} s")
    print(f"{args.n:,} invitations sent in {elapsed:.1f} s: {args.n / elapsed:,.0f} messages/s")


if __name__ == "__main__":
    main()
