"""Waves: change between campaigns of one organization, with intervals, the
reliable-change verdict, a team mapping and a trend chart (three or more waves).
Every figure comes from :func:`analysis.waves.compare_waves`."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from analysis.wave_figures import trend_figure, trend_groups
from app.deps import CsrfRoute, CurrentUser, PageLang, SessionDep
from app.i18n import translator
from app.reports.measurement import wave_invariance_sections
from app.routers import portfolio
from app.routers.results import plotly_style_ids
from app.services.organizations import get_organization, unit_scope
from app.services.waves import closed_campaigns, compare
from app.templating import render

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
    pvalue: float | None = Field(None, description="the cell's own p-value (the larger of Welch's and the pooled test's)")
    p_adjusted: float | None = Field(None, description="Benjamini-Hochberg adjusted over all cells of the comparison")
    reliable: bool | None
    meaningful: bool | None
    change: str | None


class WaveComparisonOut(BaseModel):
    labels: list[str]
    questionnaires: list[dict[str, str | int]]
    comparable_on: list[str]
    note: dict[str, str] | None
    settings: dict[str, float]
    correction: str | None = None
    structure_n: str | None = None
    matching: list[dict[str, Any]] = Field(description="how the groups of two waves were matched")
    changes: list[ChangeOut]
    trend: list[dict[str, Any]] = Field(description="per group, dimension and measure: its values in every wave")


class WavesOut(BaseModel):
    campaigns: list[WaveCampaignOut]
    comparison: WaveComparisonOut
    invariance: dict[str, Any] | None = Field(
        None, description="measurement invariance of the perception model between the waves (organization only)")


#: Texts of the waves page (shared ones come from the portfolio's).
UI = {
    "too_few": {"en": "Waves compare two or more closed campaigns of {org}.",
                "de": "Wellen vergleichen zwei oder mehr abgeschlossene Befragungen von {org}."},
    "closed_so_far": {"en": "{n} closed campaigns so far.", "de": "Bisher {n} abgeschlossene Befragungen."},
    "closed_so_far_one": {"en": "1 closed campaign so far.", "de": "Bisher 1 abgeschlossene Befragung."},
    "pick_title": {"en": "Campaigns and team changes", "de": "Befragungen und Teamänderungen"},
    "pick": {"en": "Campaigns to compare (oldest first; none ticked = all)",
             "de": "Zu vergleichende Befragungen (älteste zuerst; keine angekreuzt = alle)"},
    "team_map": {"en": "Team mapping (renamed, split or merged teams), one per line",
                 "de": "Teamzuordnung (umbenannte, geteilte oder zusammengelegte Teams), eine pro Zeile"},
    "team_map_help": {
        "en": "<code>old -&gt; new</code> renames, <code>old -&gt; a, b</code> splits, <code>a, b -&gt; ab</code> merges. Split and merged teams are compared as a whole, never part against part. Teams with the same name are matched automatically.",
        "de": "<code>alt -&gt; neu</code> benennt um, <code>alt -&gt; a, b</code> teilt, <code>a, b -&gt; ab</code> legt zusammen. Geteilte und zusammengelegte Teams werden als Ganzes verglichen, nie Teil gegen Teil. Teams mit gleichem Namen werden automatisch zugeordnet.",
    },
    "measure": {"en": "Measure", "de": "Maß"},
    "score": {"en": "Perception score", "de": "Wahrnehmungswert"},
    "structure": {"en": "Structure index", "de": "Strukturindex"},
    "span": {"en": "Comparison", "de": "Vergleich"},
    "trend_of": {"en": "Trend of", "de": "Verlauf von"},
    "compare": {"en": "Compare", "de": "Vergleichen"},
    "trend_title": {"en": "Trend over {n} waves", "de": "Verlauf über {n} Wellen"},
    "trend_label": {"en": "Trend chart; the same values are in the table below",
                    "de": "Verlaufsdiagramm; dieselben Werte stehen in der Tabelle darunter"},
    "reliable_help": {
        "en": "A change counts as <strong>improved</strong> or <strong>declined</strong> only when it is reliable — corrected for the number of groups and measures compared (Benjamini–Hochberg, false-discovery rate 5 %) — and at least {min} points (meaningful); otherwise: no reliable change. The interval shown is the {ci} % interval of the change itself. Groups smaller than k in either wave show no change.",
        "de": "Eine Veränderung gilt nur dann als <strong>verbessert</strong> oder <strong>verschlechtert</strong>, wenn sie verlässlich ist — korrigiert für die Zahl der verglichenen Gruppen und Maße (Benjamini–Hochberg, Falschentdeckungsrate 5 %) — und mindestens {min} Punkte beträgt (bedeutsam); sonst: keine verlässliche Veränderung. Das gezeigte Intervall ist das {ci}-%-Intervall der Veränderung selbst. Gruppen unter k Personen in einer der beiden Wellen zeigen keine Veränderung.",
    },
    "group": {"en": "Group", "de": "Gruppe"},
    "change_ci": {"en": "Change ({ci} % CI)", "de": "Veränderung ({ci}\u2011%\u2011KI)"},
    "verdict": {"en": "Verdict", "de": "Bewertung"},
    "improved": {"en": "improved", "de": "verbessert"},
    "declined": {"en": "declined", "de": "verschlechtert"},
    "no_reliable_change": {"en": "no reliable change", "de": "keine verlässliche Veränderung"},
    "match_renamed": {"en": "renamed from {teams}", "de": "umbenannt, vorher {teams}"},
    "match_split": {"en": "split: {teams}", "de": "geteilt: {teams}"},
    "match_merged": {"en": "merged: {teams}", "de": "zusammengelegt: {teams}"},
    "match_restructured": {"en": "restructured: {teams}", "de": "neu zugeschnitten: {teams}"},
    "unit": {"en": "unit", "de": "Bereich"},
    "team": {"en": "team", "de": "Team"},
    "unit_plural": {"en": "Units", "de": "Bereiche"},
    "team_plural": {"en": "Teams", "de": "Teams"},
    "only_in": {"en": "only in {wave}: {groups}", "de": "nur in {wave}: {groups}"},
    "scope_note": {"en": "Changes of the unit {unit} and its teams, and of the organization as a whole: your access is limited to this unit.",
                   "de": "Veränderungen des Bereichs {unit} und seiner Teams sowie der Organisation insgesamt: Ihr Zugang ist auf diesen Bereich beschränkt."},
}


@router.get("/orgs/{organization_id}/waves", include_in_schema=False)
def waves_page(organization_id: uuid.UUID, request: Request, session: SessionDep, user: CurrentUser,
               lang: PageLang, campaign: CampaignIds = [], team_map: TeamMap = "", measure: Measure = "score",  # noqa: B006
               span: Annotated[int | None, Query(ge=0, le=40)] = None,
               trend: Annotated[str, Query(max_length=400)] = "organization:"):
    org, role = get_organization(session, user=user, organization_id=organization_id, results=True)
    scope = unit_scope(session, user=user, organization=org)
    available = closed_campaigns(session, organization=org)
    ctx = {"org": org, "role": role.value, "scope": scope, "available": available, "selected": set(campaign), "team_map": team_map,
           "measure": measure, "comparison": None, "plotly_style_ids": plotly_style_ids(),
           "tx": translator(lang, UI, portfolio.UI)}
    if len(available) >= 2:
        chosen, comparison, invariance = compare(session, organization=org, campaign_ids=campaign or None,
                                                 team_map=team_map, scope=scope)
        data = comparison.to_dict()
        ctx["measurement"] = wave_invariance_sections(invariance, lang)
        spans = list(dict.fromkeys((c["from_wave"], c["to_wave"]) for c in data["changes"]))
        current = spans[-1] if span is None or span >= len(spans) else spans[span]
        ctx.update(comparison=data, chosen=chosen, spans=spans, span_index=spans.index(current),
                   changes=[c for c in data["changes"] if (c["from_wave"], c["to_wave"]) == current
                            and c["measure"] == measure],
                   matching=[m for m in data["matching"] if (m["from_wave"], m["to_wave"]) == current])
        if len(comparison.labels) >= 3:
            groups = trend_groups(comparison)
            level, _, group = trend.partition(":")
            if (level, group) not in groups:
                level, group = groups[0]
            ctx.update(trend_groups=groups, trend_key=f"{level}:{group}",
                       trend_figure=trend_figure(comparison, level=level, group=group, measure=measure, lang=lang,
                                                 as_dict=True))
    return render(request, "waves/index.html", ctx, lang=lang)


@router.get("/api/v1/organizations/{organization_id}/waves", response_model=WavesOut)
def waves_api(organization_id: uuid.UUID, session: SessionDep, user: CurrentUser,
              campaign: CampaignIds = [], team_map: TeamMap = ""):  # noqa: B006
    """Change per dimension for the organization, its units and teams between its closed
    campaigns (default: all, oldest first), with intervals and the reliable-change
    verdict; ``team_map`` lines ``old -> new``, ``old -> a, b`` (split), ``a, b -> ab``
    (merge)."""
    org, _ = get_organization(session, user=user, organization_id=organization_id, results=True)
    chosen, comparison, invariance = compare(session, organization=org, campaign_ids=campaign or None,
                                             team_map=team_map, scope=unit_scope(session, user=user, organization=org))
    return {"campaigns": [{"id": str(c.id), "name": c.name, "questionnaire_id": c.questionnaire_id}
                          for c in chosen], "comparison": comparison.to_dict(), "invariance": invariance}
