"""The benchmark: a campaign's comparison with the released pool, the organization's
opt-in, and the pool's files (consultants). Every figure comes from
:func:`analysis.benchmark.benchmark`; no answer names another organization. The pages
are in English or German (``lang``); the API's fixed error texts are English."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Query, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from app.deps import CsrfRoute, CurrentUser, Page, RawBody, SessionDep
from app.catalogue import N_, use_language
from app.problems import Problem
from app.reasons import DEFINITIONS, QUANTILES, SCORES_NOTE, benchmark_reason
from app.routers.campaigns import _campaign
from app.services import Invalid
from app.services.benchmarks import (
    LOCAL_SOURCE,
    MIN_ORGANIZATIONS,
    compare,
    export_file,
    import_file,
    pool_status,
    require_consultant,
    set_opt_in,
    sync_pool,
)
from app.services.organizations import get_organization
from app.services.results import campaign_results
from app.templating import PageContext

router = APIRouter(tags=["benchmark"], route_class=CsrfRoute)
Lang = Annotated[Literal["en", "de"], Query()]
FormLang = Annotated[Literal["en", "de"], Form()]
MAX_UPLOAD = 1_000_000
FILE_TOO_LARGE = Problem("benchmark_file_too_large", {"max": MAX_UPLOAD})
NO_FILE = N_("choose a benchmark file")


class OptIn(BaseModel):
    opt_in: bool


class OptInOut(BaseModel):
    organization_id: uuid.UUID
    opt_in: bool


class SourceOut(BaseModel):
    source: str
    entries: int


class PoolOut(BaseModel):
    """Counts of the pool only, never an entry."""

    released: int
    pending: int
    needed_for_release: int = Field(description="pending entries still needed before they are released together")
    release_step: int
    min_organizations: int
    sources: list[SourceOut]


class ScopeOut(BaseModel):
    industry: str | None
    size_band: str | None
    dimensions: dict[str, dict[str, dict[str, Any]]] = Field(
        description="per dimension and measure a cell: percentile rank with interval and quantiles, or why withheld"
    )


class BenchmarkOut(BaseModel):
    questionnaire: dict[str, str | int]
    comparable_on: list[str]
    note: dict[str, str] | None
    min_organizations: int
    filters: dict[str, str | None]
    definitions: dict[str, dict[str, str]]
    quantile_labels: dict[str, dict[str, str]]
    scopes: dict[str, ScopeOut]


class ComparisonOut(BaseModel):
    benchmark: BenchmarkOut | None = Field(description="null while the pool is empty")
    pool: PoolOut


class ImportOut(BaseModel):
    imported: int
    pool: PoolOut


class BenchmarkFileOut(BaseModel):
    """A benchmark file (layout: :func:`analysis.benchmark.load_benchmark`)."""

    format: Literal["aad-benchmark"]
    version: int
    entries: list[dict[str, Any]]


BENCHMARK_FILE = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/BenchmarkFileOut"}}}}


def _page(page_ctx: PageContext, name: str, **context):
    """A benchmark page in the page's language (texts from the catalogue, decimal comma
    in German), with links to the same page in each language."""
    return page_ctx.render(
        name,
        {
            **context,
            "local_source": LOCAL_SOURCE,
            "definitions": DEFINITIONS,
            "quantiles": QUANTILES,
            "scores_note": SCORES_NOTE,
        },
    )


def provenance(b: dict | None) -> tuple[int, int] | None:
    """``(organizations, simulated ones)`` of the largest released comparison of ``b``
    (a benchmark's ``to_dict()``); None when no comparison is released."""
    cells = [
        c
        for s in (b or {}).get("scopes", {}).values()
        for ms in s["dimensions"].values()
        for c in ms.values()
        if c["released"]
    ]
    if not cells:
        return None
    top = max(cells, key=lambda c: c["n_organizations"])
    return top["n_organizations"], top.get("n_simulated") or 0


def _with_reasons(b: dict | None, lang: str) -> dict | None:
    """``b`` with each withheld cell's and figure's reason in ``lang`` (``reason_page``),
    from the codes that :mod:`analysis.benchmark` returns."""
    if b is None:
        return None
    k = b["min_organizations"]
    with use_language(lang):
        for s in b["scopes"].values():
            for measures in s["dimensions"].values():
                for c in measures.values():
                    c["reason_page"] = benchmark_reason(c.get("reason"), k)
                    for figure, w in (c.get("withheld") or {}).items():
                        w["page"] = benchmark_reason(w["reason"], k, figure)
    return b


def _comparison(session, user, campaign_id: uuid.UUID):
    campaign, org, role = _campaign(session, user, campaign_id)
    results = campaign_results(session, campaign=campaign, organization=org)
    result = compare(session, organization=org, diagnosis=results.diagnosis)
    return campaign, org, role, result


# ------------------------------------------------------------------ comparison


@router.get("/campaigns/{campaign_id}/benchmark", include_in_schema=False)
def benchmark_page(campaign_id: uuid.UUID, session: SessionDep, user: CurrentUser, page_ctx: Page):
    campaign, org, role, result = _comparison(session, user, campaign_id)
    b = _with_reasons(result.to_dict() if result else None, page_ctx.lang)
    return _page(
        page_ctx,
        "benchmark/campaign.html",
        org=org,
        role=role.value,
        campaign=campaign,
        b=b,
        provenance=provenance(b),
        status=pool_status(session),
    )


@router.get("/api/v1/campaigns/{campaign_id}/benchmark", response_model=ComparisonOut)
def benchmark_api(campaign_id: uuid.UUID, session: SessionDep, user: CurrentUser):
    """The campaign's percentile ranks with intervals and the benchmark's median, top 25 %
    and top 10 % per dimension and measure, overall and by industry and size band;
    withheld cells carry the reason. ``benchmark`` is null while the pool is empty."""
    _, _, _, result = _comparison(session, user, campaign_id)
    return {"benchmark": result.to_dict() if result else None, "pool": pool_status(session)}


@router.post("/orgs/{organization_id}/benchmark", include_in_schema=False)
def opt_in_form(
    organization_id: uuid.UUID,
    session: SessionDep,
    user: CurrentUser,
    opt_in: Annotated[bool, Form()],
    back: Annotated[str, Form(max_length=200)] = "",
):
    """Take part (``opt_in=true``) or withdraw (``opt_in=false``); a body without the
    choice (not a form, or the field missing or unreadable) is 422 and changes nothing."""
    org, _ = get_organization(session, user=user, organization_id=organization_id, write=True)
    set_opt_in(session, organization=org, opt_in=opt_in)
    if opt_in:  # the organization's latest closed campaign enters the pool at once
        sync_pool(session)
    target = back if back.startswith("/") and not back.startswith("//") else f"/orgs/{org.id}"
    return RedirectResponse(target, status_code=303)


@router.post("/api/v1/organizations/{organization_id}/benchmark", response_model=OptInOut)
def opt_in_api(organization_id: uuid.UUID, body: OptIn, session: SessionDep, user: CurrentUser):
    """Take part in the benchmark (needs industry and size band) or withdraw (the
    organization's entries leave the pool at once)."""
    org, _ = get_organization(session, user=user, organization_id=organization_id, write=True)
    org = set_opt_in(session, organization=org, opt_in=body.opt_in)
    if body.opt_in:  # the organization's latest closed campaign enters the pool at once
        sync_pool(session)
    return {"organization_id": str(org.id), "opt_in": org.benchmark_opt_in}


# ------------------------------------------------------------------ the pool (consultants)


@router.get("/benchmark", include_in_schema=False)
def pool_page(session: SessionDep, user: CurrentUser, page_ctx: Page, imported: int | None = None):
    require_consultant(session, user=user)
    return _page(
        page_ctx,
        "benchmark/pool.html",
        status=pool_status(session),
        imported=imported,
        max_upload=MAX_UPLOAD,
        min_export=MIN_ORGANIZATIONS,
    )


@router.get("/api/v1/benchmark", response_model=PoolOut)
def pool_api(session: SessionDep, user: CurrentUser):
    """Counts of the pool (released, pending, per source); consultants only."""
    require_consultant(session, user=user)
    return pool_status(session)


def _export(session, user) -> Response:
    require_consultant(session, user=user)
    sync_pool(session)
    return Response(
        export_file(session, user=user),
        media_type="application/json",
        headers={"content-disposition": f'attachment; filename="aad-benchmark-{date.today().isoformat()}.json"'},
    )


@router.get("/benchmark/export", include_in_schema=False)
def export_page(session: SessionDep, user: CurrentUser):
    return _export(session, user)


@router.get(
    "/api/v1/benchmark/export",
    response_class=Response,
    responses={200: {"model": BenchmarkFileOut, "description": "the benchmark file"}},
)
def export_api(session: SessionDep, user: CurrentUser):
    """The released pool as a versioned benchmark file (aggregates only, no names), its
    industry, size band and closing date generalized so that every row shares them with
    at least four others, in a random order; consultants only (403 otherwise), and 409
    while fewer than 5 entries are released."""
    return _export(session, user)


@router.post("/benchmark/import", include_in_schema=False)
def import_form(
    session: SessionDep,
    user: CurrentUser,
    file: Annotated[UploadFile | None, File()] = None,
    source: Annotated[str, Form(max_length=200)] = "",
    lang: FormLang = "en",
):
    require_consultant(session, user=user)
    if file is None or not file.filename:
        raise Invalid(NO_FILE)
    data = file.file.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise Invalid(FILE_TOO_LARGE)
    added = import_file(session, data=data, source=source or file.filename)
    return RedirectResponse(f"/benchmark?imported={added}&lang={lang}", status_code=303)


@router.post(
    "/api/v1/benchmark/import",
    response_model=ImportOut,
    openapi_extra={"requestBody": {"required": True, **BENCHMARK_FILE}},
)
def import_api(
    body: RawBody, session: SessionDep, user: CurrentUser, source: Annotated[str, Query(max_length=200)] = ""
):
    """Add the entries of a benchmark file (the request body); a malformed or
    incompatible file answers 422 naming the problem and changes nothing."""
    require_consultant(session, user=user)
    data = body
    if len(data) > MAX_UPLOAD:
        raise Invalid(FILE_TOO_LARGE)
    added = import_file(session, data=data, source=source or "API import")
    return {"imported": added, "pool": pool_status(session)}
