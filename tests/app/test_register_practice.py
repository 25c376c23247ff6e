"""Designed versus reported practice and the team fact sheets in every output
(docs/methodology.md §18): the practice finding in the results JSON, the team page, the
heatmap, the decision map and its exports and every report, in English and German; the
fact sheets and their agreement indicator in the JSON, the reports and the exports, with
k; what a viewer limited to one unit sees; two first saves of the same sheet at once."""

from __future__ import annotations

import io
import threading
import uuid
from datetime import date

import numpy as np
import pytest
from openpyxl import load_workbook
from sqlmodel import select

from analysis.simulate import simulate_responses
from app.core.db import session_scope
from app.models import CampaignTeam, Response, TeamFactSheet
from test_register import GOOD_CSV, _import
from test_register_results import _report_text
from test_unit_viewers import _unit_id
from web_helpers import PASSWORD, login, new_client

PRIORITIES = [{"en": "Grow in the north", "de": "Wachstum im Norden"}, {"en": "Cut costs", "de": "Kosten senken"}]
COUNTS = {"Assembly": 8, "Logistics": 6, "Quality": 3, "Key Accounts": 7, "Inside Sales": 5}
# dr_s4: 1 none … 4 six or more; dr_s5: 1 agreed route, 3 overruled without a reason, 4 not happened
PRACTICE = {
    "Key Accounts": {"dr_s4": [4, 4, 3, 4, 3, 4, 4], "dr_s5": [3, 3, 3, 4, 3, 1, 3]},  # designed team: overridden
    "Assembly": {"dr_s4": [4] * 8, "dr_s5": [3] * 8},  # designed central: approvals are the design
    "Inside Sales": {"dr_s4": [1] * 5, "dr_s5": [4] * 5},  # designed team, practised as designed
}
SHEET = {
    "goals_written": True,
    "goals_link": "",
    "decision_record": True,
    "review_cadence": "monthly",
    "last_lesson": None,
}


def _v2(admin, decisions):
    r = admin.post(
        f"/api/v1/organizations/{admin.org_id}/campaigns",
        json={"name": "Autumn", "questionnaire_id": "aligned-autonomy-v2"},
    )
    assert r.status_code == 201, r.text
    cid = r.json()["id"]
    assert (
        admin.client.put(
            f"/api/v1/campaigns/{cid}/priorities", json={"priorities": PRIORITIES}, headers=admin.h
        ).status_code
        == 200
    )
    body = {"decisions": decisions} if decisions else {}
    assert admin.post(f"/api/v1/campaigns/{cid}/launch", json=body).status_code == 200
    return cid


def _store(app, cid, *, register_items=True):
    data = simulate_responses("aligned-autonomy-v2", respondents=sum(COUNTS.values()), teams=2, seed=11)
    with session_scope(app.state.engine, write=True) as s:
        teams = {t.name: t for t in s.exec(select(CampaignTeam).where(CampaignTeam.campaign_id == uuid.UUID(cid)))}
        row = 0
        for name, n in COUNTS.items():
            for i in range(n):
                answers = {item: int(v) for item, v in zip(data.item_ids, data.values[row]) if not np.isnan(v)}
                answers.update({item: values[i] for item, values in PRACTICE.get(name, {}).items()})
                if register_items:  # Key Accounts believes escalation is needed for its priorities
                    answers["decides.priorities"] = 3 if name == "Key Accounts" and i < 6 else 0
                s.add(
                    Response(
                        campaign_id=uuid.UUID(cid),
                        campaign_team_id=teams[name].id,
                        role="member",
                        answers=answers,
                        submitted_on=date(2026, 11, 2),
                    )
                )
                row += 1
        s.commit()


@pytest.fixture
def closed(app, admin):
    assert _import(admin, GOOD_CSV).status_code == 201
    cid = _v2(admin, ["priorities"])
    _store(app, cid)
    assert admin.post(f"/api/v1/campaigns/{cid}/close").status_code == 200
    return cid


def _put(client, headers, cid, team_id, body=SHEET):
    return client.put(f"/api/v1/campaigns/{cid}/teams/{team_id}/facts", json=body, headers=headers)


def _practice(reg, team):
    return next(t for t in reg["teams"] if t["team"] == team)["practice"]


# ------------------------------------------------------------------ practice


def test_the_practice_verdicts_in_the_json(admin, closed):
    reg = admin.client.get(f"/api/v1/campaigns/{closed}/results").json()["decision_register"]
    assert reg["practice_asked"] is True
    ka = _practice(reg, "Key Accounts")
    assert ka["verdict"] == "practice_overrides_design" and ka["designed_to_team"]
    assert ka["n"] == 7 and ka["reports"] == 7 and ka["probability"] > 0.95 and ka["low"] < 1 <= 1 + ka["high"]
    # the design places Assembly's decisions at the centre: approvals are no finding
    assert _practice(reg, "Assembly")["verdict"] == "not_applicable"
    assert _practice(reg, "Inside Sales")["verdict"] == "practice_as_designed"
    quality = _practice(reg, "Quality")  # three members: no figure
    assert quality["n"] is None and quality["share"] is None and quality["reports"] is None
    assert [f["team"] for f in reg["practice_findings"]] == ["Key Accounts"]


def test_a_v1_campaign_has_no_practice_comparison(app, admin):
    from results_helpers import store_responses

    assert _import(admin, GOOD_CSV).status_code == 201
    cid = admin.campaign(launch=False)
    assert admin.post(f"/api/v1/campaigns/{cid}/launch", json={"decisions": ["priorities"]}).status_code == 200
    store_responses(app.state.engine, cid, {"Key Accounts": 7, "Assembly": 8}, seed=2)
    assert admin.post(f"/api/v1/campaigns/{cid}/close").status_code == 200
    reg = admin.client.get(f"/api/v1/campaigns/{cid}/results").json()["decision_register"]
    assert reg["practice_asked"] is False and all(t["practice"] is None for t in reg["teams"])


@pytest.mark.parametrize(
    ("lang", "verdict", "help_text"),
    [
        ("en", "practice overrides the design", "the design exists on paper, not in practice"),
        ("de", "Praxis übergeht das Vorgesehene", "Die Gestaltung besteht auf dem Papier, nicht in der Praxis"),
    ],
)
def test_the_practice_finding_on_the_pages(admin, closed, lang, verdict, help_text):
    team = admin.client.get(f"/campaigns/{closed}/results/team?name=Key+Accounts&lang={lang}").text
    assert 'data-testid="practice" data-verdict="practice_overrides_design"' in team
    assert verdict in team and help_text in team and "100 %" in team
    decisions = admin.client.get(f"/campaigns/{closed}/results/decisions?lang={lang}").text
    assert 'data-practice="practice_overrides_design"' in decisions and 'data-practice="not_applicable"' in decisions
    heat = admin.client.get(f"/campaigns/{closed}/results/heatmaps?lang={lang}&unit=Sales").text
    assert 'data-practice="practice_overrides_design"' in heat


@pytest.mark.parametrize("fmt", ["html", "csv", "xlsx", "pdf", "pptx"])
def test_every_report_has_the_practice_finding(admin, closed, fmt):
    r = admin.client.get(f"/api/v1/campaigns/{closed}/results/download/{fmt}?lang=de")
    assert r.status_code == 200, r.text[:300]
    text = _report_text(fmt, r.content)
    if fmt == "csv":
        assert "practice_team,Key Accounts,Sales,decisions_left_to_team,verdict,practice_overrides_design" in text
        assert "practice_team,Assembly,Operations,decisions_left_to_team,verdict,not_applicable" in text
        assert "practice_team,Quality,Operations,decisions_left_to_team,n," not in text
    else:
        assert "Praxis übergeht das Vorgesehene" in text


def test_the_decision_map_exports_have_the_practice(admin, closed):
    book = load_workbook(io.BytesIO(admin.client.get(f"/api/v1/campaigns/{closed}/results/decision-map.xlsx").content))
    practice = [r for r in book["Practice"].iter_rows(values_only=True)]
    ka = practice[[r[0] for r in practice].index("Key Accounts")]
    assert ka[2] == "Yes" and ka[3] == "7" and ka[4] == "100 %" and ka[-1] == "practice overrides the design"
    mapped = [c for row in book.worksheets[0].iter_rows(values_only=True) for c in row if c]
    assert "100 % · practice overrides the design" in mapped
    pdf = admin.client.get(f"/api/v1/campaigns/{closed}/results/decision-map.pdf?lang=de")
    assert "Praxis übergeht das Vorgesehene" in _report_text("pdf", pdf.content)


# ------------------------------------------------------------------ fact sheets in the outputs


def test_the_fact_sheets_in_the_json_and_every_table_output(admin, closed):
    teams = admin.team_ids(closed)
    for team in ("Key Accounts", "Quality"):
        assert _put(admin.client, admin.h, closed, teams[team]).status_code == 200
    sheets = {f["team"]: f for f in admin.client.get(f"/api/v1/campaigns/{closed}/results").json()["fact_sheets"]}
    assert sheets["Key Accounts"]["sheet"]["filled_by"] == admin.email
    assert {f["state"] for f in sheets["Key Accounts"]["facts"]} <= {"agree", "disagree"}
    # Quality has three members (k = 5): the sheet, but no share and no indicator
    assert sheets["Quality"]["sheet"] is not None
    assert [(f["share"], f["state"]) for f in sheets["Quality"]["facts"]] == [(None, "not_shown")] * 3
    assert sheets["Assembly"]["sheet"] is None
    items = admin.client.get(f"/api/v1/campaigns/{closed}/results/questions", params={"team": "Key Accounts"}).json()[
        "teams"
    ][0]["items"]
    for f in sheets["Key Accounts"]["facts"]:  # the share is a released figure, nothing new
        assert f["share"] == pytest.approx(sum(items[f["item"]]["distribution"][:2]), abs=2e-4)  # JSON rounds to 4
    csv = admin.client.get(f"/api/v1/campaigns/{closed}/results/download/csv").content.decode()
    assert "fact_sheet,Key Accounts,Sales,goals_written,sheet,true" in csv
    assert "fact_sheet,Key Accounts,Sales,sheet,filled_by,hr@example.org" in csv
    assert "fact_sheet,Quality,Operations,goals_written,agreement,not_shown" in csv
    assert "fact_sheet,Quality,Operations,goals_written,members_share" not in csv  # hidden: no share at all
    for url in (
        f"/api/v1/campaigns/{closed}/results/download/xlsx?lang=de",
        f"/api/v1/campaigns/{closed}/results/decision-map.xlsx?lang=de",
    ):
        book = load_workbook(io.BytesIO(admin.client.get(url).content))
        rows = list(book["Team-Faktenblätter"].iter_rows(values_only=True))
        assert ("Quality", "Schriftliche Ziele", "Ja", None, "nicht gezeigt (zu wenige Antworten)") in [
            r[:5] for r in rows
        ]
    for fmt in ("html", "pdf"):
        text = _report_text(fmt, admin.client.get(f"/api/v1/campaigns/{closed}/results/download/{fmt}?lang=de").content)
        assert "Team-Faktenblätter" in text and admin.email in text
    pdf = admin.client.get(f"/api/v1/campaigns/{closed}/results/decision-map.pdf?lang=de")
    text = _report_text("pdf", pdf.content)
    assert "Team-Faktenblätter" in text and "nicht gezeigt (zu wenige Antworten)" in text


def test_a_campaign_without_register_items_still_reports_its_sheets(app, admin):
    cid = _v2(admin, None)
    _store(app, cid, register_items=False)
    assert admin.post(f"/api/v1/campaigns/{cid}/close").status_code == 200
    assert admin.client.get(f"/api/v1/campaigns/{cid}/results").json()["decision_register"] is None
    assert _put(admin.client, admin.h, cid, admin.team_ids(cid)["Assembly"]).status_code == 200
    csv = admin.client.get(f"/api/v1/campaigns/{cid}/results/download/csv").content.decode()
    assert "fact_sheet,Assembly,Operations,decision_record,agreement," in csv and "decision_team" not in csv
    book = load_workbook(io.BytesIO(admin.client.get(f"/api/v1/campaigns/{cid}/results/download/xlsx").content))
    assert "Team fact sheets" in book.sheetnames
    html = admin.client.get(f"/api/v1/campaigns/{cid}/results/download/html").text
    assert "Team fact sheets" in html


# ------------------------------------------------------------------ a viewer of one unit


def _unit_viewer(app, admin):
    r = admin.post(
        f"/api/v1/organizations/{admin.org_id}/members",
        json={
            "email": "lead@example.org",
            "role": "viewer",
            "password": PASSWORD,
            "unit_id": _unit_id(app, admin.org_id, "Operations"),
        },
    )
    assert r.status_code == 204, r.text
    viewer = new_client(app)
    return viewer, login(viewer, "lead@example.org")


def test_a_unit_viewer_reads_the_sheets_of_the_unit_only(app, admin, closed):
    teams = admin.team_ids(closed)
    for team in ("Assembly", "Key Accounts"):
        assert _put(admin.client, admin.h, closed, teams[team]).status_code == 200
    viewer, csrf = _unit_viewer(app, admin)
    # the team page links to the sheet, and the link works (read-only)
    team_page = viewer.get(f"/campaigns/{closed}/results/team?name=Assembly").text
    link = f"/campaigns/{closed}/teams/{teams['Assembly']}/facts"
    assert link in team_page
    page = viewer.get(link)
    assert page.status_code == 200 and "<form" not in page.text.split('class="card narrow"')[1]
    assert admin.email in page.text and f'href="/campaigns/{closed}/results?' in page.text
    assert viewer.get(f"/api/v1/campaigns/{closed}/teams/{teams['Assembly']}/facts").json()["sheet"] is not None
    # another unit's team does not exist for them; writing is never theirs
    assert viewer.get(f"/campaigns/{closed}/teams/{teams['Key Accounts']}/facts").status_code == 404
    assert viewer.get(f"/api/v1/campaigns/{closed}/teams/{teams['Key Accounts']}/facts").status_code == 404
    assert _put(viewer, {"X-CSRF-Token": csrf}, closed, teams["Assembly"]).status_code == 403
    body = viewer.get(f"/api/v1/campaigns/{closed}/results").json()
    assert {f["team"] for f in body["fact_sheets"]} == {"Assembly", "Logistics", "Quality"}
    assert {t["team"] for t in body["decision_register"]["teams"]} == {"Assembly", "Logistics", "Quality"}
    # the viewer's shares are the organization's (no new figure in a narrower view)
    org = {f["team"]: f for f in admin.client.get(f"/api/v1/campaigns/{closed}/results").json()["fact_sheets"]}
    assert all(f == org[f["team"]] for f in body["fact_sheets"])
    csv = viewer.get(f"/api/v1/campaigns/{closed}/results/download/csv").content.decode()
    assert "fact_sheet,Assembly" in csv and "Key Accounts" not in csv


# ------------------------------------------------------------------ concurrent first saves


def test_two_first_saves_of_the_same_sheet_at_once(app, admin, closed, monkeypatch):
    """Both requests find no sheet and insert one: the loser of the race saves over the
    winner's row instead of failing on the duplicate key (PostgreSQL); on SQLite the
    write lock already orders them. Either way both succeed and both saves are recorded."""
    import app.services.fact_sheets as fact_sheets

    team_id = admin.team_ids(closed)["Inside Sales"]
    barrier = threading.Barrier(2, timeout=3)
    first = threading.local()
    real_now = fact_sheets.utcnow

    def now():  # both requests have looked for the sheet before either inserts it
        if not getattr(first, "done", False):
            first.done = True
            try:
                barrier.wait()
            except threading.BrokenBarrierError:  # SQLite: the other request waits for the write lock
                pass
        return real_now()

    monkeypatch.setattr(fact_sheets, "utcnow", now)
    clients = [admin.client, new_client(app)]
    csrf = [admin.csrf, login(clients[1], admin.email)]
    results = [None, None]

    def save(i):
        results[i] = _put(
            clients[i],
            {"X-CSRF-Token": csrf[i]},
            closed,
            team_id,
            {**SHEET, "review_cadence": ("weekly", "quarterly")[i]},
        )

    threads = [threading.Thread(target=save, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert [r.status_code for r in results] == [200, 200], [r.text for r in results]
    with session_scope(app.state.engine) as s:
        sheet = s.get(TeamFactSheet, uuid.UUID(team_id))
        assert len(sheet.saves) == 2 and sheet.review_cadence in ("weekly", "quarterly")


def test_two_register_imports_at_once_become_two_versions(app, admin, monkeypatch):
    """A save without a base version (an import) that loses the race for a version
    number becomes the next version rather than an error."""
    import app.services.register as register

    barrier = threading.Barrier(2, timeout=3)
    first = threading.local()
    real_latest = register.latest_version

    def latest(session, *, organization):
        version = real_latest(session, organization=organization)
        if not getattr(first, "done", False):
            first.done = True
            try:
                barrier.wait()
            except threading.BrokenBarrierError:
                pass
        return version

    monkeypatch.setattr(register, "latest_version", latest)
    clients = [admin.client, new_client(app)]
    csrf = [admin.csrf, login(clients[1], admin.email)]
    results = [None, None]

    def save(i):
        results[i] = clients[i].post(
            f"/api/v1/organizations/{admin.org_id}/register/import",
            content=GOOD_CSV.encode(),
            headers={"content-type": "text/csv", "X-CSRF-Token": csrf[i]},
        )

    threads = [threading.Thread(target=save, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(r.status_code for r in results) == [201, 201], [r.text for r in results]
    assert sorted(r.json()["version"] for r in results) == [1, 2]
