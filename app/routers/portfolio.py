"""The consultant portfolio: every organization of the user with its latest released
figures, an organization switcher and a new client organization."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Form, Query
from fastapi.responses import RedirectResponse
from pydantic import BaseModel

from analysis.narrative import LABELS, label
from app.deps import CsrfRoute, CurrentUser, Page, SessionDep
from app.labels import INDUSTRIES
from app.models import Role
from app.services.organizations import SIZE_BANDS, create_organization, get_organization
from app.services.portfolio import portfolio

router = APIRouter(tags=["portfolio"], route_class=CsrfRoute)
DIMENSIONS = ("direction", "decision_rights", "feedback")
FormLang = Annotated[Literal["en", "de"], Form()]


class DimensionOut(BaseModel):
    score: float | None
    level: int | None


class CampaignRef(BaseModel):
    id: uuid.UUID
    name: str
    status: str
    questionnaire_id: str


class PortfolioRow(BaseModel):
    organization_id: uuid.UUID
    name: str
    industry: str
    size_band: str
    role: Role
    unit: str | None  # the top-level unit the user's access is limited to
    benchmark_opt_in: bool
    latest_campaign: CampaignRef | None
    closed_campaign: CampaignRef | None
    typology: str | None
    n_respondents: int | None
    response_rate: float | None
    dimensions: dict[str, DimensionOut]
    hidden: str | None


def _ref(c) -> CampaignRef | None:
    return (
        None
        if c is None
        else CampaignRef(id=c.id, name=c.name, status=c.status.value, questionnaire_id=c.questionnaire_id)
    )


def _out(row: dict) -> PortfolioRow:
    org = row["organization"]
    return PortfolioRow(
        organization_id=org.id,
        name=org.name,
        industry=org.industry,
        size_band=org.size_band,
        role=row["role"],
        unit=row["unit"],
        benchmark_opt_in=org.benchmark_opt_in,
        latest_campaign=_ref(row["latest"]),
        closed_campaign=_ref(row["closed"]),
        typology=row["typology"],
        n_respondents=row["n_respondents"],
        response_rate=row["response_rate"],
        hidden=row["hidden"],
        dimensions={d: DimensionOut(**v) for d, v in row["dimensions"].items()},
    )


@router.get("/portfolio", include_in_schema=False)
def portfolio_page(session: SessionDep, user: CurrentUser, page_ctx: Page):
    lang = page_ctx.lang
    return page_ctx.render(
        "portfolio/index.html",
        {
            "rows": portfolio(session, user=user),
            "size_bands": SIZE_BANDS,
            "industries": tuple(INDUSTRIES),
            "dimensions": DIMENSIONS,
            "typology_names": {k: label("typology", k, lang) for k in LABELS["typology"]},
        },
    )


@router.get("/portfolio/switch", include_in_schema=False)
def switch(session: SessionDep, user: CurrentUser, organization_id: Annotated[uuid.UUID, Query()]):
    org, _ = get_organization(session, user=user, organization_id=organization_id)
    return RedirectResponse(f"/orgs/{org.id}", status_code=303)


@router.post("/portfolio/organizations", include_in_schema=False)
def portfolio_create(
    session: SessionDep,
    user: CurrentUser,
    name: Annotated[str, Form(max_length=200)],
    industry: Annotated[str, Form(max_length=100)] = "",
    size_band: Annotated[str, Form(max_length=20)] = "",
    lang: FormLang = "en",
):
    """A new client organization with the user as its consultant; consultants only (403)."""
    create_organization(session, user=user, name=name, industry=industry, size_band=size_band)
    return RedirectResponse(f"/portfolio?lang={lang}", status_code=303)


@router.get("/api/v1/portfolio", response_model=list[PortfolioRow])
def portfolio_api(session: SessionDep, user: CurrentUser):
    """Every organization of the user with the figures its latest closed campaign released;
    for a member limited to one unit (``unit``) no figure of the whole organization and
    no draft campaign (``hidden`` gives the reason)."""
    return [_out(r) for r in portfolio(session, user=user)]
