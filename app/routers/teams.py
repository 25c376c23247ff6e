"""The team structure: CSV import with a line-by-line report, and editing teams."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from app.csv_files import Separator
from app.deps import CsrfRoute, CurrentUser, Page, RawBody, SessionDep
from app.services import Invalid
from app.services.organizations import get_organization, organization_ids
from app.services.teams import (
    MAX_CSV_BYTES,
    create_team,
    delete_team,
    get_team,
    import_teams,
    join_path,
    team_rows,
    teams_csv,
    unit_names,
    update_team,
)
from app.templating import PageContext

router = APIRouter(tags=["teams"], route_class=CsrfRoute)


class TeamIn(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    headcount: int = Field(ge=0, le=100_000)
    unit_path: str = Field("", max_length=1100)


class TeamPatch(BaseModel):
    name: str | None = Field(None, min_length=1, max_length=100)
    headcount: int | None = Field(None, ge=0, le=100_000)
    unit_path: str | None = Field(None, max_length=1100)


class TeamOut(BaseModel):
    id: uuid.UUID
    unit_path: str
    name: str
    headcount: int


class ImportOut(BaseModel):
    created: int
    updated: int
    removed: int


def _team_out(session, team) -> TeamOut:
    return TeamOut(
        id=team.id, unit_path=join_path(unit_names(session, team.unit_id)), name=team.name, headcount=team.headcount
    )


def _writable_team(session, user, team_id: uuid.UUID):
    team = get_team(session, organization_ids=organization_ids(session, user=user), team_id=team_id)
    get_organization(session, user=user, organization_id=team.organization_id, write=True)
    return team


def _teams_page(page_ctx: PageContext, session, org, role, *, report=None, errors=None, status_code=200):
    return page_ctx.render(
        "admin/teams.html",
        {
            "teams": team_rows(session, organization=org),
            "report": report,
            "errors": errors,
        },
        status_code=status_code,
        org=org,
        role=role,
    )


# ------------------------------------------------------------------ pages


@router.get("/orgs/{organization_id}/teams", include_in_schema=False)
def teams_page(organization_id: uuid.UUID, page_ctx: Page, session: SessionDep, user: CurrentUser):
    org, role = get_organization(session, user=user, organization_id=organization_id)
    return _teams_page(page_ctx, session, org, role)


@router.get("/orgs/{organization_id}/teams.csv", include_in_schema=False)
def teams_download(organization_id: uuid.UUID, session: SessionDep, user: CurrentUser, sep: Separator = "comma"):
    """The structure as CSV (``?sep=semicolon`` for German-speaking Excel)."""
    org, _ = get_organization(session, user=user, organization_id=organization_id)
    return Response(
        teams_csv(session, organization=org, sep=sep),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": 'attachment; filename="teams.csv"'},
    )


@router.post("/orgs/{organization_id}/teams/import", include_in_schema=False)
def teams_import(organization_id: uuid.UUID, page_ctx: Page, session: SessionDep, user: CurrentUser, file: UploadFile):
    org, role = get_organization(session, user=user, organization_id=organization_id, write=True)
    data = file.file.read(MAX_CSV_BYTES + 1)
    try:
        report = import_teams(session, organization=org, data=data)
    except Invalid as exc:
        session.rollback()
        return _teams_page(page_ctx, session, org, role, errors=[exc.problem, *exc.problems], status_code=422)
    return _teams_page(page_ctx, session, org, role, report=report)


@router.post("/orgs/{organization_id}/teams", include_in_schema=False)
def teams_add(
    organization_id: uuid.UUID,
    session: SessionDep,
    user: CurrentUser,
    name: Annotated[str, Form(max_length=100)],
    headcount: Annotated[int, Form(ge=0, le=100_000)],
    unit_path: Annotated[str, Form(max_length=1100)] = "",
):
    org, _ = get_organization(session, user=user, organization_id=organization_id, write=True)
    create_team(session, organization=org, name=name, headcount=headcount, unit_path_text=unit_path)
    return RedirectResponse(f"/orgs/{org.id}/teams", status_code=303)


@router.post("/teams/{team_id}", include_in_schema=False)
def team_edit(
    team_id: uuid.UUID,
    session: SessionDep,
    user: CurrentUser,
    name: Annotated[str, Form(max_length=100)],
    headcount: Annotated[int, Form(ge=0, le=100_000)],
    unit_path: Annotated[str, Form(max_length=1100)] = "",
):
    team = _writable_team(session, user, team_id)
    update_team(session, team=team, name=name, headcount=headcount, unit_path_text=unit_path)
    return RedirectResponse(f"/orgs/{team.organization_id}/teams", status_code=303)


@router.post("/teams/{team_id}/delete", include_in_schema=False)
def team_delete(team_id: uuid.UUID, session: SessionDep, user: CurrentUser):
    team = _writable_team(session, user, team_id)
    org_id = team.organization_id
    delete_team(session, team=team)
    return RedirectResponse(f"/orgs/{org_id}/teams", status_code=303)


# ------------------------------------------------------------------- API


@router.get("/api/v1/organizations/{organization_id}/teams", response_model=list[TeamOut])
def api_list(organization_id: uuid.UUID, session: SessionDep, user: CurrentUser):
    org, _ = get_organization(session, user=user, organization_id=organization_id)
    return [TeamOut(**row) for row in team_rows(session, organization=org)]


@router.post(
    "/api/v1/organizations/{organization_id}/teams/import",
    response_model=ImportOut,
    openapi_extra={"requestBody": {"content": {"text/csv": {"schema": {"type": "string"}}}, "required": True}},
)
def api_import(organization_id: uuid.UUID, body: RawBody, session: SessionDep, user: CurrentUser):
    """Replace the team structure with a CSV (``unit path,team,headcount``) sent as the
    request body. 422 lists every bad line (``errors``) and stores nothing."""
    org, _ = get_organization(session, user=user, organization_id=organization_id, write=True)
    return import_teams(session, organization=org, data=body).to_dict()


@router.post("/api/v1/organizations/{organization_id}/teams", response_model=TeamOut, status_code=201)
def api_add(organization_id: uuid.UUID, body: TeamIn, session: SessionDep, user: CurrentUser):
    org, _ = get_organization(session, user=user, organization_id=organization_id, write=True)
    team = create_team(
        session, organization=org, name=body.name, headcount=body.headcount, unit_path_text=body.unit_path
    )
    return _team_out(session, team)


@router.patch("/api/v1/teams/{team_id}", response_model=TeamOut)
def api_update(team_id: uuid.UUID, body: TeamPatch, session: SessionDep, user: CurrentUser):
    team = _writable_team(session, user, team_id)
    team = update_team(session, team=team, name=body.name, headcount=body.headcount, unit_path_text=body.unit_path)
    return _team_out(session, team)


@router.delete("/api/v1/teams/{team_id}", status_code=204)
def api_delete(team_id: uuid.UUID, session: SessionDep, user: CurrentUser):
    delete_team(session, team=_writable_team(session, user, team_id))
