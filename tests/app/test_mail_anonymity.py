"""The participant list knows whether a person has answered, never what or when: after
invitations, answers, a reminder and answers after it, no column, row, log line or
timestamp links an address to a response, and the rows of those reminded cannot be told
from the rows of those who answered before the reminder."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import inspect, text
from sqlmodel import select

from app.core.db import session_scope
from app.models import Participant, Response
from mail_helpers import answer, drain, link_in, mail_app, upload
from smtp_server import smtp_server
from web_helpers import make_admin

ADDRESSES = [f"person{i}@example.org" for i in range(6)] + ["qa0@example.org", "qa1@example.org"]
RESPONSE_TABLES = {"response", "pending_response", "comment", "result_snapshot"}
PARTICIPANT_COLUMNS = {
    "id",
    "campaign_id",
    "campaign_team_id",
    "invitation_id",
    "email",
    "language",
    "sealed_link",
    "status",
    "attempts",
    "error",
    "job_id",
    "due_at",
}


@pytest.fixture
def world(database_url, caplog):
    """Invitations to eight people, three answers, a reminder, one answer after it."""
    caplog.set_level(logging.DEBUG)
    with smtp_server() as (recorder, port):
        app = mail_app(database_url, port)
        hr = make_admin(app)
        cid = hr.campaign()
        rows = "".join(f"{a},Assembly\n" for a in ADDRESSES[:6]) + "".join(f"{a},Quality\n" for a in ADDRESSES[6:])
        assert upload(hr, cid, "email,team\n" + rows).status_code == 201
        hr.post(f"/api/v1/campaigns/{cid}/mail/invitations")
        drain(app)
        links = {m["To"]: link_in(m) for m in recorder.messages}
        for address in ("person0@example.org", "person1@example.org", "qa0@example.org"):
            answer(app, links[address])
        hr.post(f"/api/v1/campaigns/{cid}/mail/reminders", json={})
        drain(app)
        reminded = sorted(m["To"] for m in recorder.messages[len(ADDRESSES) :])
        answer(app, links["person2@example.org"])  # after the reminder
        yield {"app": app, "hr": hr, "cid": cid, "reminded": reminded, "links": links}
        app.state.engine.dispose()


def _rows(app):
    engine = app.state.engine
    with engine.connect() as conn:
        for table in inspect(engine).get_table_names():
            for row in conn.execute(text(f'SELECT * FROM "{table}"')).mappings():
                yield table, dict(row)


def test_the_reminder_went_only_to_those_who_had_not_answered(world):
    assert world["reminded"] == [
        "person2@example.org",
        "person3@example.org",
        "person4@example.org",
        "person5@example.org",
        "qa1@example.org",
    ]


def test_no_column_links_an_address_to_a_response(world):
    insp = inspect(world["app"].state.engine)
    assert {c["name"] for c in insp.get_columns("participant")} == PARTICIPANT_COLUMNS
    for table in ("participant", "mail_job", "mail_template"):
        targets = {fk["referred_table"] for fk in insp.get_foreign_keys(table)}
        assert not targets & RESPONSE_TABLES, table
    for table in RESPONSE_TABLES:
        assert not {fk["referred_table"] for fk in insp.get_foreign_keys(table)} & {
            "participant",
            "mail_job",
            "invitation",
        }


def test_no_row_holds_an_address_with_a_time_or_a_response(world):
    app = world["app"]
    with session_scope(app.state.engine) as session:
        response_ids = {str(r) for r in session.exec(select(Response.id)).all()}
        response_ids |= {r.hex for r in session.exec(select(Response.id)).all()}
    found = 0
    for table, row in _rows(app):
        values = [str(v) for v in row.values()]
        if any(a in v for a in ADDRESSES for v in values):
            found += 1
            assert table == "participant"
            assert row["due_at"] is None and row["job_id"] is None  # nothing left of a sending
            assert not any(v in response_ids for v in values)
    assert found == len(ADDRESSES)


def test_reminded_rows_look_like_the_others(world):
    with session_scope(world["app"].state.engine) as session:
        rows = session.exec(select(Participant)).all()
    states = {(p.status, p.attempts, p.error, p.job_id, p.due_at) for p in rows}
    assert states == {("sent", 1, "", None, None)}  # whether or when someone was reminded is not kept


def test_no_log_line_names_an_address_or_a_link(world, caplog):
    # the product's own log, at every level (aiosmtpd's "mail.log" is the test's mail server,
    # httpx the employees' browsers)
    records = [r for r in caplog.get_records("setup") if not r.name.startswith(("mail.log", "httpx", "httpcore"))]
    assert any(r.name == "aad.mail" for r in records)  # the sender did log
    logged = "\n".join(f"{r.getMessage()} {r.args}" for r in records)
    for address in ADDRESSES:
        assert address not in logged and address.split("@")[0] not in logged
    for link in world["links"].values():
        assert link.rsplit("/", 1)[1] not in logged


def test_responses_carry_only_the_day(world):
    insp = inspect(world["app"].state.engine)
    times = {c["name"]: str(c["type"]) for c in insp.get_columns("response") if "DATE" in str(c["type"]).upper()}
    assert times == {"submitted_on": "DATE"}


def test_no_transaction_id_marks_the_rows_a_reminder_reached(world):
    """PostgreSQL: every participant row was last written by the same transaction, so
    ``xmin`` does not tell the reminded rows from the others."""
    engine = world["app"].state.engine
    if engine.dialect.name != "postgresql":
        pytest.skip("xmin is PostgreSQL's")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(DISTINCT xmin::text) FROM participant")).scalar() == 1
