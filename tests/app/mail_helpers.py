"""Helpers of the mail tests: an app that sends to the loopback SMTP server, a sender
driven pass by pass, and answering with the link a message carries."""

from __future__ import annotations

import re
import time

from analysis.instrument import load_questionnaire
from app.main import create_app
from app.services.mail_sender import MailSender
from smtp_server import mail_settings
from web_helpers import full_answers, make_settings, open_survey

Q = load_questionnaire("aligned-autonomy-v1")
LINK = re.compile(r"https://testserver/s/\S+")


def mail_app(database_url: str, port: int, **overrides):
    return create_app(make_settings(database_url, **{**mail_settings(port), **overrides}))


def sender(app) -> MailSender:
    return MailSender(app.state.engine, app.state.settings, app.state.link_sealer, poll_seconds=0.01)


def drain(app, *, seconds: float = 20) -> None:
    """Run sender passes until no message is queued (retries included)."""
    worker = sender(app)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if worker.run_once() == 0 and not queued(app):
            return
        time.sleep(0.01)
    raise AssertionError("messages still queued")


def queued(app) -> int:
    from sqlmodel import func, select

    from app.core.db import session_scope
    from app.models import Participant

    with session_scope(app.state.engine) as session:
        return session.exec(select(func.count()).select_from(Participant).where(Participant.status == "queued")).one()


def link_in(message) -> str:
    return LINK.search(message.get_content()).group()


def answer(app, link: str) -> None:
    employee, csrf = open_survey(app, link)
    r = employee.post("/survey", data={"csrf_token": csrf, "lang": "en", **full_answers(Q)}, follow_redirects=False)
    assert r.status_code == 303, r.text


def upload(admin, cid: str, text: str):
    return admin.post(
        f"/api/v1/campaigns/{cid}/participants", content=text.encode(), headers={"content-type": "text/csv"}
    )
