"""Question-level results on the dashboard and in the API: scopes, a viewer limited to
one unit, k, hostile parameters (SQLite and PostgreSQL)."""

from __future__ import annotations

import uuid

import pytest
from sqlmodel import select

from app.core.db import session_scope
from app.models import Unit
from results_helpers import close, store_responses
from web_helpers import PASSWORD, login, make_admin, new_client

COUNTS = {"Assembly": 8, "Logistics": 6, "Quality": 5, "Key Accounts": 7, "Inside Sales": 2}


@pytest.fixture
def closed(app, admin):
    cid = admin.campaign()
    store_responses(app.state.engine, cid, COUNTS)
    close(app.state.engine, cid)
    return cid


def _url(cid):
    return f"/api/v1/campaigns/{cid}/results/questions"


def test_items_for_the_organization_units_and_teams_with_k(admin, closed):
    data = admin.client.get(_url(closed)).json()
    ids = [q["id"] for q in data["questions"]]
    assert len(ids) == 34 and data["k"] == 5
    org = data["organization"]["items"]
    assert org["dir_p1"]["n"] <= sum(COUNTS.values()) and 0 <= org["dir_p1"]["favourable"] <= 1
    assert abs(sum(org["dir_p1"]["distribution"]) - 1) < 1e-3
    assert {u["unit"] for u in data["units"]} == {"Operations", "Sales"}
    teams = {t["team"]: t for t in data["teams"]}
    # Inside Sales (2) is below k; Key Accounts is hidden with it, or Sales minus Key Accounts gives it
    assert teams["Inside Sales"]["suppressed"] and "items" not in teams["Inside Sales"]
    assert teams["Key Accounts"]["suppression_reason"] == "complementary"
    shown = teams["Assembly"]["items"]["dir_p1"]
    assert shown["n"] >= 5 or shown["suppressed"]
    for t in data["teams"]:
        for cell in t.get("items", {}).values():
            assert cell["suppressed"] or cell["n"] >= 5


def test_narrowing_and_unknown_labels(admin, closed):
    ops = admin.client.get(_url(closed), params={"unit": "Operations"}).json()
    assert [u["unit"] for u in ops["units"]] == ["Operations"]
    assert {t["team"] for t in ops["teams"]} == {"Assembly", "Logistics", "Quality"}
    one = admin.client.get(_url(closed), params={"team": "Assembly"}).json()
    assert [t["team"] for t in one["teams"]] == ["Assembly"]
    for params, detail in (({"unit": "Nowhere"}, "unit not found"), ({"team": "Nobody"}, "team not found")):
        r = admin.client.get(_url(closed), params=params)
        assert r.status_code == 404 and r.json()["detail"] == detail
    assert admin.client.get(_url(closed), params={"team": "x" * 301}).status_code == 422
    assert admin.client.get(_url(closed), params={"unit": "<script>"}).status_code == 404
    assert admin.client.get(f"/api/v1/campaigns/{uuid.uuid4()}/results/questions").status_code == 404
    assert admin.client.get("/api/v1/campaigns/not-a-uuid/results/questions").status_code == 422


def test_pages_in_english_and_german(admin, closed):
    base = f"/campaigns/{closed}/results/questions"
    page = admin.client.get(base).text
    assert 'data-testid="questions-table"' in page and "Favourable" in page and 'data-item="dir_p1"' in page
    assert "reverse-keyed" in page and "not holding the misconception" in page
    de = admin.client.get(base, params={"lang": "de"}).text
    assert "Günstig" in de and "umgekehrt gepolt" in de and "Missverständnis wird nicht geteilt" in de
    hidden = admin.client.get(base, params={"team": "Inside Sales", "lang": "en"}).text
    assert 'data-testid="questions-hidden"' in hidden and "fewer than 5 responses" in hidden
    unit = admin.client.get(base, params={"unit": "Operations", "lang": "en"}).text
    assert "Unit: Operations" in unit
    assert admin.client.get(base, params={"team": "Nobody"}).status_code == 404
    overview = admin.client.get(f"/campaigns/{closed}/results", params={"lang": "en"}).text
    assert f'href="/campaigns/{closed}/results/questions?lang=en"' in overview


def test_a_unit_viewer_sees_only_its_unit(app, admin, closed):
    with session_scope(app.state.engine) as s:
        sales = str(
            s.exec(select(Unit.id).where(Unit.organization_id == uuid.UUID(admin.org_id), Unit.name == "Sales")).one()
        )
    r = admin.post(
        f"/api/v1/organizations/{admin.org_id}/members",
        json={"email": "lead@example.org", "role": "viewer", "password": PASSWORD, "unit_id": sales},
    )
    assert r.status_code == 204, r.text
    viewer = new_client(app)
    login(viewer, "lead@example.org")
    data = viewer.get(_url(closed)).json()
    assert [u["unit"] for u in data["units"]] == ["Sales"]
    assert {t["team"] for t in data["teams"]} == {"Key Accounts", "Inside Sales"}
    full = admin.client.get(_url(closed)).json()
    assert data["organization"] == full["organization"]  # the reference row, unchanged
    for params in ({"unit": "Operations"}, {"team": "Assembly"}):
        assert viewer.get(_url(closed), params=params).status_code == 404
        assert viewer.get(f"/campaigns/{closed}/results/questions", params=params).status_code == 404
    page = viewer.get(f"/campaigns/{closed}/results/questions").text
    assert "Unit: Sales" in page and "Assembly" not in page and "Operations" not in page


def test_another_tenant_and_anonymous_get_nothing(app, admin, closed):
    other = make_admin(app, email="hr@other.example", org="Other")
    assert other.client.get(_url(closed)).status_code == 404
    assert other.client.get(f"/campaigns/{closed}/results/questions").status_code == 404
    assert new_client(app).get(_url(closed)).status_code == 401


def test_open_campaigns_show_no_items(app, admin):
    cid = admin.campaign()
    store_responses(app.state.engine, cid, COUNTS)
    r = admin.client.get(_url(cid))
    assert r.status_code == 400


def _item_text(lang="en"):
    from analysis import load_questionnaire

    return load_questionnaire("aligned-autonomy-v1").item("dir_p4").text[lang]


def test_every_report_format_carries_the_question_tables(admin, closed):
    import io
    import subprocess

    import openpyxl
    from pptx import Presentation

    def get(fmt, **params):
        r = admin.client.get(f"/api/v1/campaigns/{closed}/results/download/{fmt}", params=params)
        assert r.status_code == 200, (fmt, r.text[:200])
        return r.content

    csv = get("csv").decode()
    assert "organization,,,dir_p4,item_favourable," in csv and "team,Assembly,Operations,dir_p1,item_n," in csv
    assert "team,Inside Sales" not in csv.replace("team,Inside Sales,Sales,,suppressed", "")
    html = get("html", lang="de").decode()
    assert 'id="questions"' in html and html.count('data-item="dir_p4"') >= 4 and "umgekehrt gepolt" in html
    book = openpyxl.load_workbook(io.BytesIO(get("xlsx")), read_only=True)
    rows = list(book["Questions"].iter_rows(values_only=True))
    assert rows[0][:9] == ("Level", "Group", "Unit", "id", "Topic", "Question", "n", "Mean", "Favourable")
    assert any(r[3] == "dir_p4" and r[0] == "Team" and r[1] == "Assembly" for r in rows)
    deck = Presentation(io.BytesIO(get("pptx")))
    texts = [sh.text_frame.text for s in deck.slides for sh in s.shapes if sh.has_text_frame]
    assert texts.count("Questions: Organization") >= 2  # pages of at most 12 questions
    cells = [c.text for s in deck.slides for sh in s.shapes if sh.has_table for row in sh.table.rows for c in row.cells]
    assert any(_item_text() in c for c in cells)
    pdf = get("pdf")
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "Questions" in text and "Unit: Operations" in text and "Favourable" in text
    team = subprocess.run(
        ["pdftotext", "-", "-"], input=get("team-pdf", team="Assembly"), capture_output=True, check=True
    ).stdout.decode()
    assert "Questions" in team and "Favourable" in team
