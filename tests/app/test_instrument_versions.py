"""Campaigns bound to their instrument, the top-priority list, the response language and
the consensus section in results and reports (docs/methodology.md §19)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from analysis import load_questionnaire
from app.core.db import session_scope
from app.models import Campaign, Response
from app.services.campaigns import INSTRUMENT_CHANGED, NO_PRIORITIES, NOT_DRAFT, NO_PRIORITY_ITEM
from app.services.results import clear_cache
from web_helpers import new_client

V2 = load_questionnaire("aligned-autonomy-v2")
PRIORITIES = [
    {"en": "Grow in the north", "de": "Wachstum im Norden"},
    {"en": "Cut costs", "de": "Kosten senken"},
    {"en": "Faster delivery", "de": "Schnellere Lieferung"},
]


def _v2(admin, *, priorities=True, launch=True) -> str:
    r = admin.post(f"/api/v1/organizations/{admin.org_id}/campaigns", json={"name": "Autumn"})
    assert r.status_code == 201 and r.json()["questionnaire_id"] == "aligned-autonomy-v2"  # the default
    cid = r.json()["id"]
    assert r.json()["questionnaire_sha256"] == V2.sha256
    if priorities:
        r = admin.client.put(f"/api/v1/campaigns/{cid}/priorities", json={"priorities": PRIORITIES}, headers=admin.h)
        assert r.status_code == 200 and r.json()["priorities"] == PRIORITIES
    if launch:
        assert admin.post(f"/api/v1/campaigns/{cid}/launch").status_code == 200
    return cid


def test_new_campaigns_use_v2_and_cannot_launch_without_priorities(admin):
    cid = _v2(admin, priorities=False, launch=False)
    r = admin.post(f"/api/v1/campaigns/{cid}/launch")
    assert r.status_code == 409 and r.json() == {"detail": NO_PRIORITIES}
    page = admin.client.get(f"/campaigns/{cid}")
    assert "Top priority" in page.text and "cannot be launched without one" in page.text


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"priorities": PRIORITIES[:1]}, 422),
        ({"priorities": PRIORITIES * 5}, 422),
        ({"priorities": [{"en": "A"}, {"en": "B"}]}, 422),
        ({"priorities": [{"en": "x" * 201, "de": "y"}, PRIORITIES[1]]}, 422),
        ({"priorities": [PRIORITIES[0], PRIORITIES[0]]}, 422),
        ({"priorities": "Grow"}, 422),
        ({"priorities": [PRIORITIES[0], {"en": " ", "de": "Kosten"}]}, 422),
        ({"priorities": [{"en": "A", "de": "B", "fr": "C"}, PRIORITIES[1]]}, 422),
        ([1, 2], 422),
    ],
)
def test_malformed_and_hostile_priority_lists_change_nothing(admin, app, body, status):
    cid = _v2(admin, priorities=False, launch=False)
    r = admin.client.put(f"/api/v1/campaigns/{cid}/priorities", json=body, headers=admin.h)
    assert r.status_code == status
    with session_scope(app.state.engine) as session:
        assert session.get(Campaign, __import__("uuid").UUID(cid)).priorities is None


def test_priorities_need_csrf_a_draft_a_priority_item_and_the_tenant(admin, app):
    cid = _v2(admin)
    r = admin.client.put(f"/api/v1/campaigns/{cid}/priorities", json={"priorities": PRIORITIES})
    assert r.status_code == 403
    r = admin.client.put(f"/api/v1/campaigns/{cid}/priorities", json={"priorities": PRIORITIES}, headers=admin.h)
    assert r.status_code == 409 and r.json() == {"detail": NOT_DRAFT}
    v1 = admin.campaign(launch=False)
    r = admin.client.put(f"/api/v1/campaigns/{v1}/priorities", json={"priorities": PRIORITIES}, headers=admin.h)
    assert r.status_code == 422 and r.json() == {"detail": NO_PRIORITY_ITEM}
    stranger = new_client(app)
    r = stranger.put(f"/api/v1/campaigns/{cid}/priorities", json={"priorities": PRIORITIES})
    assert r.status_code in (401, 403, 404)
    big = admin.client.put(
        f"/api/v1/campaigns/{cid}/priorities",
        content=b"{" + b" " * 2_000_000 + b"}",
        headers={**admin.h, "Content-Type": "application/json"},
    )
    assert big.status_code in (413, 422)


def test_priority_form_lines_must_match(admin):
    cid = _v2(admin, priorities=False, launch=False)
    r = admin.client.post(
        f"/campaigns/{cid}/priorities",
        data={"csrf_token": admin.csrf, "priorities_en": "Grow\nCut costs", "priorities_de": "Wachstum"},
    )
    assert r.status_code == 422
    r = admin.client.post(
        f"/campaigns/{cid}/priorities",
        data={
            "csrf_token": admin.csrf,
            "priorities_en": "Grow\nCut costs\n",
            "priorities_de": "Wachstum\nKosten senken",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert admin.client.get(f"/api/v1/campaigns/{cid}").json()["priorities"] == [
        {"en": "Grow", "de": "Wachstum"},
        {"en": "Cut costs", "de": "Kosten senken"},
    ]


def _answer(app, admin, cid, *, team="Assembly", n=6, lang="de", pick=1):
    links = admin.links(cid, {admin.team_ids(cid)[team]: n})
    answers = {i.id: i.options[0].value for i in V2.items if i.options} | {"dir_priority": pick}
    for link in links:
        employee = new_client(app)
        body = employee.post("/api/v1/survey/session", json={"token": link["link"].rsplit("/", 1)[1]}).json()
        assert any(i["id"] == "dir_priority" for i in body["survey"]["items"])
        r = employee.post(
            "/api/v1/survey/responses",
            json={"answers": answers, "language": lang},
            headers={"X-CSRF-Token": body["csrf_token"]},
        )
        assert r.status_code == 201, r.text


def test_language_and_priority_are_stored_and_shown(admin, app):
    cid = _v2(admin)
    _answer(app, admin, cid, team="Assembly", n=6, lang="de", pick=1)
    _answer(app, admin, cid, team="Logistics", n=6, lang="en", pick=2)
    assert admin.post(f"/api/v1/campaigns/{cid}/close").status_code == 200
    with session_scope(app.state.engine) as session:
        rows = session.exec(select(Response.language, Response.answers)).all()
    assert sorted(r[0] for r in rows) == ["de"] * 6 + ["en"] * 6
    assert {r[1]["dir_priority"] for r in rows} == {1, 2}
    body = admin.client.get(f"/api/v1/campaigns/{cid}/results").json()
    pr = body["priority"]
    assert pr["organization"]["n"] == 12 and pr["organization"]["within_team"] == 1.0
    assert [t["n"] for t in pr["teams"] if t["n"] is not None] == [6, 6]
    assert body["invariance"]["language"]["estimable"] is False and body["invariance"]["language"]["n"] is None
    page = admin.client.get(f"/campaigns/{cid}/results?lang=de")
    assert "Wichtigste Priorität" in page.text and "Wachstum im Norden" in page.text
    assert admin.post(f"/api/v1/campaigns/{cid}/launch").status_code == 409  # closed: no second launch
    bad = admin.client.post("/api/v1/survey/session", json={"token": "x"})
    assert bad.status_code == 404


def test_a_bad_language_is_refused(admin, app):
    cid = _v2(admin)
    link = admin.links(cid, {admin.team_ids(cid)["Quality"]: 1})[0]["link"].rsplit("/", 1)[1]
    employee = new_client(app)
    body = employee.post("/api/v1/survey/session", json={"token": link}).json()
    answers = {i.id: i.options[0].value for i in V2.items if i.options} | {"dir_priority": 1}
    for lang in ("fr", "<script>", 5):
        r = employee.post(
            "/api/v1/survey/responses",
            json={"answers": answers, "language": lang},
            headers={"X-CSRF-Token": body["csrf_token"]},
        )
        assert r.status_code == 422 and r.json() == {"detail": "language: not a language of this campaign"}


def test_a_campaign_whose_file_changed_is_refused_with_a_clear_error(admin, app):
    cid = _v2(admin)
    _answer(app, admin, cid, n=5)
    admin.post(f"/api/v1/campaigns/{cid}/close")
    assert admin.client.get(f"/api/v1/campaigns/{cid}/results").status_code == 200  # after the warm-up
    with session_scope(app.state.engine, write=True) as session:
        campaign = session.get(Campaign, __import__("uuid").UUID(cid))
        campaign.questionnaire_sha256 = "0" * 64  # as if the file had been edited after launch
        session.add(campaign)
        session.commit()
    clear_cache()
    for url in (f"/api/v1/campaigns/{cid}/preview", f"/api/v1/campaigns/{cid}/results"):
        r = admin.client.get(url)
        assert r.status_code == 409 and r.json() == {"detail": INSTRUMENT_CHANGED}, url


def _answer_v1(app, admin, cid, team, n):
    q = load_questionnaire("aligned-autonomy-v1")
    answers = {i.id: i.options[1].value for i in q.items if i.options}
    for link in admin.links(cid, {admin.team_ids(cid)[team]: n}):
        employee = new_client(app)
        body = employee.post("/api/v1/survey/session", json={"token": link["link"].rsplit("/", 1)[1]}).json()
        assert (
            employee.post(
                "/api/v1/survey/responses", json={"answers": answers}, headers={"X-CSRF-Token": body["csrf_token"]}
            ).status_code
            == 201
        )


def test_waves_compare_one_instrument_family_and_refuse_versions(admin, app):
    ids = []
    for _ in range(2):
        cid = admin.campaign()
        _answer_v1(app, admin, cid, "Assembly", 6)
        assert admin.post(f"/api/v1/campaigns/{cid}/close").status_code == 200
        ids.append(cid)
    v2 = _v2(admin)
    _answer(app, admin, v2, n=6)
    assert admin.post(f"/api/v1/campaigns/{v2}/close").status_code == 200
    body = admin.client.get(f"/api/v1/organizations/{admin.org_id}/waves").json()
    assert sorted(c["id"] for c in body["campaigns"]) == sorted(ids)  # the family with most campaigns
    assert body["invariance"]["estimable"] is False and "200" in body["invariance"]["reason"]["en"]
    r = admin.client.get(f"/api/v1/organizations/{admin.org_id}/waves", params={"campaign": [ids[0], v2]})
    assert r.status_code == 422 and "share no dimension scored from identical items" in r.text


def test_reports_carry_the_consensus_and_the_language_check():
    import io

    import numpy as np
    from openpyxl import load_workbook
    from pypdf import PdfReader

    from analysis import diagnose
    from analysis.simulate import simulate
    from analysis.simulate_model import Confounds
    from app.reports.html_report import render_report_html
    from app.reports.pdf_report import render_report_pdf
    from app.reports.xlsx_report import render_report_xlsx

    data = simulate(
        V2.with_priorities(PRIORITIES),
        respondents=900,
        teams=45,
        units=3,
        scenario="realistic",
        seed=4,
        confounds=Confounds.none(),
    ).data
    language = np.where(np.random.default_rng(2).random(data.n) < 0.5, "de", "en")
    dx = diagnose(data, language=language)
    assert dx.invariance["language"]["estimable"] and dx.invariance["language"]["n"] is not None
    html = render_report_html(dx, lang="de")
    assert "Wichtigste Priorität" in html and "Messen deutsche und englische Antworten dasselbe?" in html
    book = load_workbook(io.BytesIO(render_report_xlsx(dx, lang="en")))
    assert {"Top priority", "Invariance"} <= set(book.sheetnames)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(render_report_pdf(dx, lang="en"))).pages)
    assert "Top priority" in text and "scalar (same intercepts)" in text
