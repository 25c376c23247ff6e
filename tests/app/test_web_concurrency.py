"""Concurrent writes against the real server: twelve requests released together, on
SQLite and PostgreSQL. Each test widens the gap between a request's check and its
write, so that on PostgreSQL (no global write lock) the requests truly overlap there.
Exactly one request changes anything; the others get 409 with a fixed text."""

from __future__ import annotations

import time
import uuid

from sqlmodel import func, select

from app.core.db import session_scope
from app.models import CampaignTeam, Membership, User
from app.services import campaigns as campaigns_service
from app.services import users as users_service
from live_server import live_server, session_headers, together

N = 12


def _slow(monkeypatch, module, name: str, seconds: float = 0.3) -> None:
    original = getattr(module, name)

    def slow(*args, **kwargs):
        time.sleep(seconds)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, slow)


def _count(app, query) -> int:
    with session_scope(app.state.engine) as session:
        return session.exec(query).one()


def test_concurrent_adds_of_one_new_member_create_them_once(app, admin, monkeypatch):
    _slow(monkeypatch, users_service, "hash_password")  # between looking the e-mail up and storing it
    headers = session_headers(admin.client, admin.csrf)
    body = {"email": "new@example.org", "role": "viewer", "password": "a long initial password"}
    with live_server(app) as base:
        answers = together(
            base, N, lambda c, i: c.post(f"/api/v1/organizations/{admin.org_id}/members", json=body, headers=headers)
        )
    codes = sorted(r.status_code for r in answers)
    assert codes == [204] + [409] * (N - 1), [r.text for r in answers]
    assert {r.json()["detail"] for r in answers if r.status_code == 409} == {
        "a user with this e-mail exists already; add them without a password"
    }
    assert _count(app, select(func.count()).select_from(User).where(User.email == "new@example.org")) == 1
    user_id = _count(app, select(User.id).where(User.email == "new@example.org"))
    assert _count(app, select(func.count()).select_from(Membership).where(Membership.user_id == user_id)) == 1


def test_concurrent_launches_freeze_the_structure_once(app, admin, monkeypatch):
    _slow(monkeypatch, campaigns_service, "team_rows")  # between checking the status and copying the teams
    cid = admin.campaign(launch=False)
    headers = session_headers(admin.client, admin.csrf)
    with live_server(app) as base:
        answers = together(base, N, lambda c, i: c.post(f"/api/v1/campaigns/{cid}/launch", headers=headers))
    codes = sorted(r.status_code for r in answers)
    assert codes == [200] + [409] * (N - 1), [r.text for r in answers]
    assert {r.json()["detail"] for r in answers if r.status_code == 409} == {
        "only a draft campaign can be changed or launched"
    }
    frozen = _count(
        app, select(func.count()).select_from(CampaignTeam).where(CampaignTeam.campaign_id == uuid.UUID(cid))
    )
    assert frozen == 5  # the five teams of the imported structure, once
    assert admin.client.get(f"/api/v1/campaigns/{cid}").json()["status"] == "open"
