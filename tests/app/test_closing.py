"""Closing a campaign and what follows: the waiting answer sets join (withheld where live
results were shown and they would change a release by fewer than k people), the final
results are stored as a snapshot, results after a restart come from the snapshot,
the benchmark pool takes the campaign in, and the diagnosis is warmed in the background
(at closing and at server start), computed once however many ask (SQLite and
PostgreSQL)."""

from __future__ import annotations

import logging
import threading
import time
import uuid

import pytest
from sqlalchemy import create_engine
from sqlmodel import select

from app import main as app_main
from app.core.db import make_engine, session_scope
from app.models import (
    BenchmarkEntryRow,
    Campaign,
    CampaignStatus,
    Comment,
    Organization,
    Response,
    ResultSnapshot,
    Role,
)
from app.services import closing
from app.services import results as results_service
from app.services.benchmarks import RELEASE_STEP, pool_status, set_opt_in
from app.services.campaigns import create_campaign, launch_campaign
from app.services.closing import close_and_release
from app.services.organizations import create_organization
from app.services.results import LISTING_FAILED, WARM_UP_FAILED, campaign_results, clear_cache, warm_up
from app.services.teams import import_teams
from app.services.users import create_user
from results_helpers import close, park_responses, store_responses
from web_helpers import PASSWORD, TEAMS_CSV, new_client, waiting_sets

COUNTS = {"Assembly": 8, "Logistics": 6, "Quality": 5, "Key Accounts": 7, "Inside Sales": 2}


@pytest.fixture
def closing_threads(monkeypatch, database_url):
    """The warm-up threads started by closing, joined after the test (before its
    database goes away)."""
    threads = []

    def recorded(engine, campaign_ids=None):
        threads.append(warm_up(engine, campaign_ids))
        return threads[-1]

    monkeypatch.setattr(closing, "warm_up", recorded)
    yield threads
    for t in threads:
        t.join(timeout=30)


@pytest.fixture
def counted(monkeypatch):
    """Counts the diagnoses computed (each takes at least 0.2 s, so that callers overlap)."""
    calls = []
    diagnose = results_service._diagnose

    def slow(campaign, data, interim, language=None):
        calls.append(campaign.id)
        time.sleep(0.2)
        return diagnose(campaign, data, interim, language)

    monkeypatch.setattr(results_service, "_diagnose", slow)
    return calls


def _no_reading(monkeypatch):
    def fail(*_args, **_kwargs):
        raise AssertionError("responses were read")

    monkeypatch.setattr(results_service, "read_columns", fail)


def _snapshot_count(engine, cid) -> int | None:
    with session_scope(engine) as s:
        return s.exec(select(ResultSnapshot.response_count).where(ResultSnapshot.campaign_id == uuid.UUID(cid))).first()


def _count(engine, model) -> int:
    with session_scope(engine) as s:
        return len(s.exec(select(model)).all())


def _results(engine, cid):
    with session_scope(engine) as s:
        campaign = s.get(Campaign, uuid.UUID(str(cid)))
        return campaign_results(s, campaign=campaign, organization=s.get(Organization, campaign.organization_id))


def _closed_campaign(app, admin) -> str:
    cid = admin.campaign()
    store_responses(app.state.engine, cid, COUNTS, comments_per_team={"Assembly": 3})
    close(app.state.engine, cid)
    return cid


# ------------------------------------------------------------------ snapshots


def test_closing_stores_the_results_and_a_restart_reads_no_response(app, admin, closing_threads, monkeypatch):
    cid = admin.campaign()
    store_responses(app.state.engine, cid, COUNTS, comments_per_team={"Assembly": 3})
    assert _snapshot_count(app.state.engine, cid) is None
    r = admin.post(f"/api/v1/campaigns/{cid}/close")
    assert r.status_code == 200 and r.json()["status"] == "closed"
    assert _snapshot_count(app.state.engine, cid) == sum(COUNTS.values())
    before = admin.client.get(f"/api/v1/campaigns/{cid}/results").json()
    assert before["n_respondents"] == sum(COUNTS.values()) and before["pending"] == 0

    clear_cache()  # a restart
    _no_reading(monkeypatch)
    assert admin.client.get(f"/api/v1/campaigns/{cid}/results").json() == before
    assert admin.client.get(f"/api/v1/campaigns/{cid}/results/heatmap").status_code == 200
    assert admin.post(f"/api/v1/campaigns/{cid}/close").status_code == 409


def test_closing_lets_every_waiting_answer_set_join(app, admin, closing_threads):
    engine = app.state.engine
    cid = admin.campaign()
    store_responses(engine, cid, {"Assembly": 6})
    park_responses(app, cid, {"Assembly": 2, "Key Accounts": 3}, comment="late")
    assert len(waiting_sets(app)) == 5 and _count(engine, Response) == 6
    r = admin.client.post(f"/campaigns/{cid}/close", data={"csrf_token": admin.csrf}, follow_redirects=False)
    assert r.status_code == 303
    assert waiting_sets(app) == [] and _count(engine, Response) == 11 and _count(engine, Comment) == 5
    final = admin.client.get(f"/api/v1/campaigns/{cid}/results").json()
    assert final["released_count"] == 11 and final["pending"] == 0 and final["withheld"] == 0


def test_closing_after_live_results_withholds_what_would_change_a_release_by_fewer_than_k(app, admin, closing_threads):
    engine = app.state.engine
    r = admin.client.put(
        f"/api/v1/organizations/{admin.org_id}/live-results", json={"live_results": True}, headers=admin.h
    )
    assert r.status_code == 200
    cid = admin.campaign()
    park_responses(app, cid, {"Assembly": 5, "Logistics": 5}, seed=1)
    assert admin.client.get(f"/api/v1/campaigns/{cid}/results").json()["released_count"] == 10
    park_responses(app, cid, {"Assembly": 3, "Key Accounts": 2}, seed=2)
    live = admin.client.get(f"/api/v1/campaigns/{cid}/results").json()
    assert live["released_count"] == 10 and live["pending"] == 5
    r = admin.client.post(f"/campaigns/{cid}/close", data={"csrf_token": admin.csrf}, follow_redirects=False)
    assert r.status_code == 303
    final = admin.client.get(f"/api/v1/campaigns/{cid}/results").json()
    assert final["released_count"] == 10 and final["pending"] == 0 and final["withheld"] == 5 and not final["live"]
    assert waiting_sets(app) == [] and _count(engine, Response) == 10
    page = admin.client.get(f"/campaigns/{cid}/results")
    assert "5 answers could not be added at closing" in page.text


def test_a_campaign_closed_without_snapshot_is_shown_without_writing_and_warm_up_stores_it(app, admin, monkeypatch):
    cid = _closed_campaign(app, admin)
    first = admin.client.get(f"/api/v1/campaigns/{cid}/results").json()
    assert first["n_respondents"] == sum(COUNTS.values())
    assert _snapshot_count(app.state.engine, cid) is None  # showing results never writes
    warm_up(app.state.engine, [uuid.UUID(cid)]).join(timeout=30)
    assert _snapshot_count(app.state.engine, cid) == sum(COUNTS.values())
    clear_cache()
    _no_reading(monkeypatch)
    assert admin.client.get(f"/api/v1/campaigns/{cid}/results").json() == first


# ------------------------------------------------------------------ benchmark pool


def _opted_in_campaigns(engine, n: int) -> list[uuid.UUID]:
    """``n`` organizations that opted in to the benchmark, each with an open campaign with responses."""
    ids = []
    with session_scope(engine, write=True) as s:
        user = create_user(s, email="consultant@example.org", password=PASSWORD)
        s.commit()
        for i in range(n):
            org = create_organization(
                s, user=user, name=f"Org {i}", industry="Logistics", size_band="250-999", creator_role=Role.consultant
            )
            import_teams(s, organization=org, data=TEAMS_CSV.encode())
            campaign = create_campaign(s, organization=org, name="Spring", questionnaire_id="aligned-autonomy-v1")
            launch_campaign(s, campaign=campaign, organization=org)
            set_opt_in(s, organization=org, opt_in=True)
            ids.append(campaign.id)
    for i, cid in enumerate(ids):
        store_responses(engine, cid, COUNTS, seed=i)
    return ids


def test_closing_adds_the_pending_benchmark_entry_and_releases_in_steps(database_url, closing_threads):
    engine = make_engine(database_url)
    try:
        ids = _opted_in_campaigns(engine, RELEASE_STEP)
        with session_scope(engine, write=True) as s:
            for i, cid in enumerate(ids):
                close_and_release(s, campaign=s.get(Campaign, cid), sealer=None)
                entry = s.exec(select(BenchmarkEntryRow).where(BenchmarkEntryRow.campaign_id == cid)).one()
                status = pool_status(s)
                if i < RELEASE_STEP - 1:
                    assert not entry.released and status["pending"] == i + 1 and status["released"] == 0
            assert status["released"] == RELEASE_STEP and status["pending"] == 0
    finally:
        engine.dispose()


def test_pool_views_do_not_change_the_pool_but_opting_in_does(app, admin):
    engine = app.state.engine
    cid = _closed_campaign(app, admin)
    oid = admin.org_id
    r = admin.patch(f"/api/v1/organizations/{oid}", json={"industry": "Logistics", "size_band": "250-999"})
    assert r.status_code == 200, r.text
    assert admin.client.get(f"/api/v1/campaigns/{cid}/benchmark").status_code == 200
    with session_scope(engine) as s:
        assert pool_status(s)["pending"] == 0
    assert admin.post(f"/api/v1/organizations/{oid}/benchmark", json={"opt_in": True}).status_code == 200
    with session_scope(engine) as s:
        entry = s.exec(select(BenchmarkEntryRow).where(BenchmarkEntryRow.organization_id == uuid.UUID(oid))).one()
        assert entry.campaign_id == uuid.UUID(cid) and not entry.released


# ------------------------------------------------------------------ warm-up


def test_warm_up_fills_the_cache_and_concurrent_requests_compute_once(app, admin, counted, monkeypatch):
    engine = app.state.engine
    cid = _closed_campaign(app, admin)
    warm_up(engine, [uuid.UUID(cid)]).join(timeout=30)  # stores the snapshot
    clear_cache()
    counted.clear()
    _no_reading(monkeypatch)
    warming = warm_up(engine)
    got = []
    requests = [threading.Thread(target=lambda: got.append(_results(engine, cid).diagnosis)) for _ in range(3)]
    for t in requests:
        t.start()
    for t in (warming, *requests):
        t.join(timeout=30)
    assert counted == [uuid.UUID(cid)]
    assert len(got) == 3 and all(dx is got[0] for dx in got)
    assert admin.client.get(f"/api/v1/campaigns/{cid}/results").json()["n_respondents"] == sum(COUNTS.values())
    assert counted == [uuid.UUID(cid)]


def test_server_start_warms_the_recently_closed_campaigns(app, admin, counted, monkeypatch):
    cid = _closed_campaign(app, admin)
    clear_cache()
    started = []
    monkeypatch.setattr(app_main, "warm_up", lambda engine: started.append(warm_up(engine)))
    with new_client(app):
        pass
    for t in started:
        t.join(timeout=30)
    assert len(started) == 1 and counted == [uuid.UUID(cid)]
    _no_reading(monkeypatch)
    assert admin.client.get(f"/api/v1/campaigns/{cid}/results").json()["n_respondents"] == sum(COUNTS.values())
    assert counted == [uuid.UUID(cid)]

    app.state.settings.warm_up = False
    with new_client(app):
        pass
    assert len(started) == 1


def test_warm_up_failure_is_logged_and_harmless(app, admin, monkeypatch, caplog, tmp_path):
    cid = _closed_campaign(app, admin)

    def broken(campaign, data, interim, language=None):
        raise RuntimeError("diagnosis failed")

    diagnose = results_service._diagnose
    monkeypatch.setattr(results_service, "_diagnose", broken)
    with caplog.at_level(logging.ERROR, logger=results_service.__name__):
        warm_up(app.state.engine, [uuid.UUID(cid)]).join(timeout=30)
        gone = create_engine(f"sqlite:///{tmp_path}/gone/aad.db")
        warm_up(gone).join(timeout=30)
        gone.dispose()
    messages = [r.getMessage() for r in caplog.records]
    assert WARM_UP_FAILED % uuid.UUID(cid) in messages and LISTING_FAILED in messages
    assert not results_service._diagnoses.running
    monkeypatch.setattr(results_service, "_diagnose", diagnose)
    assert admin.client.get(f"/api/v1/campaigns/{cid}/results").json()["n_respondents"] == sum(COUNTS.values())


def test_a_failed_computation_lets_the_waiting_caller_compute():
    cache = results_service._LRU(2)
    started, go = threading.Event(), threading.Event()

    def failing():
        started.set()
        go.wait(5)
        raise RuntimeError("failed")

    first = threading.Thread(target=lambda: pytest.raises(RuntimeError, cache.get, "key", failing))
    first.start()
    started.wait(5)
    got = []
    second = threading.Thread(target=lambda: got.append(cache.get("key", lambda: "value")))
    second.start()
    time.sleep(0.1)
    go.set()
    first.join(5)
    second.join(5)
    assert got == ["value"] and cache.get("key", failing) == "value" and not cache.running


@pytest.mark.parametrize(
    "step", ["flush_all", "delete_addresses", "close_campaign", "store_release", "results_changed", "sync_pool"]
)
def test_a_failed_closing_leaves_no_partial_state(database_url, closing_threads, monkeypatch, step):
    """Closing is one transaction, the caller's: when any step fails after doing its
    writes (the last one included), the unit of work is rolled back: the campaign is still open, its results version unchanged, and no
    snapshot or benchmark entry exists; nothing of the campaign is left cached."""
    engine = make_engine(database_url)
    try:
        (cid,) = _opted_in_campaigns(engine, 1)
        with session_scope(engine) as s:
            before = s.get(Campaign, cid).results_version
        real = getattr(closing, step)

        def fail_after(session, **kwargs):
            real(session, **kwargs)  # the step's writes happen, then the closing fails
            raise RuntimeError(f"{step} failed")

        monkeypatch.setattr(closing, step, fail_after)
        with pytest.raises(RuntimeError, match=step), session_scope(engine, write=True) as s:
            close_and_release(s, campaign=s.get(Campaign, cid), sealer=None)
        assert not [k for k in results_service._diagnoses.items if k[0] == cid]
        with session_scope(engine) as s:
            campaign = s.get(Campaign, cid)
            assert campaign.status == CampaignStatus.open and campaign.closed_at is None
            assert campaign.results_version == before
            assert s.exec(select(ResultSnapshot).where(ResultSnapshot.campaign_id == cid)).first() is None
            assert s.exec(select(BenchmarkEntryRow).where(BenchmarkEntryRow.campaign_id == cid)).first() is None
        monkeypatch.setattr(closing, step, real)
        with session_scope(engine, write=True) as s:  # and the closing can be done again
            assert close_and_release(s, campaign=s.get(Campaign, cid), sealer=None).status == CampaignStatus.closed
            assert s.exec(select(BenchmarkEntryRow).where(BenchmarkEntryRow.campaign_id == cid)).one()
            assert s.get(Campaign, cid).results_version == before + 1
    finally:
        engine.dispose()
