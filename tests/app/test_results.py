"""Results: dashboard pages and their JSON twins, access rules, live results in steps,
filters that refuse small groups, and report downloads (SQLite and PostgreSQL)."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta
from typing import get_args

import pytest
from sqlmodel import select

from analysis import figures
from app.core.db import session_scope
from app.models import Membership, ReportJob, Role, User, utcnow
from app.main import create_app
from app.routers.results import SortKey
from app.services.downloads import (
    FORMATS,
    JOB_FAILED,
    JOB_NOT_FOUND,
    JOB_STALE_SECONDS,
    TEAM_HIDDEN,
    UNKNOWN_FORMAT,
    JobRunner,
)
from app.services.organizations import READ_ONLY
from app.services.results import HIDDEN_WHILE_OPEN, NO_RESPONSES, NOT_LAUNCHED
from results_helpers import close, park_responses, store_responses
from web_helpers import add_user, login, make_admin, make_settings, new_client

COUNTS = {"Assembly": 8, "Logistics": 6, "Quality": 5, "Key Accounts": 7, "Inside Sales": 2}


@pytest.fixture
def closed(app, admin):
    """A closed campaign with responses in every team (Inside Sales below k)."""
    cid = admin.campaign()
    store_responses(app.state.engine, cid, COUNTS, comments_per_team={"Assembly": 3})
    close(app.state.engine, cid)
    return cid


def test_heatmap_rows_follow_the_chosen_order(admin, closed):
    url = f"/api/v1/campaigns/{closed}/results/heatmap"
    ops = {"unit": "Operations", "metric": "perception"}
    by = {s: admin.client.get(url, params={**ops, "sort": s}).json() for s in ("best", "weakest", "name")}
    assert by["name"]["rows"] == sorted(by["name"]["rows"]) and by["name"]["sort"] == "name"
    assert by["weakest"]["rows"] == by["best"]["rows"][::-1]  # three shown teams, no ties
    assert admin.client.get(url, params={**ops, "sort": "decision_rights"}).status_code == 200
    assert admin.client.get(url, params={"sort": "random"}).status_code == 422
    page = admin.client.get(f"/campaigns/{closed}/results/heatmaps", params={**ops, "sort": "weakest"}).text
    assert '<option value="weakest" selected>' in page and "sort=weakest&amp;unit=" not in page
    page = admin.client.get(f"/campaigns/{closed}/results/heatmaps", params={"sort": "attention"}).text
    assert "sort=attention&amp;unit=Operations" in page


def test_the_heatmap_offers_every_order_of_the_figures():
    assert get_args(SortKey) == figures.SORTS


def test_the_top_bar_follows_the_language(admin, closed):
    page = admin.client.get(f"/campaigns/{closed}/results?lang=de").text
    assert "Abmelden" in page and "Zum Inhalt springen" in page and 'href="/portfolio?lang=de"' in page
    page = admin.client.get(f"/campaigns/{closed}/results").text
    assert "Abmelden" in page  # the explicit choice is remembered
    page = admin.client.get(f"/campaigns/{closed}/results?lang=en").text
    assert "Log out" in page and 'href="/portfolio?lang=en"' in page
    assert 'href="/benchmark' not in page  # an HR admin is no consultant


def test_draft_and_open_campaigns_show_no_results(app, admin):
    draft = admin.campaign(launch=False)
    assert admin.client.get(f"/api/v1/campaigns/{draft}/results").json() == {"hidden": NOT_LAUNCHED}
    cid = admin.campaign()
    store_responses(app.state.engine, cid, COUNTS)
    assert admin.client.get(f"/api/v1/campaigns/{cid}/results").json() == {"hidden": HIDDEN_WHILE_OPEN}
    page = admin.client.get(f"/campaigns/{cid}/results")
    assert page.status_code == 200 and HIDDEN_WHILE_OPEN in page.text
    for path in ("heatmap", "team?name=Assembly", "view?role=lead", "download/csv"):
        r = admin.client.get(f"/api/v1/campaigns/{cid}/results/{path}")
        assert r.status_code == 400 and r.json()["detail"] == HIDDEN_WHILE_OPEN


def test_closed_campaign_overview_heatmap_and_team(admin, closed):
    data = admin.client.get(f"/api/v1/campaigns/{closed}/results").json()
    assert data["n_respondents"] == sum(COUNTS.values())
    assert {u["unit"] for u in data["units"]} == {"Operations", "Sales"}
    assert set(data["dimensions"]) == {"direction", "decision_rights", "feedback"}
    assert data["findings"] and data["organization"]["suppressed"] is False
    # the key findings and labels keep both languages in the JSON, the German from the catalogue
    for finding in data["findings"]:
        assert set(finding) == {"id", "priority", "en", "de"} and finding["en"] != finding["de"], finding
    assert data["labels"]["finding"]["structural_gap"] == {"en": "structural gap", "de": "strukturelle Lücke"}
    reading = data["dimensions"]["direction"]["icc_reading"]
    assert set(reading) == {"en", "de"} and "zwischen den Teams" in reading["de"], reading

    heat = admin.client.get(f"/api/v1/campaigns/{closed}/results/heatmap").json()
    assert heat["level"] == "unit" and set(heat["rows"]) == {"Operations", "Sales"}
    assert heat["figure"]["data"]
    teams = admin.client.get(
        f"/api/v1/campaigns/{closed}/results/heatmap", params={"unit": "Sales", "metric": "finding"}
    ).json()
    assert set(teams["rows"]) == {"Key Accounts", "Inside Sales"}
    assert all(r["suppressed"] for r in teams["records"])  # Inside Sales < k, Key Accounts complementary
    assert (
        admin.client.get(f"/api/v1/campaigns/{closed}/results/heatmap", params={"unit": "Nowhere"}).status_code == 404
    )

    small = admin.client.get(f"/api/v1/campaigns/{closed}/results/team", params={"name": "Inside Sales"}).json()
    assert small["suppressed"] and small["n"] is None and "dimensions" not in small
    big = admin.client.get(f"/api/v1/campaigns/{closed}/results/team", params={"name": "Assembly"}).json()
    assert big["n"] == 8 and big["dimensions"]["direction"]["score"] is not None
    assert admin.client.get(f"/api/v1/campaigns/{closed}/results/team", params={"name": "Nobody"}).status_code == 404

    for path, marker in (
        ("", "Key findings"),
        ("/heatmaps", "heat-figure"),
        ("/heatmaps?unit=Operations", "Assembly"),
        ("/team?name=Assembly", "What to do"),
        ("/team?name=Inside%20Sales", "team-hidden"),
        ("?lang=de", "Wichtigste Erkenntnisse"),
        ("/filters", "filter-form"),
    ):
        page = admin.client.get(f"/campaigns/{closed}/results{path}")
        assert page.status_code == 200, path
        assert marker in page.text, path


def test_another_tenant_gets_404(app, admin, closed):
    other = make_admin(app, email="hr@other.example", org="Other")
    for path in (
        "/api/v1/campaigns/{}/results",
        "/api/v1/campaigns/{}/results/heatmap",
        "/api/v1/campaigns/{}/results/team?name=Assembly",
        "/api/v1/campaigns/{}/results/download/csv",
        "/campaigns/{}/results",
        "/campaigns/{}/results/heatmaps",
    ):
        assert other.client.get(path.format(closed)).status_code == 404, path
    assert other.client.get(f"/api/v1/campaigns/{uuid.uuid4()}/results").status_code == 404
    anonymous = new_client(app)
    assert anonymous.get(f"/api/v1/campaigns/{closed}/results").status_code == 401


def test_viewer_of_the_organization_reads_results(app, admin, closed):
    add_user(app, "viewer@example.org")
    with session_scope(app.state.engine, write=True) as session:
        user = session.exec(select(User).where(User.email == "viewer@example.org")).one()
        session.add(Membership(user_id=user.id, organization_id=uuid.UUID(admin.org_id), role=Role.viewer))
        session.commit()
    viewer = new_client(app)
    login(viewer, "viewer@example.org")
    assert viewer.get(f"/api/v1/campaigns/{closed}/results").json()["n_respondents"] == sum(COUNTS.values())
    assert viewer.get(f"/campaigns/{closed}/results/heatmaps").status_code == 200


def test_live_results_take_answers_in_team_batches(app, admin):
    r = admin.client.put(f"/api/v1/organizations/{admin.org_id}/live-results", json={"live_results": True})
    assert r.status_code == 403  # CSRF
    r = admin.client.put(
        f"/api/v1/organizations/{admin.org_id}/live-results", json={"live_results": True}, headers=admin.h
    )
    assert r.json() == {"live_results": True}
    cid = admin.campaign()
    park_responses(app, cid, {"Assembly": 4}, seed=1)
    first = admin.client.get(f"/api/v1/campaigns/{cid}/results").json()
    assert first == {"hidden": "no responses yet"}
    park_responses(app, cid, {"Assembly": 1, "Logistics": 4}, seed=2)
    second = admin.client.get(f"/api/v1/campaigns/{cid}/results").json()
    assert second["live"] and second["released_count"] == 5 and second["pending"] == 4
    assert second["n_respondents"] == 5 and second["role_gaps"] == [] and second["settings"]["interim"]
    park_responses(app, cid, {"Logistics": 1}, seed=3)
    third = admin.client.get(f"/api/v1/campaigns/{cid}/results").json()
    assert third["released_count"] == 10 and third["pending"] == 0 and third["n_respondents"] == 10
    page = admin.client.get(f"/campaigns/{cid}/results")
    assert "new answers join team by team, in groups of at least 5" in page.text
    view = admin.client.get(f"/api/v1/campaigns/{cid}/results/view", params={"role": "member"}).json()
    assert view["released"] is False and view["reason"] == "interim"


def test_live_results_setting_needs_an_admin_of_the_organization(app, admin):
    other = make_admin(app, email="hr@elsewhere.example", org="Elsewhere")
    r = other.client.put(
        f"/api/v1/organizations/{admin.org_id}/live-results", json={"live_results": True}, headers=other.h
    )
    assert r.status_code == 404
    add_user(app, "reader@example.org")
    with session_scope(app.state.engine, write=True) as session:
        user = session.exec(select(User).where(User.email == "reader@example.org")).one()
        session.add(Membership(user_id=user.id, organization_id=uuid.UUID(admin.org_id), role=Role.viewer))
        session.commit()
    viewer = new_client(app)
    csrf = login(viewer, "reader@example.org")
    r = viewer.put(
        f"/api/v1/organizations/{admin.org_id}/live-results",
        json={"live_results": True},
        headers={"X-CSRF-Token": csrf},
    )
    assert r.status_code == 403 and r.json()["detail"] == READ_ONLY
    cid = admin.campaign()
    page = admin.client.get(f"/campaigns/{cid}/results")
    assert "Show live results while campaigns run" in page.text
    r = admin.client.post(
        f"/orgs/{admin.org_id}/live-results",
        follow_redirects=False,
        data={"csrf_token": admin.csrf, "live_results": "true", "campaign_id": cid},
    )
    assert r.status_code == 303 and r.headers["location"] == f"/campaigns/{cid}/results"
    assert admin.client.get(f"/api/v1/campaigns/{cid}/results").json() == {"hidden": NO_RESPONSES}


def test_filters_refuse_small_subgroups_and_complements(admin, closed):
    def view(**params):
        r = admin.client.get(f"/api/v1/campaigns/{closed}/results/view", params=params)
        assert r.status_code == 200, r.text
        return r.json()

    ops = view(unit="Operations")
    assert ops["released"] and ops["record"]["n"] == 19
    sales = view(unit="Sales")  # 9 people, but Inside Sales (2) hides Key Accounts: the unit view would reveal it
    assert sales["released"] is False or sales["record"]["n"] == 9
    refused = [
        v for v in (view(role="lead"), view(role="member"), view(unit="Operations", role="member")) if not v["released"]
    ]
    for v in refused:
        assert v["record"] is None and v["reason_text"]["en"]
    assert admin.client.get(f"/api/v1/campaigns/{closed}/results/view", params={"unit": "Nowhere"}).status_code == 422
    assert admin.client.get(f"/api/v1/campaigns/{closed}/results/view").status_code == 422
    page = admin.client.get(f"/campaigns/{closed}/results/filters", params={"unit": "Operations"})
    assert page.status_code == 200 and "n = 19" in page.text


def test_downloads_have_types_and_safe_names(admin, closed):
    for fmt, kind, ext in (
        ("csv", "text/csv", "csv"),
        ("html", "text/html", "html"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    ):
        r = admin.client.get(f"/api/v1/campaigns/{closed}/results/download/{fmt}", params={"lang": "de"})
        assert r.status_code == 200, (fmt, r.text[:200])
        assert r.headers["content-type"].startswith(kind)
        assert r.headers["content-disposition"] == f'attachment; filename="Acme-Spring-de.{ext}"'
        assert r.content
    assert admin.client.get(f"/api/v1/campaigns/{closed}/results/download/exe").json()["detail"] == UNKNOWN_FORMAT
    r = admin.client.get(f"/api/v1/campaigns/{closed}/results/download/team-pdf", params={"team": "Inside Sales"})
    assert r.status_code == 400 and r.json()["detail"] == TEAM_HIDDEN


def test_slow_reports_run_as_jobs(app, admin, closed, database_url):
    r = admin.post(f"/api/v1/campaigns/{closed}/results/jobs", json={"format": "team-pdf", "team": "Assembly"})
    assert r.status_code == 202, r.text
    job = r.json()
    deadline = time.monotonic() + 60
    while job["state"] in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.2)
        job = admin.client.get(f"/api/v1/campaigns/{closed}/results/jobs/{job['id']}").json()
    assert job["state"] == "done", job
    f = admin.client.get(job["download"])
    assert f.status_code == 200 and f.content.startswith(b"%PDF")
    assert f.headers["content-disposition"] == 'attachment; filename="Acme-Spring-Assembly-en.pdf"'
    # another server (or worker process) on the same database answers the polling and the download
    second = create_app(make_settings(database_url))
    worker = new_client(second)
    worker.cookies = admin.client.cookies
    assert worker.get(f"/api/v1/campaigns/{closed}/results/jobs/{job['id']}").json()["state"] == "done"
    assert worker.get(job["download"]).content == f.content
    assert worker.get(f"/api/v1/campaigns/{closed}/results/jobs/..%2F..%2Fetc").status_code == 404
    second.state.engine.dispose()
    other = make_admin(app, email="hr@third.example", org="Third")
    r = other.client.get(f"/api/v1/campaigns/{closed}/results/jobs/{job['id']}")
    assert r.status_code == 404 and r.json()["detail"] in (JOB_NOT_FOUND, "campaign not found")


def test_plotly_is_served_locally(client):
    js = client.get("/static/vendor/plotly.min.js")
    assert js.status_code == 200 and js.headers["content-type"].startswith("text/javascript")
    assert "max-age" in js.headers["cache-control"] and len(js.content) > 1_000_000
    assert js.headers["content-encoding"] == "gzip"  # the test client accepts gzip
    wire = int(js.headers["content-length"])
    assert wire < len(js.content) / 2.5, (wire, len(js.content))
    plain = client.get("/static/vendor/plotly.min.js", headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.content == js.content
    css = client.get("/static/vendor/plotly.css")
    assert css.status_code == 200 and ".js-plotly-plot .plotly" in css.text


def test_plotly_is_a_partial_bundle_loaded_once_per_browser(admin, closed):
    """The page names plotly.js by a versioned URL that browsers keep for a year, and a
    browser that asks again with the ETag gets 304 without the body."""
    from app.routers.results import plotly_url

    page = admin.client.get(f"/campaigns/{closed}/results").text
    url = plotly_url()
    assert page.count(f'src="{url}"') == 1 and "cdn" not in page.lower()
    js = admin.client.get(url)
    assert js.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert js.content.startswith(b"/**\n* plotly.js (cartesian - minified)")
    assert int(js.headers["content-length"]) < 700_000  # 1.5 MB partial bundle, gzip
    again = admin.client.get(url, headers={"if-none-match": js.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    assert "immutable" not in admin.client.get("/static/vendor/plotly.min.js?v=old").headers["cache-control"]


def test_a_failed_report_job_is_logged_and_shown_as_failed(app, admin, closed, caplog):
    runner = JobRunner(app.state.engine)
    owner, campaign = uuid.uuid4(), uuid.UUID(closed)

    def broken():
        raise RuntimeError("renderer exploded")

    with caplog.at_level("ERROR", logger="app.services.downloads"):
        with session_scope(app.state.engine, write=True) as s:
            job = runner.submit(s, owner=owner, campaign_id=campaign, fmt=FORMATS["pdf"], filename="x.pdf", work=broken)
        deadline = time.monotonic() + 30
        while runner.get(job.id, owner=owner, campaign_id=campaign).state in ("queued", "running"):
            assert time.monotonic() < deadline
            time.sleep(0.05)
    failed = runner.get(job.id, owner=owner, campaign_id=campaign)
    assert failed.state == "failed" and failed.to_dict()["detail"] == JOB_FAILED
    (record,) = [r for r in caplog.records if job.id in r.getMessage()]
    assert record.levelname == "ERROR" and "renderer exploded" in record.exc_text
    assert f"campaign {campaign}" in record.getMessage()


def test_a_job_whose_server_stopped_is_shown_as_failed(app, admin, closed):
    """A job still queued after JOB_STALE_SECONDS (its server stopped before running it)
    is failed for every server that answers the polling."""
    runner = JobRunner(app.state.engine)
    owner, campaign = uuid.uuid4(), uuid.UUID(closed)
    with session_scope(app.state.engine, write=True) as s:
        s.add(
            ReportJob(
                id="j" * 22,
                owner_id=owner,
                campaign_id=campaign,
                format="pdf",
                filename="x.pdf",
                created_at=utcnow() - timedelta(seconds=JOB_STALE_SECONDS - 5),
            )
        )
        s.commit()
    assert runner.get("j" * 22, owner=owner, campaign_id=campaign).state == "queued"
    with session_scope(app.state.engine, write=True) as s:
        s.get(ReportJob, "j" * 22).created_at = utcnow() - timedelta(seconds=JOB_STALE_SECONDS + 5)
        s.commit()
    job = runner.get("j" * 22, owner=owner, campaign_id=campaign)
    assert job.state == "failed" and job.to_dict()["detail"] == JOB_FAILED and job.to_dict()["download"] is None
