"""The benchmark: a campaign's comparison with the released pool, the organization's
opt-in, and the pool's files (consultants). Every figure comes from
:func:`analysis.benchmark.benchmark`; no answer names another organization."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel

from app.deps import CsrfProtected, CurrentUser, SessionDep
from app.routers.campaigns import _campaign
from app.services import Invalid
from app.services.benchmarks import (
    compare, export_file, import_file, industry_code, pool_status, require_consultant, set_opt_in, sync_pool,
)
from app.services.organizations import get_organization
from app.services.results import campaign_results
from app.templating import render

router = APIRouter(tags=["benchmark"], dependencies=[CsrfProtected])
Lang = Annotated[Literal["en", "de"], Query()]
MAX_UPLOAD = 1_000_000
FILE_TOO_LARGE = f"the benchmark file is larger than {MAX_UPLOAD:,} bytes"
NO_FILE = "choose a benchmark file"
SCOPE_NAMES = {"all": "All comparable organizations", "industry": "Same industry",
               "size_band": "Same size band", "industry_and_size_band": "Same industry and size band"}
MEASURE_NAMES = {"score": "Perception score", "structure": "Structure index", "icc1": "ICC(1) (share between teams)"}
DIMENSION_NAMES = {"direction": "Direction", "decision_rights": "Decision rights", "feedback": "Feedback"}


class OptIn(BaseModel):
    opt_in: bool


def _comparison(session, user, campaign_id: uuid.UUID):
    campaign, org, role = _campaign(session, user, campaign_id)
    results = campaign_results(session, campaign=campaign, organization=org)
    result = compare(session, organization=org, diagnosis=results.diagnosis)
    return campaign, org, role, result


# ------------------------------------------------------------------ comparison

@router.get("/campaigns/{campaign_id}/benchmark", include_in_schema=False)
def benchmark_page(campaign_id: uuid.UUID, request: Request, session: SessionDep, user: CurrentUser,
                   lang: Lang = "en"):
    campaign, org, role, result = _comparison(session, user, campaign_id)
    return render(request, "benchmark/campaign.html", {
        "org": org, "role": role.value, "campaign": campaign, "b": result.to_dict() if result else None,
        "status": pool_status(session), "industry": industry_code(org.industry), "lang": lang,
        "scope_names": SCOPE_NAMES, "measure_names": MEASURE_NAMES, "dimension_names": DIMENSION_NAMES,
    }, lang=lang)


@router.get("/api/v1/campaigns/{campaign_id}/benchmark")
def benchmark_api(campaign_id: uuid.UUID, session: SessionDep, user: CurrentUser) -> dict:
    """The campaign's percentile ranks with intervals and the benchmark's median, top 25 %
    and top 10 % per dimension and measure, overall and by industry and size band;
    withheld cells carry the reason. ``benchmark`` is null while the pool is empty."""
    _, _, _, result = _comparison(session, user, campaign_id)
    return {"benchmark": result.to_dict() if result else None, "pool": pool_status(session)}


@router.post("/orgs/{organization_id}/benchmark", include_in_schema=False)
def opt_in_form(organization_id: uuid.UUID, session: SessionDep, user: CurrentUser,
                opt_in: Annotated[bool, Form()] = False, back: Annotated[str, Form(max_length=200)] = ""):
    org, _ = get_organization(session, user=user, organization_id=organization_id, write=True)
    set_opt_in(session, organization=org, opt_in=opt_in)
    if opt_in:  # the organization's latest closed campaign enters the pool at once
        sync_pool(session)
    target = back if back.startswith("/") and not back.startswith("//") else f"/orgs/{org.id}"
    return RedirectResponse(target, status_code=303)


@router.post("/api/v1/organizations/{organization_id}/benchmark")
def opt_in_api(organization_id: uuid.UUID, body: OptIn, session: SessionDep, user: CurrentUser) -> dict:
    """Take part in the benchmark (needs industry and size band) or withdraw (the
    organization's entries leave the pool at once)."""
    org, _ = get_organization(session, user=user, organization_id=organization_id, write=True)
    org = set_opt_in(session, organization=org, opt_in=body.opt_in)
    if body.opt_in:  # the organization's latest closed campaign enters the pool at once
        sync_pool(session)
    return {"organization_id": str(org.id), "opt_in": org.benchmark_opt_in}


# ------------------------------------------------------------------ the pool (consultants)

@router.get("/benchmark", include_in_schema=False)
def pool_page(request: Request, session: SessionDep, user: CurrentUser, imported: int | None = None):
    require_consultant(session, user=user)
    return render(request, "benchmark/pool.html", {"status": pool_status(session), "imported": imported,
                                                   "max_upload": MAX_UPLOAD})


@router.get("/api/v1/benchmark")
def pool_api(session: SessionDep, user: CurrentUser) -> dict:
    """Counts of the pool (released, pending, per source); consultants only."""
    require_consultant(session, user=user)
    return pool_status(session)


def _export(session, user) -> Response:
    require_consultant(session, user=user)
    sync_pool(session)
    return Response(export_file(session, user=user), media_type="application/json", headers={
        "content-disposition": f'attachment; filename="aad-benchmark-{date.today().isoformat()}.json"'})


@router.get("/benchmark/export", include_in_schema=False)
def export_page(session: SessionDep, user: CurrentUser):
    return _export(session, user)


@router.get("/api/v1/benchmark/export")
def export_api(session: SessionDep, user: CurrentUser):
    """The released pool as a versioned benchmark file (aggregates only, no names), its
    industry, size band and closing date generalized so that every row shares them with
    at least four others, in a random order; consultants only (403 otherwise), and 409
    while fewer than 5 entries are released."""
    return _export(session, user)


@router.post("/benchmark/import", include_in_schema=False)
async def import_form(request: Request, session: SessionDep, user: CurrentUser,
                      file: Annotated[UploadFile | None, File()] = None,
                      source: Annotated[str, Form(max_length=200)] = ""):
    require_consultant(session, user=user)
    if file is None or not file.filename:
        raise Invalid(NO_FILE)
    data = await file.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise Invalid(FILE_TOO_LARGE)
    added = import_file(session, data=data, source=source or file.filename)
    return RedirectResponse(f"/benchmark?imported={added}", status_code=303)


@router.post("/api/v1/benchmark/import")
async def import_api(request: Request, session: SessionDep, user: CurrentUser,
                     source: Annotated[str, Query(max_length=200)] = "") -> dict:
    """Add the entries of a benchmark file (the request body); a malformed or
    incompatible file answers 422 naming the problem and changes nothing."""
    require_consultant(session, user=user)
    data = await request.body()
    if len(data) > MAX_UPLOAD:
        raise Invalid(FILE_TOO_LARGE)
    added = import_file(session, data=data, source=source or "API import")
    return {"imported": added, "pool": pool_status(session)}
