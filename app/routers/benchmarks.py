"""The benchmark: a campaign's comparison with the released pool, the organization's
opt-in, and the pool's files (consultants). Every figure comes from
:func:`analysis.benchmark.benchmark`; no answer names another organization. The pages
are in English or German (``lang``); the API's fixed error texts are English."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from app.deps import CsrfRoute, CurrentUser, PageLang, RawBody, SessionDep
from app.i18n import translator
from app.reports.benchmark_table import TEXT as TABLE_TEXT
from app.reports.benchmark_table import provenance
from app.reports.common import fmt
from app.routers.campaigns import _campaign
from app.services import Invalid
from app.services.benchmarks import (
    LOCAL_SOURCE, MIN_ORGANIZATIONS, compare, export_file, import_file, pool_status, require_consultant, set_opt_in,
    sync_pool,
)
from app.services.organizations import get_organization
from app.services.results import campaign_results
from app.templating import render

router = APIRouter(tags=["benchmark"], route_class=CsrfRoute)
Lang = Annotated[Literal["en", "de"], Query()]
FormLang = Annotated[Literal["en", "de"], Form()]
MAX_UPLOAD = 1_000_000
FILE_TOO_LARGE = f"the benchmark file is larger than {MAX_UPLOAD:,} bytes"
NO_FILE = "choose a benchmark file"
DIMENSIONS = ("direction", "decision_rights", "feedback")

#: Texts of the benchmark pages; scope, dimension and measure names come from the
#: reports' benchmark table (``icc1`` here is the page's longer label).
UI = {
    "benchmark": {"en": "Benchmark", "de": "Benchmark"},
    "portfolio": {"en": "Portfolio", "de": "Portfolio"},
    "intro": {
        "en": "{org} among other organizations: only aggregates of organizations that opted in, never a name or one organization's figures. A comparison needs at least {k} comparable organizations; {org} itself is never part of its own comparison.",
        "de": "{org} im Vergleich mit anderen Organisationen: nur Kennzahlen von Organisationen, die teilnehmen, nie ein Name oder die Werte einer einzelnen Organisation. Ein Vergleich braucht mindestens {k} vergleichbare Organisationen; {org} selbst ist nie Teil des eigenen Vergleichs.",
    },
    "contributes": {"en": "{org} contributes its organization-level aggregates to the benchmark.",
                    "de": "{org} trägt seine Kennzahlen auf Organisationsebene zum Benchmark bei."},
    "not_contributing": {"en": "{org} does not contribute to the benchmark.",
                         "de": "{org} trägt nicht zum Benchmark bei."},
    "opt_out": {"en": "Withdraw from the benchmark", "de": "Aus dem Benchmark zurückziehen"},
    "opt_in": {"en": "Take part in the benchmark", "de": "Am Benchmark teilnehmen"},
    "empty_title": {"en": "No benchmark yet", "de": "Noch kein Benchmark"},
    "empty": {
        "en": "The benchmark pool holds no released entries yet. Entries are released in steps of at least {step} organizations.",
        "de": "Der Benchmark-Pool enthält noch keine freigegebenen Einträge. Einträge werden in Schritten von mindestens {step} Organisationen freigegeben.",
    },
    "filters": {"en": "Filters: industry {industry}, size band {size_band}. Questionnaire {qid} (version {version}).",
                "de": "Filter: Branche {industry}, Größenklasse {size_band}. Fragebogen {qid} (Version {version})."},
    "not_set": {"en": "not set", "de": "nicht angegeben"},
    "employees": {"en": "{band} employees", "de": "{band} Beschäftigte"},
    "percentile_rank_interval": {"en": "Percentile rank (interval)", "de": "Perzentilrang (Intervall)"},
    "of_organizations": {"en": "among {n} organizations", "de": "unter {n} Organisationen"},
    "n_simulated": {"en": "{s} of them simulated", "de": "davon {s} simuliert"},
    "withheld": {"en": "withheld", "de": "zurückgehalten"},
    "reason": {"en": "Not shown: {reason}", "de": "Nicht gezeigt: {reason}"},
    "icc1": {"en": "ICC(1) (share between teams)", "de": "ICC(1) (Anteil zwischen Teams)"},
    "how_to_read": {"en": "How to read this", "de": "So lesen Sie die Tabelle"},
    "quantiles": {"en": "Median, top 25 %, top 10 %", "de": "Median, obere 25 %, obere 10 %"},
    "extreme_note": {"en": "A figure that would be the highest or lowest organization's own figure is withheld.",
                     "de": "Ein Wert, der der eigene Wert der höchsten oder niedrigsten Organisation wäre, wird zurückgehalten."},
    "pool_line": {"en": "Pool: {released} released entries", "de": "Pool: {released} freigegebene Einträge"},
    "pending_line": {
        "en": "; {pending} pending (released together once at least {step} are waiting, so that no single organization can be isolated by comparing two views)",
        "de": "; {pending} ausstehend (gemeinsam freigegeben, sobald mindestens {step} warten, damit keine einzelne Organisation durch den Vergleich zweier Ansichten herausgelöst werden kann)",
    },
    "pool_title": {"en": "Benchmark pool", "de": "Benchmark-Pool"},
    "imported_one": {"en": "{n} new entry imported.", "de": "{n} neuer Eintrag importiert."},
    "imported_many": {"en": "{n} new entries imported.", "de": "{n} neue Einträge importiert."},
    "holds_title": {"en": "What the pool holds", "de": "Was der Pool enthält"},
    "holds": {
        "en": "Organization-level aggregates only (per dimension: score, structure index, number of answers, ICC(1), maturity level; typology; industry; size band; questionnaire), one entry per organization that opted in — from its latest closed campaign — and entries imported from benchmark files. Never a name, a response or a team figure.",
        "de": "Nur Kennzahlen auf Organisationsebene (je Dimension: Wert, Strukturindex, Zahl der Antworten, ICC(1), Reifegrad; Typologie; Branche; Größenklasse; Fragebogen), ein Eintrag je teilnehmender Organisation – aus ihrer letzten abgeschlossenen Befragung – sowie Einträge aus importierten Benchmark-Dateien. Nie ein Name, eine Antwort oder ein Teamwert.",
    },
    "released": {"en": "Released entries", "de": "Freigegebene Einträge"},
    "pending": {"en": "Pending entries", "de": "Ausstehende Einträge"},
    "release_hint": {
        "en": "New entries are released together once at least {step} are pending, so that two views of the pool never differ by a single organization.",
        "de": "Neue Einträge werden gemeinsam freigegeben, sobald mindestens {step} ausstehen, damit sich zwei Ansichten des Pools nie um eine einzelne Organisation unterscheiden.",
    },
    "source": {"en": "Source", "de": "Quelle"},
    "local_source": {"en": "this installation", "de": "diese Installation"},
    "export_title": {"en": "Export", "de": "Export"},
    "export": {
        "en": "A versioned JSON file of the released aggregates, to carry norms to another installation. So that no row points at a known organization, every row shares its industry, size band and closing period with at least {others} other rows: rarer combinations become “any” (the size band first, then the industry), closing dates are given by quarter or year, and answer counts are left out. The rows come in a random order.",
        "de": "Eine versionierte JSON-Datei der freigegebenen Kennzahlen, um Normen in eine andere Installation zu übertragen. Damit keine Zeile auf eine bekannte Organisation verweist, teilt jede Zeile Branche, Größenklasse und Abschlusszeitraum mit mindestens {others} anderen Zeilen: seltenere Kombinationen werden zu „any“ (beliebig; zuerst die Größenklasse, dann die Branche), Abschlussdaten werden nach Quartal oder Jahr angegeben, und die Zahl der Antworten fehlt. Die Zeilen stehen in zufälliger Reihenfolge.",
    },
    "download": {"en": "Download benchmark file", "de": "Benchmark-Datei herunterladen"},
    "export_too_few": {"en": "An export needs at least {k} released entries; the pool holds {n}.",
                       "de": "Ein Export braucht mindestens {k} freigegebene Einträge; der Pool enthält {n}."},
    "import_title": {"en": "Import", "de": "Import"},
    "file_label": {"en": "Benchmark file (JSON, at most {size} bytes)", "de": "Benchmark-Datei (JSON, höchstens {size} Bytes)"},
    "source_label": {"en": "Source label", "de": "Herkunftsbezeichnung"},
    "source_placeholder": {"en": "e.g. Norms 2026, other installation", "de": "z. B. Normen 2026, andere Installation"},
    "import": {"en": "Import", "de": "Importieren"},
    "import_hint": {
        "en": "A malformed or incompatible file is refused with the problem named; nothing is changed. Imported entries whose industry or size band is “any” count among all organizations, never in an industry or size-band comparison.",
        "de": "Eine fehlerhafte oder unpassende Datei wird mit Nennung des Problems abgelehnt; nichts wird verändert. Importierte Einträge mit Branche oder Größenklasse „any“ zählen bei allen Organisationen mit, nie in einem Branchen- oder Größenklassenvergleich.",
    },
}


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
        description="per dimension and measure a cell: percentile rank with interval and quantiles, or why withheld")


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


def _page(request: Request, name: str, lang: str, **context):
    """A benchmark page in ``lang`` (texts, decimal comma in German), with links to the
    same page in each language."""
    return render(request, name, {
        **context, "tx": translator(lang, UI, TABLE_TEXT), "num": lambda x, d=0: fmt(x, d, lang),
        "local_source": LOCAL_SOURCE,
    }, lang=lang)


def _comparison(session, user, campaign_id: uuid.UUID):
    campaign, org, role = _campaign(session, user, campaign_id)
    results = campaign_results(session, campaign=campaign, organization=org)
    result = compare(session, organization=org, diagnosis=results.diagnosis)
    return campaign, org, role, result


# ------------------------------------------------------------------ comparison

@router.get("/campaigns/{campaign_id}/benchmark", include_in_schema=False)
def benchmark_page(campaign_id: uuid.UUID, request: Request, session: SessionDep, user: CurrentUser,
                   lang: PageLang):
    campaign, org, role, result = _comparison(session, user, campaign_id)
    return _page(request, "benchmark/campaign.html", lang, org=org, role=role.value, campaign=campaign,
                 b=result.to_dict() if result else None, provenance=provenance(result, lang) if result else None,
                 status=pool_status(session), dimension_codes=DIMENSIONS)


@router.get("/api/v1/campaigns/{campaign_id}/benchmark", response_model=ComparisonOut)
def benchmark_api(campaign_id: uuid.UUID, session: SessionDep, user: CurrentUser):
    """The campaign's percentile ranks with intervals and the benchmark's median, top 25 %
    and top 10 % per dimension and measure, overall and by industry and size band;
    withheld cells carry the reason. ``benchmark`` is null while the pool is empty."""
    _, _, _, result = _comparison(session, user, campaign_id)
    return {"benchmark": result.to_dict() if result else None, "pool": pool_status(session)}


@router.post("/orgs/{organization_id}/benchmark", include_in_schema=False)
def opt_in_form(organization_id: uuid.UUID, session: SessionDep, user: CurrentUser,
                opt_in: Annotated[bool, Form()], back: Annotated[str, Form(max_length=200)] = ""):
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
def pool_page(request: Request, session: SessionDep, user: CurrentUser, lang: PageLang,
              imported: int | None = None):
    require_consultant(session, user=user)
    size = f"{MAX_UPLOAD:,}".replace(",", "." if lang == "de" else ",")
    return _page(request, "benchmark/pool.html", lang, status=pool_status(session), imported=imported,
                 max_upload=size, min_export=MIN_ORGANIZATIONS)


@router.get("/api/v1/benchmark", response_model=PoolOut)
def pool_api(session: SessionDep, user: CurrentUser):
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


@router.get("/api/v1/benchmark/export", response_class=Response,
            responses={200: {"model": BenchmarkFileOut, "description": "the benchmark file"}})
def export_api(session: SessionDep, user: CurrentUser):
    """The released pool as a versioned benchmark file (aggregates only, no names), its
    industry, size band and closing date generalized so that every row shares them with
    at least four others, in a random order; consultants only (403 otherwise), and 409
    while fewer than 5 entries are released."""
    return _export(session, user)


@router.post("/benchmark/import", include_in_schema=False)
def import_form(session: SessionDep, user: CurrentUser,
                      file: Annotated[UploadFile | None, File()] = None,
                      source: Annotated[str, Form(max_length=200)] = "", lang: FormLang = "en"):
    require_consultant(session, user=user)
    if file is None or not file.filename:
        raise Invalid(NO_FILE)
    data = file.file.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise Invalid(FILE_TOO_LARGE)
    added = import_file(session, data=data, source=source or file.filename)
    return RedirectResponse(f"/benchmark?imported={added}&lang={lang}", status_code=303)


@router.post("/api/v1/benchmark/import", response_model=ImportOut,
             openapi_extra={"requestBody": {"required": True, **BENCHMARK_FILE}})
def import_api(body: RawBody, session: SessionDep, user: CurrentUser,
               source: Annotated[str, Query(max_length=200)] = ""):
    """Add the entries of a benchmark file (the request body); a malformed or
    incompatible file answers 422 naming the problem and changes nothing."""
    require_consultant(session, user=user)
    data = body
    if len(data) > MAX_UPLOAD:
        raise Invalid(FILE_TOO_LARGE)
    added = import_file(session, data=data, source=source or "API import")
    return {"imported": added, "pool": pool_status(session)}
