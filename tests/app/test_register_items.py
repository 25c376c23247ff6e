"""Survey items generated from the decision register frozen into a campaign: shown in
both languages, validated, stored with the other answers (sealed, in batches)."""

from __future__ import annotations

import pytest

from analysis import load_questionnaire
from test_register import GOOD_CSV, _import
from web_helpers import full_answers, new_client, open_survey, stored_count, waiting_sets

Q = load_questionnaire("aligned-autonomy-v1")


@pytest.fixture
def links(admin):
    assert _import(admin, GOOD_CSV).status_code == 201
    cid = admin.campaign(launch=False)
    assert (
        admin.post(f"/api/v1/campaigns/{cid}/launch", json={"decisions": ["priorities", "hiring"]}).status_code == 200
    )
    return [row["link"] for row in admin.links(cid, {admin.team_ids(cid)["Quality"]: 3})]


@pytest.mark.parametrize(
    ("lang", "question", "option"),
    [
        (
            "en",
            "Who decides about the team&#39;s priorities in your team?",
            "the team, with the consent of affected teams",
        ),
        ("de", "Wer entscheidet in Ihrem Team über die Prioritäten des Teams?", "weiß nicht"),
    ],
)
def test_the_form_asks_the_chosen_decision_types(app, links, lang, question, option):
    employee, _ = open_survey(app, links[0])
    page = employee.get(f"/survey?lang={lang}").text
    assert question in page and option in page
    assert 'name="decides.hiring" value="4"' in page and "decides.spending" not in page
    assert f"of {len(Q.items) + 2}" in page or f"von {len(Q.items) + 2}" in page


def test_answers_are_stored_with_the_others(app, links):
    employee, csrf = open_survey(app, links[0])
    data = {"csrf_token": csrf, **full_answers(Q), "decides.priorities": "2", "decides.hiring": "4"}
    assert employee.post("/survey", data=data, follow_redirects=False).status_code == 303
    (stored,) = waiting_sets(app)
    assert stored["answers"]["decides.priorities"] == 2 and stored["answers"]["decides.hiring"] == 4
    # unanswered register items are simply missing, like other optional items
    employee, csrf = open_survey(app, links[1])
    assert (
        employee.post("/survey", data={"csrf_token": csrf, **full_answers(Q)}, follow_redirects=False).status_code
        == 303
    )
    keys = sorted(sorted(k for k in s["answers"] if k.startswith("decides.")) for s in waiting_sets(app))
    assert keys == [[], ["decides.hiring", "decides.priorities"]]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("decides.hiring", "5", "is not one of the answer values 0, 1, 2, 3, 4"),
        ("decides.hiring", "-1", "is not one of the answer values"),
        ("decides.hiring", "x" * 500, "is not one of the answer values"),
        ("decides.spending", "0", "unknown item &#39;decides.spending&#39;"),
        ("decides.", "0", "unknown item &#39;decides.&#39;"),
    ],
)
def test_bad_register_answers_store_nothing(app, links, field, value, message):
    employee, csrf = open_survey(app, links[0])
    r = employee.post("/survey", data={"csrf_token": csrf, **full_answers(Q), field: value})
    assert r.status_code == 422 and message in r.text
    assert stored_count(app) == 0


def test_two_answers_to_one_register_item_are_refused(app, links):
    employee, csrf = open_survey(app, links[0])
    data = [("csrf_token", csrf), *full_answers(Q).items(), ("decides.hiring", "1"), ("decides.hiring", "2")]
    r = employee.post(
        "/survey",
        content="&".join(f"{k}={v}" for k, v in data).replace(" ", "+").encode(),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 422 and "more than one answer" in r.text
    assert stored_count(app) == 0


def test_the_json_survey_carries_and_checks_the_items(app, links):
    employee = new_client(app)
    body = employee.post("/api/v1/survey/session", json={"token": links[0].rsplit("/", 1)[1]}).json()
    items = [i for i in body["survey"]["items"] if i["kind"] == "decision"]
    assert [i["id"] for i in items] == ["decides.priorities", "decides.hiring"]
    assert [o["value"] for o in items[0]["options"]] == [0, 1, 2, 3, 4]
    answers = {i.id: i.options[0].value for i in Q.items if i.options}
    headers = {"X-CSRF-Token": body["csrf_token"]}
    bad = employee.post(
        "/api/v1/survey/responses", json={"answers": {**answers, "decides.hiring": True}}, headers=headers
    )
    assert bad.status_code == 422 and stored_count(app) == 0
    ok = employee.post("/api/v1/survey/responses", json={"answers": {**answers, "decides.hiring": 3}}, headers=headers)
    assert ok.status_code == 201 and waiting_sets(app)[0]["answers"]["decides.hiring"] == 3


def test_the_preview_shows_the_items(admin, links):
    cid = admin.client.get(f"/api/v1/organizations/{admin.org_id}/campaigns").json()[0]["id"]
    assert "Who decides about hiring into the team in your team?" in admin.client.get(f"/campaigns/{cid}/preview").text
    preview = admin.client.get(f"/api/v1/campaigns/{cid}/preview").json()
    assert preview["items"][-1]["id"] == "decides.hiring"
