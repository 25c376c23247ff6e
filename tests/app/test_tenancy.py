"""Tenancy: a consultant of organizations Alpha and Beta, an HR admin of Alpha alone and a
viewer of Alpha reach every page, API route and report of their organizations and
nothing of any other — another tenant's ids answer 404 on every route that takes one.
A viewer limited to one unit of Alpha reaches the results pages, API and reports of that
unit only: every other route answers 403, and nothing names another unit or its teams.

The routes are enumerated from the routers, so a new route is covered automatically."""

from __future__ import annotations

import importlib
import io
import pkgutil
import re
import uuid

import pytest
from fastapi.routing import APIRoute
from openpyxl import load_workbook
from pptx import Presentation
from pypdf import PdfReader
from sqlmodel import select

import app.routers
from app.core.db import session_scope
from app.models import CampaignTeam, Team
from app.services.downloads import FORMATS
from consultant_world import SCOPED_UNIT, world  # noqa: F401 - fixture

FOREIGN = {
    "consultant": ("Gamma Finance",),
    "hr_a": ("Beta Software", "Gamma Finance"),
    "viewer_a": ("Beta Software", "Gamma Finance"),
    "unit_viewer_a": ("Beta Software", "Gamma Finance"),
}
QUERY = {"name": "Team A", "organization_id": None, "email": "someone@example.org"}  # required query parameters


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
    return (
        path.replace("{organization_id}", world.orgs[org_name])
        .replace("{campaign_id}", world.campaigns[org_name][-1])
        .replace("{team_id}", str(team))
        .replace("{fmt_key}", "csv")
        .replace("{job_id}", uuid.uuid4().hex)
        .replace("{index}", "0")
        .replace("{number}", "1")
    )


def test_routes_are_enumerated():
    paths = {p for _, p, _ in ROUTES}
    for expected in (
        "/campaigns/{campaign_id}/benchmark",
        "/orgs/{organization_id}/waves",
        "/api/v1/organizations/{organization_id}/waves",
        "/api/v1/campaigns/{campaign_id}/benchmark",
        "/orgs/{organization_id}",
        "/api/v1/campaigns/{campaign_id}/results/download/{fmt_key}",
    ):
        assert expected in paths


@pytest.mark.parametrize("who", sorted(FOREIGN))
def test_other_tenants_ids_answer_404_everywhere(world, who):
    client = world.client(who)
    headers = {"X-CSRF-Token": world.csrf[who]}
    failures = []
    for org_name in FOREIGN[who]:
        for method, path, route in ROUTES:
            url = _fill(world, path, org_name)
            params = {
                p.name: QUERY[p.name] or world.orgs[org_name] for p in route.dependant.query_params if p.name in QUERY
            }
            r = client.request(method, url, params=params, headers=headers)
            allowed = {404} if method == "GET" or not route.dependant.body_params else {404, 422}
            if r.status_code not in allowed:
                failures.append(f"{who} {method} {url}: {r.status_code}")
            if org_name in r.text or any(c in r.text for c in world.campaigns[org_name]):
                failures.append(f"{who} {method} {url}: names the other organization")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(
    "who, org_name",
    [
        ("consultant", "Alpha Logistics"),
        ("consultant", "Beta Software"),
        ("hr_a", "Alpha Logistics"),
        ("viewer_a", "Alpha Logistics"),
    ],
)
def test_own_organizations_are_reachable(world, who, org_name):
    client = world.client(who)
    cid = world.campaigns[org_name][-1]
    oid = world.orgs[org_name]
    for url in (
        f"/orgs/{oid}",
        f"/campaigns/{cid}/results",
        f"/campaigns/{cid}/benchmark",
        f"/api/v1/campaigns/{cid}/benchmark",
        f"/orgs/{oid}/waves",
        f"/api/v1/campaigns/{cid}/results",
        f"/api/v1/campaigns/{cid}/results/download/csv",
        "/portfolio",
        "/api/v1/portfolio",
    ):
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


# ------------------------------------------------------------------ a viewer of one unit


def _teams_by_unit(world, campaign_id: str) -> tuple[set, set]:
    """Team names of the scoped unit and of the other units in a campaign."""
    with session_scope(world.app.state.engine) as s:
        rows = s.exec(select(CampaignTeam).where(CampaignTeam.campaign_id == uuid.UUID(campaign_id))).all()
    own = {t.name for t in rows if t.unit_path.split("/")[0].strip() == SCOPED_UNIT}
    return own, {t.name for t in rows} - own


def _foreign_names(world, campaign_id: str) -> set:
    own, other = _teams_by_unit(world, campaign_id)
    assert own and other
    return other | {f"Division {i}" for i in (2, 3)}


def _report_text(key: str, body: bytes) -> str:
    """Every text a report file shows (cells, slides, chart categories, PDF pages)."""
    if key in ("csv", "html"):
        return body.decode("utf-8")
    if key == "xlsx":
        wb = load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(
            str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v is not None
        )
    if key == "pptx":
        parts = []
        for slide in Presentation(io.BytesIO(body)).slides:
            for shape in slide.shapes:
                if shape.has_text_frame:
                    parts.append(shape.text_frame.text)
                if shape.has_table:
                    parts += [c.text for r in shape.table.rows for c in r.cells]
                if shape.has_chart:
                    parts += [str(c) for plot in shape.chart.plots for c in plot.categories]
        return "\n".join(parts)
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages)


def test_unit_viewer_reaches_the_results_of_their_unit(world):
    client = world.client("unit_viewer_a")
    oid, cid = world.orgs["Alpha Logistics"], world.campaigns["Alpha Logistics"][-1]
    own, _ = _teams_by_unit(world, cid)
    team = sorted(own)[0]
    for url in (
        f"/orgs/{oid}",
        f"/campaigns/{cid}/results",
        f"/campaigns/{cid}/results/heatmaps",
        f"/campaigns/{cid}/results/team?name={team}",
        f"/campaigns/{cid}/results/filters",
        f"/api/v1/campaigns/{cid}/results",
        f"/api/v1/campaigns/{cid}/results/heatmap",
        f"/api/v1/campaigns/{cid}/results/team?name={team}",
        f"/api/v1/campaigns/{cid}/results/view",
        f"/api/v1/campaigns/{cid}/results/view?role=lead",
        "/portfolio",
        "/api/v1/portfolio",
        f"/orgs/{oid}/waves",
        f"/api/v1/organizations/{oid}/waves",
    ):
        r = client.get(url)
        assert r.status_code == 200, (url, r.status_code, r.text[:300])
    waves = client.get(f"/api/v1/organizations/{oid}/waves").json()["comparison"]
    groups = {(c["level"], c["group"]) for c in waves["changes"]}
    assert ("unit", SCOPED_UNIT) in groups and {g for lv, g in groups if lv == "unit"} == {SCOPED_UNIT}
    assert {g for lv, g in groups if lv == "team"} <= own
    assert "Changes of the unit Division 1" in client.get(f"/orgs/{oid}/waves").text
    overview = client.get(f"/api/v1/campaigns/{cid}/results").json()
    assert overview["scope"] == SCOPED_UNIT
    assert overview["response_rate"]["kind"] == "unit" and overview["response_rate"]["name"] == SCOPED_UNIT
    assert [u["unit"] for u in overview["units"]] == [SCOPED_UNIT]
    assert overview["role_gaps"] == [] and overview["drivers"]["estimable"] is False
    heat = client.get(f"/api/v1/campaigns/{cid}/results/heatmap").json()
    assert heat["level"] == "team" and heat["unit"] == SCOPED_UNIT and set(heat["rows"]) == own
    view = client.get(f"/api/v1/campaigns/{cid}/results/view?role=lead").json()
    assert view["filters"]["unit"] == SCOPED_UNIT
    page = client.get(f"/campaigns/{cid}/results").text
    assert SCOPED_UNIT in page and "Team leads and members" not in page and "What goes together with" not in page


def test_unit_viewer_reaches_nothing_else(world):
    client = world.client("unit_viewer_a")
    oid, cid = world.orgs["Alpha Logistics"], world.campaigns["Alpha Logistics"][-1]
    _, other = _teams_by_unit(world, cid)
    for url in (
        f"/campaigns/{cid}",
        f"/orgs/{oid}/teams",
        f"/campaigns/{cid}/benchmark",
        f"/api/v1/campaigns/{cid}/benchmark",
        f"/api/v1/organizations/{oid}/members",
        f"/api/v1/organizations/{oid}",
    ):
        r = client.get(url)
        assert r.status_code == 403, url
        assert "your access is limited to the results of one unit" in r.text, url
    for url in (
        f"/api/v1/campaigns/{cid}/results/team?name={sorted(other)[0]}",
        f"/api/v1/campaigns/{cid}/results/heatmap?unit=Division%202",
        f"/api/v1/campaigns/{cid}/results/view?unit=Division%202",
        f"/campaigns/{cid}/results/filters?unit=Division%202",
    ):
        assert client.get(url).status_code == 404, url


def test_unit_viewer_sees_no_other_unit_on_any_route(world):
    client = world.client("unit_viewer_a")
    headers = {"X-CSRF-Token": world.csrf["unit_viewer_a"]}
    cid = world.campaigns["Alpha Logistics"][-1]
    foreign = _foreign_names(world, cid)
    failures = []
    for method, path, route in ROUTES:
        url = _fill(world, path, "Alpha Logistics")
        params = {
            p.name: QUERY[p.name] or world.orgs["Alpha Logistics"]
            for p in route.dependant.query_params
            if p.name in QUERY
        }
        r = client.request(method, url, params=params, headers=headers)
        if r.status_code >= 500 or (method != "GET" and r.status_code < 400):
            failures.append(f"{method} {url}: {r.status_code}")
        leaked = [n for n in foreign if re.search(rf"\b{re.escape(n)}\b", r.text)]
        if leaked:
            failures.append(f"{method} {url}: names {leaked}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("key", [k for k in FORMATS if k != "team-pdf"] + ["team-pdf"])
def test_unit_viewer_reports_hold_only_their_unit(world, key):
    client = world.client("unit_viewer_a")
    cid = world.campaigns["Alpha Logistics"][-1]
    own, _ = _teams_by_unit(world, cid)
    query = {"lang": "en", **({"team": sorted(own)[0]} if key == "team-pdf" else {})}
    r = client.get(f"/api/v1/campaigns/{cid}/results/download/{key}", params=query)
    assert r.status_code == 200, r.text[:300]
    assert SCOPED_UNIT.replace(" ", "-") in r.headers["content-disposition"]
    text = _report_text(FORMATS[key].extension, r.content)
    leaked = [n for n in _foreign_names(world, cid) if re.search(rf"\b{re.escape(n)}\b", text)]
    assert not leaked
    if key != "team-pdf":
        assert any(t in text for t in own)
    if key in ("html", "pdf", "xlsx", "pptx"):
        assert "Results of the unit Division 1, compared with the organization" in " ".join(text.split())
