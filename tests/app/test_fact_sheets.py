"""The team fact sheet: filled in through the page and the API, hostile input refused
with nothing stored, who may read and write it, and its agreement with the members'
released answers — never a member figure that k hides (docs/methodology.md §18)."""

from __future__ import annotations

import re
import uuid
from types import SimpleNamespace

import numpy as np
import pytest
from sqlmodel import select

from app.core.db import session_scope
from app.models import CampaignTeam, Membership, Response, Role, TeamFactSheet
from analysis.fact_agreement import agreement
from results_helpers import store_responses
from test_register import GOOD_CSV, _import
from web_helpers import add_user, login, make_admin, new_client

COUNTS = {"Assembly": 8, "Logistics": 6, "Quality": 3, "Key Accounts": 7, "Inside Sales": 5}
#: Assembly's answers: written goals (dir_s4: 1, 2 say they exist), a decision record
#: (fb_s2: 1, 2 say it exists) and the review cadence (fb_s1: 1, 2 = at least quarterly).
ASSEMBLY = {"dir_s4": [1, 2, 1, 1, 2, 1, 1, 4], "fb_s2": [3, 3, 3, 4, 3, 3, 3, 3], "fb_s1": [1, 1, 2, 2, 2, 2, 3, 4]}
SHEET = {
    "goals_written": True,
    "goals_link": "wiki/goals",
    "decision_record": True,
    "review_cadence": "monthly",
    "last_lesson": "2026-09-14",
}


def _set_answers(app, cid, team, answers):
    with session_scope(app.state.engine, write=True) as s:
        ct = s.exec(
            select(CampaignTeam).where(CampaignTeam.campaign_id == uuid.UUID(cid), CampaignTeam.name == team)
        ).one()
        rows = s.exec(select(Response).where(Response.campaign_team_id == ct.id)).all()
        for i, r in enumerate(rows):
            r.answers = {**r.answers, **{item: values[i] for item, values in answers.items()}}
            s.add(r)
        s.commit()


@pytest.fixture
def launched(admin):
    assert _import(admin, GOOD_CSV).status_code == 201
    cid = admin.campaign(launch=False)
    assert admin.post(f"/api/v1/campaigns/{cid}/launch", json={"decisions": ["priorities"]}).status_code == 200
    return cid, admin.team_ids(cid)


@pytest.fixture
def closed(app, admin, launched):
    cid, teams = launched
    store_responses(app.state.engine, cid, COUNTS, seed=5)
    _set_answers(app, cid, "Assembly", ASSEMBLY)
    _set_answers(app, cid, "Quality", {"dir_s4": [3, 3, 3], "fb_s2": [3, 3, 3], "fb_s1": [4, 4, 4]})
    assert admin.post(f"/api/v1/campaigns/{cid}/close").status_code == 200
    return cid, teams


def _url(cid, team_id):
    return f"/api/v1/campaigns/{cid}/teams/{team_id}/facts"


def _put(admin, cid, team_id, body, **kw):
    return admin.client.put(_url(cid, team_id), json=body, headers={**admin.h, **kw.pop("headers", {})}, **kw)


def _stored(app) -> int:
    with session_scope(app.state.engine) as s:
        return len(s.exec(select(TeamFactSheet)).all())


def _viewer(app, admin, email="viewer@example.org"):
    user_id = add_user(app, email)
    with session_scope(app.state.engine, write=True) as s:
        s.add(Membership(user_id=user_id, organization_id=uuid.UUID(admin.org_id), role=Role.viewer))
        s.commit()
    client = new_client(app)
    return client, login(client, email)


# ------------------------------------------------------------------ saving


def test_the_api_saves_and_records_who_and_when(app, admin, launched):
    cid, teams = launched
    assert admin.client.get(_url(cid, teams["Assembly"])).json()["sheet"] is None
    r = _put(admin, cid, teams["Assembly"], SHEET)
    assert r.status_code == 200, r.text
    sheet = r.json()["sheet"]
    assert {k: sheet[k] for k in SHEET} == SHEET and sheet["filled_by"] == admin.email
    r = _put(admin, cid, teams["Assembly"], {**SHEET, "review_cadence": "none", "last_lesson": None})
    sheet = r.json()["sheet"]
    assert sheet["review_cadence"] == "none" and sheet["last_lesson"] is None
    assert [s["by"] for s in sheet["saves"]] == [admin.email] * 2 and sheet["saves"][0]["at"] <= sheet["saves"][1]["at"]
    assert _stored(app) == 1


HOSTILE = [
    {**SHEET, "goals_written": "yes"},  # not a boolean
    {**SHEET, "decision_record": 1},
    {**SHEET, "review_cadence": "daily"},  # not a cadence
    {**SHEET, "review_cadence": None},
    {**SHEET, "goals_link": "x" * 501},  # too long
    {**SHEET, "last_lesson": "2026-02-30"},  # no such day
    {**SHEET, "last_lesson": "yesterday"},
    {**SHEET, "opinion": "the lead is great"},  # no other fields
    {k: v for k, v in SHEET.items() if k != "decision_record"},
    [SHEET],
    "facts",
    None,
]


@pytest.mark.parametrize("body", HOSTILE)
def test_hostile_bodies_are_refused_and_nothing_is_stored(app, admin, launched, body):
    cid, teams = launched
    r = _put(admin, cid, teams["Assembly"], body)
    assert r.status_code == 422, r.text
    assert _stored(app) == 0


def test_a_future_lesson_and_malformed_bodies_are_refused(app, admin, launched):
    cid, teams = launched
    r = _put(admin, cid, teams["Assembly"], {**SHEET, "last_lesson": "2999-01-01"})
    assert r.status_code == 422 and r.json()["detail"] == "the date of the last lesson must not lie in the future"
    r = admin.client.put(
        _url(cid, teams["Assembly"]), content=b"{not json", headers={**admin.h, "content-type": "application/json"}
    )
    assert r.status_code == 422
    r = admin.client.put(
        _url(cid, teams["Assembly"]),
        content=b"{" + b" " * 3_000_000 + b"}",
        headers={**admin.h, "content-type": "application/json"},
    )
    assert r.status_code in (413, 422)
    assert _stored(app) == 0


def test_the_form_saves_and_an_incomplete_form_stores_nothing(app, admin, launched):
    cid, teams = launched
    url = f"/campaigns/{cid}/teams/{teams['Key Accounts']}/facts"
    page = admin.client.get(url)
    assert page.status_code == 200 and "This form is not anonymous." in page.text
    r = admin.client.post(
        url,
        data={"csrf_token": admin.csrf, "goals_written": "maybe", "decision_record": "no", "review_cadence": "weekly"},
    )
    assert r.status_code == 422 and "Please answer every question of the fact sheet." in r.text
    assert 'value="weekly" selected' in r.text  # the input is kept
    assert _stored(app) == 0
    r = admin.client.post(
        url,
        data={
            "csrf_token": admin.csrf,
            "lang": "de",
            "goals_written": "no",
            "decision_record": "yes",
            "review_cadence": "quarterly",
            "last_lesson": "",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    page = admin.client.get(r.headers["location"])
    assert "Dieses Formular ist nicht anonym." in page.text and "Das Faktenblatt wurde gespeichert." in page.text
    assert admin.email in page.text
    assert admin.client.get(_url(cid, teams["Key Accounts"])).json()["sheet"]["review_cadence"] == "quarterly"


# ------------------------------------------------------------------ access


def test_writes_need_the_csrf_token(app, admin, launched):
    cid, teams = launched
    assert admin.client.put(_url(cid, teams["Assembly"]), json=SHEET).status_code == 403
    r = admin.client.post(
        f"/campaigns/{cid}/teams/{teams['Assembly']}/facts",
        data={"goals_written": "yes", "decision_record": "yes", "review_cadence": "weekly"},
    )
    assert r.status_code == 403
    assert _stored(app) == 0


def test_viewers_read_but_cannot_write(app, admin, launched):
    cid, teams = launched
    assert _put(admin, cid, teams["Assembly"], SHEET).status_code == 200
    client, csrf = _viewer(app, admin)
    assert client.get(_url(cid, teams["Assembly"])).json()["sheet"]["filled_by"] == admin.email
    page = client.get(f"/campaigns/{cid}/teams/{teams['Assembly']}/facts")
    assert (
        page.status_code == 200
        and "wiki/goals" in page.text
        and "<form method=\"post\" action=\"/campaigns" not in page.text
    )
    r = client.put(_url(cid, teams["Assembly"]), json={**SHEET, "goals_written": False}, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 403
    r = client.post(
        f"/campaigns/{cid}/teams/{teams['Assembly']}/facts",
        data={"csrf_token": csrf, "goals_written": "no", "decision_record": "no", "review_cadence": "none"},
    )
    assert r.status_code == 403
    assert admin.client.get(_url(cid, teams["Assembly"])).json()["sheet"]["goals_written"] is True


def test_other_tenants_and_other_campaigns_get_404(app, admin, launched):
    cid, teams = launched
    other = make_admin(app, email="other@example.org", org="Other")
    for url in (_url(cid, teams["Assembly"]), f"/campaigns/{cid}/teams/{teams['Assembly']}/facts"):
        assert other.client.get(url).status_code == 404
    assert _put(other, cid, teams["Assembly"], SHEET).status_code == 404
    other_cid = other.campaign()
    foreign_team = other.team_ids(other_cid)["Assembly"]
    assert admin.client.get(_url(cid, foreign_team)).status_code == 404  # a team of another campaign
    assert _put(admin, cid, foreign_team, SHEET).status_code == 404
    assert admin.client.get(_url(cid, uuid.uuid4())).status_code == 404
    assert _stored(app) == 0


# ------------------------------------------------------------------ agreement


def _facts_row(html: str, team: str) -> str:
    return re.search(rf'<tr data-team="{team}">(.*?)</tr>', html, re.S).group(1)


def test_the_agreement_uses_released_figures_only(app, admin, closed):
    cid, teams = closed
    for team in ("Assembly", "Quality"):
        assert _put(admin, cid, teams[team], SHEET).status_code == 200
    html = admin.client.get(f"/campaigns/{cid}/results/decisions").text
    states = re.findall(r'data-state="(\w+)"', _facts_row(html, "Assembly"))
    # goals: 7 of 8 say they exist (agree); record: none of 8 (the sheet's "yes" differs);
    # reviewed at least quarterly: 6 of 8 (agree)
    assert states == ["agree", "disagree", "agree"]
    assert re.findall(r"(\d+) %", _facts_row(html, "Assembly")) == ["88", "0", "75"]
    # Quality has 3 answers (k = 5): no share and no indicator, though its members all say "no"
    quality = _facts_row(html, "Quality")
    assert re.findall(r'data-state="(\w+)"', quality) == ["not_shown"] * 3 and "%" not in quality
    assert re.findall(r'data-state="(\w+)"', _facts_row(html, "Key Accounts")) == ["no_sheet"] * 3


def test_every_share_shown_is_a_released_figure(app, admin, closed):
    """The indicator adds no figure: each share equals the sum of released option shares
    of the team's item, and a team whose item cell is hidden shows none."""
    cid, teams = closed
    for team in COUNTS:
        assert _put(admin, cid, teams[team], SHEET).status_code == 200
    html = admin.client.get(f"/campaigns/{cid}/results/decisions").text
    compared = 0
    for team in COUNTS:
        record = admin.client.get(f"/api/v1/campaigns/{cid}/results/questions", params={"team": team}).json()["teams"][
            0
        ]
        items = record.get("items") or {}
        shown = re.findall(r'<td class="num">(.*?)</td>', _facts_row(html, team))
        for item, cell in zip(("dir_s4", "fb_s2", "fb_s1"), shown):
            released = items.get(item)
            if not released or released["suppressed"]:
                assert cell == "—", (team, item)
            else:
                assert abs(int(cell.removesuffix(" %")) - 100 * sum(released["distribution"][:2])) <= 0.5, (team, item)
                compared += 1
    assert compared >= 3


def test_the_team_page_shows_the_sheet_beside_the_answers(admin, closed):
    cid, teams = closed
    assert _put(admin, cid, teams["Assembly"], SHEET).status_code == 200
    page = admin.client.get(f"/campaigns/{cid}/results/team", params={"name": "Assembly", "lang": "de"}).text
    section = page[page.index('data-testid="fact-sheet"') :]
    assert "Team-Faktenblatt" in section and "wiki/goals" in section and admin.email in section
    assert re.findall(r'data-state="(\w+)"', section) == ["agree", "disagree", "agree"]
    assert "weicht ab" in section and "monatlich" in section


def test_a_sheet_filled_in_on_the_page_appears_on_the_decision_map(admin, closed):
    cid, teams = closed
    campaign = admin.client.get(f"/campaigns/{cid}").text
    url = f"/campaigns/{cid}/teams/{teams['Assembly']}/facts"
    assert url in campaign
    r = admin.client.post(
        url,
        data={
            "csrf_token": admin.csrf,
            "goals_written": "no",
            "decision_record": "no",
            "review_cadence": "less_often",
            "last_lesson": "2026-10-01",
        },
    )
    assert r.status_code == 200  # followed the redirect to the saved sheet
    html = admin.client.get(f"/campaigns/{cid}/results/decisions").text
    row = _facts_row(html, "Assembly")
    assert admin.email in row and url in row
    assert re.findall(r'data-state="(\w+)"', row) == ["disagree", "agree", "disagree"]


# ------------------------------------------------------------------ hand-worked cases


def _items(dist, suppressed, ids=("dir_s4", "fb_s2", "fb_s1")):
    options = {"dir_s4": 4, "fb_s2": 4, "fb_s1": 5}
    questions = tuple({"id": i, "options": [{"value": v} for v in range(1, options[i] + 1)]} for i in ids)
    teams = SimpleNamespace(
        labels=tuple(f"T{g}" for g in range(len(dist))),
        distribution=np.asarray(dist, float),
        suppressed=np.asarray(suppressed, bool),
    )
    return SimpleNamespace(questions=questions, teams=teams)


def test_agreement_by_hand():
    nan = [np.nan] * 5
    dist = [
        [[0.5, 0.25, 0.25, 0, 0], [0.25, 0.25, 0.5, 0, 0], [0, 0.2, 0.2, 0.2, 0.4]],  # 75 %, 50 %, 20 %
        [[1, 0, 0, 0, 0], nan, [0, 0, 0, 0, 1]],  # a hidden cell
        [[1, 0, 0, 0, 0], [1, 0, 0, 0, 0], [1, 0, 0, 0, 0]],
    ]  # a hidden team
    stated = np.array([[1, 1, 1], [0, 1, 0], [1, 1, 1]], float)
    share, state = agreement(_items(dist, [False, False, True]), ["T0", "T1", "T2"], stated)
    np.testing.assert_allclose(share[0], [0.75, 0.5, 0.2])
    assert state[0].tolist() == ["agree", "agree", "disagree"]  # exactly half agrees with "yes"
    assert state[1].tolist() == ["disagree", "not_shown", "agree"] and np.isnan(share[1, 1])
    assert state[2].tolist() == ["not_shown"] * 3 and np.isnan(share[2]).all()
    share, state = agreement(_items(dist[:1], [False]), ["T0"], np.full((1, 3), np.nan))
    assert state.tolist() == [["no_sheet"] * 3]


def test_a_questionnaire_without_the_items_asks_nothing_to_compare():
    items = _items([[[1, 0, 0, 0, 0]]], [False], ids=("fb_s1",))
    share, state = agreement(items, ["T0"], np.array([[1, 0, 1]], float))
    assert state.tolist() == [["not_asked", "not_asked", "agree"]]
    assert agreement(items, [], np.zeros((0, 3)))[1].shape == (0, 3)


@pytest.mark.parametrize("n, pi, expected", [(5, 0.8, 0.942), (8, 0.8, 0.990), (5, 0.2, 0.058), (20, 0.35, 0.122)])
def test_the_label_rates_in_the_methodology(n, pi, expected):
    """docs/methodology.md §18: the share of teams whose "yes" sheet is labelled as
    agreeing, for members confirming with probability π (simulated through ``agreement``)."""
    rng = np.random.default_rng(7)
    teams = 20_000
    yes = rng.binomial(n, pi, teams)
    dist = np.zeros((teams, 3, 5))
    dist[:, :, 0] = (yes / n)[:, None]  # option 1 says the same for every item
    dist[:, :, 3] = (1 - yes / n)[:, None]
    _, state = agreement(_items(dist, np.zeros(teams, bool)), [f"T{g}" for g in range(teams)], np.ones((teams, 3)))
    assert (state[:, 0] == "agree").mean() == pytest.approx(expected, abs=0.01)
