"""Two app servers, each a process of its own with its own data directory, on one
PostgreSQL database (as behind a load balancer): failed logins on one count on the
other, a report job started on one is downloaded from the other, and a closing done
through one changes the results the other shows (whose in-process cache held the
interim results). Nothing of it is kept in the data directories."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from app.main import create_app
from pg_reset import truncate_postgres
from results_helpers import park_responses
from web_helpers import PASSWORD, SECRET, add_user, make_admin, make_settings

pytestmark = pytest.mark.postgres
ROOT = Path(__file__).resolve().parents[2]
FAILURES_PER_ACCOUNT = 4


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """``uvicorn app.main:create_app`` in a process of its own."""

    def __init__(self, database_url: str, data_dir: Path, log: Path):
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.data_dir = data_dir
        env = {
            **os.environ,
            "AAD_DATABASE_URL": database_url,
            "AAD_DATA_DIR": str(data_dir),
            "AAD_SECRET_KEY": SECRET,
            "AAD_ENV": "production",
            "AAD_BASE_URL": "https://survey.example",
            "AAD_MIGRATE_ON_START": "0",
            "AAD_WARM_UP": "0",
            "AAD_THREADS": "4",
            "AAD_LOGIN_ATTEMPTS_PER_MINUTE": "1000",
            "AAD_LOGIN_FAILURES_PER_ACCOUNT_PER_MINUTE": str(FAILURES_PER_ACCOUNT),
        }
        self._log = log.open("wb")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "app.main:create_app",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{self.base}/login", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the server did not start: {log.read_text()[-2000:]}")
            time.sleep(0.2)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=20)
        self._log.close()


def _login(base: str, email: str, password: str = PASSWORD) -> httpx.Response:
    return httpx.post(f"{base}/api/v1/login", json={"email": email, "password": password}, timeout=30)


def _session(response: httpx.Response) -> dict:
    """The headers of the session a login started (its cookie is ``Secure``, so a plain
    HTTP client would not send it back by itself)."""
    cookie = re.search(r"__Host-aad_session=([^;]+)", response.headers["set-cookie"]).group(1)
    return {"cookie": f"__Host-aad_session={cookie}", "x-csrf-token": response.json()["csrf_token"]}


@pytest.fixture
def servers(postgres_url, tmp_path):
    started = []
    try:
        for name in ("a", "b"):
            (tmp_path / name).mkdir()
            started.append(Server(postgres_url, tmp_path / name, tmp_path / f"{name}.log"))
        yield started
    finally:
        for server in started:
            server.stop()
        truncate_postgres(postgres_url)


def test_two_servers_on_one_database_agree(postgres_url, servers, tmp_path):
    a, b = servers
    app = create_app(make_settings(postgres_url))
    try:
        admin = make_admin(app)
        add_user(app, "target@example.org")

        # login limits: failures on A and on B count together
        codes = [_login(server.base, "target@example.org", "wrong").status_code for server in (a, b, a, b, a, b)]
        assert codes == [401] * FAILURES_PER_ACCOUNT + [429, 429]
        assert _login(b.base, "target@example.org").status_code == 429  # even the right password, for now

        # a session started on A works on B (sessions are rows of the database)
        on_a = _session(_login(a.base, admin.email))
        assert httpx.get(f"{b.base}/api/v1/me", headers=on_a).json()["user"]["email"] == admin.email

        # results: live results of an open campaign, shown by B, then the campaign is closed through A
        r = httpx.put(
            f"{a.base}/api/v1/organizations/{admin.org_id}/live-results", json={"live_results": True}, headers=on_a
        )
        assert r.status_code == 200, r.text
        cid = admin.campaign()
        park_responses(app, cid, {"Assembly": 5, "Logistics": 5, "Quality": 3})
        live = httpx.get(f"{b.base}/api/v1/campaigns/{cid}/results", headers=on_a).json()
        assert (live["released_count"], live["pending"], live["live"]) == (10, 3, True)
        assert httpx.get(f"{b.base}/api/v1/campaigns/{cid}/results", headers=on_a).json() == live
        r = httpx.post(f"{a.base}/api/v1/campaigns/{cid}/close", headers=on_a, timeout=60)
        assert r.status_code == 200 and r.json()["status"] == "closed"
        final = httpx.get(f"{b.base}/api/v1/campaigns/{cid}/results", headers=on_a).json()
        assert (final["released_count"], final["pending"], final["live"], final["withheld"]) == (10, 0, False, 3)
        assert httpx.get(f"{a.base}/api/v1/campaigns/{cid}/results", headers=on_a).json() == final

        # report downloads: a job started on A, polled and downloaded on B
        r = httpx.post(f"{a.base}/api/v1/campaigns/{cid}/results/jobs", json={"format": "xlsx"}, headers=on_a)
        assert r.status_code == 202, r.text
        job, deadline = r.json(), time.monotonic() + 60
        while job["state"] in ("queued", "running"):
            assert time.monotonic() < deadline
            time.sleep(0.2)
            job = httpx.get(f"{b.base}/api/v1/campaigns/{cid}/results/jobs/{job['id']}", headers=on_a).json()
        assert job["state"] == "done", job
        file = httpx.get(f"{b.base}{job['download']}", headers=on_a, timeout=30)
        assert file.status_code == 200 and file.content.startswith(b"PK")
        assert file.content == httpx.get(f"{a.base}{job['download']}", headers=on_a, timeout=30).content
        direct = httpx.get(f"{b.base}/api/v1/campaigns/{cid}/results/download/xlsx", headers=on_a, timeout=30)
        assert direct.status_code == 200

        # nothing of it lives in either server's data directory
        assert [p.name for server in servers for p in server.data_dir.iterdir()] == []
    finally:
        app.state.engine.dispose()
