"""E-mail invitations and reminders against a real SMTP server on loopback: messages
received in each person's language, reminders only to those who have not answered,
refusals and retries, scheduled reminders, a restart while sending, deleting the
addresses, posters, and access."""

from __future__ import annotations

import io
import time
import uuid
from datetime import date, datetime, timedelta, timezone

import pytest
from pypdf import PdfReader
from sqlmodel import select

from app.core.db import session_scope
from app.main import create_app
from app.models import Invitation, LinkAudit, MailJob, Participant
from app.services import mail_sender
from mail_helpers import answer, drain, link_in, mail_app, sender, upload
from smtp_server import smtp_server
from web_helpers import PASSWORD, login, make_admin, make_settings, new_client, open_survey

LIST = (
    "email,unit path,team,language\n"
    "ana@example.org,Operations / North,Assembly,de\n"
    "ben@example.org,Operations / North,Assembly,en\n"
    "cem@example.org,Operations / North,Logistics,\n"
    "dora@example.org,Sales,Key Accounts,de\n"
)


@pytest.fixture
def smtp():
    with smtp_server(temporary_failures=2) as server:
        yield server


@pytest.fixture
def app(database_url, smtp):
    application = mail_app(database_url, smtp[1])
    yield application
    application.state.engine.dispose()


@pytest.fixture
def hr(app):
    return make_admin(app)


def _participants(app) -> list[Participant]:
    with session_scope(app.state.engine) as session:
        return list(session.exec(select(Participant)).all())


def _invite(hr, app, text=LIST) -> str:
    cid = hr.campaign(closes_on=(date.today() + timedelta(days=14)).isoformat())
    assert upload(hr, cid, text).status_code == 201
    assert hr.post(f"/api/v1/campaigns/{cid}/mail/invitations").status_code == 201
    drain(app)
    return cid


def test_invitations_arrive_in_each_language_with_a_working_link(app, hr, smtp):
    recorder, _ = smtp
    cid = _invite(hr, app)
    by_to = {m["To"]: m for m in recorder.messages}
    assert sorted(by_to) == ["ana@example.org", "ben@example.org", "cem@example.org", "dora@example.org"]
    assert by_to["ana@example.org"]["Subject"].startswith("Ihre Stimme")
    assert by_to["ben@example.org"]["Subject"].startswith("Your voice")
    assert by_to["cem@example.org"]["Content-Language"] == "en"  # empty: the campaign's first language
    assert "Operations / North / Assembly" in by_to["ana@example.org"].get_content()
    assert by_to["ana@example.org"]["From"] == "Survey <survey@example.org>"
    links = {link_in(m) for m in recorder.messages}
    assert len(links) == 4
    employee, _ = open_survey(app, link_in(by_to["ben@example.org"]))  # the link works
    assert "never what you answered and never when" in employee.get("/survey").text  # the privacy notice says so
    status = hr.client.get(f"/api/v1/campaigns/{cid}/mail").json()
    assert status["participants"] == {"new": 0, "queued": 0, "sent": 4, "failed": 0}
    assert status["jobs"][0] | {"id": None, "scheduled_for": None} == {
        "id": None,
        "kind": "invitation",
        "state": "done",
        "scheduled_for": None,
        "created_by": hr.email,
        "queued": 4,
        "sent": 4,
        "failed": 0,
        "waiting": 0,
        "finished_at": status["jobs"][0]["finished_at"],
    }
    # the links count against the headcount and are in the link log
    counts = {r["team"]: r["personal_links"] for r in hr.client.get(f"/api/v1/campaigns/{cid}/invitations").json()}
    assert counts["Assembly"] == 2 and counts["Logistics"] == 1
    assert hr.client.get(f"/api/v1/campaigns/{cid}/link-log").json()[0]["links"] == 4
    # sending again reaches nobody twice
    assert hr.post(f"/api/v1/campaigns/{cid}/mail/invitations").status_code == 409


def test_reminder_reaches_only_those_who_have_not_answered(app, hr, smtp):
    recorder, _ = smtp
    cid = _invite(hr, app)
    by_to = {m["To"]: m for m in recorder.messages}
    answer(app, link_in(by_to["ana@example.org"]))
    answer(app, link_in(by_to["cem@example.org"]))
    recorder.messages.clear()
    r = hr.post(f"/api/v1/campaigns/{cid}/mail/reminders", json={})
    assert r.status_code == 201 and r.json()["queued"] == 2
    drain(app)
    assert sorted(recorder.to()) == ["ben@example.org", "dora@example.org"]
    reminders = {m["To"]: m for m in recorder.messages}
    assert reminders["dora@example.org"]["Subject"].startswith("Erinnerung")
    # the reminder carries the same personal link as the invitation
    assert link_in(reminders["ben@example.org"]) == link_in(by_to["ben@example.org"])


def test_refused_and_temporarily_failing_addresses(database_url, smtp):
    recorder, port = smtp
    app = mail_app(database_url, port, mail_max_attempts=5)
    hr = make_admin(app)
    cid = _invite(
        hr, app, "email,team\nbounce@example.org,Assembly\nlater@example.org,Assembly\nok@example.org,Quality\n"
    )
    log = {p["email"]: p for p in hr.client.get(f"/api/v1/campaigns/{cid}/participants").json()}
    assert log["bounce@example.org"]["status"] == "failed"
    assert log["bounce@example.org"]["error"].startswith("550 5.1.1")
    assert log["bounce@example.org"]["attempts"] == 1  # permanent: not retried
    assert log["later@example.org"] | {"team": None} == {
        "email": "later@example.org",
        "team": None,
        "language": "en",
        "status": "sent",
        "attempts": 3,
        "error": "",
    }
    assert sorted(recorder.to()) == ["later@example.org", "ok@example.org"]
    job = hr.client.get(f"/api/v1/campaigns/{cid}/mail").json()["jobs"][0]
    assert (job["sent"], job["failed"], job["state"]) == (2, 1, "done")
    app.state.engine.dispose()


def test_the_last_attempt_fails_with_the_servers_reason(database_url, smtp):
    _, port = smtp
    app = mail_app(database_url, port, mail_max_attempts=2)
    hr = make_admin(app)
    cid = _invite(hr, app, "email,team\nlater@example.org,Assembly\n")
    [row] = hr.client.get(f"/api/v1/campaigns/{cid}/participants").json()
    assert (row["status"], row["attempts"], row["error"]) == ("failed", 2, "451 4.3.0 try again later")
    app.state.engine.dispose()


def test_retries_back_off(app, hr):
    cid = hr.campaign()
    upload(hr, cid, "email,team\nlater@example.org,Assembly\n")
    hr.post(f"/api/v1/campaigns/{cid}/mail/invitations")
    worker = sender(app)
    waits = []
    for attempt in (1, 2):
        while _participants(app)[0].due_at.replace(tzinfo=timezone.utc) > datetime.now(timezone.utc):
            time.sleep(0.01)
        start = datetime.now(timezone.utc)
        worker.run_once()
        end = datetime.now(timezone.utc)
        [p] = _participants(app)
        due = p.due_at.replace(tzinfo=timezone.utc)
        assert p.attempts == attempt
        waits.append(((due - end).total_seconds(), (due - start).total_seconds()))
    # the pass's own clock lies between start and end: 0.05 s after the first try, 0.1 s after the second
    assert waits[0][0] <= 0.05 <= waits[0][1] and waits[1][0] <= 0.1 <= waits[1][1]


def test_no_mail_server_says_so_and_the_csv_path_remains(database_url):
    app = create_app(make_settings(database_url))
    hr = make_admin(app)
    cid = hr.campaign()
    assert upload(hr, cid, "email,team\nana@example.org,Assembly\n").status_code == 201
    r = hr.post(f"/api/v1/campaigns/{cid}/mail/invitations")
    assert r.status_code == 409 and r.json()["detail"].startswith("no mail server is configured")
    assert hr.post(f"/api/v1/campaigns/{cid}/mail/reminders", json={}).status_code == 409
    assert hr.client.get(f"/api/v1/campaigns/{cid}/mail").json()["configured"] is False
    page = hr.client.get(f"/campaigns/{cid}/mail").text
    assert "No mail server is configured" in page and "Send invitations" not in page
    assert len(hr.links(cid, {hr.team_ids(cid)["Quality"]: 2})) == 2
    app.state.engine.dispose()


def test_scheduled_reminder_and_cancelling(app, hr, smtp):
    recorder, _ = smtp
    cid = _invite(hr, app)
    recorder.messages.clear()
    soon = datetime.now(timezone.utc) + timedelta(seconds=4)
    later = datetime.now(timezone.utc) + timedelta(days=2)
    job = hr.post(f"/api/v1/campaigns/{cid}/mail/reminders", json={"at": soon.isoformat()}).json()
    other = hr.post(f"/api/v1/campaigns/{cid}/mail/reminders", json={"at": later.isoformat()}).json()
    assert job["state"] == "scheduled" and job["queued"] == 0
    past = hr.post(f"/api/v1/campaigns/{cid}/mail/reminders", json={"at": "2020-01-01T00:00:00Z"})
    assert past.status_code == 422
    assert hr.post(f"/campaigns/{cid}/mail/jobs/{other['id']}/cancel", follow_redirects=False).status_code == 303
    sender(app).run_once()
    assert recorder.messages == [] or datetime.now(timezone.utc) >= soon  # not before its time
    while datetime.now(timezone.utc) < soon:
        time.sleep(0.05)
    drain(app)
    assert sorted(recorder.to()) == ["ana@example.org", "ben@example.org", "cem@example.org", "dora@example.org"]
    states = {j["id"]: j["state"] for j in hr.client.get(f"/api/v1/campaigns/{cid}/mail").json()["jobs"]}
    assert states[job["id"]] == "done" and states[other["id"]] == "cancelled"
    again = hr.post(f"/campaigns/{cid}/mail/jobs/{other['id']}/cancel", follow_redirects=False)
    assert again.status_code == 409


def test_restart_while_sending_loses_and_repeats_nothing(database_url, smtp, monkeypatch):
    recorder, port = smtp
    monkeypatch.setattr(mail_sender, "BATCH", 5)
    monkeypatch.setattr(mail_sender, "LEASE", timedelta(seconds=1))
    first = mail_app(database_url, port)
    hr = make_admin(first)
    cid = hr.campaign()
    rows = "".join(f"p{i:02d}@example.org,Assembly\n" for i in range(8))
    rows += "".join(f"q{i:02d}@example.org,Key Accounts\n" for i in range(7))
    assert upload(hr, cid, "email,team\n" + rows).status_code == 201
    hr.post(f"/api/v1/campaigns/{cid}/mail/invitations")
    worker = sender(first)
    assert worker.run_once() == 5
    # the process dies after claiming a batch and before sending it
    claimed = worker._claim(datetime.now(timezone.utc))
    assert len(claimed) == 5
    first.state.engine.dispose()
    # a new process (the same database) takes over once the claim's lease has run out
    second = mail_app(database_url, port)
    background = sender(second)
    background.start()
    deadline = time.monotonic() + 20
    while len(recorder.messages) < 15 and time.monotonic() < deadline:
        time.sleep(0.05)
    background.stop()
    assert sorted(recorder.to()) == sorted(
        [f"p{i:02d}@example.org" for i in range(8)] + [f"q{i:02d}@example.org" for i in range(7)]
    )
    with session_scope(second.state.engine) as session:
        [mail_job] = session.exec(select(MailJob)).all()
        assert (mail_job.sent, mail_job.failed, mail_job.state) == (15, 0, "done")
    second.state.engine.dispose()


def test_stopping_the_sender_records_its_batch(database_url, smtp):
    recorder, port = smtp
    app = mail_app(database_url, port, mail_rate_per_minute=600)  # ten a second
    hr = make_admin(app)
    cid = hr.campaign()
    upload(hr, cid, "email,team\n" + "".join(f"p{i}@example.org,Assembly\n" for i in range(6)))
    hr.post(f"/api/v1/campaigns/{cid}/mail/invitations")
    worker = sender(app)
    worker.start()
    time.sleep(0.25)
    worker.stop()
    sent_before = len(recorder.messages)
    assert sum(p.status == "sent" for p in _participants(app)) == sent_before
    drain(app)
    assert sorted(recorder.to()) == sorted(f"p{i}@example.org" for i in range(6))
    app.state.engine.dispose()


def test_addresses_are_deleted_at_closing(app, hr):
    cid = _invite(hr, app)
    hr.post(
        f"/api/v1/campaigns/{cid}/mail/reminders",
        json={"at": (datetime.now(timezone.utc) + timedelta(days=1)).isoformat()},
    )
    assert hr.post(f"/api/v1/campaigns/{cid}/close").status_code == 200
    assert _participants(app) == []
    status = hr.client.get(f"/api/v1/campaigns/{cid}/mail").json()
    assert status["addresses_deleted"] is True
    assert {j["state"] for j in status["jobs"]} == {"done", "cancelled"}
    _no_address_anywhere(app, "ana@example.org")


def test_addresses_are_deleted_on_the_retention_date(app, hr):
    cid = _invite(hr, app)
    tomorrow = date.today() + timedelta(days=1)
    r = hr.client.put(f"/api/v1/campaigns/{cid}/mail/retention", json={"until": tomorrow.isoformat()}, headers=hr.h)
    assert r.status_code == 200 and r.json()["address_retention_until"] == tomorrow.isoformat()
    sender(app).run_once()
    assert len(_participants(app)) == 4  # not yet
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    assert (
        hr.client.put(f"/api/v1/campaigns/{cid}/mail/retention", json={"until": yesterday}, headers=hr.h).status_code
        == 422
    )
    assert (
        hr.client.put(
            f"/api/v1/campaigns/{cid}/mail/retention", json={"until": date.today().isoformat()}, headers=hr.h
        ).status_code
        == 200
    )
    sender(app).run_once()
    assert _participants(app) == []
    _no_address_anywhere(app, "dora@example.org")
    assert hr.client.get(f"/api/v1/campaigns/{cid}/participants").json() == []
    assert upload(hr, cid, "email,team\nnew@example.org,Quality\n").status_code == 409
    assert hr.post(f"/api/v1/campaigns/{cid}/mail/reminders", json={}).status_code == 409
    assert "have been deleted" in hr.client.get(f"/campaigns/{cid}/mail").text


def _no_address_anywhere(app, address: str) -> None:
    """No column of any table holds the address (nor its domain's user part)."""
    from sqlalchemy import inspect, text

    engine = app.state.engine
    with engine.connect() as conn:
        for table in inspect(engine).get_table_names():
            for row in conn.execute(text(f'SELECT * FROM "{table}"')):
                assert not any(address in str(v) for v in row), table


def test_posters_carry_each_teams_new_open_link(app, hr):
    cid = hr.campaign()
    old = hr.post(f"/api/v1/campaigns/{cid}/open-links", json={}).json()
    r = hr.post(f"/api/v1/campaigns/{cid}/posters", json={})
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    pages = PdfReader(io.BytesIO(r.content)).pages
    assert len(pages) == 5
    text = pages[0].extract_text()
    assert "Your voice counts" in text and "Ihre Stimme zählt" in text
    assert "at least 5 people" in " ".join(text.split())
    link = next(w for w in text.split() if w.startswith("https://testserver/s/"))
    open_survey(app, link)  # the poster's link works …
    employee = new_client(app)
    assert employee.get(old[0]["link"].removeprefix("https://testserver"), follow_redirects=False).status_code != 303
    one = hr.post(f"/campaigns/{cid}/posters", data={"team_id": hr.team_ids(cid)["Quality"]})
    assert len(PdfReader(io.BytesIO(hr.post(f"/campaigns/{cid}/posters", data={"team_id": "all"}).content)).pages) == 5
    assert hr.post(f"/campaigns/{cid}/posters").status_code == 422
    assert len(PdfReader(io.BytesIO(one.content)).pages) == 1
    assert "Quality" in PdfReader(io.BytesIO(one.content)).pages[0].extract_text()
    assert hr.post(f"/campaigns/{cid}/posters", data={"team_id": "not-a-team"}).status_code == 422


def test_the_page_shows_progress_and_the_log(app, hr):
    cid = _invite(hr, app, "email,team\nbounce@example.org,Assembly\nok@example.org,Quality\n")
    page = hr.client.get(f"/campaigns/{cid}/mail").text
    assert "1 sent, 1 failed, 0 waiting of 2" in page
    assert "550 5.1.1" in page and "ok@example.org" in page
    german = hr.client.get(f"/campaigns/{cid}/mail?lang=de").text
    assert "Versandprotokoll" in german and "1 gesendet, 1 fehlgeschlagen, 0 wartend von 2" in german
    hr.client.get(f"/campaigns/{cid}/mail?lang=en")
    campaign_page = hr.client.get(f"/campaigns/{cid}").text
    assert "1 sent, 1 failed, 0 waiting of 2" in campaign_page and "E-mail and posters" in campaign_page


def test_only_editors_reach_addresses(app, hr):
    cid = _invite(hr, app)
    r = hr.post(
        f"/api/v1/organizations/{hr.org_id}/members",
        json={"email": "viewer@example.org", "role": "viewer", "password": PASSWORD},
    )
    assert r.status_code == 204, r.text
    viewer = new_client(app)
    csrf = login(viewer, "viewer@example.org")
    for url in (f"/api/v1/campaigns/{cid}/participants", f"/api/v1/campaigns/{cid}/mail", f"/campaigns/{cid}/mail"):
        assert viewer.get(url).status_code == 403, url
    assert (
        viewer.post(f"/api/v1/campaigns/{cid}/mail/reminders", json={}, headers={"X-CSRF-Token": csrf}).status_code
        == 403
    )
    other = make_admin(app, email="hr@other.example", org="Other")
    assert other.client.get(f"/api/v1/campaigns/{cid}/participants").status_code == 404
    # without the CSRF token nothing is sent
    assert hr.client.post(f"/api/v1/campaigns/{cid}/mail/reminders", json={}).status_code == 403
    assert hr.client.post(f"/campaigns/{cid}/posters").status_code == 403


def test_links_in_the_log_are_personal_links(app, hr):
    cid = _invite(hr, app)
    with session_scope(app.state.engine) as session:
        kinds = {
            i.kind.value for i in session.exec(select(Invitation).where(Invitation.campaign_id == uuid.UUID(cid))).all()
        }
        audit = session.exec(select(LinkAudit)).all()
    assert kinds == {"personal"} and [a.created_by for a in audit] == [hr.email]
