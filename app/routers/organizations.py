"""Organizations: list, create, settings (k) and members."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Query
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from app.deps import CsrfRoute, CurrentUser, Page, SessionDep
from app.models import Role
from app.routers import PatchBody
from app.labels import INDUSTRIES
from app.services import Invalid
from app.services.campaigns import list_campaigns, questionnaire_choices
from app.services.organizations import (
    SCOPE_UNIT,
    SIZE_BANDS,
    add_member_by_email,
    create_organization,
    get_organization,
    grantable_roles,
    list_organizations,
    members,
    remove_member,
    top_units,
    unit_scope,
    update_organization,
)
from app.services.teams import team_rows
from app.templating import PageContext

router = APIRouter(tags=["organizations"], route_class=CsrfRoute)


class OrganizationIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    industry: str = Field("", max_length=100)
    size_band: str = Field("", max_length=20)
    k: int = Field(5, ge=3, le=50)
    k_acknowledged: bool = False
    comment_k: int = Field(10, ge=3, le=100)


class OrganizationPatch(PatchBody):
    name: str | None = Field(None, min_length=1, max_length=200)
    industry: str | None = Field(None, max_length=100)
    size_band: str | None = Field(None, max_length=20)
    k: int | None = Field(None, ge=3, le=50)
    k_acknowledged: bool | None = None
    comment_k: int | None = Field(None, ge=3, le=100)


class OrganizationOut(BaseModel):
    id: uuid.UUID
    name: str
    industry: str
    size_band: str
    k: int
    k_acknowledged: bool
    comment_k: int
    role: Role


class MemberOut(BaseModel):
    email: str
    full_name: str
    role: Role
    unit: str | None = None


class MemberIn(BaseModel):
    email: str = Field(max_length=254)
    role: Role
    password: str | None = Field(None, max_length=1000)
    unit_id: uuid.UUID | None = None


def _out(org, role) -> OrganizationOut:
    return OrganizationOut(
        id=org.id,
        name=org.name,
        industry=org.industry,
        size_band=org.size_band,
        k=org.k,
        k_acknowledged=org.k_acknowledged,
        comment_k=org.comment_k,
        role=role,
    )


# ------------------------------------------------------------------ pages


@router.get("/", include_in_schema=False)
def home():
    return RedirectResponse("/orgs", status_code=303)


FORM_CHOICES = {"size_bands": SIZE_BANDS, "industries": tuple(INDUSTRIES)}


@router.get("/orgs", include_in_schema=False)
def orgs_page(page_ctx: Page, session: SessionDep, user: CurrentUser):
    return page_ctx.render(
        "admin/orgs.html", {"orgs": list_organizations(session, user=user), "form": {}, **FORM_CHOICES}
    )


@router.post("/orgs", include_in_schema=False)
def orgs_create(
    page_ctx: Page,
    session: SessionDep,
    user: CurrentUser,
    name: Annotated[str, Form(max_length=200)],
    industry: Annotated[str, Form(max_length=100)] = "",
    size_band: Annotated[str, Form(max_length=20)] = "",
    k: Annotated[int, Form(ge=3, le=50)] = 5,
    k_acknowledged: Annotated[bool, Form()] = False,
):
    try:
        org = create_organization(
            session,
            user=user,
            name=name,
            industry=industry,
            size_band=size_band,
            k=k,
            k_acknowledged=k_acknowledged,
            comment_k=max(10, k),
        )
    except Invalid as exc:  # shown on the form, with the input kept
        session.rollback()
        form = {"name": name, "industry": industry, "size_band": size_band, "k": k, "k_acknowledged": k_acknowledged}
        return page_ctx.render(
            "admin/orgs.html",
            {
                "orgs": list_organizations(session, user=user),
                "form": form,
                "form_error": exc.problem,
                "form_errors": exc.problems,
                **FORM_CHOICES,
            },
            status_code=exc.status_code,
        )
    return RedirectResponse(f"/orgs/{org.id}", status_code=303)


def _org_page(page_ctx: PageContext, session, user, org, role, *, status_code: int = 200, **extra):
    scope = unit_scope(session, user=user, organization=org)
    if scope is not None:  # a viewer of one unit: the campaigns, each linking to its results
        return page_ctx.render(
            "admin/org.html",
            {"scope": scope, "campaigns": list_campaigns(session, organization=org)},
            org=org,
            role=role,
        )
    teams = team_rows(session, organization=org)
    return page_ctx.render(
        "admin/org.html",
        {
            "scope": None,
            "campaigns": list_campaigns(session, organization=org),
            "team_count": len(teams),
            "small_teams": sum(t["headcount"] < org.k for t in teams),
            "questionnaires": questionnaire_choices(),
            "members": members(session, organization=org),
            "roles": [r.value for r in grantable_roles(session, organization=org, by=user)],
            "units": top_units(session, organization=org),
            "form": {},
            **FORM_CHOICES,
            **extra,
        },
        status_code=status_code,
        org=org,
        role=role,
    )


@router.get("/orgs/{organization_id}", include_in_schema=False)
def org_page(organization_id: uuid.UUID, page_ctx: Page, session: SessionDep, user: CurrentUser):
    org, role = get_organization(session, user=user, organization_id=organization_id, results=True)
    return _org_page(page_ctx, session, user, org, role)


@router.post("/orgs/{organization_id}", include_in_schema=False)
def org_update(
    organization_id: uuid.UUID,
    page_ctx: Page,
    session: SessionDep,
    user: CurrentUser,
    name: Annotated[str, Form(max_length=200)],
    industry: Annotated[str, Form(max_length=100)] = "",
    size_band: Annotated[str, Form(max_length=20)] = "",
    k: Annotated[int, Form(ge=3, le=50)] = 5,
    k_acknowledged: Annotated[bool, Form()] = False,
    comment_k: Annotated[int, Form(ge=3, le=100)] = 10,
):
    org, role = get_organization(session, user=user, organization_id=organization_id, write=True)
    changes = {
        "name": name,
        "industry": industry,
        "size_band": size_band,
        "k": k,
        "k_acknowledged": k_acknowledged,
        "comment_k": comment_k,
    }
    try:
        update_organization(session, organization=org, changes=changes)
    except Invalid as exc:  # shown on the form, with the input kept
        session.rollback()
        return _org_page(
            page_ctx,
            session,
            user,
            org,
            role,
            status_code=exc.status_code,
            settings_form=changes,
            form_error=exc.problem,
            form_errors=exc.problems,
        )
    return RedirectResponse(f"/orgs/{org.id}", status_code=303)


@router.post("/orgs/{organization_id}/members", include_in_schema=False)
def org_add_member(
    organization_id: uuid.UUID,
    page_ctx: Page,
    session: SessionDep,
    user: CurrentUser,
    email: Annotated[str, Form(max_length=254)],
    role: Annotated[Role, Form()],
    password: Annotated[str, Form(max_length=1000)] = "",
    unit_id: Annotated[str, Form(max_length=40)] = "",
):
    """Add a member, or change the role and access of one (the same form per row)."""
    org, own = get_organization(session, user=user, organization_id=organization_id, write=True)
    try:
        try:
            unit = uuid.UUID(unit_id) if unit_id else None
        except ValueError:
            raise Invalid(SCOPE_UNIT) from None
        add_member_by_email(
            session, organization=org, by=user, email=email, role=role, password=password or None, unit_id=unit
        )
    except Invalid as exc:  # shown on the form, with the input kept (never the password)
        session.rollback()
        return _org_page(
            page_ctx,
            session,
            user,
            org,
            own,
            status_code=exc.status_code,
            member_form={"email": email, "role": role.value, "unit_id": unit_id},
            member_error=exc.problem,
        )
    return RedirectResponse(f"/orgs/{org.id}#members", status_code=303)


@router.post("/orgs/{organization_id}/members/remove", include_in_schema=False)
def org_remove_member(
    organization_id: uuid.UUID, session: SessionDep, user: CurrentUser, email: Annotated[str, Form(max_length=254)]
):
    org, _ = get_organization(session, user=user, organization_id=organization_id, write=True)
    remove_member(session, organization=org, by=user, email=email)
    return RedirectResponse(f"/orgs/{org.id}#members", status_code=303)


# ------------------------------------------------------------------- API


@router.get("/api/v1/organizations", response_model=list[OrganizationOut])
def api_list(session: SessionDep, user: CurrentUser):
    """The organizations the user is a member of, with the user's role."""
    return [_out(org, role) for org, role in list_organizations(session, user=user)]


@router.post("/api/v1/organizations", response_model=OrganizationOut, status_code=201)
def api_create(body: OrganizationIn, session: SessionDep, user: CurrentUser):
    """A new organization with the user as its consultant; consultants only (403)."""
    org = create_organization(session, user=user, **body.model_dump())
    _, role = get_organization(session, user=user, organization_id=org.id)
    return _out(org, role)


@router.get("/api/v1/organizations/{organization_id}", response_model=OrganizationOut)
def api_get(organization_id: uuid.UUID, session: SessionDep, user: CurrentUser):
    return _out(*get_organization(session, user=user, organization_id=organization_id))


@router.patch("/api/v1/organizations/{organization_id}", response_model=OrganizationOut)
def api_update(organization_id: uuid.UUID, body: OrganizationPatch, session: SessionDep, user: CurrentUser):
    """Change settings; k cannot be lowered once any campaign has a response (409)."""
    org, role = get_organization(session, user=user, organization_id=organization_id, write=True)
    update_organization(session, organization=org, changes=body.model_dump(exclude_unset=True))
    return _out(org, role)


@router.get("/api/v1/organizations/{organization_id}/members", response_model=list[MemberOut])
def api_members(organization_id: uuid.UUID, session: SessionDep, user: CurrentUser):
    org, _ = get_organization(session, user=user, organization_id=organization_id)
    return [
        MemberOut(email=u.email, full_name=u.full_name, role=role, unit=unit)
        for u, role, unit in members(session, organization=org)
    ]


@router.post("/api/v1/organizations/{organization_id}/members", status_code=204)
def api_add_member(organization_id: uuid.UUID, body: MemberIn, session: SessionDep, user: CurrentUser):
    """Give a user (created with ``password`` if new) a role in the organization. A
    consultant of the organization may give any role; an HR admin only ``hr_admin`` and
    ``viewer``, and not to a consultant (403); nobody changes their own role (403). A
    password for an existing user, or a concurrent request that created them, is 409."""
    org, _ = get_organization(session, user=user, organization_id=organization_id, write=True)
    add_member_by_email(
        session,
        organization=org,
        by=user,
        email=body.email,
        role=body.role,
        password=body.password,
        unit_id=body.unit_id,
    )


@router.delete("/api/v1/organizations/{organization_id}/members", status_code=204, response_class=Response)
def api_remove_member(
    organization_id: uuid.UUID, email: Annotated[str, Query(max_length=254)], session: SessionDep, user: CurrentUser
):
    """End a user's membership (the account stays): the same rules as changing a role —
    an HR admin cannot remove a consultant, nobody removes themselves (403); 404 for no
    such member."""
    org, _ = get_organization(session, user=user, organization_id=organization_id, write=True)
    remove_member(session, organization=org, by=user, email=email)
