"""Log in and out, and change one's password. A login always starts a new session (the
old cookie stops working); a password change ends every other session."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from app.catalogue import N_
from app.core.config import Settings
from app.core.security import same
from app.deps import (
    TOO_MANY,
    AuthDep,
    CsrfRoute,
    CurrentUser,
    LoginRequired,
    Page,
    RateLimited,
    SessionDep,
    SettingsDep,
    cookie_name,
    csrf_exempt,
    rate_limit,
)
from app.problems import Problem
from app.services import ServiceError
from app.services.users import authenticate, change_password, end_session, normalize_email, start_session
from app.templating import render

NO_SESSION_YET = "logging in starts the session that the CSRF token belongs to"

router = APIRouter(tags=["login"], route_class=CsrfRoute)

LOGIN_FAILED = N_("wrong e-mail or password")
LOGIN_CSRF = N_("the login form expired; please try again")
PASSWORDS_DIFFER = N_("the two new passwords differ")


class LoginIn(BaseModel):
    email: str = Field(max_length=254)
    password: str = Field(max_length=1000)


class UserOut(BaseModel):
    id: str
    email: str
    full_name: str


class LoginOut(BaseModel):
    csrf_token: str
    user: UserOut


class PasswordIn(BaseModel):
    current_password: str = Field(max_length=1000)
    new_password: str = Field(max_length=1000)


def _user_out(user) -> UserOut:
    return UserOut(id=str(user.id), email=user.email, full_name=user.full_name)


def _set_session_cookie(response, settings: Settings, token: str) -> None:
    response.set_cookie(
        cookie_name(settings, "aad_session"),
        token,
        max_age=int(settings.session_hours * 3600),
        httponly=True,
        secure=settings.cookie_secure,
        samesite="lax",
        path="/",
    )


def _login(request: Request, session, settings: Settings, email: str, password: str):
    """Every attempt counts against the client address; failed ones also against the
    e-mail address, which while over its limit is refused even with the right password
    (the same for an unknown address, so the answer never tells whether it exists).
    The failure is counted before the password is checked and taken back on success, so
    that concurrent attempts cannot pass the limit together."""
    rate_limit(request, "login")
    account, failures = normalize_email(email), request.app.state.limiters["login_account"]
    if failures.hit(account):
        raise RateLimited(TOO_MANY)
    user = authenticate(session, email=email, password=password)
    if user is None:
        raise LoginRequired(LOGIN_FAILED)
    failures.undo(account)
    previous = request.cookies.get(cookie_name(settings, "aad_session"))
    token, row = start_session(session, user=user, hours=settings.session_hours, previous_token=previous)
    return user, token, row


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith(("//", "/\\")) and len(target) < 500:
        return target
    return "/orgs"


@router.get("/login", include_in_schema=False)
def login_page(request: Request, settings: SettingsDep, next: str = "/orgs"):
    return _login_page(request, settings, next=next)


def _login_page(
    request: Request,
    settings: Settings,
    *,
    next: str,
    error: Problem | str | None = None,
    status_code: int = 200,
    email: str = "",
):
    token = request.cookies.get(cookie_name(settings, "aad_login")) or secrets.token_urlsafe(18)
    response = render(
        request,
        "admin/login.html",
        {"next": _safe_next(next), "login_csrf": token, "error": error, "email": email},
        status_code=status_code,
    )
    response.set_cookie(
        cookie_name(settings, "aad_login"),
        token,
        httponly=True,
        secure=settings.cookie_secure,
        samesite="strict",
        path="/",
    )
    return response


@router.post("/login", include_in_schema=False)
@csrf_exempt(NO_SESSION_YET)
def login_form(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    email: Annotated[str, Form(max_length=254)],
    password: Annotated[str, Form(max_length=1000)],
    csrf_token: Annotated[str, Form(max_length=100)] = "",
    next: Annotated[str, Form(max_length=500)] = "/orgs",
):
    """The login form is protected by a double-submit token bound to a pre-login cookie."""
    if not same(csrf_token, request.cookies.get(cookie_name(settings, "aad_login"))):
        return _login_page(request, settings, next=next, error=LOGIN_CSRF, status_code=403, email=email)
    try:
        _user, token, _row = _login(request, session, settings, email, password)
    except ServiceError as exc:
        session.rollback()
        return _login_page(request, settings, next=next, error=exc.problem, status_code=exc.status_code, email=email)
    response = RedirectResponse(_safe_next(next), status_code=303)
    _set_session_cookie(response, settings, token)
    return response


def _logout(request: Request, session, settings: Settings, response):
    # the cookie is there: the AuthDep of every logout route signed the user in by it
    end_session(session, token=request.cookies[cookie_name(settings, "aad_session")])
    response.delete_cookie(cookie_name(settings, "aad_session"), path="/", secure=settings.cookie_secure, httponly=True)
    return response


@router.post("/logout", include_in_schema=False)
def logout_form(request: Request, session: SessionDep, settings: SettingsDep, auth: AuthDep):
    return _logout(request, session, settings, RedirectResponse("/login", status_code=303))


@router.post("/api/v1/login", response_model=LoginOut)
@csrf_exempt(NO_SESSION_YET)
def api_login(body: LoginIn, request: Request, session: SessionDep, settings: SettingsDep):
    """Start a session: sets the session cookie and returns the CSRF token that every
    write request must send in ``X-CSRF-Token``."""
    user, token, row = _login(request, session, settings, body.email, body.password)
    response = JSONResponse(LoginOut(csrf_token=row.csrf_token, user=_user_out(user)).model_dump())
    _set_session_cookie(response, settings, token)
    return response


@router.post("/api/v1/logout", status_code=204)
def api_logout(request: Request, session: SessionDep, settings: SettingsDep, auth: AuthDep):
    return _logout(request, session, settings, Response(status_code=204))


@router.get("/api/v1/me", response_model=LoginOut)
def api_me(user: CurrentUser, auth: AuthDep):
    """The logged-in user and the session's CSRF token."""
    return LoginOut(csrf_token=auth.session.csrf_token, user=_user_out(user))


def _change_password(request: Request, session, settings: Settings, user, current: str, new: str) -> None:
    """Wrong current passwords count against the account like failed logins."""
    account, failures = normalize_email(user.email), request.app.state.limiters["login_account"]
    if failures.hit(account):
        raise RateLimited(TOO_MANY)
    change_password(
        session,
        user=user,
        current=current,
        new=new,
        keep_token=request.cookies.get(cookie_name(settings, "aad_session")),
    )
    failures.undo(account)


@router.get("/account", include_in_schema=False)
def account_page(page_ctx: Page, changed: bool = False):
    return page_ctx.render("admin/account.html", {"changed": changed, "form_error": None})


@router.post("/account/password", include_in_schema=False)
def account_password_form(
    request: Request,
    page_ctx: Page,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    current_password: Annotated[str, Form(max_length=1000)],
    new_password: Annotated[str, Form(max_length=1000)],
    repeat_password: Annotated[str, Form(max_length=1000)],
):
    if new_password != repeat_password:
        return page_ctx.render(
            "admin/account.html", {"changed": False, "form_error": PASSWORDS_DIFFER}, status_code=422
        )
    try:
        _change_password(request, session, settings, user, current_password, new_password)
    except ServiceError as exc:
        session.rollback()
        return page_ctx.render(
            "admin/account.html", {"changed": False, "form_error": exc.problem}, status_code=exc.status_code
        )
    return RedirectResponse("/account?changed=true", status_code=303)


@router.post("/api/v1/account/password", status_code=204, response_class=Response)
def api_account_password(
    body: PasswordIn, request: Request, session: SessionDep, settings: SettingsDep, user: CurrentUser
):
    """Change one's own password: 403 for a wrong current password (counted like a failed
    login), 422 for a short or unchanged one; every other session of the user ends."""
    _change_password(request, session, settings, user, body.current_password, body.new_password)
