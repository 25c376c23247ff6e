"""The employee survey: ``/s/{token}`` → a signed survey session → ``/survey``."""

from __future__ import annotations

import json
import secrets
import uuid
from dataclasses import replace
from datetime import datetime, timezone

from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from analysis.instrument import Questionnaire
from app import i18n
from app.catalogue import N_, gettext, use_language
from app.core.config import Settings
from app.core.db import session_scope
from app.deps import (
    CsrfRoute,
    FormBody,
    RateLimited,
    RawBody,
    ReadSessionDep,
    SessionDep,
    SettingsDep,
    cookie_name,
    csrf_exempt,
    rate_limit,
)
from app.core.security import Signer, same
from app.models import Campaign, InvitationKind
from app.problems import Problem
from app.routers import form_text
from app.services import Conflict, Forbidden, Invalid, NotFound, ServiceError
from app.services.campaigns import languages_of, questionnaire_of
from app.services.intake import flush_team
from app.services.register_items import decision_items, item_json, validate_with_decisions
from app.services.survey import CLOSED, TEAM_FULL, UNKNOWN_LINK, USED_LINK, find_link, load_link, submit
from app.templating import render

OWN_NONCE = "the survey session has no login; its own nonce is checked (survey session cookie)"

router = APIRouter(tags=["survey"], route_class=CsrfRoute)

SURVEY_SALT = "survey-session"
DONE_SALT = "answered-on-device"
DONE_MAX_AGE = 400 * 24 * 3600
EXPIRED = N_("survey session expired")
CSRF_FAILED = N_("survey form expired; reload the page")
BAD_LANGUAGE = "language: not a language of this campaign"
MESSAGE_PAGES = {  # detail -> (title, body, status)
    UNKNOWN_LINK: (
        N_("This link is not valid"),
        N_(
            "Please check that you copied the whole link from your invitation. If it still does not work, ask the "
            "person who sent it for a new one."
        ),
        404,
    ),
    USED_LINK: (
        N_("Already answered"),
        N_("This survey has already been answered with this link. Thank you for taking part!"),
        409,
    ),
    CLOSED: (
        N_("This survey is closed"),
        N_("The survey is not accepting answers at the moment. Thank you for your interest."),
        410,
    ),
    EXPIRED: (
        N_("Your session has expired"),
        N_(
            "For your privacy, a survey session lasts only a limited time. Please open the link from your invitation "
            "again; answers you gave on this device are restored."
        ),
        401,
    ),
    "device": (
        N_("Already answered on this device"),
        N_("The survey for this team has already been answered on this device. Thank you for taking part!"),
        409,
    ),
    "too many": (N_("Too many requests"), N_("Please wait a minute and try again."), 429),
    TEAM_FULL: (
        N_("Your team has answered in full"),
        N_(
            "This team has already given as many answers as it has members, so no further answer can be taken. If you "
            "have not answered yet, please tell whoever runs the survey."
        ),
        409,
    ),
}
THANKS = (N_("Thank you!"), N_("Your answers have been stored anonymously. You can close this page."))


def _today():
    return datetime.now(timezone.utc).date()


def _signer(request: Request) -> Signer:
    return request.app.state.signer


def _lang(request: Request, allowed=i18n.LANGUAGES, requested: str | None = None) -> str:
    return i18n.choose_language(
        requested=requested or request.query_params.get("lang"),
        cookie=request.cookies.get(i18n.LANGUAGE_COOKIE),
        accept=request.headers.get("accept-language"),
        allowed=tuple(allowed),
    )


def _message(request: Request, kind: str, lang: str, *, api: bool = False, detail: str | None = None) -> Response:
    title, body, status = MESSAGE_PAGES[kind]
    if api:
        return JSONResponse({"detail": detail or kind}, status_code=status)
    return render(
        request,
        "survey/message.html",
        {"title": title, "body": body, "thanks": kind in (USED_LINK, "device")},
        status_code=status,
        lang=lang,
    )


def _survey_state(request: Request, settings: Settings) -> dict | None:
    data = _signer(request).loads(
        request.cookies.get(cookie_name(settings, "aad_survey")),
        salt=SURVEY_SALT,
        max_age=settings.survey_session_minutes * 60,
    )
    return data if isinstance(data, dict) and {"inv", "n"} <= data.keys() else None


def _done_campaigns(request: Request) -> list[str]:
    data = _signer(request).loads(request.cookies.get("aad_done"), salt=DONE_SALT, max_age=DONE_MAX_AGE)
    return data if isinstance(data, list) else []


def _start_session(
    request: Request, settings: Settings, invitation_id: uuid.UUID, response: Response, nonce: str
) -> None:
    """Set the signed survey session cookie; ``nonce`` is also the form's CSRF token."""
    value = _signer(request).dumps({"inv": str(invitation_id), "n": nonce}, salt=SURVEY_SALT)
    response.set_cookie(
        cookie_name(settings, "aad_survey"),
        value,
        max_age=settings.survey_session_minutes * 60,
        httponly=True,
        secure=settings.cookie_secure,
        samesite="lax",
        path="/",
    )


def _finish(request: Request, settings: Settings, campaign: Campaign, open_link: bool, response: Response) -> None:
    response.delete_cookie(cookie_name(settings, "aad_survey"), path="/", secure=settings.cookie_secure, httponly=True)
    if open_link:
        done = [c for c in _done_campaigns(request) if c != str(campaign.id)][-20:] + [str(campaign.id)]
        response.set_cookie(
            "aad_done",
            _signer(request).dumps(done, salt=DONE_SALT),
            max_age=DONE_MAX_AGE,
            httponly=True,
            secure=settings.cookie_secure,
            samesite="lax",
            path="/",
        )


def _kind(exc: ServiceError) -> str:
    return exc.detail if exc.detail in MESSAGE_PAGES else UNKNOWN_LINK


def _guard(request: Request, limiter: str = "survey") -> None:
    rate_limit(request, limiter)


@router.get("/s/{token}", include_in_schema=False)
def open_link(token: str, request: Request, session: SessionDep, settings: SettingsDep):
    """Exchange a survey link for a survey session and redirect to a URL without the token."""
    lang = _lang(request)
    try:
        _guard(request)
        invitation, campaign = find_link(session, token=token, today=_today())
    except RateLimited:
        return _message(request, "too many", lang)
    except ServiceError as exc:
        return _message(request, _kind(exc), lang)
    if invitation.kind == InvitationKind.open and str(campaign.id) in _done_campaigns(request):
        return _message(request, "device", lang)
    lang_param = request.query_params.get("lang")
    target = "/survey" + (f"?lang={lang_param}" if lang_param in i18n.LANGUAGES else "")
    response = RedirectResponse(target, status_code=303)
    _start_session(request, settings, invitation.id, response, secrets.token_urlsafe(18))
    return response


def _friendly(questionnaire: Questionnaire, problem: Problem, lang: str, decisions=()) -> tuple[str, str | None]:
    """The validation problem in ``lang``, naming the question by its number and text
    instead of its id."""
    items = [*questionnaire.items, *decisions]
    ids = [item.id for item in items]
    item_id = problem.at.params.get("item") if problem.at is not None and problem.at.code == "at_item" else None
    with use_language(lang):
        if item_id not in ids:
            return problem.text(), None
        n = ids.index(item_id) + 1
        question = gettext("Question %(n)s of %(total)s") % {"n": n, "total": len(ids)}
        return f"{question} („{items[n - 1].text[lang]}“): {problem.message()}", item_id


def _survey_page(
    request: Request,
    *,
    questionnaire: Questionnaire,
    campaign: Campaign,
    team_name: str,
    lang: str,
    open_link: bool,
    csrf: str = "",
    preview: bool = False,
    values: dict | None = None,
    error: str | None = None,
    error_item: str | None = None,
    status_code: int = 200,
    decisions=(),
) -> Response:
    context = {
        "q": questionnaire,
        "campaign": campaign,
        "team_name": team_name,
        "open_link": open_link,
        "survey_csrf": csrf,
        "preview": preview,
        "values": values or {},
        "error": error,
        "error_item": error_item,
        "languages": languages_of(campaign),
        "total": len(questionnaire.items) + len(decisions),
        "decisions": decisions,
    }
    response = render(request, "survey/form.html", context, status_code=status_code, lang=lang)
    if request.query_params.get("lang") in i18n.LANGUAGES:
        response.set_cookie(i18n.LANGUAGE_COOKIE, lang, max_age=365 * 24 * 3600, samesite="lax", path="/")
    return response


@router.get("/survey", include_in_schema=False)
def survey_form(request: Request, session: SessionDep, settings: SettingsDep):
    """The questionnaire for the current survey session."""
    state = _survey_state(request, settings)
    if state is None:
        return _message(request, EXPIRED, _lang(request))
    try:
        invitation, campaign, team = load_link(session, invitation_id=uuid.UUID(state["inv"]), today=_today())
    except ServiceError as exc:
        return _message(request, _kind(exc), _lang(request))
    lang = _lang(request, languages_of(campaign))
    return _survey_page(
        request,
        questionnaire=questionnaire_of(campaign),
        campaign=campaign,
        team_name=team.name,
        lang=lang,
        open_link=invitation.kind == InvitationKind.open,
        csrf=state["n"],
        decisions=decision_items(session, campaign_id=campaign.id),
    )


@router.post("/survey", include_in_schema=False)
@csrf_exempt(OWN_NONCE)
def survey_submit(request: Request, form: FormBody, session: ReadSessionDep, settings: SettingsDep):
    """Store the answers (one transaction), then show the thank-you page."""
    lang_field = form_text(form, "lang")
    state = _survey_state(request, settings)
    if state is None:
        return _message(request, EXPIRED, _lang(request, requested=lang_field))
    try:
        _guard(request)
        invitation, campaign, team = load_link(session, invitation_id=uuid.UUID(state["inv"]), today=_today())
    except RateLimited:
        return _message(request, "too many", _lang(request, requested=lang_field))
    except ServiceError as exc:
        return _message(request, _kind(exc), _lang(request, requested=lang_field))
    lang = _lang(request, languages_of(campaign), requested=lang_field)
    open_kind = invitation.kind == InvitationKind.open
    questionnaire = questionnaire_of(campaign)
    fields = {key: form.getlist(key) for key in form.keys() if key not in ("csrf_token", "lang")}
    values = {key: v[0] for key, v in fields.items() if v and isinstance(v[0], str)}
    decisions = decision_items(session, campaign_id=campaign.id)
    page = dict(
        questionnaire=questionnaire,
        campaign=campaign,
        team_name=team.name,
        lang=lang,
        open_link=open_kind,
        csrf=state["n"],
        values=values,
        decisions=decisions,
    )
    if not same(form_text(form, "csrf_token"), state["n"]):
        with use_language(lang):
            expired = gettext(CSRF_FAILED)
        return _survey_page(request, **page, error=expired, status_code=403)
    if open_kind and str(campaign.id) in _done_campaigns(request):
        return _message(request, "device", lang)
    try:
        submission = replace(validate_with_decisions(questionnaire, decisions, fields), language=lang)
    except Invalid as exc:
        error, error_item = _friendly(questionnaire, exc.problem, lang, decisions)
        return _survey_page(request, **page, error=error, error_item=error_item, status_code=422)
    session.close()  # give the read connection back before taking the write lock
    try:
        _store(request, invitation.id, submission)
    except ServiceError as exc:
        return _message(request, _kind(exc), lang)
    response = RedirectResponse(f"/survey/thanks?lang={lang}", status_code=303)
    _finish(request, settings, campaign, open_kind, response)
    return response


def _store(request: Request, invitation_id: uuid.UUID, submission) -> None:
    """Submit in a write session of its own, taken only now that the body is read; then,
    in a further transaction, let the team's waiting answer sets join as a batch."""
    engine, sealer = request.app.state.engine, request.app.state.sealer
    with session_scope(engine, write=True) as session:
        stored = submit(session, invitation_id=invitation_id, submission=submission, today=_today(), sealer=sealer)
    if stored.batch_ready:
        flush_team(engine, campaign_id=stored.campaign_id, team_id=stored.team_id, sealer=sealer)


@router.get("/survey/thanks", include_in_schema=False)
def survey_thanks(request: Request):
    lang = _lang(request)
    return render(request, "survey/message.html", {"title": THANKS[0], "body": THANKS[1], "thanks": True}, lang=lang)


# ---------------------------------------------------------------- JSON twins


class OptionOut(BaseModel):
    value: int
    label: dict[str, str] | None


class ItemOut(BaseModel):
    id: str
    kind: str
    text: dict[str, str] | None
    help: dict[str, str] | None
    required: bool
    max_length: int | None
    options: list[OptionOut] | None


class QuestionnaireOut(BaseModel):
    """The instrument as an employee sees it, in every language of the campaign."""

    campaign: str
    team: str | None
    languages: list[str]
    k: int
    comment_k: int
    questionnaire_id: str
    questionnaire_version: int
    title: dict[str, str] | None
    intro: dict[str, str] | None
    items: list[ItemOut]


class SurveySessionOut(BaseModel):
    csrf_token: str = Field(description="send it as X-CSRF-Token with the answers")
    open_link: bool
    survey: QuestionnaireOut


class StoredOut(BaseModel):
    status: Literal["stored"]


def questionnaire_json(
    questionnaire: Questionnaire, campaign: Campaign, *, team_name: str | None = None, decisions=()
) -> dict:
    """The instrument as an employee sees it, in every language of the campaign, with
    the items generated from the campaign's decision register (``decisions``)."""
    langs = languages_of(campaign)
    pick = lambda text: {lang: text[lang] for lang in langs} if text else None  # noqa: E731
    return {
        "campaign": campaign.name,
        "team": team_name,
        "languages": list(langs),
        "k": campaign.k,
        "comment_k": campaign.comment_k,
        "questionnaire_id": questionnaire.id,
        "questionnaire_version": questionnaire.version,
        "title": pick(questionnaire.title),
        "intro": pick(questionnaire.intro),
        "items": [
            {
                "id": item.id,
                "kind": item.kind,
                "text": pick(item.text),
                "help": pick(item.help),
                "required": item.required,
                "max_length": item.max_length,
                "options": None
                if item.options is None
                else [{"value": o.value, "label": pick(o.label)} for o in item.options],
            }
            for item in questionnaire.items
        ]
        + [item_json(item, pick) for item in decisions],
    }


def _json_object(request: Request, body: bytes) -> dict:
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        raise Invalid("the body must be JSON (content-type application/json)")
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise Invalid("malformed JSON") from None
    if not isinstance(data, dict):
        raise Invalid("the body must be a JSON object")
    return data


@router.post(
    "/api/v1/survey/session", summary="Exchange a survey token for a survey session", response_model=SurveySessionOut
)
@csrf_exempt("the token in the body opens the survey session; no session exists yet")
def api_open(request: Request, body: RawBody, session: ReadSessionDep, settings: SettingsDep):
    """Body ``{"token": "…"}``. Sets the survey session cookie and returns the CSRF token
    for the submission together with the questionnaire."""
    rate_limit(request, "survey")
    data = _json_object(request, body)
    token = data.get("token")
    if not isinstance(token, str):
        raise Invalid("token: a text is required")
    invitation, campaign = find_link(session, token=token, today=_today())
    if invitation.kind == InvitationKind.open and str(campaign.id) in _done_campaigns(request):
        raise Conflict(USED_LINK)
    team_name = load_link(session, invitation_id=invitation.id, today=_today())[2].name
    nonce = secrets.token_urlsafe(18)
    response = JSONResponse(
        {
            "csrf_token": nonce,
            "open_link": invitation.kind == InvitationKind.open,
            "survey": questionnaire_json(
                questionnaire_of(campaign),
                campaign,
                team_name=team_name,
                decisions=decision_items(session, campaign_id=campaign.id),
            ),
        }
    )
    _start_session(request, settings, invitation.id, response, nonce)
    return response


def _api_state(request: Request, session, settings: Settings):
    state = _survey_state(request, settings)
    if state is None:
        raise NotFound(EXPIRED)
    return state, *load_link(session, invitation_id=uuid.UUID(state["inv"]), today=_today())


@router.get(
    "/api/v1/survey", summary="The questionnaire of the current survey session", response_model=QuestionnaireOut
)
def api_survey(request: Request, session: SessionDep, settings: SettingsDep):
    _state, _invitation, campaign, team = _api_state(request, session, settings)
    return questionnaire_json(
        questionnaire_of(campaign),
        campaign,
        team_name=team.name,
        decisions=decision_items(session, campaign_id=campaign.id),
    )


@router.post(
    "/api/v1/survey/responses",
    status_code=201,
    summary="Submit the answers of the current survey session",
    response_model=StoredOut,
)
@csrf_exempt(OWN_NONCE)
def api_submit(request: Request, body: RawBody, session: ReadSessionDep, settings: SettingsDep):
    """Body ``{"answers": {"item_id": value, …}, "comment": "…", "language": "en"}`` with
    the session's CSRF token in ``X-CSRF-Token`` (``language``, optional: the language the
    answers were given in, one of the campaign's). 409 if the link was used, 422 naming
    the problem."""
    rate_limit(request, "survey")
    state, invitation, campaign, _team = _api_state(request, session, settings)
    if not same(request.headers.get("x-csrf-token"), state["n"]):
        raise Forbidden(CSRF_FAILED)
    data = _json_object(request, body)
    extra = set(data) - {"answers", "comment", "language"}
    if extra:
        raise Invalid(Problem("unknown_field", {"field": repr(sorted(extra)[0][:50])}))
    answers = data.get("answers", {})
    if not isinstance(answers, dict):
        raise Invalid("answers: a JSON object is required")
    questionnaire = questionnaire_of(campaign)
    fields = {str(key): [value] for key, value in answers.items()}
    comment_items = questionnaire.items_of("comment")
    if data.get("comment") is not None:
        if not comment_items:
            raise Invalid("unknown item 'comment'")
        fields[comment_items[0].id] = [data["comment"]]
    open_kind = invitation.kind == InvitationKind.open
    if open_kind and str(campaign.id) in _done_campaigns(request):
        raise Conflict(USED_LINK)
    language = data.get("language")
    if language is not None and language not in languages_of(campaign):
        raise Invalid(BAD_LANGUAGE)
    submission = replace(
        validate_with_decisions(questionnaire, decision_items(session, campaign_id=campaign.id), fields),
        language=language,
    )
    session.close()  # give the read connection back before taking the write lock
    _store(request, invitation.id, submission)
    response = JSONResponse({"status": "stored"}, status_code=201)
    _finish(request, settings, campaign, open_kind, response)
    return response
