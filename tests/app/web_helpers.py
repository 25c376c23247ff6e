"""Helpers for the web tests (imported by the tests and by conftest)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from fastapi.testclient import TestClient

from sqlmodel import select

from app.core.config import Settings
from app.core.db import session_scope
from app.models import Role, User
from app.services.organizations import create_organization
from app.services.users import create_user

SECRET = "test-secret-" + "x" * 40
PASSWORD = "correct horse battery staple"
TEAMS_CSV = (
    "unit path,team,headcount\n"
    "Operations / North,Assembly,8\n"
    "Operations / North,Logistics,6\n"
    "Operations / South,Quality,5\n"
    "Sales,Key Accounts,7\n"
    "Sales,Inside Sales,2\n"
)


def make_settings(database_url: str, **overrides) -> Settings:
    values = dict(
        env="production",
        secret_key=SECRET,
        base_url="https://testserver",
        database_url=database_url,
        migrate_on_start=False,
        login_attempts_per_minute=1000,
        login_failures_per_account_per_minute=1000,
        survey_requests_per_minute=1000,
    )
    values.update(overrides)
    return Settings(**values)


def new_client(app) -> TestClient:
    return TestClient(app, base_url="https://testserver")


@dataclass
class Admin:
    """A logged-in HR admin with an organization whose teams are imported."""

    client: TestClient
    csrf: str
    org_id: str
    email: str

    @property
    def h(self) -> dict:
        return {"X-CSRF-Token": self.csrf}

    def post(self, url, **kw):
        return self.client.post(url, headers={**self.h, **kw.pop("headers", {})}, **kw)

    def patch(self, url, **kw):
        return self.client.patch(url, headers={**self.h, **kw.pop("headers", {})}, **kw)

    def campaign(self, *, launch=True, questionnaire="aligned-autonomy-v1", **fields) -> str:
        r = self.post(
            f"/api/v1/organizations/{self.org_id}/campaigns",
            json={"name": "Spring", "questionnaire_id": questionnaire, **fields},
        )
        assert r.status_code == 201, r.text
        cid = r.json()["id"]
        if launch:
            assert self.post(f"/api/v1/campaigns/{cid}/launch").status_code == 200
        return cid

    def links(self, cid: str, counts: dict | None = None) -> list[dict]:
        r = self.post(f"/api/v1/campaigns/{cid}/invitations", json={"counts": counts} if counts else {})
        assert r.status_code == 201, r.text
        return r.json()

    def team_ids(self, cid: str) -> dict[str, str]:
        r = self.client.get(f"/api/v1/campaigns/{cid}/invitations")
        return {row["team"]: row["campaign_team_id"] for row in r.json()}


def add_user(app, email: str, password: str = PASSWORD):
    with session_scope(app.state.engine, write=True) as session:
        user = create_user(session, email=email, password=password)
        session.commit()
        return user.id


def add_organization(app, email: str, name: str, role: Role) -> str:
    """A new organization with the existing user ``email`` as ``role`` (as the operator
    does it: HR admins and viewers create no organization themselves)."""
    with session_scope(app.state.engine, write=True) as session:
        user = session.exec(select(User).where(User.email == email)).one()
        return str(create_organization(session, user=user, name=name, creator_role=role).id)


def login(client: TestClient, email: str, password: str = PASSWORD) -> str:
    r = client.post("/api/v1/login", json={"email": email, "password": password})
    assert r.status_code == 200, r.text
    return r.json()["csrf_token"]


def make_admin(app, email: str = "hr@example.org", org: str = "Acme", role: Role = Role.hr_admin) -> Admin:
    """A logged-in member with ``role`` (HR admin by default) of a new organization with
    the imported teams."""
    add_user(app, email)
    org_id = add_organization(app, email, org, role)
    client = new_client(app)
    csrf = login(client, email)
    r = client.post(
        f"/api/v1/organizations/{org_id}/teams/import",
        content=TEAMS_CSV.encode(),
        headers={"X-CSRF-Token": csrf, "content-type": "text/csv"},
    )
    assert r.status_code == 200, r.text
    return Admin(client=client, csrf=csrf, org_id=org_id, email=email)


def path_of(link: str) -> str:
    return link.removeprefix("https://testserver")


def open_survey(app, link: str) -> tuple[TestClient, str]:
    """A fresh employee browser that has exchanged ``link``; returns it and the form's CSRF token."""
    employee = new_client(app)
    r = employee.get(path_of(link), follow_redirects=False)
    assert r.status_code == 303, r.text
    page = employee.get(r.headers["location"])
    assert page.status_code == 200, page.text
    return employee, re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def full_answers(questionnaire, *, comment: str | None = "We decide quickly.") -> dict:
    """Form fields answering every item (the first option; role: member)."""
    data = {}
    for item in questionnaire.items:
        if item.kind == "comment":
            if comment:
                data[item.id] = comment
        elif item.id == "role":
            data[item.id] = str(next(o.value for o in item.options if o.key == "member"))
        else:
            data[item.id] = str(item.options[-1 if item.kind == "perception" else 0].value)
    return data


def waiting_sets(app) -> list[dict]:
    """The answer sets still waiting to join their team's batch, opened with the app's key."""
    import json

    from sqlmodel import select

    from app.models import PendingResponse

    with session_scope(app.state.engine) as session:
        rows = session.exec(select(PendingResponse)).all()
    return [json.loads(app.state.sealer.open(r.payload)) for r in rows]


def stored_count(app) -> int:
    """Answer sets stored in any form: responses that joined and those still waiting."""
    from sqlmodel import func, select

    from app.models import PendingResponse, Response

    with session_scope(app.state.engine) as session:
        return sum(session.exec(select(func.count()).select_from(t)).one() for t in (Response, PendingResponse))
