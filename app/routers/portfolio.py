"""The consultant portfolio: every organization of the user with its latest released
figures, an organization switcher and a new client organization."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel

from analysis.narrative import LABELS
from app.deps import CsrfRoute, CurrentUser, PageLang, SessionDep
from app.i18n import translator
from app.models import Role
from app.services.organizations import SIZE_BANDS, UNIT_ONLY, create_organization, get_organization
from app.services.portfolio import FEWER_THAN_K, portfolio
from app.templating import render

router = APIRouter(tags=["portfolio"], route_class=CsrfRoute)
DIMENSIONS = ("direction", "decision_rights", "feedback")
FormLang = Annotated[Literal["en", "de"], Form()]

#: Texts of the portfolio page; the waves pages fall back to them. Soft hyphens (\u00ad)
#: let long German words break in a narrow card.
UI = {
    "portfolio": {"en": "Portfolio", "de": "Portfolio"},
    "results": {"en": "Results", "de": "Ergebnisse"},
    "benchmark": {"en": "Benchmark", "de": "Benchmark"},
    "waves": {"en": "Waves", "de": "Wellen"},
    "organization": {"en": "Organization", "de": "Organisation"},
    "direction": {"en": "Direction", "de": "Ausrichtung"},
    "decision_rights": {"en": "Decision rights", "de": "Entscheidungs\u00adrechte"},
    "feedback": {"en": "Feedback", "de": "Rückkopplung"},
    "switch": {"en": "Switch organization", "de": "Organisation wechseln"},
    "go_to": {"en": "Go to organization", "de": "Zur Organisation"},
    "open": {"en": "Open", "de": "Öffnen"},
    "figures_hint": {
        "en": "Figures come from each organization's latest closed campaign, as released (groups smaller than k are never shown).",
        "de": "Die Zahlen stammen aus der letzten abgeschlossenen Befragung jeder Organisation, so wie sie freigegeben wurden (Gruppen unter k werden nie gezeigt).",
    },
    "no_industry": {"en": "industry not set", "de": "Branche nicht angegeben"},
    "no_size": {"en": "size not set", "de": "Größe nicht angegeben"},
    "employees": {"en": "{band} employees", "de": "{band} Beschäftigte"},
    "your_role": {"en": "your role: {role}", "de": "Ihre Rolle: {role}"},
    "your_role_unit": {"en": "your role: {role} of the unit {unit}", "de": "Ihre Rolle: {role} der Einheit {unit}"},
    "role_consultant": {"en": "consultant", "de": "Beratung"},
    "role_hr_admin": {"en": "HR admin", "de": "HR-Administration"},
    "role_viewer": {"en": "viewer", "de": "Lesezugriff"},
    "in_benchmark": {"en": "in the benchmark", "de": "im Benchmark"},
    "latest_campaign": {"en": "Latest campaign", "de": "Letzte Befragung"},
    "status_draft": {"en": "draft", "de": "Entwurf"},
    "status_open": {"en": "open", "de": "läuft"},
    "status_closed": {"en": "closed", "de": "abgeschlossen"},
    "none_yet": {"en": "none yet", "de": "noch keine"},
    "typology": {"en": "Typology", "de": "Typologie"},
    FEWER_THAN_K: {"en": FEWER_THAN_K, "de": "weniger als k Antworten"},
    UNIT_ONLY: {"en": UNIT_ONLY, "de": "Ihr Zugang ist auf die Ergebnisse einer Einheit beschränkt"},
    "response_rate": {"en": "Response rate", "de": "Rücklaufquote"},
    "responses": {"en": "{n} responses", "de": "{n} Antworten"},
    "maturity_caption": {"en": "Maturity per dimension, {org}", "de": "Reifegrad je Dimension, {org}"},
    "dimension": {"en": "Dimension", "de": "Dimension"},
    "score": {"en": "Score", "de": "Wert"},
    "maturity": {"en": "Maturity (1–5)", "de": "Reife\u00adgrad (1–5)"},
    "opt_out": {"en": "Withdraw from the benchmark", "de": "Aus dem Benchmark zurückziehen"},
    "opt_in": {"en": "Take part in the benchmark", "de": "Am Benchmark teilnehmen"},
    "no_orgs": {"en": "You are not a member of any organization yet. Create a client organization below.",
                "de": "Sie sind noch in keiner Organisation Mitglied. Legen Sie unten eine Kundenorganisation an."},
    "no_orgs_member": {
        "en": "You are not a member of any organization yet. An HR admin or consultant of your organization can add you.",
        "de": "Sie sind noch in keiner Organisation Mitglied. Eine HR-Administration oder Beratung Ihrer Organisation kann Sie hinzufügen.",
    },
    "new_org": {"en": "New client organization", "de": "Neue Kundenorganisation"},
    "name": {"en": "Name", "de": "Name"},
    "industry": {"en": "Industry", "de": "Branche"},
    "size": {"en": "Size (employees)", "de": "Größe (Beschäftigte)"},
    "not_set": {"en": "not set", "de": "nicht angegeben"},
    "create": {"en": "Create organization", "de": "Organisation anlegen"},
}


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
    return None if c is None else CampaignRef(id=c.id, name=c.name, status=c.status.value,
                                              questionnaire_id=c.questionnaire_id)


def _out(row: dict) -> PortfolioRow:
    org = row["organization"]
    return PortfolioRow(
        organization_id=org.id, name=org.name, industry=org.industry, size_band=org.size_band, role=row["role"],
        unit=row["unit"], benchmark_opt_in=org.benchmark_opt_in, latest_campaign=_ref(row["latest"]),
        closed_campaign=_ref(row["closed"]), typology=row["typology"], n_respondents=row["n_respondents"],
        response_rate=row["response_rate"], hidden=row["hidden"],
        dimensions={d: DimensionOut(**v) for d, v in row["dimensions"].items()},
    )


@router.get("/portfolio", include_in_schema=False)
def portfolio_page(request: Request, session: SessionDep, user: CurrentUser, lang: PageLang):
    return render(request, "portfolio/index.html", {
        "rows": portfolio(session, user=user), "size_bands": SIZE_BANDS, "dimensions": DIMENSIONS,
        "typology_names": {k: v[lang] for k, v in LABELS["typology"].items()}, "tx": translator(lang, UI),
    }, lang=lang)


@router.get("/portfolio/switch", include_in_schema=False)
def switch(session: SessionDep, user: CurrentUser, organization_id: Annotated[uuid.UUID, Query()]):
    org, _ = get_organization(session, user=user, organization_id=organization_id)
    return RedirectResponse(f"/orgs/{org.id}", status_code=303)


@router.post("/portfolio/organizations", include_in_schema=False)
def portfolio_create(
    session: SessionDep, user: CurrentUser, name: Annotated[str, Form(max_length=200)],
    industry: Annotated[str, Form(max_length=100)] = "", size_band: Annotated[str, Form(max_length=20)] = "",
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
