"""Results of a campaign: dashboard pages, their JSON twins, filtered views and report
downloads. Every figure comes from the campaign's released diagnosis
(:mod:`app.services.results`); nothing here computes a statistic."""

from __future__ import annotations

import dataclasses
import functools
import gzip
import hashlib
import re
import uuid
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from babel.lists import format_list
from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from analysis import Diagnosis, figures, restrict_to_unit
from analysis.narrative import HEADLINE_TEXTS, LABELS, advice, headline, label_table, shown_typology
from analysis.views import View
from app.catalogue import N_
from app.deps import CsrfRoute, CurrentUser, Page, SessionDep
from app.i18n import translator
from app.models import Campaign, Organization, Role
from app.routers.campaigns import RateOut
from app.register_texts import RESULTS
from app.reports.common import fit_cutoffs, verdict_lines
from app.reports.decision_map import LEVEL_FILL
from app.reports.measurement import measurement_sections
from app.reports.texts import FINDING_DO, FINDING_MEANS, TEXTS, TYPOLOGY_MEANS
from app.services import Invalid, NotFound, ServiceError
from app.services.benchmarks import campaign_benchmark
from app.services.campaigns import get_campaign, questionnaire_of
from app.services.downloads import (
    FORMATS,
    JOB_FAILED,
    JOB_NOT_READY,
    JobRunner,
    check_team,
    content_disposition,
    get_format,
    render,
    safe_filename,
)
from app.services.fact_sheets import CADENCE_LABELS, campaign_facts, facts_records, with_facts
from app.services.invitations import audit_summary
from app.services.organizations import get_organization, organization_ids, unit_scope
from app.services.results import Results, campaign_results, filtered_view, organization_rate, set_live_results
from app.plotly_bundle import plotly_source
from app.templating import PageContext

router = APIRouter(tags=["results"], route_class=CsrfRoute)

#: A released record of the diagnosis (organization, unit, team or a figure block); its
#: fields are documented in :mod:`analysis.diagnosis`.
Record = dict[str, Any]

Lang = Annotated[Literal["en", "de"], Query()]
Metric = Annotated[Literal["perception", "structure", "finding", "misconception"], Query()]
#: The row orders of the heatmaps (:data:`analysis.figures.SORTS`, spelled out for the types).
SortKey = Literal["best", "weakest", "attention", "name", "direction", "decision_rights", "feedback"]
Sort = Annotated[SortKey, Query()]
UNIT_NOT_FOUND = "unit not found"
NO_UNIT_RESULTS = N_("this campaign has no results for your unit")
BAD_FILTER = "unknown filter value"
NO_MISCONCEPTIONS = "this questionnaire asks no misconceptions"
PAGE_SIZE = 40

#: Texts of the results pages are in the catalogue (app/locale); these two remain for the
#: questions and decision-map pages, which render through :func:`_page` and still look
#: their texts up with ``tx``.
UI = {
    "questions": {"en": "Questions", "de": "Fragen"},
    "view": {"en": "Show", "de": "Anzeigen"},
}


def _runner(request: Request) -> JobRunner:
    return request.app.state.report_jobs


@dataclasses.dataclass(frozen=True)
class Loaded:
    """A campaign as the user may see its results; ``scope`` is the unit a viewer is
    limited to (None: the whole organization), and ``results`` are restricted to it."""

    campaign: Campaign
    org: Organization
    role: Role
    results: Results
    scope: str | None


def _load(session, user, campaign_id: uuid.UUID) -> Loaded:
    campaign = get_campaign(session, organization_ids=organization_ids(session, user=user), campaign_id=campaign_id)
    org, role = get_organization(session, user=user, organization_id=campaign.organization_id, results=True)
    scope = unit_scope(session, user=user, organization=org)
    results = campaign_results(session, campaign=campaign, organization=org)
    if scope is not None and results.diagnosis is not None:
        try:
            register = dataclasses.replace(results.register, scope=scope) if results.register else None
            results = dataclasses.replace(
                results, diagnosis=restrict_to_unit(results.diagnosis, scope), register=register
            )
        except KeyError:
            results = dataclasses.replace(results, diagnosis=None, data=None, hidden=NO_UNIT_RESULTS, register=None)
    return Loaded(campaign, org, role, results, scope)


def _benchmark(session, loaded: Loaded):
    """The organization's benchmark comparison; not part of one unit's results."""
    if loaded.scope is not None:
        return None
    return campaign_benchmark(session, campaign=loaded.campaign, organization=loaded.org)


def _require(results: Results) -> Diagnosis:
    """The released diagnosis; else the refusal saying why nothing may be shown."""
    if results.diagnosis is None:
        assert results.hidden is not None  # Results: set whenever the diagnosis is None
        raise ServiceError(results.hidden)
    return results.diagnosis


# ------------------------------------------------------------------ API models


class GroupRecord(BaseModel):
    """The released record of the organization, a unit or a team
    (:mod:`analysis.diagnosis`). Only the fields every record has, hidden or not, are
    named; the analysis document is open-ended (``extra="allow"``): its per-dimension
    figures, typology, outcome, misconceptions and comments pass through as the
    analysis writes them, and a hidden record has none of them."""

    model_config = ConfigDict(extra="allow")
    suppressed: bool
    suppression_reason: str | None
    suppression_text: dict[str, str] | None
    n: int | None


class UnitRecord(GroupRecord):
    """The released record of a top-level unit (open-ended like :class:`GroupRecord`)."""

    unit: str


class PlotlyFigure(BaseModel):
    """A plotly figure as :mod:`analysis.figures` draws it; its traces and layout follow
    plotly's open schema (``extra="allow"`` for anything beside them)."""

    model_config = ConfigDict(extra="allow")
    data: list[dict[str, Any]]
    layout: dict[str, Any]


class CampaignBrief(BaseModel):
    id: uuid.UUID
    name: str
    status: str
    k: int
    comment_k: int


class ResultsOut(BaseModel):
    """The released results of the organization and its units (teams: the heatmap and
    team endpoints); suppressed figures are null and say why."""

    campaign: CampaignBrief
    scope: str | None = Field(description="the unit a viewer is limited to")
    live: bool
    released_count: int
    pending: int = Field(description="answer sets waiting to join the results in a batch of their team")
    withheld: int = Field(description="answer sets a campaign with live results could not add at closing")
    response_rate: RateOut | None
    n_respondents: int | None
    settings: dict[str, bool | int | float | str | None] = Field(
        description="the analysis settings: min_group_size, comment_min_group_size, correction, alpha, "
        "min_effect, confidence, interim"
    )
    dimensions: dict[str, Record]
    cfa: Record
    organization: GroupRecord
    units: list[UnitRecord]
    n_teams: int
    n_teams_shown: int
    findings: list[Record]
    role_gaps: list[Record]
    tenure: list[Record]
    differences: list[Record]
    drivers: Record
    comments: list[str]
    comments_withheld: int
    priority: Record | None = Field(None, description="consensus on the top priority (methodology §19)")
    invariance: Record | None = Field(None, description="measurement invariance across response languages")
    labels: dict[str, dict[str, dict[str, str]]]
    subject: GroupRecord = Field(description="the record the overview is about: the organization, or the viewer's unit")
    headline: Record | None = Field(
        None,
        description="the headline derived from the subject's findings "
        "(analysis.narrative.headline); null when the subject is hidden",
    )
    decision_register: Record | None = Field(
        None,
        description="the decision register against the answers to its items "
        "(docs/methodology.md §18); null when the campaign asked none",
    )
    fact_sheets: list[Record] = Field(
        [],
        description="the team fact sheets (not anonymous) and their agreement with "
        "the members' released answers (docs/methodology.md §18)",
    )


class HiddenOut(BaseModel):
    hidden: str = Field(description="why no results may be shown now")


class HeatmapOut(BaseModel):
    level: Literal["unit", "team"]
    unit: str | None
    metric: str
    sort: str
    page: int
    pages: int
    rows: list[str]
    records: list[GroupRecord]
    figure: PlotlyFigure = Field(description="a plotly figure (data and layout)")


class GroupRecordOut(GroupRecord):
    """The released record of a team; a hidden team has only these fields (the rest is
    open-ended like :class:`GroupRecord`)."""

    team: str
    unit: str | None


class ViewOut(BaseModel):
    filters: dict[str, str]
    released: bool
    reason: str | None
    reason_text: dict[str, str] | None
    k: int
    record: GroupRecord | None


class LiveOut(BaseModel):
    live_results: bool


class JobOut(BaseModel):
    id: str
    format: str
    state: Literal["queued", "running", "done", "failed"]
    filename: str
    seconds: float
    detail: str | None
    download: str | None


#: A report file, in the media type of its format.
FILE_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "the report file",
        "content": {
            media: {"schema": {"type": "string", "format": "binary"}}
            for media in dict.fromkeys(f.media_type for f in FORMATS.values())
        },
    }
}


# ------------------------------------------------------------------ data


def _overview(loaded: Loaded, dx: Diagnosis, session) -> dict:
    results, campaign = loaded.results, loaded.campaign
    organization = dx.organization.records()[0]
    units = dx.units.records() if dx.units is not None else []
    # the overview is about the viewer's scope: the unit, with the organization as reference
    subject = units[0] if loaded.scope is not None and units else organization
    return {
        "campaign": {
            "id": str(campaign.id),
            "name": campaign.name,
            "status": campaign.status.value,
            "k": campaign.k,
            "comment_k": campaign.comment_k,
        },
        "scope": loaded.scope,
        "live": results.live,
        "released_count": results.released_count,
        "pending": results.pending,
        "withheld": results.withheld,
        "response_rate": organization_rate(session, campaign=campaign, unit=loaded.scope),
        "n_respondents": dx.n_respondents,
        "settings": dict(dx.settings),
        "dimensions": _thaw(dx.dimensions),
        "cfa": _thaw(dx.cfa),
        "organization": organization,
        "units": units,
        "subject": subject,
        "headline": _thaw_headline(headline(subject, list(dx.dimensions))),
        "n_teams": len(dx.teams.labels),
        "n_teams_shown": int((~dx.teams.suppressed).sum()),
        "findings": _thaw(dx.findings),
        "role_gaps": _thaw(dx.role_gaps),
        "tenure": _thaw(dx.tenure),
        "differences": [dict(d) for d in dx.differences[:50]],
        "drivers": _thaw(dx.drivers),
        "comments": list(dx.comments["organization"]),
        "comments_withheld": dx.comments["withheld"],
        "priority": _thaw(dx.priority) if dx.priority is not None else None,
        "invariance": _thaw(dx.invariance) if dx.invariance is not None else None,
        "labels": label_table(),
        "decision_register": results.register.to_dict() if results.register is not None else None,
        "fact_sheets": facts_records(session, campaign=campaign, items=dx.items, scope=loaded.scope),
    }


def _thaw_headline(h):
    if h is None:
        return None
    return {**h, "groups": [{"finding": f, "dimensions": list(ds)} for f, ds in h["groups"]]}


def _thaw(x):
    if hasattr(x, "items"):
        return {k: _thaw(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_thaw(v) for v in x]
    return x


def _unit_of(dx, unit: str | None):
    if unit is None:
        return None
    if dx.units is None or unit not in dx.units.labels:
        raise NotFound(UNIT_NOT_FOUND)
    return unit


def _heatmap(dx, *, metric: str, unit: str | None, page: int, lang: str, sort: str) -> dict:
    if metric not in figures.available_metrics(dx):
        raise Invalid(NO_MISCONCEPTIONS)
    level = "unit" if unit is None and dx.units is not None else "team"
    kw = {"level": level} if level == "unit" else {"level": "team", "unit": unit}
    pages = figures.page_count(dx, page_size=PAGE_SIZE, **kw)
    if page >= max(pages, 1):
        raise NotFound("page not found")
    order = figures.group_order(dx, sort=sort, **kw)[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    table = dx.units if level == "unit" else dx.teams
    make = figures.unit_heatmap if level == "unit" else functools.partial(figures.team_heatmap, unit=unit)
    return {
        "level": level,
        "unit": unit,
        "metric": metric,
        "sort": sort,
        "page": page,
        "pages": pages,
        "rows": [table.labels[i] for i in order.tolist()],
        "records": table.records(order.tolist()),
        "figure": make(dx, metric, page=page, page_size=PAGE_SIZE, lang=lang, sort=sort, as_dict=True),
    }


#: The heatmaps the page shows together: perception and structure side by side.
PAIRED = ("perception", "structure")


def _heatmap_panels(dx, heat: dict, lang: str) -> list:
    """The figures of the heatmap page, each with its table for screen readers:
    perception and structure side by side, or the one chosen figure (findings,
    misconceptions)."""
    metrics = PAIRED if heat["metric"] in PAIRED else (heat["metric"],)
    panels = []
    for metric in metrics:
        kw = dict(
            level=heat["level"], unit=heat["unit"], page=heat["page"], page_size=PAGE_SIZE, lang=lang, sort=heat["sort"]
        )
        figure = (
            heat["figure"]
            if metric == heat["metric"]
            else (
                figures.unit_heatmap(
                    dx, metric, page=heat["page"], page_size=PAGE_SIZE, lang=lang, sort=heat["sort"], as_dict=True
                )
                if heat["level"] == "unit"
                else figures.team_heatmap(
                    dx,
                    metric,
                    unit=heat["unit"],
                    page=heat["page"],
                    page_size=PAGE_SIZE,
                    lang=lang,
                    sort=heat["sort"],
                    as_dict=True,
                )
            )
        )
        panels.append({"metric": metric, "figure": figure, "table": figures.heatmap_table(dx, metric, **kw)})
    return panels


def _team(dx, name: str) -> dict:
    if name not in dx.teams.labels:
        raise NotFound("team not found")
    return dx.team(name)


def _scoped_unit(loaded: Loaded, unit: str | None) -> str | None:
    """The unit asked for; a viewer of one unit gets that unit, and no other."""
    if loaded.scope is None:
        return unit
    if unit not in (None, loaded.scope):
        raise NotFound(UNIT_NOT_FOUND)
    return loaded.scope


def _view(loaded: Loaded, unit, role, tenure) -> View:
    unit = _scoped_unit(loaded, unit)
    if unit is None and role is None and tenure is None:
        raise Invalid(BAD_FILTER)
    try:
        return filtered_view(loaded.results, loaded.campaign, unit=unit, role=role, tenure=tenure)
    except ValueError:
        raise Invalid(BAD_FILTER) from None


def _filter_choices(dx: Diagnosis, campaign) -> dict:
    q = questionnaire_of(campaign)
    choices = {"unit": list(dx.units.labels) if dx.units is not None else []}
    for bg in ("role", "tenure"):
        items = [i for i in q.items_of("background") if i.background == bg]
        choices[bg] = [(o.key, dict(o.label)) for o in items[0].options] if items else []
    return choices


# ------------------------------------------------------------------ pages


def _dimension_names(dx, lang: str, dims) -> str:
    """The names of ``dims`` as one list in ``lang`` ("Direction, Decision rights and Feedback")."""
    return format_list([dx.dimensions[d]["name"][lang] for d in dims], locale=lang) if dims else ""


def _page(page_ctx: PageContext, name, loaded: Loaded, **extra):
    results = loaded.results
    lang = page_ctx.lang
    ctx = {
        "campaign": loaded.campaign,
        "results": results,
        "scope": loaded.scope,
        "tx": translator(lang, UI, TEXTS),
        "LABELS": LABELS,
        "FINDING_MEANS": FINDING_MEANS,
        "FINDING_DO": FINDING_DO,
        "TYPOLOGY_MEANS": TYPOLOGY_MEANS,
        "dx": results.diagnosis,
        "fit_cutoffs": fit_cutoffs(lang),
        "ci_pct": round(100 * results.diagnosis.settings["confidence"]) if results.diagnosis else 95,
        "plotly_style_ids": plotly_style_ids(),
        "plotly_url": plotly_url(),
        "plotly_version": plotly_version(),
        "active": name.split("/")[-1].removesuffix(".html"),
        "register_tx": translator(lang, RESULTS),
        "level_fill": LEVEL_FILL,
        "HEADLINE_TEXTS": HEADLINE_TEXTS,
        "advice": advice,
        "pattern_of": shown_typology,
        "dimension_names": functools.partial(_dimension_names, results.diagnosis, lang),
        **extra,
    }
    return page_ctx.render(name, ctx, org=loaded.org, role=loaded.role)


@router.get("/campaigns/{campaign_id}/results", include_in_schema=False)
def results_page(campaign_id: uuid.UUID, session: SessionDep, user: CurrentUser, page_ctx: Page):
    lang = page_ctx.lang
    loaded = _load(session, user, campaign_id)
    results = loaded.results
    extra: dict[str, Any] = {}
    if results.diagnosis is not None:
        extra["data"] = _overview(loaded, results.diagnosis, session)
        extra["overview_figure"] = figures.organization_overview(results.diagnosis, lang=lang, as_dict=True)
        extra["role_figure"] = (
            figures.role_gap_chart(results.diagnosis, lang=lang, as_dict=True) if results.diagnosis.role_gaps else None
        )
        extra["formats"] = [f for f in FORMATS.values() if f.key != "team-pdf"]
        extra["benchmark"] = _benchmark(session, loaded)
        extra["measurement"] = measurement_sections(results.diagnosis, lang)
    return _page(page_ctx, "results/overview.html", loaded, **extra)


@router.get("/campaigns/{campaign_id}/results/heatmaps", include_in_schema=False)
def heatmaps_page(
    campaign_id: uuid.UUID,
    session: SessionDep,
    user: CurrentUser,
    page_ctx: Page,
    metric: Metric = "perception",
    unit: str | None = None,
    page: Annotated[int, Query(ge=0, le=10_000)] = 0,
    sort: Sort = "best",
):
    lang = page_ctx.lang
    loaded = _load(session, user, campaign_id)
    dx = _require(loaded.results)
    heat = _heatmap(dx, metric=metric, unit=_unit_of(dx, _scoped_unit(loaded, unit)), page=page, lang=lang, sort=sort)
    return _page(
        page_ctx,
        "results/heatmaps.html",
        loaded,
        heat=heat,
        metrics=figures.available_metrics(dx),
        units=list(dx.units.labels) if dx.units is not None else [],
        panels=_heatmap_panels(dx, heat, lang),
    )


@router.get("/campaigns/{campaign_id}/results/team", include_in_schema=False)
def team_page(
    campaign_id: uuid.UUID,
    session: SessionDep,
    user: CurrentUser,
    name: Annotated[str, Query(max_length=300)],
    page_ctx: Page,
):
    lang = page_ctx.lang
    loaded = _load(session, user, campaign_id)
    dx = _require(loaded.results)
    team = _team(dx, name)
    thresholds = questionnaire_of(loaded.campaign).thresholds
    verdicts = {
        d: verdict_lines(c, lang, thresholds=thresholds)
        for d, c in (team.get("dimensions") or {}).items()
        if not c["suppressed"]
    }
    return _page(
        page_ctx,
        "results/team.html",
        loaded,
        team=team,
        verdicts=verdicts,
        org_record=dx.organization.records()[0],
        cadences=CADENCE_LABELS,
        team_facts=campaign_facts(session, campaign=loaded.campaign, items=dx.items).get(name),
    )


@router.get("/campaigns/{campaign_id}/results/filters", include_in_schema=False)
def filters_page(
    campaign_id: uuid.UUID,
    session: SessionDep,
    user: CurrentUser,
    page_ctx: Page,
    unit: str | None = None,
    role_: Annotated[str | None, Query(alias="role")] = None,
    tenure: str | None = None,
):
    loaded = _load(session, user, campaign_id)
    results = loaded.results
    dx = _require(results)
    unit, role_, tenure = (v or None for v in (unit, role_, tenure))
    unit = _scoped_unit(loaded, unit)
    view = _view(loaded, unit, role_, tenure) if (unit or role_ or tenure) else None
    return _page(
        page_ctx,
        "results/filters.html",
        loaded,
        view=view,
        choices=_filter_choices(dx, loaded.campaign),
        chosen={"unit": unit, "role": role_, "tenure": tenure},
        org_record=dx.organization.records()[0],
    )


# ------------------------------------------------------------------ API


@router.get("/api/v1/campaigns/{campaign_id}/results", response_model=ResultsOut | HiddenOut)
def api_results(campaign_id: uuid.UUID, session: SessionDep, user: CurrentUser):
    """The released results of the organization and its units (teams: see the heatmap
    and team endpoints), or ``{"hidden": why}`` while nothing may be shown."""
    loaded = _load(session, user, campaign_id)
    if loaded.results.diagnosis is None:
        return {"hidden": loaded.results.hidden}
    return _overview(loaded, loaded.results.diagnosis, session)


@router.get("/api/v1/campaigns/{campaign_id}/results/heatmap", response_model=HeatmapOut)
def api_heatmap(
    campaign_id: uuid.UUID,
    session: SessionDep,
    user: CurrentUser,
    lang: Lang = "en",
    metric: Metric = "perception",
    unit: str | None = None,
    page: Annotated[int, Query(ge=0, le=10_000)] = 0,
    sort: Sort = "best",
):
    """One page of the unit heatmap, or of the teams of ``unit``: the plotly figure and
    the released records of its rows, in the order ``sort``."""
    loaded = _load(session, user, campaign_id)
    dx = _require(loaded.results)
    return _heatmap(dx, metric=metric, unit=_unit_of(dx, _scoped_unit(loaded, unit)), page=page, lang=lang, sort=sort)


@router.get("/api/v1/campaigns/{campaign_id}/results/team", response_model=GroupRecordOut)
def api_team(
    campaign_id: uuid.UUID, session: SessionDep, user: CurrentUser, name: Annotated[str, Query(max_length=300)]
):
    """The released record of one team (only the reason when it is hidden)."""
    return _team(_require(_load(session, user, campaign_id).results), name)


@router.get("/api/v1/campaigns/{campaign_id}/results/view", response_model=ViewOut)
def api_view(
    campaign_id: uuid.UUID,
    session: SessionDep,
    user: CurrentUser,
    unit: Annotated[str | None, Query(max_length=300)] = None,
    role: Annotated[str | None, Query(max_length=20)] = None,
    tenure: Annotated[str | None, Query(max_length=20)] = None,
):
    """A filtered view by unit, role and/or tenure, or why it is not shown."""
    loaded = _load(session, user, campaign_id)
    _require(loaded.results)
    return _view(loaded, unit, role, tenure).to_dict()


def _report_args(session, loaded: Loaded, fmt_key, team, lang):
    """Format, released diagnosis, file name and renderer arguments of a report; a
    viewer of one unit gets the report of that unit."""
    fmt = get_format(fmt_key)
    dx = _require(loaded.results)
    if fmt.key == "team-pdf":
        check_team(dx, team)
    title = loaded.org.name if loaded.scope is None else f"{loaded.org.name} – {loaded.scope}"
    parts = [title, loaded.campaign.name] + ([team] if fmt.key == "team-pdf" else []) + [lang]
    filename = safe_filename(*parts, extension=fmt.extension)
    kwargs = dict(
        lang=lang,
        organization_name=title,
        campaign_name=loaded.campaign.name,
        team=team,
        benchmark=_benchmark(session, loaded),
        provenance={
            "links": audit_summary(session, campaign=loaded.campaign),
            "withheld": loaded.campaign.withheld_answers,
        },
        register=with_facts(
            session, campaign=loaded.campaign, register=loaded.results.register, items=dx.items, scope=loaded.scope
        ),
    )
    return fmt, dx, filename, kwargs


@router.get(
    "/api/v1/campaigns/{campaign_id}/results/download/{fmt_key}", response_class=Response, responses=FILE_RESPONSE
)
def api_download(
    campaign_id: uuid.UUID,
    fmt_key: str,
    session: SessionDep,
    user: CurrentUser,
    lang: Lang = "en",
    team: Annotated[str | None, Query(max_length=300)] = None,
):
    """A report file, generated in this request (runs in the worker thread pool; for
    the slow formats the page uses a job instead, see ``…/results/jobs``)."""
    fmt, dx, filename, kwargs = _report_args(session, _load(session, user, campaign_id), fmt_key, team, lang)
    body = render(fmt, dx, **kwargs)
    return Response(body, media_type=fmt.media_type, headers={"content-disposition": content_disposition(filename)})


class LiveIn(BaseModel):
    live_results: bool


@router.put("/api/v1/organizations/{organization_id}/live-results", response_model=LiveOut)
def api_live_results(organization_id: uuid.UUID, body: LiveIn, session: SessionDep, user: CurrentUser):
    """Enable or disable live results (open campaigns show results in steps of k)."""
    org, _ = get_organization(session, user=user, organization_id=organization_id, write=True)
    return {"live_results": set_live_results(session, organization=org, enabled=body.live_results).live_results}


@router.post("/orgs/{organization_id}/live-results", include_in_schema=False)
def live_results_form(
    organization_id: uuid.UUID,
    session: SessionDep,
    user: CurrentUser,
    live_results: Annotated[bool, Form()],
    campaign_id: Annotated[uuid.UUID, Form()],
):
    org, _ = get_organization(session, user=user, organization_id=organization_id, write=True)
    set_live_results(session, organization=org, enabled=live_results)
    return RedirectResponse(f"/campaigns/{campaign_id}/results", status_code=303)


class JobIn(BaseModel):
    format: str
    lang: Literal["en", "de"] = "en"
    team: str | None = None


@router.post("/api/v1/campaigns/{campaign_id}/results/jobs", status_code=202, response_model=JobOut)
def api_job_start(campaign_id: uuid.UUID, body: JobIn, request: Request, session: SessionDep, user: CurrentUser):
    """Start generating a report in the background; poll the returned job."""
    loaded = _load(session, user, campaign_id)
    fmt, dx, filename, kwargs = _report_args(session, loaded, body.format, body.team, body.lang)
    job = _runner(request).submit(
        session,
        owner=user.id,
        campaign_id=loaded.campaign.id,
        fmt=fmt,
        filename=filename,
        work=lambda: render(fmt, dx, **kwargs),
    )
    return job.to_dict()


@router.get("/api/v1/campaigns/{campaign_id}/results/jobs/{job_id}", response_model=JobOut)
def api_job(campaign_id: uuid.UUID, job_id: str, request: Request, user: CurrentUser):
    """State of a report job: queued, running, done (with a download link) or failed."""
    return _runner(request).get(job_id, owner=user.id, campaign_id=campaign_id).to_dict()


@router.get(
    "/api/v1/campaigns/{campaign_id}/results/jobs/{job_id}/file", response_class=Response, responses=FILE_RESPONSE
)
def api_job_file(campaign_id: uuid.UUID, job_id: str, request: Request, user: CurrentUser):
    job = _runner(request).get(job_id, owner=user.id, campaign_id=campaign_id)
    if job.state == "failed":
        raise ServiceError(JOB_FAILED)
    if job.state != "done":
        raise ServiceError(JOB_NOT_READY)
    return Response(
        _runner(request).body(job),
        media_type=FORMATS[job.format].media_type,
        headers={"content-disposition": content_disposition(job.filename)},
    )


# ------------------------------------------------------------------ plotly.js

#: Browsers keep a versioned plotly.js for a year without asking again.
IMMUTABLE = "public, max-age=31536000, immutable"


@functools.lru_cache(maxsize=1)
def plotly_version() -> str:
    """A short fingerprint of the served plotly.js: part of its URL, so that a new
    version is a new URL and the old one may be cached forever."""
    return hashlib.sha256(plotly_source().encode("utf-8")).hexdigest()[:12]


def plotly_url() -> str:
    return f"/static/vendor/plotly.min.js?v={plotly_version()}"


@functools.lru_cache(maxsize=1)
def _plotly_js() -> bytes:
    return plotly_source().encode("utf-8")


@functools.lru_cache(maxsize=1)
def _plotly_js_gzip() -> bytes:
    """The same, compressed once (the partial bundle's 1.5 MB become 0.5 MB on the wire)."""
    return gzip.compress(_plotly_js(), compresslevel=9, mtime=0)


_CSS_BLOCK = re.compile(r'\{"X,X div":.*?"Y \.notifier-close:hover":"[^"]*"\}', re.S)
_CSS_RULE = re.compile(r'"([^"]+)":(?:\'([^\']*)\'|"([^"]*)")')


@functools.lru_cache(maxsize=1)
def _plotly_css() -> bytes:
    """plotly.js's own style rules as a stylesheet. plotly.js injects them into a
    ``<style>`` element, which the Content-Security-Policy forbids; it skips that when
    the page already has an element ``#plotly.js-style-global.no-inline-styles`` (our
    ``<link>``)."""
    block = _CSS_BLOCK.search(plotly_source())
    rules = []
    for selector, single, double in _CSS_RULE.findall(block.group(0) if block else ""):
        full = re.sub(r"^,", " ,", selector).replace("X", ".js-plotly-plot .plotly").replace("Y", ".plotly-notifier")
        rules.append(f"{full}{{{single or double}}}")
    return "\n".join(rules).encode("utf-8")


@functools.lru_cache(maxsize=1)
def plotly_style_ids() -> tuple:
    """Ids of further ``<style>`` elements plotly.js would inject unless an element with
    that id exists (e.g. the map library's styles, unused here); the pages hold an
    empty ``<template>`` with each id so that nothing inline is attempted."""
    pattern = r'if\(!document\.getElementById\("([0-9a-f]{16,})"\)\)\{var \w+=document\.createElement\("style"\)'
    return tuple(re.findall(pattern, plotly_source()))


def _cached(request: Request, body: bytes, media_type: str, headers: dict) -> Response:
    """``body`` with an ETag; 304 when the browser already has it; cached for a year
    when requested under its versioned URL."""
    etag = f'"plotly-{plotly_version()}"'
    versioned = request.query_params.get("v") == plotly_version()
    headers = {"cache-control": IMMUTABLE if versioned else "public, max-age=86400", "etag": etag, **headers}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


@router.get("/static/vendor/plotly.css", include_in_schema=False)
def plotly_css(request: Request):
    return _cached(request, _plotly_css(), "text/css; charset=utf-8", {})


@router.get("/static/vendor/plotly.min.js", include_in_schema=False)
def plotly_js(request: Request):
    """plotly.js (the partial bundle) from this server (never a CDN); compressed when the
    browser accepts gzip; under its versioned URL (:func:`plotly_url`) cached for a year,
    so that a browser loads it once."""
    if "gzip" in request.headers.get("accept-encoding", ""):
        return _cached(
            request,
            _plotly_js_gzip(),
            "text/javascript; charset=utf-8",
            {"content-encoding": "gzip", "vary": "accept-encoding"},
        )
    return _cached(request, _plotly_js(), "text/javascript; charset=utf-8", {"vary": "accept-encoding"})


@router.get("/campaigns/{campaign_id}/results/download/{fmt_key}", include_in_schema=False)
def download_page(campaign_id: uuid.UUID, fmt_key: str, lang: Lang = "en", team: str | None = None):
    """Without JavaScript: the direct download."""
    query = urlencode({"lang": lang, **({"team": team} if team else {})})
    return RedirectResponse(f"/api/v1/campaigns/{campaign_id}/results/download/{fmt_key}?{query}", status_code=303)
