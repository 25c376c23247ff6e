"""A campaign on the bundled pulse questionnaire (no tenure item) closes and reports like
one on the full questionnaire — results, reports, portfolio, waves and the benchmark —
and no organization's damaged campaign or pool entry breaks the pages or closings of
another (the problem is logged instead) (SQLite and PostgreSQL)."""

from __future__ import annotations

import logging
import random
import uuid

import pytest
from sqlmodel import select

from app.core.db import session_scope
from app.demo import simulated_benchmark
from app.models import BenchmarkEntryRow, Response
from app.services import benchmarks as benchmarks_service
from app.services import closing
from app.services.benchmarks import import_file, pool_status, released_pool
from app.services.downloads import FORMATS
from app.services.results import warm_up
from results_helpers import store_responses
from web_helpers import make_admin, new_client

PULSE = "aligned-autonomy-pulse-v1"
COUNTS = {"Assembly": 8, "Logistics": 6, "Quality": 5, "Key Accounts": 7}
PROFILES = (("logistics", "250-999"),) * 5


@pytest.fixture
def closing_threads(monkeypatch):
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


def _opted_in(app, email, org):
    admin = make_admin(app, email=email, org=org)
    assert (
        admin.patch(
            f"/api/v1/organizations/{admin.org_id}", json={"industry": "Logistics", "size_band": "250-999"}
        ).status_code
        == 200
    )
    assert admin.post(f"/api/v1/organizations/{admin.org_id}/benchmark", json={"opt_in": True}).status_code == 200
    return admin


def _answer_every_link(app, admin, cid):
    """Every personal link of the campaign answers through the survey API."""
    rng = random.Random(cid)
    links = admin.links(cid)
    for link in links:
        employee = new_client(app)
        opened = employee.post("/api/v1/survey/session", json={"token": link["link"].rsplit("/", 1)[1]})
        assert opened.status_code == 200, opened.text
        survey = opened.json()
        answers = {i["id"]: rng.choice(i["options"])["value"] for i in survey["survey"]["items"] if i["options"]}
        r = employee.post(
            "/api/v1/survey/responses", json={"answers": answers}, headers={"X-CSRF-Token": survey["csrf_token"]}
        )
        assert r.status_code == 201, r.text
    return len(links)


def _close(admin, cid):
    r = admin.post(f"/api/v1/campaigns/{cid}/close")
    assert r.status_code == 200, r.text


def _full_campaign(app, admin, name):
    cid = admin.campaign(name=name)
    store_responses(app.state.engine, cid, COUNTS, seed=len(name))
    _close(admin, cid)
    return cid


def _pages_answer(admin, urls):
    for url in urls:
        r = admin.client.get(url)
        assert r.status_code == 200, (url, r.status_code, r.text[:300])


def test_a_pulse_campaign_closes_and_reports_like_a_full_one(app, closing_threads):
    with session_scope(app.state.engine, write=True) as s:
        import_file(s, data=simulated_benchmark(PROFILES), source="simulated")
    acme = _opted_in(app, "hr@acme.example", "Acme")
    first = _full_campaign(app, acme, "Baseline")
    pulse = acme.campaign(name="Pulse", questionnaire=PULSE)
    n = _answer_every_link(app, acme, pulse)
    _close(acme, pulse)

    r = acme.client.get(f"/api/v1/campaigns/{pulse}/results")
    assert r.status_code == 200, r.text
    overview = r.json()
    assert overview["n_respondents"] == n and overview["tenure"] == []
    assert set(overview["dimensions"]) == {"direction", "decision_rights", "feedback"}
    _pages_answer(
        acme,
        [
            f"/campaigns/{pulse}/results",
            f"/campaigns/{pulse}/results/heatmaps",
            f"/campaigns/{pulse}/results/filters",
            f"/campaigns/{pulse}/results/team?name=Assembly",
            f"/api/v1/campaigns/{pulse}/results/heatmap",
            f"/api/v1/campaigns/{pulse}/results/team?name=Assembly",
            f"/api/v1/campaigns/{pulse}/results/view?role=member",
            f"/campaigns/{pulse}/benchmark",
            "/portfolio",
            f"/orgs/{acme.org_id}/waves",
        ],
    )
    r = acme.client.get(f"/api/v1/campaigns/{pulse}/results/view?tenure=lt1")
    assert r.status_code == 422 and r.json()["detail"] == "unknown filter value"
    r = acme.client.get(f"/api/v1/campaigns/{pulse}/results/heatmap?metric=misconception")
    assert r.status_code == 422 and r.json()["detail"] == "this questionnaire asks no misconceptions"
    page = acme.client.get(f"/campaigns/{pulse}/results/heatmaps?metric=structure&unit=Operations")
    assert page.status_code == 200 and 'value="misconception"' not in page.text
    assert 'value="misconception"' in acme.client.get(f"/campaigns/{first}/results/heatmaps").text
    for fmt in FORMATS.values():
        team = "&team=Assembly" if fmt.key == "team-pdf" else ""
        r = acme.client.get(f"/api/v1/campaigns/{pulse}/results/download/{fmt.key}?lang=de{team}")
        assert r.status_code == 200 and r.content, (fmt.key, r.text[:300])

    (row,) = acme.client.get("/api/v1/portfolio").json()
    assert row["closed_campaign"]["id"] == pulse and row["closed_campaign"]["questionnaire_id"] == PULSE
    assert row["n_respondents"] == n and row["typology"] is not None and row["hidden"] is None
    waves = acme.client.get(f"/api/v1/organizations/{acme.org_id}/waves")
    assert waves.status_code == 200, waves.text
    assert [c["id"] for c in waves.json()["campaigns"]] == [first, pulse]
    bench = acme.client.get(f"/api/v1/campaigns/{pulse}/benchmark")
    assert bench.status_code == 200, bench.text
    assert "pulse" in bench.json()["benchmark"]["note"]["en"]

    # later closings of everyone who shares the pool, and the pool's release of the pulse entry
    other = _opted_in(app, "hr@other.example", "Other")
    later = _full_campaign(app, other, "Spring")
    with session_scope(app.state.engine, write=True) as s:
        import_file(s, data=simulated_benchmark(PROFILES[:3]), source="more simulated")
        assert pool_status(s)["pending"] == 0
        assert PULSE in {e.questionnaire_id for e in released_pool(s)}
    for admin, cid in ((acme, pulse), (other, later)):
        _pages_answer(
            admin,
            [
                f"/api/v1/campaigns/{cid}/benchmark",
                f"/campaigns/{cid}/benchmark",
                "/portfolio",
                f"/api/v1/campaigns/{cid}/results",
            ],
        )


def test_a_damaged_campaign_or_pool_entry_breaks_no_other_organization(app, closing_threads, caplog):
    with session_scope(app.state.engine, write=True) as s:
        import_file(s, data=simulated_benchmark(PROFILES), source="simulated")
    broken = _opted_in(app, "hr@broken.example", "Broken")
    cid = broken.campaign()
    store_responses(app.state.engine, cid, COUNTS)
    with session_scope(app.state.engine, write=True) as s:  # an answer off the item's scale
        response = s.exec(select(Response).where(Response.campaign_id == uuid.UUID(cid))).first()
        response.answers = {**response.answers, "dir_p1": 9}
        s.add(response)
        s.add(
            BenchmarkEntryRow(
                entry_id="f" * 32, source="damaged", released=True, data={"entry_id": "f" * 32, "dimensions": "none"}
            )
        )
        s.commit()
    with caplog.at_level(logging.ERROR, logger=benchmarks_service.__name__):
        _close(broken, cid)
        other = _opted_in(app, "hr@other.example", "Other")
        later = _full_campaign(app, other, "Spring")
        _pages_answer(
            other,
            [
                f"/api/v1/campaigns/{later}/benchmark",
                f"/campaigns/{later}/benchmark",
                f"/api/v1/campaigns/{later}/results",
                "/portfolio",
            ],
        )
    messages = [r.getMessage() for r in caplog.records]
    assert f"campaign {cid} gets no benchmark entry" in messages
    assert (
        f"benchmark entry {'f' * 32} is left out of the pool: questionnaire_id: is required (and 6 more problems)"
        in messages
    )
    with session_scope(app.state.engine) as s:
        assert not s.exec(select(BenchmarkEntryRow).where(BenchmarkEntryRow.campaign_id == uuid.UUID(cid))).all()
        assert len(released_pool(s)) == len(PROFILES)
