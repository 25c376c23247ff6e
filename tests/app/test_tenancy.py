"""Tenancy: a consultant of organizations Alpha and Beta, an HR admin of Alpha alone and a
viewer of Alpha reach every page, API route and report of their organizations and
nothing of any other — another tenant's ids answer 404 on every route that takes one.

The routes are enumerated from the routers, so a new route is covered automatically."""

from __future__ import annotations

import importlib
import pkgutil
import re
import uuid

import pytest
from fastapi.routing import APIRoute
from sqlmodel import select

import app.routers
from app.core.db import session_scope
from app.models import Team
from consultant_world import world  # noqa: F401 - fixture

FOREIGN = {"consultant": ("Gamma Finance",), "hr_a": ("Beta Software", "Gamma Finance"),
           "viewer_a": ("Beta Software", "Gamma Finance")}
QUERY = {"name": "Team A", "organization_id": None}  # required query parameters, filled per case


def _routes() -> list[tuple[str, str, APIRoute]]:
    out = []
    for info in pkgutil.iter_modules(app.routers.__path__):
        module = importlib.import_module(f"app.routers.{info.name}")
        for r in getattr(module, "router").routes:
            if isinstance(r, APIRoute) and re.search(r"\{(organization_id|campaign_id|team_id)\}", r.path):
                for method in sorted(r.methods - {"HEAD"}):
                    out.append((method, r.path, r))
    return out


ROUTES = _routes()


def _fill(world, path: str, org_name: str) -> str:
    with session_scope(world.app.state.engine) as s:
        team = s.exec(select(Team.id).where(Team.organization_id == uuid.UUID(world.orgs[org_name]))).first()
    return (path.replace("{organization_id}", world.orgs[org_name])
            .replace("{campaign_id}", world.campaigns[org_name][-1])
            .replace("{team_id}", str(team)).replace("{fmt_key}", "csv")
            .replace("{job_id}", uuid.uuid4().hex))


def test_routes_are_enumerated():
    paths = {p for _, p, _ in ROUTES}
    for expected in ("/campaigns/{campaign_id}/benchmark", "/orgs/{organization_id}/waves",
                     "/api/v1/organizations/{organization_id}/waves", "/api/v1/campaigns/{campaign_id}/benchmark",
                     "/orgs/{organization_id}", "/api/v1/campaigns/{campaign_id}/results/download/{fmt_key}"):
        assert expected in paths


@pytest.mark.parametrize("who", sorted(FOREIGN))
def test_other_tenants_ids_answer_404_everywhere(world, who):
    client = world.client(who)
    headers = {"X-CSRF-Token": world.csrf[who]}
    failures = []
    for org_name in FOREIGN[who]:
        for method, path, route in ROUTES:
            url = _fill(world, path, org_name)
            params = {p.name: QUERY[p.name] or world.orgs[org_name]
                      for p in route.dependant.query_params if p.name in QUERY}
            r = client.request(method, url, params=params, headers=headers)
            allowed = {404} if method == "GET" or not route.dependant.body_params else {404, 422}
            if r.status_code not in allowed:
                failures.append(f"{who} {method} {url}: {r.status_code}")
            if org_name in r.text or any(c in r.text for c in world.campaigns[org_name]):
                failures.append(f"{who} {method} {url}: names the other organization")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("who, org_name", [("consultant", "Alpha Logistics"), ("consultant", "Beta Software"),
                                           ("hr_a", "Alpha Logistics"), ("viewer_a", "Alpha Logistics")])
def test_own_organizations_are_reachable(world, who, org_name):
    client = world.client(who)
    cid = world.campaigns[org_name][-1]
    oid = world.orgs[org_name]
    for url in (f"/orgs/{oid}", f"/campaigns/{cid}/results", f"/campaigns/{cid}/benchmark",
                f"/api/v1/campaigns/{cid}/benchmark", f"/orgs/{oid}/waves", f"/api/v1/campaigns/{cid}/results",
                f"/api/v1/campaigns/{cid}/results/download/csv", "/portfolio", "/api/v1/portfolio"):
        r = client.get(url)
        assert r.status_code == 200, (who, url, r.status_code, r.text[:300])
    names = {r["name"] for r in client.get("/api/v1/portfolio").json()}
    assert org_name in names and not names & set(FOREIGN[who])


def test_roles_limit_what_members_may_change(world):
    alpha = world.orgs["Alpha Logistics"]
    r = world.post("viewer_a", f"/orgs/{alpha}/benchmark", data={"opt_in": "true"})
    assert r.status_code == 403
    for who in ("hr_a", "viewer_a"):
        assert world.client(who).get("/api/v1/benchmark").status_code == 403
        assert world.client(who).get("/benchmark/export").status_code == 403
