"""Waves: change between campaigns of one organization, with intervals, the
reliable-change verdict, a team mapping and a trend chart (three or more waves).
Every figure comes from :func:`analysis.waves.compare_waves`."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request

from analysis.wave_figures import trend_figure, trend_groups
from app.deps import CsrfProtected, CurrentUser, SessionDep
from app.routers.results import plotly_style_ids
from app.services.organizations import get_organization
from app.services.waves import closed_campaigns, compare
from app.templating import render

router = APIRouter(tags=["waves"], dependencies=[CsrfProtected])
CampaignIds = Annotated[list[uuid.UUID], Query(alias="campaign", max_length=20)]
TeamMap = Annotated[str, Query(max_length=10_000)]
Measure = Annotated[Literal["score", "structure"], Query()]
LEVEL_NAMES = {"organization": "Organization", "unit": "Units", "team": "Teams"}
CHANGE_NAMES = {"improved": "improved", "declined": "declined", "no_reliable_change": "no reliable change"}
MATCH_NAMES = {"same": "", "renamed": "renamed", "split": "split", "merged": "merged", "restructured": "restructured"}
DIMENSION_NAMES = {"direction": "Direction", "decision_rights": "Decision rights", "feedback": "Feedback"}


@router.get("/orgs/{organization_id}/waves", include_in_schema=False)
def waves_page(organization_id: uuid.UUID, request: Request, session: SessionDep, user: CurrentUser,
               campaign: CampaignIds = [], team_map: TeamMap = "", measure: Measure = "score",  # noqa: B006
               span: Annotated[int | None, Query(ge=0, le=40)] = None,
               trend: Annotated[str, Query(max_length=400)] = "organization:"):
    org, role = get_organization(session, user=user, organization_id=organization_id)
    available = closed_campaigns(session, organization=org)
    ctx = {"org": org, "role": role.value, "available": available, "selected": set(campaign), "team_map": team_map,
           "measure": measure, "comparison": None, "plotly_style_ids": plotly_style_ids(),
           "level_names": LEVEL_NAMES, "change_names": CHANGE_NAMES, "match_names": MATCH_NAMES,
           "dimension_names": DIMENSION_NAMES}
    if len(available) >= 2:
        chosen, comparison = compare(session, organization=org, campaign_ids=campaign or None, team_map=team_map)
        data = comparison.to_dict()
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
                       trend_figure=trend_figure(comparison, level=level, group=group, measure=measure, as_dict=True))
    return render(request, "waves/index.html", ctx)


@router.get("/api/v1/organizations/{organization_id}/waves")
def waves_api(organization_id: uuid.UUID, session: SessionDep, user: CurrentUser,
              campaign: CampaignIds = [], team_map: TeamMap = "") -> dict:  # noqa: B006
    """Change per dimension for the organization, its units and teams between its closed
    campaigns (default: all, oldest first), with intervals and the reliable-change
    verdict; ``team_map`` lines ``old -> new``, ``old -> a, b`` (split), ``a, b -> ab``
    (merge)."""
    org, _ = get_organization(session, user=user, organization_id=organization_id)
    chosen, comparison = compare(session, organization=org, campaign_ids=campaign or None, team_map=team_map)
    return {"campaigns": [{"id": str(c.id), "name": c.name, "questionnaire_id": c.questionnaire_id}
                          for c in chosen], "comparison": comparison.to_dict()}
