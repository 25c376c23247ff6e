"""Participant lists and mail wording: every bad line is named, nothing is stored on
error, teams come from the frozen structure, no team gets more addresses than its
headcount, and hostile input (oversized, not UTF-8, control characters, header
injection, placeholders that reach into Python objects) is refused."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from app.core.db import session_scope
from app.models import Invitation, LinkAudit, MailTemplate, Participant
from app.services.participants import CSV_INVALID, MAX_CSV_BYTES
from mail_helpers import upload
from web_helpers import make_admin


@pytest.fixture
def hr(app):
    return make_admin(app)


def _stored(app) -> tuple[int, int, int]:
    with session_scope(app.state.engine) as session:
        return tuple(
            session.exec(select(func.count()).select_from(t)).one() for t in (Participant, Invitation, LinkAudit)
        )


def _refused(hr, app, cid, text: str | bytes) -> list[str]:
    before = _stored(app)
    r = hr.post(
        f"/api/v1/campaigns/{cid}/participants",
        content=text if isinstance(text, bytes) else text.encode(),
        headers={"content-type": "text/csv"},
    )
    assert r.status_code == 422, r.text
    assert r.json()["detail"] == CSV_INVALID
    assert _stored(app) == before  # nothing stored
    return r.json()["errors"]


def test_every_bad_line_is_named_and_nothing_is_stored(app, hr):
    cid = hr.campaign()
    errors = _refused(
        hr,
        app,
        cid,
        (
            "email;team;language\n"
            "ana@example.org;Assembly;de\n"
            "not-an-address;Assembly;en\n"
            "ben@example.org;Nowhere;en\n"
            "cem@example.org;Assembly;fr\n"
            "ANA@example.org;Quality;en\n"
            "dora@example.org;Quality\n"
        ),
    )
    assert errors == [
        "line 3: 'not-an-address' is not an e-mail address",
        "line 4: team 'Nowhere' is not part of the campaign",
        "line 5: language 'fr' is not one of the campaign's (en, de)",
        "line 6: the address repeats line 2",
        "line 7: expected 3 fields, found 2",
    ]


def test_unit_path_picks_the_team_and_must_match(app, hr):
    cid = hr.campaign()
    errors = _refused(hr, app, cid, "email,unit path,team\nana@example.org,Sales,Assembly\n")
    assert errors == ["line 2: team 'Assembly' in 'Sales' is not part of the campaign"]
    r = upload(hr, cid, "email,unit path,team\nana@example.org,operations / north,assembly\n")
    assert r.status_code == 201 and r.json() == {"added": 1}


def test_teams_come_from_the_frozen_structure(app, hr):
    cid = hr.campaign()
    hr.post(
        f"/api/v1/organizations/{hr.org_id}/teams/import",
        content=b"unit path,team,headcount\n,New team,9\n",
        headers={"content-type": "text/csv"},
    )
    assert _refused(hr, app, cid, "email,team\nana@example.org,New team\n") == [
        "line 2: team 'New team' is not part of the campaign"
    ]
    assert upload(hr, cid, "email,team\nana@example.org,Assembly\n").status_code == 201


def test_no_team_gets_more_addresses_than_its_headcount(app, hr):
    cid = hr.campaign()
    r = upload(
        hr, cid, "email,team\na@example.org,Inside Sales\nb@example.org,Inside Sales\nc@example.org,Inside Sales\n"
    )
    assert r.status_code == 422
    assert r.json()["errors"] == ["Inside Sales: 0 links exist, 3 more asked, headcount 2"]
    hr.links(cid, {hr.team_ids(cid)["Inside Sales"]: 1})  # a link handed out as CSV counts too
    r = upload(hr, cid, "email,team\na@example.org,Inside Sales\nb@example.org,Inside Sales\n")
    assert r.status_code == 422 and r.json()["errors"] == ["Inside Sales: 1 links exist, 2 more asked, headcount 2"]
    assert _stored(app)[0] == 0


def test_addresses_already_on_the_list_are_refused(app, hr):
    cid = hr.campaign()
    assert upload(hr, cid, "email,team\nana@example.org,Assembly\n").status_code == 201
    assert _refused(hr, app, cid, "email,team\nben@example.org,Assembly\nAna@Example.org,Quality\n") == [
        "line 3: the address is already on the campaign's list"
    ]


@pytest.mark.parametrize(
    "text, error",
    [
        (b"", "line 1: the header 'email,unit path,team,language' is missing"),
        (
            b"mail,team\nana@example.org,Assembly\n",
            "line 1: expected the columns email, team and optionally unit path, "
            "language (e.g. 'email,unit path,team,language')",
        ),
        (b"email,team\n", "the file has no addresses"),
        (b"email,team\n\xff\xfe,Assembly\n", "the file is not UTF-8 text (byte 11)"),
        (
            b"email,team\n\"ana@example.org\nBcc: all@example.org\",Assembly\n",
            "line 3: control character U+000A is not allowed",
        ),
        (b"email,team\nana@example.org,Assem\x07bly\n", "line 2: control character U+0007 is not allowed"),
        (
            b"email,team\n\"Ana\" <ana@example.org>,Assembly\n",
            "line 2: 'Ana <ana@example.org>' is not an e-mail address",
        ),
        (b"email,team\nana@example.org\",Assembly\n", "line 2: 'ana@example.org\"' is not an e-mail address"),
        (
            b"email,team\n" + b"a" * 70 + b"@example.org,Assembly\n",
            "line 2: '" + "a" * 60 + "' is not an e-mail address",
        ),
    ],
)
def test_malformed_files(app, hr, text, error):
    cid = hr.campaign()
    assert _refused(hr, app, cid, text) == [error]


def test_oversized_files_are_refused(app, hr):
    cid = hr.campaign()
    big = b"email,team\n" + b"x" * (MAX_CSV_BYTES + 10)
    r = hr.post(f"/api/v1/campaigns/{cid}/participants", content=big, headers={"content-type": "text/csv"})
    assert r.status_code == 422 and r.json()["errors"] == [f"the file is larger than {MAX_CSV_BYTES} bytes"]
    huge = b"email,team\n" + b"x" * 1_200_000
    assert (
        hr.post(f"/api/v1/campaigns/{cid}/participants", content=huge, headers={"content-type": "text/csv"}).status_code
        == 422
    )
    assert _stored(app) == (0, 0, 0)


def test_the_upload_page_names_the_bad_lines(app, hr):
    cid = hr.campaign()
    r = hr.post(
        f"/campaigns/{cid}/participants", files={"file": ("list.csv", b"email,team\nnope,Assembly\n", "text/csv")}
    )
    assert r.status_code == 422 and "line 2: &#39;nope&#39; is not an e-mail address" in r.text
    r = hr.post(
        f"/campaigns/{cid}/participants",
        files={"file": ("list.csv", b"email,team\nok@example.org,Assembly\n", "text/csv")},
        follow_redirects=False,
    )
    assert r.status_code == 303


def test_lists_only_for_open_campaigns(app, hr):
    draft = hr.campaign(launch=False)
    r = upload(hr, draft, "email,team\nana@example.org,Assembly\n")
    assert r.status_code == 409 and r.json()["detail"] == "participants can be added only while the campaign is open"


@pytest.mark.parametrize(
    "subject, body, problem",
    [
        ("Hello", "No link here", "the text must contain {link}"),
        ("Hello\r\nBcc: all@example.org", "{link}", "the subject must be one line without control characters"),
        (
            "Hello",
            "{link} {link.__class__.__mro__}",
            "unknown placeholder {link.__class__.__mro__}; use {campaign}, {team}, {link}, {closes_on}, {k}",
        ),
        ("Hello {0}", "{link}", "unknown placeholder {0}; use {campaign}, {team}, {link}, {closes_on}, {k}"),
        ("Hello", "{link} {", "braces { } may only enclose a placeholder"),
        ("", "{link}", "the subject must have 1 to 200 characters"),
    ],
)
def test_bad_wording_is_refused(app, hr, subject, body, problem):
    cid = hr.campaign()
    r = hr.client.put(
        f"/api/v1/campaigns/{cid}/mail/templates/invitation/en", json={"subject": subject, "body": body}, headers=hr.h
    )
    assert r.status_code == 422 and problem in r.json()["errors"], r.text
    with session_scope(app.state.engine) as session:
        assert session.exec(select(MailTemplate)).all() == []


def test_wording_is_saved_per_kind_and_language(app, hr):
    cid = hr.campaign()
    r = hr.client.put(
        f"/api/v1/campaigns/{cid}/mail/templates/reminder/de",
        json={"subject": "Noch offen: {campaign}", "body": "Bitte hier: {link}\n"},
        headers=hr.h,
    )
    assert r.status_code == 204
    templates = {(t["kind"], t["language"]): t for t in hr.client.get(f"/api/v1/campaigns/{cid}/mail/templates").json()}
    assert templates[("reminder", "de")] == {
        "kind": "reminder",
        "language": "de",
        "edited": True,
        "subject": "Noch offen: {campaign}",
        "body": "Bitte hier: {link}\n",
    }
    assert templates[("reminder", "en")]["edited"] is False and "{link}" in templates[("reminder", "en")]["body"]
    assert (
        hr.client.put(
            f"/api/v1/campaigns/{cid}/mail/templates/reminder/fr", json={"subject": "x", "body": "{link}"}, headers=hr.h
        ).status_code
        == 422
    )
    assert (
        hr.client.put(
            f"/api/v1/campaigns/{cid}/mail/templates/letter/en", json={"subject": "x", "body": "{link}"}, headers=hr.h
        ).status_code
        == 422
    )


def test_control_characters_in_wording_are_refused_by_the_service_too():
    from app.services.mailing import template_problems

    assert template_problems("Hello", "{link}\x07") == ["the text must not contain control characters"]
    assert template_problems("Hello", "{link}\n\tok\r\n") == []
