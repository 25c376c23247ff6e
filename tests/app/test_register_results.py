"""The register against the answers in the results: verdicts per team, unit and the
organization, the same anonymity rules (differencing attacks), unit-limited viewers."""

from __future__ import annotations

import uuid

import numpy as np
import pytest
from sqlmodel import select

from app.core.db import session_scope
from app.models import CampaignTeam, Response
from results_helpers import store_responses
from test_register import GOOD_CSV, _import
from test_unit_viewers import _unit_id
from web_helpers import PASSWORD, login, new_client

# answer codes: 0 team, 1 team with consent, 2 unit, 3 central, 4 don't know
PLAN = {  # team: (members, priorities answers, hiring answers)
    "Assembly": (8, [4] * 6 + [3, 3], [4] * 8),  # designed central: not known / not decided
    "Logistics": (6, [2] * 6, [0] * 6),  # designed unit (hidden as a complement)
    "Quality": (3, [2, 2, 3], [1] * 3),  # fewer than k
    "Key Accounts": (7, [3, 3, 2, 3, 3, 3, 0], [1] * 7),  # designed team: escalation beyond the design
    "Inside Sales": (5, [0] * 5, [0, 1, 2, 3, 4]),  # designed team / not decided
}


def _store(app, cid):
    store_responses(app.state.engine, cid, {t: p[0] for t, p in PLAN.items()}, seed=3)
    with session_scope(app.state.engine, write=True) as s:
        for name, (_, prio, hiring) in PLAN.items():
            team = s.exec(
                select(CampaignTeam).where(CampaignTeam.campaign_id == uuid.UUID(cid), CampaignTeam.name == name)
            ).one()
            rows = s.exec(select(Response).where(Response.campaign_team_id == team.id)).all()
            for r, p, h in zip(rows, prio, hiring):
                r.answers = {**r.answers, "decides.priorities": p, "decides.hiring": h}
                s.add(r)
        s.commit()


@pytest.fixture
def closed(app, admin):
    assert _import(admin, GOOD_CSV).status_code == 201
    cid = admin.campaign(launch=False)
    assert (
        admin.post(f"/api/v1/campaigns/{cid}/launch", json={"decisions": ["priorities", "hiring"]}).status_code == 200
    )
    _store(app, cid)
    assert admin.post(f"/api/v1/campaigns/{cid}/close").status_code == 200
    return cid


def _register(admin, cid):
    body = admin.client.get(f"/api/v1/campaigns/{cid}/results").json()
    return body["decision_register"]


def _cell(rows, key, label, decision):
    row = next(r for r in rows if r[key] == label)
    return next(c for c in row["cells"] if c["decision"] == decision)


def test_the_verdicts_per_team(admin, closed):
    reg = _register(admin, closed)
    teams = reg["teams"]
    assert [d["id"] for d in reg["decisions"]] == ["priorities", "hiring"]
    ka = _cell(teams, "team", "Key Accounts", "priorities")
    assert ka["designed"] == "team" and ka["verdict"] == "escalation_beyond_design" and ka["probability"] > 0.75
    assert ka["counts"] == {"designed": 1, "above": 6, "below": 0, "dont_know": 0}
    assert ka["knowledge"] == pytest.approx(1 / 7)
    assert _cell(teams, "team", "Assembly", "priorities")["verdict"] == "designed_not_known"
    assert _cell(teams, "team", "Inside Sales", "priorities")["verdict"] in ("as_designed", "not_precise")
    assert _cell(teams, "team", "Inside Sales", "hiring")["verdict"] == "no_design"
    assert _cell(teams, "team", "Quality", "priorities")["verdict"] == "hidden"
    assert {(f["team"], f["decision"], f["verdict"]) for f in reg["findings"]} >= {
        ("Key Accounts", "priorities", "escalation_beyond_design"),
        ("Assembly", "priorities", "designed_not_known"),
        ("Assembly", "hiring", "no_design"),
    }


def test_no_group_below_k_can_be_recovered_by_subtraction(admin, closed):
    """The attack: what the released counts leave for the hidden teams — a unit's count
    minus its visible teams', the organization's minus its visible units and the
    visible teams of hidden units — must be no answer or at least k answers, for every
    decision type and every class."""
    reg, k = _register(admin, closed), 5
    quality = _cell(reg["teams"], "team", "Quality", "priorities")
    assert not quality["visible"] and quality["counts"] is None and quality["n"] is None
    ids = [d["id"] for d in reg["decisions"]]
    for decision in ids:
        teams = {t["team"]: (t["unit"], _cell(reg["teams"], "team", t["team"], decision)) for t in reg["teams"]}
        units = {u["unit"]: _cell(reg["units"], "unit", u["unit"], decision) for u in reg["units"]}
        org = reg["organization"]["cells"][ids.index(decision)]
        in_aggregate = {name: c for name, (_, c) in teams.items() if c["verdict"] != "no_design"}
        for label, unit in units.items():
            if unit["visible"]:
                left = unit["n"] - sum(
                    c["n"] for name, c in in_aggregate.items() if teams[name][0] == label and c["visible"]
                )
                assert left == 0 or left >= k, (decision, label, left)
        if org["visible"]:
            left = (
                org["n"]
                - sum(u["n"] for u in units.values() if u["visible"])
                - sum(
                    c["n"] for name, c in in_aggregate.items() if c["visible"] and not units[teams[name][0]]["visible"]
                )
            )
            assert left == 0 or left >= k, (decision, left)
        for cls in ("designed", "above", "below", "dont_know"):  # class by class, too
            for label, unit in units.items():
                if unit["visible"]:
                    shown = [c for name, c in in_aggregate.items() if teams[name][0] == label]
                    if all(c["visible"] for c in shown):
                        assert unit["counts"][cls] == sum(c["counts"][cls] for c in shown)


def test_a_unit_viewer_sees_only_the_unit(app, admin, closed):
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
    login(viewer, "lead@example.org")
    reg = viewer.get(f"/api/v1/campaigns/{closed}/results").json()["decision_register"]
    assert reg["organization"] is None
    assert [u["unit"] for u in reg["units"]] == ["Operations"]
    assert {t["team"] for t in reg["teams"]} == {"Assembly", "Logistics", "Quality"}


def test_results_without_register_items_have_none(app, admin):
    cid = admin.campaign()
    store_responses(app.state.engine, cid, {"Assembly": 8, "Logistics": 6}, seed=1)
    assert admin.post(f"/api/v1/campaigns/{cid}/close").status_code == 200
    body = admin.client.get(f"/api/v1/campaigns/{cid}/results").json()
    assert body["decision_register"] is None and body["n_respondents"] == 14


def test_the_answers_to_register_items_do_not_change_the_main_results(app, admin, closed):
    """The generated items are not questionnaire items: the diagnosis ignores them."""
    body = admin.client.get(f"/api/v1/campaigns/{closed}/results").json()
    assert body["n_respondents"] == sum(p[0] for p in PLAN.values())
    assert np.isfinite(body["organization"]["dimensions"]["direction"]["score"])


@pytest.mark.parametrize(
    ("lang", "title", "verdict"),
    [
        ("en", "Decision map", "escalation beyond the design"),
        ("de", "Entscheidungslandkarte", "Eskalation über das Vorgesehene hinaus"),
    ],
)
def test_the_decision_map_and_the_team_page(admin, closed, lang, title, verdict):
    page = admin.client.get(f"/campaigns/{closed}/results/decisions?lang={lang}")
    assert page.status_code == 200 and title in page.text and verdict in page.text
    assert 'data-verdict="escalation_beyond_design" data-decision="priorities"' in page.text
    assert "Quality" in page.text and 'data-verdict="hidden"' in page.text
    team = admin.client.get(f"/campaigns/{closed}/results/team?name=Key+Accounts&lang={lang}").text
    assert verdict in team and "14 %" in team
    assert title in admin.client.get(f"/campaigns/{closed}/results?lang={lang}").text  # the tab
    heat = admin.client.get(f"/campaigns/{closed}/results/heatmaps?lang={lang}&unit=Sales").text
    assert 'data-testid="register-heatmap"' in heat and verdict in heat


def test_the_decision_map_exports(admin, closed):
    import io

    from openpyxl import load_workbook

    xlsx = admin.client.get(f"/api/v1/campaigns/{closed}/results/decision-map.xlsx")
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.content))
    cells = [c for row in book.worksheets[0].iter_rows(values_only=True) for c in row if c]
    assert "the team: 14 % · escalation beyond the design" in cells
    assert "Quality" in cells and any(str(c).endswith(": fewer than k answers") for c in cells)
    findings = [r for r in book.worksheets[1].iter_rows(values_only=True)]
    assert (
        "Key Accounts",
        "Sales",
        "the team's priorities",
        "the team",
        "escalation beyond the design",
        "14 %",
    ) == findings[[r[0] for r in findings].index("Key Accounts")][:6]
    pdf = admin.client.get(f"/api/v1/campaigns/{closed}/results/decision-map.pdf?lang=de")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert admin.client.get(f"/api/v1/campaigns/{closed}/results/decision-map.doc").status_code == 404


def test_no_decision_map_without_register_items(app, admin):
    cid = admin.campaign()
    store_responses(app.state.engine, cid, {"Assembly": 8, "Logistics": 6}, seed=1)
    assert admin.post(f"/api/v1/campaigns/{cid}/close").status_code == 200
    assert admin.client.get(f"/campaigns/{cid}/results/decisions").status_code == 404
    assert admin.client.get(f"/api/v1/campaigns/{cid}/results/decision-map.xlsx").status_code == 404


@pytest.mark.parametrize("fmt", ["html", "csv", "xlsx", "pdf", "pptx"])
def test_every_report_has_the_register_findings(admin, closed, fmt):
    english = admin.client.get(f"/api/v1/campaigns/{closed}/results/download/{fmt}?lang=en")
    assert english.status_code == 200 and "Key Accounts" in _report_text(fmt, english.content)
    r = admin.client.get(f"/api/v1/campaigns/{closed}/results/download/{fmt}?lang=de")
    assert r.status_code == 200, r.text[:300]
    text = _report_text(fmt, r.content)
    if fmt == "csv":
        assert "decision_team,Key Accounts,Sales,priorities,verdict,escalation_beyond_design" in text
        assert "decision_team,Quality,Operations,priorities,verdict,hidden" in text
        assert "decision_team,Quality,Operations,priorities,n," not in text
    else:
        assert "Eskalation über das Vorgesehene hinaus" in text and "Key Accounts" in text


def _report_text(fmt, content: bytes) -> str:
    import io
    import subprocess

    if fmt in ("html", "csv"):
        return content.decode()
    if fmt == "xlsx":
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(content))
        return "\n".join(str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row if c)
    if fmt == "pptx":
        from pptx import Presentation

        deck = Presentation(io.BytesIO(content))
        return "\n".join(
            cell.text
            for slide in deck.slides
            for shape in slide.shapes
            if shape.has_table
            for row in shape.table.rows
            for cell in row.cells
        )
    text = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()
    return " ".join(text.split())
