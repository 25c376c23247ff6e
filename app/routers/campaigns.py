"""Campaigns: create, preview, launch, close, and response rates while they run."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, ConfigDict, Field

from app import i18n
from app.catalogue import N_
from app.deps import CsrfRoute, CurrentUser, Page, SessionDep, SettingsDep
from app.models import Campaign, CampaignStatus
from app.routers import PatchBody
from app.services import Invalid
from app.routers.survey import QuestionnaireOut, _survey_page, questionnaire_json
from app.services.campaigns import (
    campaign_teams,
    create_campaign,
    get_campaign,
    languages_of,
    launch_campaign,
    list_campaigns,
    DEFAULT_QUESTIONNAIRE,
    asks_priority,
    questionnaire_choices,
    questionnaire_of,
    set_priorities,
    update_campaign,
)
from app.services.closing import close_and_release
from app.services.invitations import invitation_counts
from app.services.mailing import mail_status
from app.services.organizations import get_organization, organization_ids
from app.services.rates import response_rates
from app.services.register import MAX_DECISIONS, launch_register
from app.services.register_items import decision_items
from app.services.teams import team_rows

router = APIRouter(tags=["campaigns"], route_class=CsrfRoute)
PRIORITY_LINES = N_("give as many priorities in German as in English, one per line")


class CampaignIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    questionnaire_id: str = Field(DEFAULT_QUESTIONNAIRE, max_length=100)
    languages: list[str] = Field(default_factory=lambda: ["en", "de"], max_length=2)
    opens_on: date | None = None
    closes_on: date | None = None


class CampaignPatch(PatchBody):
    NULLABLE = frozenset({"opens_on", "closes_on"})  # null clears the date

    name: str | None = Field(None, min_length=1, max_length=200)
    languages: list[str] | None = Field(None, max_length=2)
    opens_on: date | None = None
    closes_on: date | None = None
    k: int | None = Field(None, ge=3, le=50)
    k_acknowledged: bool | None = None


class PriorityText(BaseModel):
    model_config = ConfigDict(extra="forbid")

    en: str = Field(min_length=1, max_length=200)
    de: str = Field(min_length=1, max_length=200)


class PrioritiesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    priorities: list[PriorityText] = Field(min_length=2, max_length=12)


class CampaignOut(BaseModel):
    id: uuid.UUID
    organization_id: uuid.UUID
    name: str
    questionnaire_id: str
    questionnaire_version: int
    questionnaire_sha256: str | None
    priorities: list[PriorityText] | None
    languages: list[str]
    opens_on: date | None
    closes_on: date | None
    status: CampaignStatus
    k: int
    comment_k: int


class RateOut(BaseModel):
    name: str
    kind: str
    depth: int
    headcount: int
    responses: int | None
    rate: float | None
    hidden: str | None


class LaunchIn(BaseModel):
    decisions: list[Annotated[str, Field(max_length=40)]] = Field([], max_length=MAX_DECISIONS)


def _out(campaign: Campaign) -> CampaignOut:
    return CampaignOut(**campaign.model_dump(exclude={"languages"}), languages=list(languages_of(campaign)))


def _campaign(session, user, campaign_id: uuid.UUID, *, write: bool = False):
    campaign = get_campaign(session, organization_ids=organization_ids(session, user=user), campaign_id=campaign_id)
    org, role = get_organization(session, user=user, organization_id=campaign.organization_id, write=write)
    return campaign, org, role


# ------------------------------------------------------------------ pages


@router.post("/orgs/{organization_id}/campaigns", include_in_schema=False)
def campaign_create(
    organization_id: uuid.UUID,
    session: SessionDep,
    user: CurrentUser,
    name: Annotated[str, Form(max_length=200)],
    questionnaire_id: Annotated[str, Form(max_length=100)],
    languages: Annotated[list[str], Form(max_length=2)] = ["en", "de"],  # noqa: B006
    opens_on: Annotated[date | None, Form()] = None,
    closes_on: Annotated[date | None, Form()] = None,
):
    org, _ = get_organization(session, user=user, organization_id=organization_id, write=True)
    campaign = create_campaign(
        session,
        organization=org,
        name=name,
        questionnaire_id=questionnaire_id,
        languages=languages,
        opens_on=opens_on,
        closes_on=closes_on,
    )
    return RedirectResponse(f"/campaigns/{campaign.id}", status_code=303)


@router.get("/campaigns/{campaign_id}", include_in_schema=False)
def campaign_page(
    campaign_id: uuid.UUID, page_ctx: Page, session: SessionDep, user: CurrentUser, settings: SettingsDep
):
    campaign, org, role = _campaign(session, user, campaign_id)
    counts = invitation_counts(session, campaign=campaign)
    teams = [
        {
            "id": t.id,
            "unit_path": t.unit_path,
            "name": t.name,
            "headcount": t.headcount,
            "personal": counts.get(t.id, {}).get("personal", 0),
            "open": counts.get(t.id, {}).get("open", False),
        }
        for t in campaign_teams(session, campaign=campaign)
    ]
    structure = teams if campaign.status != CampaignStatus.draft else team_rows(session, organization=org)
    return page_ctx.render(
        "admin/campaign.html",
        {
            "campaign": campaign,
            "teams": teams,
            "small_teams": sum(t["headcount"] < campaign.k for t in structure),
            "rates": response_rates(session, campaign=campaign) if campaign.status != CampaignStatus.draft else [],
            "questionnaire": questionnaire_of(campaign),
            "asks_priority": asks_priority(campaign),
            "mail": mail_status(session, campaign=campaign, configured=settings.mail_configured),
            "register": launch_register(session, campaign=campaign, organization=org),
        },
        org=org,
        role=role,
    )


@router.post("/campaigns/{campaign_id}", include_in_schema=False)
def campaign_update(
    campaign_id: uuid.UUID,
    session: SessionDep,
    user: CurrentUser,
    name: Annotated[str, Form(max_length=200)],
    languages: Annotated[list[str], Form(max_length=2)] = ["en", "de"],  # noqa: B006
    opens_on: Annotated[date | None, Form()] = None,
    closes_on: Annotated[date | None, Form()] = None,
    k: Annotated[int, Form(ge=3, le=50)] = 5,
    k_acknowledged: Annotated[bool, Form()] = False,
):
    campaign, _, _ = _campaign(session, user, campaign_id, write=True)
    update_campaign(
        session,
        campaign=campaign,
        changes={
            "name": name,
            "languages": languages,
            "opens_on": opens_on,
            "closes_on": closes_on,
            "k": k,
            "k_acknowledged": k_acknowledged,
        },
    )
    return RedirectResponse(f"/campaigns/{campaign.id}", status_code=303)


@router.post("/campaigns/{campaign_id}/priorities", include_in_schema=False)
def campaign_priorities(
    campaign_id: uuid.UUID,
    session: SessionDep,
    user: CurrentUser,
    priorities_en: Annotated[str, Form(max_length=3000)],
    priorities_de: Annotated[str, Form(max_length=3000)],
):
    """The list for the top-priority item, one priority per line in each language."""
    campaign, _, _ = _campaign(session, user, campaign_id, write=True)
    lines = [[line.strip() for line in text.splitlines() if line.strip()] for text in (priorities_en, priorities_de)]
    if len(lines[0]) != len(lines[1]):
        raise Invalid(PRIORITY_LINES)
    set_priorities(session, campaign=campaign, priorities=[{"en": en, "de": de} for en, de in zip(*lines)])
    return RedirectResponse(f"/campaigns/{campaign.id}", status_code=303)


@router.post("/campaigns/{campaign_id}/launch", include_in_schema=False)
def campaign_launch(
    campaign_id: uuid.UUID,
    session: SessionDep,
    user: CurrentUser,
    decisions: Annotated[list[str], Form(max_length=MAX_DECISIONS)] = [],
):  # noqa: B006
    campaign, org, _ = _campaign(session, user, campaign_id, write=True)
    launch_campaign(session, campaign=campaign, organization=org, asked=decisions)
    return RedirectResponse(f"/campaigns/{campaign.id}", status_code=303)


@router.post("/campaigns/{campaign_id}/close", include_in_schema=False)
def campaign_close(campaign_id: uuid.UUID, request: Request, session: SessionDep, user: CurrentUser):
    campaign, _, _ = _campaign(session, user, campaign_id, write=True)
    close_and_release(session, campaign=campaign, sealer=request.app.state.sealer)
    return RedirectResponse(f"/campaigns/{campaign.id}", status_code=303)


@router.get("/campaigns/{campaign_id}/preview", include_in_schema=False)
def campaign_preview(
    campaign_id: uuid.UUID, request: Request, session: SessionDep, user: CurrentUser, lang: str | None = None
):
    campaign, _, _ = _campaign(session, user, campaign_id)
    language = i18n.choose_language(
        requested=lang, cookie=None, accept=request.headers.get("accept-language"), allowed=languages_of(campaign)
    )
    return _survey_page(
        request,
        questionnaire=questionnaire_of(campaign),
        campaign=campaign,
        team_name="(your team)" if language == "en" else "(Ihr Team)",
        lang=language,
        open_link=False,
        preview=True,
        decisions=decision_items(session, campaign_id=campaign.id),
    )


# ------------------------------------------------------------------- API


class QuestionnaireChoiceOut(BaseModel):
    id: str
    version: int
    title: dict[str, str]
    n_items: int


@router.get("/api/v1/questionnaires", response_model=list[QuestionnaireChoiceOut])
def api_questionnaires(user: CurrentUser):
    """The bundled questionnaires a campaign can use."""
    return questionnaire_choices()


@router.get("/api/v1/organizations/{organization_id}/campaigns", response_model=list[CampaignOut])
def api_list(organization_id: uuid.UUID, session: SessionDep, user: CurrentUser):
    org, _ = get_organization(session, user=user, organization_id=organization_id)
    return [_out(c) for c in list_campaigns(session, organization=org)]


@router.post("/api/v1/organizations/{organization_id}/campaigns", response_model=CampaignOut, status_code=201)
def api_create(organization_id: uuid.UUID, body: CampaignIn, session: SessionDep, user: CurrentUser):
    org, _ = get_organization(session, user=user, organization_id=organization_id, write=True)
    return _out(create_campaign(session, organization=org, **body.model_dump()))


@router.get("/api/v1/campaigns/{campaign_id}", response_model=CampaignOut)
def api_get(campaign_id: uuid.UUID, session: SessionDep, user: CurrentUser):
    return _out(_campaign(session, user, campaign_id)[0])


@router.patch("/api/v1/campaigns/{campaign_id}", response_model=CampaignOut)
def api_update(campaign_id: uuid.UUID, body: CampaignPatch, session: SessionDep, user: CurrentUser):
    """Change a draft; after launch only the closing date (k is frozen: 409)."""
    campaign, _, _ = _campaign(session, user, campaign_id, write=True)
    return _out(update_campaign(session, campaign=campaign, changes=body.model_dump(exclude_unset=True)))


@router.post("/api/v1/campaigns/{campaign_id}/launch", response_model=CampaignOut)
def api_launch(campaign_id: uuid.UUID, session: SessionDep, user: CurrentUser, body: LaunchIn | None = None):
    """Open the campaign; the team structure, the decision register and k are frozen
    from now on. ``decisions``: the register's decision types the survey asks about."""
    campaign, org, _ = _campaign(session, user, campaign_id, write=True)
    return _out(launch_campaign(session, campaign=campaign, organization=org, asked=body.decisions if body else []))


@router.post("/api/v1/campaigns/{campaign_id}/close", response_model=CampaignOut)
def api_close(campaign_id: uuid.UUID, request: Request, session: SessionDep, user: CurrentUser):
    """Close the campaign: its results are stored and the benchmark pool takes it in."""
    campaign, _, _ = _campaign(session, user, campaign_id, write=True)
    return _out(close_and_release(session, campaign=campaign, sealer=request.app.state.sealer))


@router.put("/api/v1/campaigns/{campaign_id}/priorities", response_model=CampaignOut)
def api_priorities(campaign_id: uuid.UUID, body: PrioritiesIn, session: SessionDep, user: CurrentUser):
    """The list of priorities respondents choose the current top priority from (a
    draft's only; 2–12 distinct texts in English and German)."""
    campaign, _, _ = _campaign(session, user, campaign_id, write=True)
    return _out(set_priorities(session, campaign=campaign, priorities=body.model_dump()["priorities"]))


@router.get("/api/v1/campaigns/{campaign_id}/preview", response_model=QuestionnaireOut)
def api_preview(campaign_id: uuid.UUID, session: SessionDep, user: CurrentUser):
    """The questionnaire exactly as employees will get it."""
    campaign, _, _ = _campaign(session, user, campaign_id)
    return questionnaire_json(
        questionnaire_of(campaign), campaign, decisions=decision_items(session, campaign_id=campaign.id)
    )


@router.get("/api/v1/campaigns/{campaign_id}/rates", response_model=list[RateOut])
def api_rates(campaign_id: uuid.UUID, session: SessionDep, user: CurrentUser):
    """Response rates by organization, unit and team against the headcounts frozen at
    launch; hidden for groups of fewer than k people or where a hidden count could
    otherwise be worked out."""
    campaign, _, _ = _campaign(session, user, campaign_id)
    if campaign.status == CampaignStatus.draft:
        return []
    return response_rates(session, campaign=campaign)
