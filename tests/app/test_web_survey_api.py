"""The survey's JSON twin, and hostile input for the validation of answers."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from analysis import load_questionnaire
from app.services import Invalid
from app.services.survey import validate
from web_helpers import new_client, stored_count

Q = load_questionnaire("aligned-autonomy-v1")
ANSWERS = {i.id: i.options[0].value for i in Q.items if i.options}


@pytest.fixture
def token(admin):
    cid = admin.campaign()
    return admin.links(cid, {admin.team_ids(cid)["Quality"]: 2})[0]["link"].rsplit("/", 1)[1]


def _session(app, token):
    employee = new_client(app)
    r = employee.post("/api/v1/survey/session", json={"token": token})
    assert r.status_code == 200, r.text
    return employee, r.json()


def _count(app):
    return stored_count(app)


def test_api_survey_round_trip(app, token):
    employee, body = _session(app, token)
    assert body["survey"]["team"] == "Quality" and body["survey"]["k"] == 5
    assert len(body["survey"]["items"]) == len(Q.items)
    assert token not in json.dumps(body)
    assert employee.get("/api/v1/survey").json()["questionnaire_id"] == Q.id
    h = {"X-CSRF-Token": body["csrf_token"]}
    r = employee.post("/api/v1/survey/responses", json={"answers": ANSWERS, "comment": "ok"}, headers=h)
    assert r.status_code == 201 and r.json() == {"status": "stored"}
    again = employee.post("/api/v1/survey/responses", json={"answers": ANSWERS}, headers=h)
    assert again.status_code in (404, 409)
    second, _ = new_client(app), None
    r = second.post("/api/v1/survey/session", json={"token": token})
    assert r.status_code == 409 and r.json() == {"detail": "already answered"}
    assert _count(app) == 1


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"answers": {**ANSWERS, "dir_p1": 6}}, "item dir_p1: '6' is not one of the answer values 1, 2, 3, 4, 5"),
        ({"answers": {**ANSWERS, "dir_p1": True}}, "item dir_p1: 'True' is not one of the answer values 1, 2, 3, 4, 5"),
        ({"answers": {**ANSWERS, "dir_p1": 2.5}}, "item dir_p1: '2.5' is not one of the answer values 1, 2, 3, 4, 5"),
        (
            {"answers": {**ANSWERS, "dir_p1": [1, 2]}},
            "item dir_p1: '[1, 2]' is not one of the answer values 1, 2, 3, 4, 5",
        ),
        (
            {"answers": {**ANSWERS, "dir_p1": {"$gt": 0}}},
            "item dir_p1: \"{'$gt': 0}\" is not one of the answer values 1, 2, 3, 4, 5",
        ),
        ({"answers": {**ANSWERS, "ghost": 1}}, "unknown item 'ghost'"),
        ({"answers": {k: v for k, v in ANSWERS.items() if k != "role"}}, "item role: an answer is required"),
        ({"answers": ANSWERS, "comment": "x" * 2001}, "item comment: the comment is longer than 2000 characters"),
        ({"answers": ANSWERS, "comment": 5}, "item comment: the comment must be text"),
        ({"answers": ANSWERS, "comment": "\ud800"}, "item comment: the comment is not valid text"),
        ({"answers": ANSWERS, "team": "Sales"}, "unknown field 'team'"),
        ({"answers": [1, 2]}, "answers: a JSON object is required"),
        ([1, 2], "the body must be a JSON object"),
    ],
)
def test_api_invalid_answers_are_422_and_store_nothing(app, token, body, detail):
    employee, opened = _session(app, token)
    r = employee.post(
        "/api/v1/survey/responses",
        content=json.dumps(body),
        headers={"X-CSRF-Token": opened["csrf_token"], "content-type": "application/json"},
    )
    assert r.status_code == 422
    assert r.json()["detail"] == detail
    assert _count(app) == 0


@pytest.mark.parametrize("raw", [b"{not json", b"\xff\xfe", b'{"answers": ' * 50_000])
def test_api_malformed_or_oversized_bodies(app, token, raw):
    employee, opened = _session(app, token)
    r = employee.post(
        "/api/v1/survey/responses",
        content=raw,
        headers={"X-CSRF-Token": opened["csrf_token"], "content-type": "application/json"},
    )
    assert r.status_code == 422
    assert r.json()["detail"] in ("malformed JSON", "request body larger than 65536 bytes")
    assert _count(app) == 0


def test_api_submission_needs_the_survey_csrf_token(app, token):
    employee, _ = _session(app, token)
    r = employee.post("/api/v1/survey/responses", json={"answers": ANSWERS}, headers={"X-CSRF-Token": "nope"})
    assert r.status_code == 403
    assert _count(app) == 0


@pytest.mark.parametrize("payload", [{}, {"token": 5}, {"token": "x" * 5000}, {"token": "../../etc"}])
def test_api_session_with_bad_tokens(app, payload):
    r = new_client(app).post("/api/v1/survey/session", json=payload)
    assert r.status_code in (404, 422)


@pytest.mark.parametrize("path", ["/s/" + "A" * 5000, "/s/%00", "/s/%F0%9F%92%A9", "/s/' OR 1=1 --"])
def test_hostile_survey_links_get_the_not_valid_page(client, path):
    r = client.get(path)
    assert r.status_code == 404
    assert "This link is not valid" in r.text


answer_values = st.one_of(
    st.integers(-10, 10), st.text(max_size=5), st.none(), st.booleans(), st.floats(allow_nan=True)
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(
        st.one_of(st.sampled_from([i.id for i in Q.items]), st.text(max_size=8)),
        st.lists(answer_values, max_size=3),
        max_size=40,
    )
)
def test_validation_never_crashes_and_never_accepts_values_off_the_scale(fields):
    try:
        submission = validate(Q, fields)
    except Invalid as exc:
        assert exc.detail and len(exc.detail) < 300
        return
    for item_id, value in submission.answers.items():
        assert value in {o.value for o in Q.item(item_id).options}
    assert submission.role in ("lead", "member")
    assert submission.comment is None or len(submission.comment) <= 2000
