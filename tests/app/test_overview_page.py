"""The results overview speaks of one scope throughout and its headline agrees with its
table; the heatmap page shows perception and structure together, each with a table of
the same figures (SQLite and PostgreSQL)."""

from __future__ import annotations

import html
import re
import uuid

import pytest
from sqlmodel import select

from analysis.narrative import label as finding_label
from app.core.db import session_scope
from app.models import Unit
from results_helpers import close, store_responses
from web_helpers import PASSWORD, login, new_client

COUNTS = {"Assembly": 8, "Logistics": 6, "Quality": 5, "Key Accounts": 7, "Inside Sales": 2}
DIMS = ("direction", "decision_rights", "feedback")


@pytest.fixture
def closed(app, admin):
    cid = admin.campaign()
    store_responses(app.state.engine, cid, COUNTS, seed=3)
    close(app.state.engine, cid)
    return cid


def _rows(page: str) -> dict:
    """The finding label in each row of the dimension table, by the row's dimension name."""
    table = page[page.index('<table class="dims">') :]
    table = table[: table.index("</table>")]
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        head = re.search(r'<th scope="row">(.*?)</th>', row)
        strong = re.search(r"<strong>(.*?)</strong>", row)
        if head and strong:
            rows[html.unescape(head.group(1))] = html.unescape(strong.group(1))
    return rows


def _assert_headline_agrees(client, cid, lang="en"):
    data = client.get(f"/api/v1/campaigns/{cid}/results").json()
    subject, head = data["subject"], data["headline"]
    said = {d: g["finding"] for g in head["groups"] for d in g["dimensions"]}
    assert said == {d: subject["dimensions"][d]["finding"] or "not_precise" for d in DIMS}
    page = client.get(f"/campaigns/{cid}/results?lang={lang}").text
    assert sorted(re.findall(r'<li data-finding="([a-z_]+)"', page)) == sorted(g["finding"] for g in head["groups"])
    names = {data["dimensions"][d]["name"][lang]: d for d in DIMS}
    table = _rows(page)
    for name, label in table.items():  # the table and the headline name the same finding per dimension
        assert label == finding_label("finding", said[names[name]], lang), (name, label)
    assert len(table) == 3
    if head["typology"] is None:
        assert 'data-testid="typology"' not in page
    return data, page


def test_organization_headline_agrees_with_its_table(admin, closed):
    for lang in ("en", "de"):
        data, page = _assert_headline_agrees(admin.client, closed, lang)
        assert data["subject"] == data["organization"]
    assert "In short: the organization" in page.replace("Kurz gesagt: die Organisation", "In short: the organization")


def test_a_unit_viewer_sees_the_unit_throughout(app, admin, closed):
    with session_scope(app.state.engine) as s:
        ops = str(
            s.exec(
                select(Unit.id).where(Unit.organization_id == uuid.UUID(admin.org_id), Unit.name == "Operations")
            ).one()
        )
    assert (
        admin.post(
            f"/api/v1/organizations/{admin.org_id}/members",
            json={"email": "lead@example.org", "role": "viewer", "password": PASSWORD, "unit_id": ops},
        ).status_code
        == 204
    )
    viewer = new_client(app)
    login(viewer, "lead@example.org")
    data, page = _assert_headline_agrees(viewer, closed)
    assert data["subject"]["unit"] == "Operations" and data["n_respondents"] == 19
    unit = data["subject"]["dimensions"]["direction"]
    assert "In short: the unit Operations" in page
    assert f'{round(unit["score"])} <span class="muted">' in page  # the table shows the unit's figures
    assert "Organization (perception / structure)" in page  # with the organization as reference
    assert "Unit Operations: perception vs structure" in page  # and so does the chart


def test_heatmaps_show_perception_and_structure_with_tables(admin, closed):
    page = admin.client.get(f"/campaigns/{closed}/results/heatmaps?unit=Operations").text
    assert page.count('class="figure heatmap"') == 2
    assert 'data-testid="heat-table-perception"' in page and 'data-testid="heat-table-structure"' in page
    tables = re.findall(r"<tbody>(.*?)</tbody>", page, re.S)
    assert len(tables) == 2 and all(t.count('<th scope="row">') == 3 for t in tables)
    assert "colour is relative" in page and "red (low)" not in page
    mis = admin.client.get(f"/campaigns/{closed}/results/heatmaps?metric=misconception").text
    assert mis.count('class="figure heatmap"') == 1 and "relative and inverted" in mis
    de = admin.client.get(f"/campaigns/{closed}/results/heatmaps?lang=de").text
    assert "Die Zahlen als Tabelle" in de and "Wahrnehmung und Struktur" in de


def test_why_results_are_hidden_is_said_in_the_page_language(admin):
    draft = admin.campaign(launch=False)
    page = admin.client.get(f"/campaigns/{draft}/results?lang=de").text
    assert "die Befragung wurde noch nicht gestartet" in page and "has not been launched" not in page
    assert (
        admin.client.get(f"/api/v1/campaigns/{draft}/results").json()["hidden"] == "the campaign has not been launched"
    )  # the API keeps the fixed text
    running = admin.campaign()
    page = admin.client.get(f"/campaigns/{running}/results?lang=de").text
    assert "Ergebnisse werden gezeigt, wenn die Befragung abgeschlossen ist" in page
