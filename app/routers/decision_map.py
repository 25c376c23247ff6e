"""The decision map of a campaign: decision types × units and teams, coloured by the
designed level, with the measured knowledge and verdict — as a page, PDF and XLSX."""

from __future__ import annotations

import uuid

from fastapi import APIRouter
from fastapi.responses import Response

from app.catalogue import N_
from app.deps import CurrentUser, Page, SessionDep
from app.reports.decision_map import render_decision_map_pdf, render_decision_map_xlsx
from app.routers.results import Lang, _load, _page, _require
from app.services import NotFound
from app.services.fact_sheets import campaign_facts, with_facts

router = APIRouter(tags=["results"])
NO_REGISTER_ITEMS = N_("the campaign asked no register items")
UNKNOWN_FORMAT = N_("unknown format")
_FORMATS = {
    "pdf": (render_decision_map_pdf, "application/pdf"),
    "xlsx": (render_decision_map_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


def _loaded(session, user, campaign_id):
    loaded = _load(session, user, campaign_id)
    _require(loaded.results)
    if loaded.results.register is None:
        raise NotFound(NO_REGISTER_ITEMS)
    return loaded


@router.get("/campaigns/{campaign_id}/results/decisions", include_in_schema=False)
def decision_map_page(campaign_id: uuid.UUID, session: SessionDep, user: CurrentUser, page_ctx: Page):
    loaded = _loaded(session, user, campaign_id)
    facts = campaign_facts(session, campaign=loaded.campaign, items=loaded.results.diagnosis.items, scope=loaded.scope)
    return _page(
        page_ctx,
        "results/decisions.html",
        loaded,
        register=loaded.results.register,
        team_facts=list(facts.values()),
    )


@router.get(
    "/api/v1/campaigns/{campaign_id}/results/decision-map.{fmt_key}",
    response_class=Response,
    responses={200: {"content": {t: {} for _, t in _FORMATS.values()}}},
)
def decision_map_download(
    campaign_id: uuid.UUID, fmt_key: str, session: SessionDep, user: CurrentUser, lang: Lang = "en"
):
    """The decision map as PDF or XLSX (released figures only)."""
    if fmt_key not in _FORMATS:
        raise NotFound(UNKNOWN_FORMAT)
    loaded = _loaded(session, user, campaign_id)
    render, media = _FORMATS[fmt_key]
    register = with_facts(
        session,
        campaign=loaded.campaign,
        register=loaded.results.register,
        items=loaded.results.diagnosis.items,
        scope=loaded.scope,
    )
    data = render(register, lang=lang, organization=loaded.org.name, campaign=loaded.campaign.name, k=loaded.campaign.k)
    return Response(
        data, media_type=media, headers={"content-disposition": f'attachment; filename="decision-map.{fmt_key}"'}
    )
