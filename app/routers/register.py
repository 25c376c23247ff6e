"""The decision register: view and edit it (each save a new version), its history, CSV
import and export, and the register frozen into a campaign (docs/methodology.md §18)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from app.catalogue import N_
from app.deps import CsrfProtected, CurrentUser, FormBody, Page, RawBody, SessionDep
from app.i18n import translator
from app.register_texts import UI
from app.routers import form_text
from app.services import Invalid, NotFound, ServiceError
from app.services.campaigns import get_campaign
from app.services.organizations import get_organization, organization_ids
from app.services.register import (
    DECIDER_NAMES,
    DIMENSIONS,
    MAX_AGREEMENTS,
    MAX_DECISIONS,
    MAX_DESIGNS,
    campaign_register,
    current_document,
    get_version,
    history,
    places,
    save_register,
    with_agreement,
    with_decisions,
    with_place,
    without_agreement,
)
from app.services.teams import team_rows
from app.services.register_csv import MAX_CSV_BYTES, import_register, register_csv
from app.templating import PageContext

router = APIRouter(tags=["register"], dependencies=[CsrfProtected])
NO_REGISTER = N_("the campaign has no register")
FORM_INCOMPLETE = N_("the form is incomplete")
MAX_NUMBER = 2**31 - 1  # version numbers are 32-bit integers in the database
Entry = dict[str, Annotated[str, Field(max_length=1100)]]


class RegisterIn(BaseModel):
    base: int | None = Field(
        None, ge=0, le=MAX_NUMBER, description="the version the edit started from (409 if another came since)"
    )
    decisions: list[Entry] = Field(max_length=MAX_DECISIONS)
    designs: list[Entry] = Field([], max_length=MAX_DESIGNS)
    agreements: list[Entry] = Field([], max_length=MAX_AGREEMENTS)


class RegisterOut(BaseModel):
    version: int | None
    decisions: list[dict]
    designs: list[dict]
    agreements: list[dict]


class VersionOut(BaseModel):
    """A saved version of the register: who saved it when, and how many entries of
    each kind it holds."""

    number: int
    created_at: datetime
    created_by: str
    decisions: int
    designs: int
    agreements: int


class FrozenRegisterOut(BaseModel):
    version: int
    decisions: list[dict]
    design: dict[str, list[int]]
    agreements: list[dict]
    asked: list[str]


def _out(number, document) -> RegisterOut:
    return RegisterOut(version=number, **document)


# ------------------------------------------------------------------ pages


def _page(page_ctx: PageContext, session, org, role, *, shown=None, saved=None, errors=None, status_code=200):
    number, document = current_document(session, organization=org)
    viewing = None
    if shown is not None and shown != number:
        viewing, document = shown, get_version(session, organization=org, number=shown).document
    return page_ctx.render(
        "admin/register.html",
        {
            "number": number,
            "viewing": viewing,
            "document": document,
            "places": places(session, organization=org, document=document),
            "history": history(session, organization=org),
            "deciders": DECIDER_NAMES,
            "dimensions": DIMENSIONS,
            "saved": saved,
            "errors": errors,
            "tx": translator(page_ctx.lang, UI),
        },
        status_code=status_code,
        org=org,
        role=role,
    )


@router.get("/orgs/{organization_id}/register", include_in_schema=False)
def register_page(
    organization_id: uuid.UUID,
    session: SessionDep,
    user: CurrentUser,
    page_ctx: Page,
    version: Annotated[int | None, Query(ge=1, le=MAX_NUMBER)] = None,
    saved: Annotated[int | None, Query(ge=1, le=MAX_NUMBER)] = None,
):
    org, role = get_organization(session, user=user, organization_id=organization_id)
    return _page(page_ctx, session, org, role, shown=version, saved=saved)


@router.get("/orgs/{organization_id}/register.csv", include_in_schema=False)
def register_download(
    organization_id: uuid.UUID,
    session: SessionDep,
    user: CurrentUser,
    version: Annotated[int | None, Query(ge=1, le=MAX_NUMBER)] = None,
):
    org, _ = get_organization(session, user=user, organization_id=organization_id)
    document = (
        get_version(session, organization=org, number=version).document
        if version
        else current_document(session, organization=org)[1]
    )
    return Response(
        register_csv(document),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": 'attachment; filename="register.csv"'},
    )


def _edit(page_ctx: PageContext, session, user, organization_id, form, change):
    """Apply ``change`` to the latest version and save it as the next one; the page
    with every error (422) or the conflict (409) when that fails."""
    org, role = get_organization(session, user=user, organization_id=organization_id, write=True)
    if "base" not in form:
        raise Invalid(FORM_INCOMPLETE)
    _, document = current_document(session, organization=org)
    base = form["base"]  # the page's version: empty for the unsaved starter set
    try:
        version = save_register(
            session,
            organization=org,
            document=change(document),
            author=user.email,
            base=int(base) if base.isdigit() and len(base) < 10 else 0 if base == "" else -1,
        )
    except ServiceError as exc:
        session.rollback()
        return _page(page_ctx, session, org, role, errors=[exc.problem, *exc.problems], status_code=exc.status_code)
    return RedirectResponse(f"/orgs/{org.id}/register?lang={page_ctx.lang}&saved={version.number}", status_code=303)


def _lang(form) -> str:
    return "de" if form.get("lang") == "de" else "en"


@router.post("/orgs/{organization_id}/register/decisions", include_in_schema=False)
def register_decisions(
    organization_id: uuid.UUID, page_ctx: Page, session: SessionDep, user: CurrentUser, form: FormBody
):
    """Replace the decision types (rows with an empty id are left out)."""
    get_organization(session, user=user, organization_id=organization_id, write=True)  # access first
    columns = [form.getlist(f) for f in ("id", "dimension", "label_en", "label_de")]
    if len({len(c) for c in columns}) != 1 or not columns[0]:
        raise Invalid(FORM_INCOMPLETE)
    rows = [
        {"id": i.strip(), "dimension": dim, "label_en": en, "label_de": de}
        for i, dim, en, de in zip(*columns)
        if i.strip()
    ]
    return _edit(
        page_ctx.in_language(_lang(form)), session, user, organization_id, form, lambda doc: with_decisions(doc, rows)
    )


@router.post("/orgs/{organization_id}/register/design", include_in_schema=False)
def register_design(organization_id: uuid.UUID, page_ctx: Page, session: SessionDep, user: CurrentUser, form: FormBody):
    """Set the designed deciders of one place (the organization, a unit or a team)."""
    deciders = {
        key.removeprefix("decider_"): value
        for key, value in form.multi_items()
        if key.startswith("decider_") and isinstance(value, str)
    }
    return _edit(
        page_ctx.in_language(_lang(form)),
        session,
        user,
        organization_id,
        form,
        lambda doc: with_place(
            doc, unit_path=form_text(form, "unit_path") or "", team=form_text(form, "team") or "", deciders=deciders
        ),
    )


@router.post("/orgs/{organization_id}/register/agreements", include_in_schema=False)
def register_agreement_add(
    organization_id: uuid.UUID, page_ctx: Page, session: SessionDep, user: CurrentUser, form: FormBody
):
    fields = ("unit_path", "team", "partner_unit_path", "partner_team", "decision", "subject", "owner", "review_date")
    agreement = {f: form_text(form, f) or "" for f in fields}
    org, _ = get_organization(session, user=user, organization_id=organization_id)
    teams = {f"{t['unit_path']}|{t['name']}": (t["unit_path"], t["name"]) for t in team_rows(session, organization=org)}
    for side in ("", "partner_"):  # the page offers each team as "unit path|team"
        if agreement[f"{side}team"] in teams:
            agreement[f"{side}unit_path"], agreement[f"{side}team"] = teams[agreement[f"{side}team"]]
    return _edit(
        page_ctx.in_language(_lang(form)),
        session,
        user,
        organization_id,
        form,
        lambda doc: with_agreement(doc, agreement),
    )


@router.post("/orgs/{organization_id}/register/agreements/{index}/delete", include_in_schema=False)
def register_agreement_delete(
    organization_id: uuid.UUID,
    index: Annotated[int, Path(ge=0, le=MAX_AGREEMENTS)],
    page_ctx: Page,
    session: SessionDep,
    user: CurrentUser,
    form: FormBody,
):
    return _edit(
        page_ctx.in_language(_lang(form)),
        session,
        user,
        organization_id,
        form,
        lambda doc: without_agreement(doc, index),
    )


@router.post("/orgs/{organization_id}/register/import", include_in_schema=False)
def register_import_page(
    organization_id: uuid.UUID,
    session: SessionDep,
    user: CurrentUser,
    file: UploadFile,
    page_ctx: Page,
):
    org, role = get_organization(session, user=user, organization_id=organization_id, write=True)
    try:
        version = import_register(session, organization=org, data=file.file.read(MAX_CSV_BYTES + 1), author=user.email)
    except ServiceError as exc:
        session.rollback()
        return _page(page_ctx, session, org, role, errors=[exc.problem, *exc.problems], status_code=exc.status_code)
    return RedirectResponse(f"/orgs/{org.id}/register?lang={page_ctx.lang}&saved={version.number}", status_code=303)


# ------------------------------------------------------------------- API


@router.get("/api/v1/organizations/{organization_id}/register", response_model=RegisterOut)
def api_get(organization_id: uuid.UUID, session: SessionDep, user: CurrentUser):
    """The latest version (``version`` null: nothing saved yet, the starter set)."""
    org, _ = get_organization(session, user=user, organization_id=organization_id)
    return _out(*current_document(session, organization=org))


@router.put("/api/v1/organizations/{organization_id}/register", response_model=RegisterOut, status_code=201)
def api_put(organization_id: uuid.UUID, body: RegisterIn, session: SessionDep, user: CurrentUser):
    """Save the register as the next version. 422 names every bad entry (nothing
    stored); 409 when ``base`` is not the latest version."""
    org, _ = get_organization(session, user=user, organization_id=organization_id, write=True)
    version = save_register(
        session, organization=org, document=body.model_dump(exclude={"base"}), author=user.email, base=body.base
    )
    return _out(version.number, version.document)


@router.get("/api/v1/organizations/{organization_id}/register/versions", response_model=list[VersionOut])
def api_history(organization_id: uuid.UUID, session: SessionDep, user: CurrentUser):
    """Every saved version, newest first: number, time, author and sizes."""
    org, _ = get_organization(session, user=user, organization_id=organization_id)
    return history(session, organization=org)


@router.get("/api/v1/organizations/{organization_id}/register/versions/{number}", response_model=RegisterOut)
def api_version(
    organization_id: uuid.UUID,
    number: Annotated[int, Path(ge=1, le=MAX_NUMBER)],
    session: SessionDep,
    user: CurrentUser,
):
    org, _ = get_organization(session, user=user, organization_id=organization_id)
    return _out(number, get_version(session, organization=org, number=number).document)


@router.post(
    "/api/v1/organizations/{organization_id}/register/import",
    response_model=RegisterOut,
    status_code=201,
    openapi_extra={"requestBody": {"content": {"text/csv": {"schema": {"type": "string"}}}, "required": True}},
)
def api_import(organization_id: uuid.UUID, body: RawBody, session: SessionDep, user: CurrentUser):
    """Save a register CSV (sent as the request body) as the next version. 422 lists
    every bad line (``errors``) and stores nothing."""
    org, _ = get_organization(session, user=user, organization_id=organization_id, write=True)
    version = import_register(session, organization=org, data=body, author=user.email)
    return _out(version.number, version.document)


@router.get("/api/v1/campaigns/{campaign_id}/register", response_model=FrozenRegisterOut)
def api_frozen(campaign_id: uuid.UUID, session: SessionDep, user: CurrentUser):
    """The register as frozen at the campaign's launch (404 without one)."""
    campaign = get_campaign(session, organization_ids=organization_ids(session, user=user), campaign_id=campaign_id)
    get_organization(session, user=user, organization_id=campaign.organization_id)
    frozen = campaign_register(session, campaign_id=campaign.id)
    if frozen is None:
        raise NotFound(NO_REGISTER)
    return FrozenRegisterOut(
        version=frozen.register_number,
        decisions=frozen.decisions,
        design=frozen.design,
        agreements=frozen.agreements,
        asked=frozen.asked,
    )
