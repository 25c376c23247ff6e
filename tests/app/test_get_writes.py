"""No GET request writes: a walk over every GET route of the app (with real ids: a
closed campaign, one with live results, a report job, a survey link) records every
INSERT, UPDATE or DELETE that the database receives while a GET request is being
answered, and there must be none. The only writes allowed are the rate-limit counters
(``rate_counter``: counting requests is the limiter's job, in its own transaction).
That the recorder sees writes is shown by the POST requests of the same walk."""

from __future__ import annotations

import contextvars
import re
import time

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import event

from sqlmodel import select

from app.core.db import session_scope
from app.models import ResultSnapshot, Role
from app.routers import results as results_router
from app.services.results import store_release
from results_helpers import close, park_responses, store_responses
from web_helpers import make_admin, path_of

COUNTS = {"Assembly": 8, "Logistics": 6, "Quality": 5, "Key Accounts": 7, "Inside Sales": 2}
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
ALLOWED = re.compile(r"^\s*(INSERT INTO|UPDATE|DELETE FROM)\s+\"?rate_counter\b", re.IGNORECASE)

_request: contextvars.ContextVar[str | None] = contextvars.ContextVar("request", default=None)


class Recorder:
    """ASGI wrapper that names the request being answered, and the database writes seen
    while it is (handlers run in worker threads, which inherit the request's context)."""

    def __init__(self, app):
        self.app = app
        self.writes: list[tuple[str, str]] = []
        event.listen(app.state.engine, "before_cursor_execute", self._statement)

    def _statement(self, conn, cursor, statement, parameters, context, executemany):
        request = _request.get()
        if request is not None and WRITE.match(statement) and not ALLOWED.match(statement):
            self.writes.append((request, " ".join(statement.split())[:120]))

    async def __call__(self, scope, receive, send):
        token = _request.set(f"{scope.get('method')} {scope.get('path')}") if scope["type"] == "http" else None
        try:
            await self.app(scope, receive, send)
        finally:
            if token is not None:
                _request.reset(token)

    def client(self, cookies=None) -> TestClient:
        client = TestClient(self, base_url="https://testserver")
        if cookies is not None:
            client.cookies = cookies
        return client

    def stop(self):
        event.remove(self.app.state.engine, "before_cursor_execute", self._statement)


def _get_paths(app) -> list[str]:
    return sorted(
        {
            r.path
            for r in iter_route_contexts(app.routes)
            if isinstance(r.original_route, APIRoute) and "GET" in r.methods
        }
    )


def _fill(path: str, values: dict) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)


@pytest.fixture
def world(app, admin):
    """An organization with live results: a closed campaign (closed without a stored
    snapshot, as before snapshots were stored at closing) and an open one whose
    answers have joined; survey links of the open one."""
    closed = admin.campaign()
    store_responses(app.state.engine, closed, COUNTS, comments_per_team={"Assembly": 3})
    close(app.state.engine, closed)
    r = admin.client.put(
        f"/api/v1/organizations/{admin.org_id}/live-results", json={"live_results": True}, headers=admin.h
    )
    assert r.status_code == 200
    live = admin.campaign()
    park_responses(app, live, {"Assembly": 5, "Logistics": 5})
    links = admin.links(live, {admin.team_ids(live)["Quality"]: 2})
    return {"closed": closed, "live": live, "links": [path_of(row["link"]) for row in links]}


def test_no_get_request_writes(app, admin, world):
    recorder = Recorder(app)
    try:
        browser = recorder.client(admin.client.cookies)
        # a report job (a POST: its writes are recorded, which shows that the recorder sees writes)
        r = browser.post(f"/api/v1/campaigns/{world['closed']}/results/jobs", json={"format": "csv"}, headers=admin.h)
        assert r.status_code == 202, r.text
        assert any(req.startswith("POST ") for req, _ in recorder.writes)
        job = r.json()
        deadline = time.monotonic() + 60
        while job["state"] in ("queued", "running"):
            assert time.monotonic() < deadline
            time.sleep(0.1)
            job = browser.get(f"/api/v1/campaigns/{world['closed']}/results/jobs/{job['id']}").json()
        assert job["state"] == "done"

        paths = _get_paths(app)
        answered: dict[str, set[int]] = {}
        for cid in (world["closed"], world["live"]):
            values = {
                "organization_id": admin.org_id,
                "campaign_id": cid,
                "team_id": admin.team_ids(cid)["Assembly"],
                "job_id": job["id"],
                "number": "1",
                "token": world["links"][0].rsplit("/", 1)[-1],
            }
            for path in paths:
                if path.startswith("/static/") or path in ("/s/{token}", "/survey", "/survey/thanks", "/api/v1/survey"):
                    continue
                urls = [_fill(path, {**values, "fmt_key": "csv"})]
                if "{fmt_key}" in path:
                    urls = [_fill(path, {**values, "fmt_key": f}) for f in ("csv", "xlsx")]
                for url in urls:
                    answered.setdefault(path, set()).add(browser.get(url).status_code)
            for url in (
                f"/campaigns/{cid}/results/team?team=Assembly",
                f"/campaigns/{cid}/results?unit=Sales",
                f"/api/v1/campaigns/{cid}/results/team?team=Assembly",
                f"/portfolio/switch?organization_id={admin.org_id}",
                f"/api/v1/campaigns/{cid}/results/view?role=member",
                f"/campaigns/{cid}/results/filters?tenure=1-3",
            ):
                browser.get(url)

        # a consultant's views of the benchmark pool
        consultant = make_admin(app, email="consultant@example.org", org="Client", role=Role.consultant)
        pool = recorder.client(consultant.client.cookies)
        benchmark = {
            url: pool.get(url).status_code
            for url in (
                "/benchmark",
                "/api/v1/benchmark",
                "/benchmark/export",
                "/api/v1/benchmark/export",
                "/portfolio",
            )
        }

        # an employee's way through the survey, GET requests only
        employee = recorder.client()
        assert employee.get(world["links"][0], follow_redirects=False).status_code == 303
        for url in ("/survey", "/api/v1/survey", "/survey/thanks", "/s/not-a-token", "/login", "/docs"):
            employee.get(url)
    finally:
        recorder.stop()
    # the walk reached the routes with their data, not only refusals
    assert answered["/api/v1/campaigns/{campaign_id}/results"] == {200}
    assert answered["/campaigns/{campaign_id}/results"] == {200}
    assert 200 in answered["/api/v1/campaigns/{campaign_id}/results/download/{fmt_key}"]
    assert answered["/api/v1/campaigns/{campaign_id}/results/jobs/{job_id}/file"] >= {200}
    assert benchmark["/api/v1/benchmark"] == benchmark["/portfolio"] == 200, benchmark
    gets = [(req, sql) for req, sql in recorder.writes if req.startswith(("GET ", "HEAD "))]
    assert gets == []
    with session_scope(app.state.engine) as s:  # nor did the walk store the snapshot it showed
        assert s.exec(select(ResultSnapshot)).first() is None


def test_the_recorder_sees_a_write_in_a_get(app, admin, world, monkeypatch):
    """The check above can fail: results that stored their snapshot when shown (as they
    once did) are caught."""
    shown = results_router.campaign_results

    def storing(session, *, campaign, organization):
        store_release(session, campaign=campaign)
        return shown(session, campaign=campaign, organization=organization)

    monkeypatch.setattr(results_router, "campaign_results", storing)
    recorder = Recorder(app)
    try:
        r = recorder.client(admin.client.cookies).get(f"/api/v1/campaigns/{world['closed']}/results")
    finally:
        recorder.stop()
    assert r.status_code == 200
    assert [sql.split()[:3] for _, sql in recorder.writes] == [["INSERT", "INTO", "result_snapshot"]]
