"""A crowd must never stall the server: no handler runs a database call on the event
loop, requests beyond the handler threads wait their turn and are answered 503 quickly
once they have waited too long, and a held database lock stalls only the requests that
need it."""

from __future__ import annotations

import asyncio
import inspect
import sqlite3
import threading
import time

import httpx
import pytest
import uvicorn
from fastapi.routing import APIRoute

from app.core.admission import BUSY, AdmissionMiddleware
from app.main import create_app
from web_helpers import make_settings


def test_no_route_handler_runs_on_the_event_loop(app):
    """Every endpoint that may touch the database is a plain ``def``, run in the thread
    pool; bodies are read by async dependencies (``app.deps.read_body``/``read_form``)."""
    coroutines = [
        f"{sorted(r.methods)} {r.path}"
        for r in app.routes
        if isinstance(r, APIRoute) and inspect.iscoroutinefunction(r.endpoint)
    ]
    assert coroutines == []


async def _call(app, path="/"):
    sent = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    started = time.perf_counter()
    await app({"type": "http", "path": path, "method": "GET", "headers": []}, receive, send)
    return sent[0]["status"], dict(sent[0].get("headers", [])), time.perf_counter() - started, sent


def test_requests_over_capacity_wait_then_get_a_quick_503():
    async def slow(scope, receive, send):
        await asyncio.sleep(0.6)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    guarded = AdmissionMiddleware(slow, slots=1, timeout=0.2)

    async def crowd():
        return await asyncio.gather(_call(guarded), _call(guarded), _call(guarded, "/api/v1/x"))

    (s1, _, t1, _), (s2, h2, t2, body2), (s3, _, t3, body3) = asyncio.run(crowd())
    assert s1 == 200 and t1 >= 0.6
    assert s2 == s3 == 503 and t2 < 0.5 and t3 < 0.5
    assert h2[b"retry-after"] == b"5"
    assert BUSY.encode() in body3[1]["body"] and b"Nothing was lost" in body2[1]["body"]


def test_a_waiting_request_is_admitted_when_a_slot_frees():
    async def quick(scope, receive, send):
        await asyncio.sleep(0.1)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    guarded = AdmissionMiddleware(quick, slots=2, timeout=5)

    async def crowd():
        return await asyncio.gather(*(_call(guarded) for _ in range(10)))

    assert [status for status, *_ in asyncio.run(crowd())] == [200] * 10


@pytest.fixture
def live_server(tmp_path, sqlite_template):
    """The app served by uvicorn on a free port, on a SQLite file."""
    path = tmp_path / "aad.db"
    path.write_bytes(sqlite_template.read_bytes())
    app = create_app(make_settings(f"sqlite:///{path}", warm_up=False))
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}", path
    server.should_exit = True
    thread.join(10)
    app.state.engine.dispose()


def test_a_held_database_lock_stalls_only_the_requests_that_need_it(live_server):
    base, path = live_server
    statuses = []

    def login(i):
        with httpx.Client(base_url=base, timeout=30) as client:
            r = client.post("/api/v1/login", json={"email": f"u{i}@example.org", "password": "x" * 12})
            statuses.append(r.status_code)

    # the server's own start-up work (mail queue, retention sweep) may briefly hold the
    # lock itself: wait for it, then hold it like a slow import would
    blocker = sqlite3.connect(path, timeout=10, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        # logins write a session, so they wait (in threads) for the lock ...
        waiting = [threading.Thread(target=login, args=(i,)) for i in range(8)]
        for t in waiting:
            t.start()
        time.sleep(0.3)
        # ... while a page that needs no database answers at once
        started = time.perf_counter()
        r = httpx.get(f"{base}/survey/thanks", timeout=30)
        assert r.status_code == 200 and time.perf_counter() - started < 1.0
        assert statuses == []  # the logins are still waiting
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    for t in waiting:
        t.join(30)
    assert statuses == [401] * 8  # unknown users, answered once the lock was free


def test_a_write_that_waits_too_long_for_sqlite_gets_a_503_and_changes_nothing(app, admin, monkeypatch):
    if app.state.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's single writer")
    from app.core import db

    monkeypatch.setattr(db, "WRITE_WAIT_S", 0.2)
    queue = db._WRITERS[app.state.engine]
    queue.acquire()  # another writer of this process holds the database
    try:
        started = time.perf_counter()
        r = admin.post(
            f"/api/v1/organizations/{admin.org_id}/campaigns",
            json={"name": "Autumn", "questionnaire_id": "aligned-autonomy-v1"},
        )
        assert r.status_code == 503 and r.json() == {"detail": BUSY} and r.headers["retry-after"] == "5"
        assert time.perf_counter() - started < 5
    finally:
        queue.release()
    assert admin.client.get(f"/api/v1/organizations/{admin.org_id}/campaigns").json() == []
