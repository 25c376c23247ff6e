"""One transaction per request (docs/architecture.md, "Transactions"): services never
commit; the request's session commits once, before the response is sent, or rolls back
when the handler fails, and background work waits for the commit. Every web test also
runs under the guard of ``conftest._one_transaction_per_request``; these tests show
that the guard catches a second commit and that a request failing after its writes
stores nothing, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from app.core.db import after_commit, after_rollback, make_engine, session_scope
from app.models import Campaign, CampaignStatus, Organization, ReportJob, User
from app.routers import campaigns as campaigns_router
from app.services import closing
from transactions import RequestCommits


@pytest.fixture
def engine(database_url):
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def _org_names(engine) -> list[str]:
    with session_scope(engine) as s:
        return list(s.exec(select(Organization.name)).all())


def test_a_unit_of_work_commits_at_its_end_and_rolls_back_on_an_error(engine):
    with session_scope(engine, write=True) as s:
        s.add(Organization(name="Kept"))
    with pytest.raises(RuntimeError), session_scope(engine, write=True) as s:
        s.add(Organization(name="Dropped"))
        s.flush()  # written to the database inside the transaction, then the block fails
        raise RuntimeError
    assert _org_names(engine) == ["Kept"]


def test_work_after_commit_runs_only_once_committed_and_undo_only_after_a_rollback(engine):
    log: list[str] = []
    with session_scope(engine, write=True) as s:
        after_commit(s, lambda: log.append("committed"))
        after_rollback(s, lambda: log.append("undone"))
        with s.begin_nested():  # a savepoint's release commits nothing
            s.add(Organization(name="Saved"))
        with pytest.raises(RuntimeError), s.begin_nested():  # and its rollback ends nothing
            raise RuntimeError
        assert log == []
    assert log == ["committed"]
    log.clear()
    with pytest.raises(RuntimeError), session_scope(engine, write=True) as s:
        after_commit(s, lambda: log.append("committed"))
        after_rollback(s, lambda: log.append("undone"))
        raise RuntimeError
    assert log == ["undone"]
    with session_scope(engine, write=True) as s:  # nothing is left over for the next transaction
        s.add(Organization(name="Later"))
    assert log == ["undone"]


def test_the_guard_catches_a_session_that_commits_twice(engine, monkeypatch):
    """The conftest guard is not vacuous: a request session committing in the middle
    (as services did before) is recorded."""
    dependencies = SimpleNamespace(session_scope=session_scope)  # as app.deps uses it
    with RequestCommits(monkeypatch, dependencies) as commits:
        with dependencies.session_scope(engine, write=True) as s:
            s.add(Organization(name="First"))
            s.commit()  # a service committing on its own
            s.add(Organization(name="Second"))
    assert len(commits.violations) == 1


def _failing_after_the_service(monkeypatch):
    def fail(campaign):
        raise RuntimeError("the handler failed after the service's writes")

    monkeypatch.setattr(campaigns_router, "_out", fail)


def _failed_request(app, admin, cid: str, action: str) -> Campaign:
    """POST the campaign ``action`` (answered 500) and read the campaign afterwards."""
    client = TestClient(app, base_url="https://testserver", raise_server_exceptions=False, cookies=admin.client.cookies)
    assert client.post(f"/api/v1/campaigns/{cid}/{action}", headers=admin.h).status_code == 500
    with session_scope(app.state.engine) as s:
        campaign = s.get(Campaign, uuid.UUID(cid))
    assert campaign is not None
    return campaign


def test_a_launch_that_fails_after_the_service_stores_nothing(app, admin, monkeypatch):
    cid = admin.campaign(launch=False)
    _failing_after_the_service(monkeypatch)
    campaign = _failed_request(app, admin, cid, "launch")
    assert campaign.status == CampaignStatus.draft and campaign.launched_at is None


def test_a_closing_that_fails_after_the_service_stores_nothing_and_starts_nothing(app, admin, monkeypatch):
    cid = admin.campaign()
    started: list = []
    monkeypatch.setattr(closing, "warm_up", lambda engine, ids: started.append(ids))
    _failing_after_the_service(monkeypatch)
    campaign = _failed_request(app, admin, cid, "close")
    assert campaign.status == CampaignStatus.open and campaign.closed_at is None
    assert started == []  # the diagnosis in the background waits for a commit that never came
    monkeypatch.undo()
    monkeypatch.setattr(closing, "warm_up", lambda engine, ids: started.append(ids))
    assert admin.post(f"/api/v1/campaigns/{cid}/close").status_code == 200
    assert started == [[uuid.UUID(cid)]]


def test_a_report_job_starts_only_after_its_transaction_committed(app, admin, monkeypatch):
    """The job row is written in the request's transaction; the pool gets the work only
    once that has committed, so a job never runs for a row that does not exist."""
    runner, cid = app.state.report_jobs, uuid.UUID(admin.campaign())
    with session_scope(app.state.engine) as s:
        owner = s.exec(select(User.id).where(User.email == admin.email)).one()
    submitted: list = []
    monkeypatch.setattr(runner._pool, "submit", lambda *a: submitted.append(a))
    with pytest.raises(RuntimeError), session_scope(app.state.engine, write=True) as s:
        runner.submit(s, owner=owner, campaign_id=cid, fmt=_a_format(), filename="x", work=bytes)
        raise RuntimeError
    assert submitted == []
    with session_scope(app.state.engine) as s:
        assert s.exec(select(ReportJob)).first() is None
    with session_scope(app.state.engine, write=True) as s:
        job = runner.submit(s, owner=owner, campaign_id=cid, fmt=_a_format(), filename="x", work=bytes)
        assert submitted == []
    assert len(submitted) == 1
    with session_scope(app.state.engine) as s:
        assert s.get(ReportJob, job.id) is not None


def _a_format():
    from app.services.downloads import FORMATS

    return next(iter(FORMATS.values()))
