"""Browser tests: the real server (uvicorn in a subprocess, on a free port, against a
temporary SQLite file) driven by Debian's Chromium through Playwright. Without
/usr/bin/chromium the tests are skipped, unless ``AAD_REQUIRE_BROWSER=1``."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("AAD_REQUIRE_BROWSER") == "1":
            pytest.fail(f"AAD_REQUIRE_BROWSER=1 but {CHROMIUM} is missing")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@contextmanager
def running_server(data: Path, **env_extra: str):
    """The service in a subprocess on a free port with a migrated SQLite file in ``data``;
    yields its base URL and database URL."""
    from app.core.db import upgrade

    db_url = f"sqlite:///{data / 'aad.db'}"
    upgrade(db_url)
    port = _free_port()
    env = {
        **os.environ,
        "AAD_ENV": "development",
        "AAD_SECRET_KEY": "browser-test-" + "s" * 40,
        "AAD_DATABASE_URL": db_url,
        "AAD_DATA_DIR": str(data),
        **env_extra,
    }
    log = open(data / "server.log", "wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "app.main:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{base}/login", timeout=1)
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"the server did not start: {(data / 'server.log').read_text()}")
            time.sleep(0.2)
    yield {"base": base, "db_url": db_url, "data": data}
    proc.terminate()
    proc.wait(timeout=10)
    log.close()


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The running service; yields its base URL and database URL."""
    with running_server(tmp_path_factory.mktemp("server")) as info:
        yield info


def log_in(page, base: str, email: str, password: str) -> None:
    """Log ``page`` in through the login form."""
    page.goto(f"{base}/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/orgs$"))
