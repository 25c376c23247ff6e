"""Viewers limited to one unit: how admins grant it, what is refused, and that losing
the unit ends the access instead of widening it."""

from __future__ import annotations

import uuid

from sqlmodel import select

from app.core.db import session_scope
from app.models import Membership, Unit
from web_helpers import PASSWORD, login, make_admin, new_client

SCOPE_ROLE = "only viewers can be limited to one unit"
SCOPE_UNIT = "choose a top-level unit of this organization"


def _unit_id(app, org_id: str, name: str) -> str:
    with session_scope(app.state.engine) as s:
        return str(s.exec(select(Unit.id).where(Unit.organization_id == uuid.UUID(org_id), Unit.name == name)).one())


def _memberships(app) -> int:
    with session_scope(app.state.engine) as s:
        return len(s.exec(select(Membership)).all())


def test_admin_limits_a_viewer_to_a_unit(app):
    admin = make_admin(app)
    sales = _unit_id(app, admin.org_id, "Sales")
    r = admin.post(
        f"/api/v1/organizations/{admin.org_id}/members",
        json={"email": "lead@example.org", "role": "viewer", "password": PASSWORD, "unit_id": sales},
    )
    assert r.status_code == 204, r.text
    members = {m["email"]: m for m in admin.client.get(f"/api/v1/organizations/{admin.org_id}/members").json()}
    assert members["lead@example.org"]["unit"] == "Sales" and members["hr@example.org"]["unit"] is None
    page = admin.client.get(f"/orgs/{admin.org_id}").text
    assert "results of Sales" in page and 'name="unit_id"' in page

    viewer = new_client(app)
    login(viewer, "lead@example.org")
    page = viewer.get(f"/orgs/{admin.org_id}")
    assert page.status_code == 200
    assert "Your access is limited to the results of the unit Sales" in page.text
    assert "Members" not in page.text and "/teams" not in page.text
    assert viewer.get(f"/orgs/{admin.org_id}/teams").status_code == 403
    assert viewer.get(f"/api/v1/organizations/{admin.org_id}/teams").status_code == 403


def test_the_form_grants_a_unit_too(app):
    admin = make_admin(app)
    sales = _unit_id(app, admin.org_id, "Sales")
    r = admin.client.post(
        f"/orgs/{admin.org_id}/members",
        data={
            "csrf_token": admin.csrf,
            "email": "lead@example.org",
            "role": "viewer",
            "password": PASSWORD,
            "unit_id": sales,
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    members = admin.client.get(f"/api/v1/organizations/{admin.org_id}/members").json()
    assert {m["email"]: m["unit"] for m in members}["lead@example.org"] == "Sales"


def test_refused_scopes_store_nothing(app):
    admin = make_admin(app)
    other = make_admin(app, email="hr@other.example.org", org="Other")
    before = _memberships(app)
    cases = [
        ({"role": "hr_admin", "unit_id": _unit_id(app, admin.org_id, "Sales")}, SCOPE_ROLE),
        ({"role": "viewer", "unit_id": _unit_id(app, admin.org_id, "North")}, SCOPE_UNIT),
        ({"role": "viewer", "unit_id": _unit_id(app, other.org_id, "Sales")}, SCOPE_UNIT),
        ({"role": "viewer", "unit_id": str(uuid.uuid4())}, SCOPE_UNIT),
    ]
    for body, message in cases:
        r = admin.post(
            f"/api/v1/organizations/{admin.org_id}/members",
            json={"email": "new@example.org", "password": PASSWORD, **body},
        )
        assert r.status_code == 422 and r.json()["detail"] == message, (body, r.text)
    r = admin.post(
        f"/api/v1/organizations/{admin.org_id}/members",
        json={"email": "new@example.org", "role": "viewer", "password": PASSWORD, "unit_id": "nonsense"},
    )
    assert r.status_code == 422
    r = admin.client.post(
        f"/orgs/{admin.org_id}/members",
        data={
            "csrf_token": admin.csrf,
            "email": "new@example.org",
            "role": "viewer",
            "password": PASSWORD,
            "unit_id": "nonsense",
        },
        follow_redirects=False,
    )
    assert r.status_code == 422 and SCOPE_UNIT in r.text
    assert _memberships(app) == before
    r = new_client(app).post("/api/v1/login", json={"email": "new@example.org", "password": PASSWORD})
    assert r.status_code == 401


def test_a_removed_unit_ends_the_access_instead_of_widening_it(app):
    admin = make_admin(app)
    sales = _unit_id(app, admin.org_id, "Sales")
    assert (
        admin.post(
            f"/api/v1/organizations/{admin.org_id}/members",
            json={"email": "lead@example.org", "role": "viewer", "password": PASSWORD, "unit_id": sales},
        ).status_code
        == 204
    )
    viewer = new_client(app)
    login(viewer, "lead@example.org")
    assert viewer.get(f"/orgs/{admin.org_id}").status_code == 200
    csv = "unit path,team,headcount\nOperations / North,Assembly,8\n"
    r = admin.client.post(
        f"/api/v1/organizations/{admin.org_id}/teams/import",
        content=csv.encode(),
        headers={"X-CSRF-Token": admin.csrf, "content-type": "text/csv"},
    )
    assert r.status_code == 200, r.text
    assert viewer.get(f"/orgs/{admin.org_id}").status_code == 404
    assert viewer.get("/api/v1/organizations").json() == []
