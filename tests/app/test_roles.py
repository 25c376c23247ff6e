"""No privilege escalation. In Acme a consultant, an HR admin (who is also the consultant
of another organization, Other), a viewer and a viewer of one unit; plus a user without
any membership. Only a consultant of the organization (or the operator) makes someone a
consultant; an HR admin gives only ``hr_admin`` and ``viewer`` and never changes a
consultant; nobody changes their own role; viewers create nothing; only consultants
create organizations. Every path is tried through the API and the HTML forms, and after
each refused attempt nothing has changed and the benchmark file stays out of reach."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest
from sqlmodel import select

from app.core.db import session_scope
from app.models import Membership, Organization, Role, Unit, User
from web_helpers import PASSWORD, add_organization, add_user, login, make_admin, new_client

READ_ONLY = "your role may only view this organization"
UNIT_ONLY = "your access is limited to the results of one unit"
CONSULTANTS_CREATE = "only consultants can create organizations"
GRANT_CONSULTANT = "only a consultant of this organization can make someone a consultant"
CHANGE_CONSULTANT = "only a consultant of this organization can change the role of a consultant"
OWN_ROLE = "nobody can change their own role"
CONSULTANTS_ONLY = "only consultants may manage the benchmark pool"


@dataclass
class Member:
    client: object
    csrf: str
    email: str

    def api(self, method: str, url: str, **kw):
        return self.client.request(method, url, headers={"X-CSRF-Token": self.csrf}, **kw)

    def form(self, url: str, data: dict):
        return self.client.post(url, data={"csrf_token": self.csrf, **data}, follow_redirects=False)


@dataclass
class Acme:
    app: object
    org_id: str
    members: dict

    def __getitem__(self, who: str) -> Member:
        return self.members[who]

    def state(self) -> tuple:
        """Every membership and user, to show that a refused request changed nothing."""
        with session_scope(self.app.state.engine) as s:
            rows = s.exec(
                select(User.email, Membership.organization_id, Membership.role, Membership.unit_id).join(
                    Membership, Membership.user_id == User.id, isouter=True
                )
            ).all()
            orgs = s.exec(select(Organization.name)).all()
        return sorted(map(str, rows)), sorted(orgs)


def _join(app, email: str, org_id: str, role: Role, unit_id=None) -> None:
    with session_scope(app.state.engine, write=True) as s:
        user = s.exec(select(User).where(User.email == email)).one()
        s.add(Membership(user_id=user.id, organization_id=uuid.UUID(org_id), role=role, unit_id=unit_id))
        s.commit()


@pytest.fixture
def acme(app) -> Acme:
    """Acme: consultant@, hr@ (HR admin), viewer@, unit@ (viewer of Sales) and dual@ (HR
    admin here, consultant of Other); boss@ is consultant of Other; nobody@ has no
    membership."""
    hr = make_admin(app, "hr@example.org", "Acme")
    for email in (
        "consultant@example.org",
        "viewer@example.org",
        "unit@example.org",
        "boss@example.org",
        "dual@example.org",
        "nobody@example.org",
    ):
        add_user(app, email)
    other = add_organization(app, "boss@example.org", "Other", Role.consultant)
    with session_scope(app.state.engine) as s:
        sales = s.exec(select(Unit.id).where(Unit.organization_id == uuid.UUID(hr.org_id), Unit.name == "Sales")).one()
    _join(app, "consultant@example.org", hr.org_id, Role.consultant)
    _join(app, "viewer@example.org", hr.org_id, Role.viewer)
    _join(app, "unit@example.org", hr.org_id, Role.viewer, sales)
    _join(app, "dual@example.org", other, Role.consultant)
    _join(app, "dual@example.org", hr.org_id, Role.hr_admin)
    members = {"hr": Member(hr.client, hr.csrf, hr.email)}
    for who in ("consultant", "viewer", "unit", "boss", "dual", "nobody"):
        client = new_client(app)
        members[who] = Member(client, login(client, f"{who}@example.org"), f"{who}@example.org")
    return Acme(app=app, org_id=hr.org_id, members=members)


def _roles(acme: Acme) -> dict:
    with session_scope(acme.app.state.engine) as s:
        rows = s.exec(
            select(User.email, Membership.role)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.organization_id == uuid.UUID(acme.org_id))
        ).all()
    return {email: role.value for email, role in rows}


def _refused(r, status: int, detail: str) -> None:
    assert r.status_code == status, (r.status_code, r.text[:300])
    if r.headers["content-type"].startswith("application/json"):
        assert r.json() == {"detail": detail}
    else:
        assert detail in r.text


def _no_benchmark_file(member: Member) -> None:
    for url in ("/api/v1/benchmark/export", "/benchmark/export", "/api/v1/benchmark"):
        _refused(member.client.get(url), 403, CONSULTANTS_ONLY)


def _member_requests(acme: Acme, who: str, body: dict):
    """The same "add member" request through the API and through the form."""
    yield acme[who].api("POST", f"/api/v1/organizations/{acme.org_id}/members", json=body)
    yield acme[who].form(f"/orgs/{acme.org_id}/members", {k: v for k, v in body.items() if v is not None})


# ------------------------------------------------------------------ an HR admin


@pytest.mark.parametrize("role", ["consultant", "hr_admin", "viewer"])
def test_hr_admin_cannot_change_its_own_role(acme, role):
    before = acme.state()
    for r in _member_requests(acme, "hr", {"email": "HR@example.org ", "role": role}):
        _refused(r, 403, OWN_ROLE)
    assert acme.state() == before
    _no_benchmark_file(acme["hr"])


def test_hr_admin_cannot_make_an_existing_user_a_consultant(acme):
    before = acme.state()
    for email in ("viewer@example.org", "nobody@example.org", "boss@example.org"):
        for r in _member_requests(acme, "hr", {"email": email, "role": "consultant"}):
            _refused(r, 403, GRANT_CONSULTANT)
    assert acme.state() == before


def test_hr_admin_cannot_create_a_consultant(acme):
    before = acme.state()
    for r in _member_requests(
        acme, "hr", {"email": "accomplice@example.org", "role": "consultant", "password": PASSWORD}
    ):
        _refused(r, 403, GRANT_CONSULTANT)
    assert acme.state() == before  # no user was created either


@pytest.mark.parametrize("role", ["hr_admin", "viewer"])
def test_hr_admin_cannot_change_a_consultant(acme, role):
    before = acme.state()
    for r in _member_requests(acme, "hr", {"email": "consultant@example.org", "role": role}):
        _refused(r, 403, CHANGE_CONSULTANT)
    assert acme.state() == before


def test_a_consultant_elsewhere_is_no_consultant_here(acme):
    """dual@ is consultant of Other but HR admin of Acme: in Acme it can make neither
    itself nor anyone else a consultant, nor change Acme's consultant."""
    before = acme.state()
    for r in _member_requests(acme, "dual", {"email": "boss@example.org", "role": "consultant"}):
        _refused(r, 403, GRANT_CONSULTANT)
    for r in _member_requests(acme, "dual", {"email": "dual@example.org", "role": "consultant"}):
        _refused(r, 403, OWN_ROLE)
    for r in _member_requests(acme, "dual", {"email": "consultant@example.org", "role": "viewer"}):
        _refused(r, 403, CHANGE_CONSULTANT)
    assert acme.state() == before
    assert _roles(acme)["dual@example.org"] == "hr_admin"


def test_hr_admin_gives_hr_admin_and_viewer(acme):
    hr = acme["hr"]
    url = f"/api/v1/organizations/{acme.org_id}/members"
    assert (
        hr.api("POST", url, json={"email": "new@example.org", "role": "viewer", "password": PASSWORD}).status_code
        == 204
    )
    assert hr.api("POST", url, json={"email": "new@example.org", "role": "hr_admin"}).status_code == 204
    assert (
        hr.form(f"/orgs/{acme.org_id}/members", {"email": "viewer@example.org", "role": "hr_admin"}).status_code == 303
    )
    assert hr.api("POST", url, json={"email": "viewer@example.org", "role": "viewer"}).status_code == 204
    assert _roles(acme)["new@example.org"] == "hr_admin"
    page = hr.client.get(f"/orgs/{acme.org_id}").text
    assert '<option value="hr_admin"' in page and '<option value="consultant"' not in page


def test_a_password_for_an_existing_user_is_refused(acme):
    before = acme.state()
    r = acme["hr"].api(
        "POST",
        f"/api/v1/organizations/{acme.org_id}/members",
        json={"email": "nobody@example.org", "role": "viewer", "password": "another password"},
    )
    _refused(r, 409, "a user with this e-mail exists already; add them without a password")
    assert acme.state() == before
    assert login(new_client(acme.app), "nobody@example.org")  # the password is unchanged


# ------------------------------------------------------------------ a consultant of the organization


def test_consultant_of_the_organization_gives_every_role(acme):
    c = acme["consultant"]
    url = f"/api/v1/organizations/{acme.org_id}/members"
    assert c.api("POST", url, json={"email": "nobody@example.org", "role": "consultant"}).status_code == 204
    assert c.api("POST", url, json={"email": "hr@example.org", "role": "viewer"}).status_code == 204
    assert c.form(f"/orgs/{acme.org_id}/members", {"email": "hr@example.org", "role": "hr_admin"}).status_code == 303
    roles = _roles(acme)
    assert roles["nobody@example.org"] == "consultant" and roles["hr@example.org"] == "hr_admin"
    _refused(c.api("POST", url, json={"email": "consultant@example.org", "role": "viewer"}), 403, OWN_ROLE)
    assert '<option value="consultant"' in c.client.get(f"/orgs/{acme.org_id}").text


# ------------------------------------------------------------------ viewers create nothing


@pytest.mark.parametrize(("who", "detail"), [("viewer", READ_ONLY), ("unit", UNIT_ONLY)])
def test_viewers_add_no_members(acme, who, detail):
    before = acme.state()
    for role in ("consultant", "hr_admin", "viewer"):
        for email in (acme[who].email, "nobody@example.org"):
            for r in _member_requests(acme, who, {"email": email, "role": role}):
                _refused(r, 403, detail)
    assert acme.state() == before
    _no_benchmark_file(acme[who])


@pytest.mark.parametrize(("who", "detail"), [("viewer", READ_ONLY), ("unit", UNIT_ONLY)])
def test_viewers_create_no_campaigns(acme, who, detail):
    before = acme.state()
    r = acme[who].api(
        "POST",
        f"/api/v1/organizations/{acme.org_id}/campaigns",
        json={"name": "Mine", "questionnaire_id": "aligned-autonomy-v1"},
    )
    _refused(r, 403, detail)
    r = acme[who].form(f"/orgs/{acme.org_id}/campaigns", {"name": "Mine", "questionnaire_id": "aligned-autonomy-v1"})
    _refused(r, 403, detail)
    assert acme["consultant"].client.get(f"/api/v1/organizations/{acme.org_id}/campaigns").json() == []
    assert acme.state() == before


@pytest.mark.parametrize("who", ["viewer", "unit", "hr", "nobody"])
def test_only_consultants_create_organizations(acme, who):
    before = acme.state()
    member = acme[who]
    _refused(member.api("POST", "/api/v1/organizations", json={"name": "Mine"}), 403, CONSULTANTS_CREATE)
    _refused(member.form("/orgs", {"name": "Mine"}), 403, CONSULTANTS_CREATE)
    _refused(member.form("/portfolio/organizations", {"name": "Mine"}), 403, CONSULTANTS_CREATE)
    assert acme.state() == before
    assert "New organization" not in member.client.get("/orgs").text
    assert 'action="/portfolio/organizations"' not in member.client.get("/portfolio").text
    _no_benchmark_file(member)


def test_a_consultant_creates_an_organization_and_is_its_consultant(acme):
    r = acme["consultant"].api("POST", "/api/v1/organizations", json={"name": "Client"})
    assert r.status_code == 201 and r.json()["role"] == "consultant"
    assert "New organization" in acme["consultant"].client.get("/orgs").text
