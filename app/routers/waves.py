"""Waves: change between campaigns of one organization, with intervals, the
reliable-change verdict, a team mapping and a trend chart (three or more waves).
Every figure comes from :func:`analysis.waves.compare_waves`."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from analysis.wave_figures import trend_figure, trend_groups
from app.deps import CsrfRoute, CurrentUser, Page, SessionDep
from app.catalogue import format_number, gettext, use_language
from app.reasons import SCORES_NOTE, wave_reason
from app.reports.measurement import wave_invariance_sections
from app.routers.results import plotly_style_ids
from app.services.organizations import get_organization, unit_scope
from app.services.waves import closed_campaigns, compare

router = APIRouter(tags=["waves"], route_class=CsrfRoute)
CampaignIds = Annotated[list[uuid.UUID], Query(alias="campaign", max_length=20)]
TeamMap = Annotated[str, Query(max_length=10_000)]
Measure = Annotated[Literal["score", "structure"], Query()]


class WaveCampaignOut(BaseModel):
    id: uuid.UUID
    name: str
    questionnaire_id: str


class ChangeOut(BaseModel):
    """The change of one group, dimension and measure between two waves; without
    figures where a wave did not release them (``reason`` says why)."""

    from_wave: str
    to_wave: str
    span: str
    level: str
    group: str
    groups_before: list[str]
    groups_after: list[str]
    match: str
    dimension: str
    measure: str
    available: bool
    reason: str | None
    reason_before: str | None
    reason_after: str | None
    reason_text: dict[str, str] | None
    before: float | None
    after: float | None
    se_before: float | None
    se_after: float | None
    n_before: int | None
    n_after: int | None
    difference: float | None
    se: float | None
    df: float | None
    critical: float | None
    ci_low: float | None
    ci_high: float | None
    pvalue: float | None = Field(
        None, description="the cell's own p-value (the larger of Welch's and the pooled test's)"
    )
    p_adjusted: float | None = Field(None, description="Benjamini-Hochberg adjusted over all cells of the comparison")
    reliable: bool | None
    meaningful: bool | None
    change: str | None


class MatchComponentOut(BaseModel):
    before: list[str]
    after: list[str]
    match: str


class MatchingOut(BaseModel):
    """How the groups of one level were matched between two waves."""

    from_wave: str
    to_wave: str
    span: str
    level: str
    components: list[MatchComponentOut]
    ended: list[str] = Field(description="groups of the earlier wave without a successor")
    new: list[str] = Field(description="groups of the later wave without a predecessor")


class TrendValueOut(BaseModel):
    """One wave's figure of a trend row; without figures where the wave did not release
    it (``reason`` says why)."""

    wave: str
    group: str | None
    value: float | None
    ci_low: float | None
    ci_high: float | None
    n: int | None
    released: bool
    reason: str | None


class TrendOut(BaseModel):
    level: str
    group: str
    labels: list[str | None] = Field(description="the group's name in each wave (null: not present)")
    dimension: str
    measure: str
    values: list[TrendValueOut]
    steps: list[str | None] = Field(description="the change between consecutive waves, null where not available")
    overall: dict[str, float | str | None] | None = Field(
        description="first to last wave: difference, interval, change"
    )


class WaveComparisonOut(BaseModel):
    labels: list[str]
    questionnaires: list[dict[str, str | int]]
    comparable_on: list[str]
    note: dict[str, str] | None
    settings: dict[str, float]
    correction: str | None = None
    structure_n: str | None = None
    matching: list[MatchingOut] = Field(description="how the groups of two waves were matched")
    changes: list[ChangeOut]
    trend: list[TrendOut] = Field(description="per group, dimension and measure: its values in every wave")


class WavesOut(BaseModel):
    campaigns: list[WaveCampaignOut]
    comparison: WaveComparisonOut
    invariance: dict[str, Any] | None = Field(
        None, description="measurement invariance of the perception model between the waves (organization only)"
    )


@router.get("/orgs/{organization_id}/waves", include_in_schema=False)
def waves_page(
    organization_id: uuid.UUID,
    session: SessionDep,
    user: CurrentUser,
    page_ctx: Page,
    campaign: CampaignIds = [],
    team_map: TeamMap = "",
    measure: Measure = "score",  # noqa: B006
    span: Annotated[int | None, Query(ge=0, le=40)] = None,
    trend: Annotated[str, Query(max_length=400)] = "organization:",
):
    lang = page_ctx.lang
    org, role = get_organization(session, user=user, organization_id=organization_id, results=True)
    scope = unit_scope(session, user=user, organization=org)
    available = closed_campaigns(session, organization=org)
    ctx: dict[str, Any] = {
        "scope": scope,
        "available": available,
        "selected": set(campaign),
        "team_map": team_map,
        "measure": measure,
        "comparison": None,
        "plotly_style_ids": plotly_style_ids(),
        "scores_note": SCORES_NOTE,
    }
    if len(available) >= 2:
        chosen, comparison, invariance = compare(
            session, organization=org, campaign_ids=campaign or None, team_map=team_map, scope=scope
        )
        data = comparison.to_dict()
        ctx["measurement"] = wave_invariance_sections(invariance, lang)
        spans = list(dict.fromkeys((c["from_wave"], c["to_wave"]) for c in data["changes"]))
        current = spans[-1] if span is None or span >= len(spans) else spans[span]
        ks = dict(zip(comparison.labels, (c.k for c in chosen)))
        changes = [c for c in data["changes"] if (c["from_wave"], c["to_wave"]) == current and c["measure"] == measure]
        with use_language(lang):
            for c in changes:
                c["reason_page"] = wave_reason(c, ks) if not c["available"] else ""
        ctx.update(
            comparison=data,
            chosen=chosen,
            spans=spans,
            span_index=spans.index(current),
            changes=changes,
            matching=[m for m in data["matching"] if (m["from_wave"], m["to_wave"]) == current],
        )
        if len(comparison.labels) >= 3:
            groups = trend_groups(comparison)
            level, _, group = trend.partition(":")
            if (level, group) not in groups:
                level, group = groups[0]
            with use_language(lang):
                figure = trend_figure(
                    comparison,
                    level=level,
                    group=group,
                    measure=measure,
                    as_dict=True,
                    translate=gettext,
                    number=format_number,
                )
            ctx.update(trend_groups=groups, trend_key=f"{level}:{group}", trend_figure=figure)
    return page_ctx.render("waves/index.html", ctx, org=org, role=role)


@router.get("/api/v1/organizations/{organization_id}/waves", response_model=WavesOut)
def waves_api(
    organization_id: uuid.UUID,
    session: SessionDep,
    user: CurrentUser,
    campaign: CampaignIds = [],
    team_map: TeamMap = "",
):  # noqa: B006
    """Change per dimension for the organization, its units and teams between its closed
    campaigns (default: all, oldest first), with intervals and the reliable-change
    verdict; ``team_map`` lines ``old -> new``, ``old -> a, b`` (split), ``a, b -> ab``
    (merge)."""
    org, _ = get_organization(session, user=user, organization_id=organization_id, results=True)
    chosen, comparison, invariance = compare(
        session,
        organization=org,
        campaign_ids=campaign or None,
        team_map=team_map,
        scope=unit_scope(session, user=user, organization=org),
    )
    return {
        "campaigns": [{"id": str(c.id), "name": c.name, "questionnaire_id": c.questionnaire_id} for c in chosen],
        "comparison": comparison.to_dict(),
        "invariance": invariance,
    }
