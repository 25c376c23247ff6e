"""The employee survey: link exchange, submission, anonymity and bad input."""

from __future__ import annotations

import re
import uuid
from datetime import date

import pytest
from sqlmodel import select

from analysis import load_questionnaire
from app.core.db import session_scope
from app.core.security import token_hash
from app.models import Comment, Invitation, PendingResponse, Response
from web_helpers import full_answers, new_client, open_survey, path_of, stored_count, waiting_sets

Q = load_questionnaire("aligned-autonomy-v1")


def _rows(app, model):
    with session_scope(app.state.engine) as session:
        return session.exec(select(model)).all()


def _submit(employee, csrf, data, **kw):
    return employee.post("/survey", data={"csrf_token": csrf, "lang": "en", **data}, follow_redirects=False, **kw)


@pytest.fixture
def link(admin):
    cid = admin.campaign()
    return admin.links(cid, {admin.team_ids(cid)["Assembly"]: 6})[0]["link"]


def test_link_is_exchanged_for_a_session_and_a_url_without_the_token(app, link):
    token = link.rsplit("/", 1)[1]
    employee = new_client(app)
    r = employee.get(path_of(link), follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/survey"
    assert token not in r.headers["set-cookie"]
    page = employee.get("/survey")
    assert page.status_code == 200
    assert token not in page.text
    assert "Assembly" in page.text
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["cache-control"] == "no-store"


def test_survey_page_has_one_fieldset_per_item_with_labelled_radios(app, link):
    employee, _ = open_survey(app, link)
    html = employee.get("/survey").text
    assert html.count("<fieldset class=\"item\"") == len([i for i in Q.items if i.kind != "comment"])
    assert html.count("<legend>") >= len(Q.items) - 1
    assert 'maxlength="2000"' in html
    assert "at least 5 people" in html  # the privacy notice states k
    assert "the day you submit (not the time)" in html
    assert "<table" not in html  # no matrix grid


def test_submission_is_parked_sealed_and_joins_with_its_team_batch(app, admin):
    cid = admin.campaign()
    links = [row["link"] for row in admin.links(cid, {admin.team_ids(cid)["Assembly"]: 6})]
    employee, csrf = open_survey(app, links[0])
    r = _submit(employee, csrf, full_answers(Q))
    assert r.status_code == 303 and r.headers["location"].startswith("/survey/thanks")
    thanks = employee.get(r.headers["location"])
    assert "Thank you" in thanks.text
    # the answer set waits, sealed: the database alone shows neither answers nor comment
    assert _rows(app, Response) == [] and _rows(app, Comment) == []
    (parked,) = _rows(app, PendingResponse)
    assert b"We decide quickly" not in parked.payload and b"member" not in parked.payload
    (answer_set,) = waiting_sets(app)
    assert answer_set["role"] == "member" and answer_set["comment"] == "We decide quickly."
    for link in links[1:5]:  # the fifth answer set of the team completes a batch of k = 5
        other, csrf = open_survey(app, link)
        assert _submit(other, csrf, full_answers(Q)).status_code == 303
    assert _rows(app, PendingResponse) == []
    responses = _rows(app, Response)
    assert len(responses) == 5
    for response in responses:
        assert isinstance(response.id, uuid.UUID) and response.id.version == 4
        assert type(response.submitted_on) is date
        assert response.role == "member"
        assert set(response.answers) == {
            i.id for i in Q.items if i.kind in ("perception", "structure", "misconception", "outcome")
        }
    assert not {"invitation_id", "token_hash", "submitted_at"} & set(Response.model_fields)
    comments = _rows(app, Comment)
    assert [c.text for c in comments] == ["We decide quickly."] * 5
    assert "response_id" not in Comment.model_fields
    assert sum(i.used for i in _rows(app, Invitation)) == 5


def test_second_submission_with_the_same_link_is_409_with_a_friendly_page(app, link):
    employee, csrf = open_survey(app, link)
    assert _submit(employee, csrf, full_answers(Q)).status_code == 303
    again = new_client(app).get(path_of(link))
    assert again.status_code == 409
    assert "Already answered" in again.text
    # the old survey session cannot submit either
    other, csrf2 = employee, csrf
    r = _submit(other, csrf2, full_answers(Q))
    assert r.status_code in (401, 409)
    assert stored_count(app) == 1


def test_two_sessions_from_one_link_store_only_one_response(app, link):
    first, csrf1 = open_survey(app, link)
    second, csrf2 = open_survey(app, link)
    assert _submit(first, csrf1, full_answers(Q)).status_code == 303
    r = _submit(second, csrf2, full_answers(Q))
    assert r.status_code == 409
    assert "Already answered" in r.text
    assert stored_count(app) == 1


def test_unknown_link_answers_404_in_the_browser_language(app):
    r = new_client(app).get("/s/not-a-real-token", headers={"accept-language": "de-DE,de;q=0.9,en;q=0.5"})
    assert r.status_code == 404
    assert "Dieser Link ist ungültig" in r.text
    assert '<html lang="de">' in r.text


def test_closed_campaign_answers_with_a_closed_page(app, admin):
    cid = admin.campaign()
    link = admin.links(cid, {admin.team_ids(cid)["Assembly"]: 1})[0]["link"]
    assert admin.post(f"/api/v1/campaigns/{cid}/close").status_code == 200
    r = new_client(app).get(path_of(link))
    assert r.status_code == 410
    assert "closed" in r.text


def test_expired_or_missing_survey_session(app, link):
    r = new_client(app).get("/survey")
    assert r.status_code == 401
    assert "expired" in r.text
    employee = new_client(app)
    employee.cookies.set("__Host-aad_survey", "forged.value.here", domain="testserver.local")
    assert employee.get("/survey").status_code == 401


def test_language_follows_the_browser_and_can_be_switched(app, link):
    employee, _ = open_survey(app, link)
    de = employee.get("/survey", headers={"accept-language": "de"})
    assert "Ihre Privatsphäre" in de.text
    en = employee.get("/survey?lang=en", headers={"accept-language": "de"})
    assert "Your privacy" in en.text
    assert employee.get("/survey", headers={"accept-language": "de"}).text.count("Your privacy") == 1  # remembered


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"dir_p1": "9"}, "item dir_p1: '9' is not one of the answer values 1, 2, 3, 4, 5"),
        ({"dir_p1": "-1"}, "item dir_p1: '-1' is not one of the answer values"),
        ({"dir_p1": "3.0"}, "item dir_p1: '3.0' is not one of the answer values"),
        ({"dir_p1": "<script>"}, "is not one of the answer values"),
        ({"no_such_item": "1"}, "unknown item 'no_such_item'"),
        ({"role": ""}, "item role: an answer is required"),
        ({"role": "3"}, "item role: '3' is not one of the answer values 1, 2"),
        ({"comment": "x" * 2001}, "item comment: the comment is longer than 2,000 characters"),
    ],
)
def test_invalid_input_is_422_naming_the_problem_and_stores_nothing(app, link, change, message):
    employee, csrf = open_survey(app, link)
    r = _submit(employee, csrf, {**full_answers(Q), **change})
    assert r.status_code == 422
    item, _, problem = message.partition(": ") if message.startswith("item ") else ("", "", message)
    assert problem.replace("'", "&#39;") in r.text
    if item:  # the page names the question by its number and text, and links to it
        n = [i.id for i in Q.items].index(item.removeprefix("item ")) + 1
        assert f'<a href="#q-{item.removeprefix("item ")}">Question {n} of 37' in r.text
    assert stored_count(app) == 0 and _rows(app, Comment) == []
    assert not any(i.used for i in _rows(app, Invitation))


def test_two_answers_for_one_item_are_rejected(app, link):
    employee, csrf = open_survey(app, link)
    body = "&".join(f"{k}={v}" for k, v in {**full_answers(Q, comment=None), "csrf_token": csrf}.items()) + "&dir_p1=2"
    r = employee.post("/survey", content=body, headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 422
    assert (
        "Question 1 of 37 („I know what our organization is trying to achieve in the next one to two years.“): more than one answer"
        in r.text
    )


def test_body_over_64_kb_is_422_and_stores_nothing(app, link):
    employee, csrf = open_survey(app, link)
    r = _submit(employee, csrf, {**full_answers(Q), "padding": "x" * 70_000})
    assert r.status_code == 422
    assert "request body larger than 65536 bytes" in r.text
    assert stored_count(app) == 0


def test_comment_control_characters_are_dropped(app, link):
    employee, csrf = open_survey(app, link)
    assert _submit(employee, csrf, full_answers(Q, comment="a\x00b\x07c\nd")).status_code == 303
    assert waiting_sets(app)[0]["comment"] == "abc\nd"


def test_missing_or_wrong_survey_csrf_token_is_refused(app, link):
    employee, _ = open_survey(app, link)
    r = _submit(employee, "wrong", full_answers(Q))
    assert r.status_code == 403
    assert stored_count(app) == 0


def test_only_the_token_hash_is_stored(app, admin):
    cid = admin.campaign()
    links = admin.links(cid, {admin.team_ids(cid)["Assembly"]: 3})
    tokens = [link["link"].rsplit("/", 1)[1] for link in links]
    assert all(len(t) >= 22 for t in tokens)  # 18 random bytes = 144 bits
    stored = {i.token_hash for i in _rows(app, Invitation)}
    assert stored == {token_hash(t) for t in tokens}
    assert not stored & set(tokens)


def test_validation_message_in_german_names_the_question(app, link):
    employee, csrf = open_survey(app, link)
    data = {k: v for k, v in full_answers(Q).items() if k != "role"}
    r = employee.post("/survey", data={"csrf_token": csrf, "lang": "de", **data})
    assert r.status_code == 422
    assert "Frage 35 von 37 („Welche Rolle haben Sie in Ihrem Team?“): eine Antwort ist erforderlich" in r.text
    assert 'class="item invalid" id="q-role" aria-describedby="error"' in r.text
    assert re.search(r'name="dir_s1" value="1"\s+checked', r.text)  # the other answers are kept


def test_concurrent_submissions_with_one_link_store_exactly_one_response(app, admin):
    from concurrent.futures import ThreadPoolExecutor

    from app.services import Conflict
    from app.services.survey import submit, validate

    cid = admin.campaign()
    link = admin.links(cid, {admin.team_ids(cid)["Assembly"]: 1})[0]["link"]
    (invitation,) = _rows(app, Invitation)
    submission = validate(Q, {k: [v] for k, v in full_answers(Q).items()})

    def attempt(_):
        with session_scope(app.state.engine, write=True) as session:
            try:
                submit(
                    session,
                    invitation_id=invitation.id,
                    submission=submission,
                    today=date.today(),
                    sealer=app.state.sealer,
                )
                return "stored"
            except Conflict:
                return "conflict"

    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(attempt, range(8)))
    assert outcomes.count("stored") == 1 and outcomes.count("conflict") == 7
    assert stored_count(app) == 1 and len(waiting_sets(app)) == 1
    assert link.rsplit("/", 1)[1] not in str(waiting_sets(app))
