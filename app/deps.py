"""Request dependencies: ``SessionDep``, ``CurrentUser``, ``PageLang``, ``Page`` (the
common context of a signed-in page), CSRF checks and rate limits.

CSRF is on by default: a router built with ``APIRouter(route_class=CsrfRoute)`` adds
:func:`csrf_protect` to every route with an unsafe method, and an endpoint that must
not have it (no session yet, or a check of its own) says so with
``@csrf_exempt("reason")``. :func:`unprotected_write_routes` lists the routes with
neither; the application refuses to start while there is one (docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated, Any, Literal, TypeVar

from fastapi import Depends, FastAPI, Query, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from sqlmodel import Session
from starlette.datastructures import FormData

from app import i18n
from app.catalogue import N_
from app.core.config import Settings
from app.core.db import session_scope
from app.core.security import same
from app.models import User, UserSession
from app.services import Forbidden, ServiceError
from app.services.users import is_consultant, session_user
from app.templating import PageContext, negotiated_language

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
CSRF_FAILED = N_("CSRF token missing or wrong")
NOT_AUTHENTICATED = N_("not authenticated")
TOO_MANY = N_("too many requests; try again in a minute")


class LoginRequired(ServiceError):
    status_code = 401


class RateLimited(ServiceError):
    status_code = 429


def cookie_name(settings: Settings, name: str) -> str:
    """``__Host-`` prefixed names where cookies are ``Secure``."""
    return f"__Host-{name}" if settings.cookie_secure else name


def page_language(request: Request, lang: Annotated[Literal["en", "de"] | None, Query()] = None) -> str:
    """The language of a page or API answer: ``?lang=``, else the remembered choice, else
    the browser's preference (docs/architecture.md, "Languages")."""
    return i18n.choose_language(
        requested=lang, cookie=request.cookies.get(i18n.LANGUAGE_COOKIE), accept=request.headers.get("accept-language")
    )


PageLang = Annotated[str, Depends(page_language)]


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


def get_session(request: Request) -> Iterator[Session]:
    """The request's unit of work: one transaction, committed when the handler returns
    and before the response is sent (the dependency's ``function`` scope), rolled back
    when it raises. Unsafe methods take the write lock at once."""
    with session_scope(request.app.state.engine, write=request.method not in SAFE_METHODS) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def get_read_session(request: Request) -> Iterator[Session]:
    """A session that does not take the write lock: for handlers that read the request
    body themselves and then write through :func:`app.core.db.session_scope`, so that a
    slow upload never holds the lock."""
    with session_scope(request.app.state.engine) as session:
        yield session


ReadSessionDep = Annotated[Session, Depends(get_read_session, scope="function")]


@dataclass
class Auth:
    user: User
    session: UserSession
    is_consultant: bool


def get_auth(request: Request, session: SessionDep, settings: SettingsDep) -> Auth:
    """The signed-in user and their session (401 without one). The page context of the
    request is stored for the pages and error pages rendered without the ``Page``
    dependency (:func:`app.templating.render`)."""
    found = session_user(session, token=request.cookies.get(cookie_name(settings, "aad_session")))
    if found is None:
        raise LoginRequired(NOT_AUTHENTICATED)
    user, row = found
    auth = Auth(user=user, session=row, is_consultant=is_consultant(session, user=user))
    request.state.page = _page(request, auth, negotiated_language(request))
    return auth


AuthDep = Annotated[Auth, Depends(get_auth)]


def _page(request: Request, auth: Auth, lang: str) -> PageContext:
    return PageContext(
        request, lang=lang, user=auth.user, csrf_token=auth.session.csrf_token, is_consultant=auth.is_consultant
    )


def page_context(request: Request, auth: AuthDep, lang: PageLang) -> PageContext:
    """The common context of a signed-in page (user, CSRF token, consultant links,
    language and language links) in the language of :func:`page_language`."""
    return _page(request, auth, lang)


#: A signed-in HTML page: ``page.render(template, context, org=…, role=…)``.
Page = Annotated[PageContext, Depends(page_context)]


def get_current_user(auth: AuthDep) -> User:
    return auth.user


CurrentUser = Annotated[User, Depends(get_current_user)]


async def csrf_protect(request: Request, auth: AuthDep) -> None:
    """Every unsafe request with a session cookie carries the session's CSRF token, in the
    ``X-CSRF-Token`` header or the ``csrf_token`` form field."""
    if request.method in SAFE_METHODS:
        return
    supplied = request.headers.get("x-csrf-token")
    if supplied is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        value = (await request.form()).get("csrf_token")
        supplied = value if isinstance(value, str) else None
    if not same(supplied, auth.session.csrf_token):
        raise Forbidden(CSRF_FAILED)


CsrfProtected = Depends(csrf_protect)

_Endpoint = TypeVar("_Endpoint", bound=Callable[..., Any])


def csrf_exempt(reason: str) -> Callable[[_Endpoint], _Endpoint]:
    """Mark a write endpoint that needs no session CSRF token, saying why."""
    if not reason.strip():
        raise ValueError("csrf_exempt: give the reason")

    def mark(endpoint: _Endpoint) -> _Endpoint:
        endpoint.csrf_exempt = reason  # type: ignore[attr-defined]
        return endpoint

    return mark


class CsrfRoute(APIRoute):
    """A route that checks the session's CSRF token on every unsafe method unless its
    endpoint is marked with :func:`csrf_exempt`."""

    def __init__(
        self, path: str, endpoint: Callable[..., Any], *, dependencies=None, methods=None, **kwargs: Any
    ) -> None:
        deps = list(dependencies or [])
        unsafe = {m.upper() for m in (methods or ("GET",))} - set(SAFE_METHODS)
        if (
            unsafe
            and not hasattr(endpoint, "csrf_exempt")
            and not any(getattr(d, "dependency", None) is csrf_protect for d in deps)
        ):
            deps.append(CsrfProtected)
        super().__init__(path, endpoint, dependencies=deps, methods=methods, **kwargs)


def _checks_csrf(dependant: Dependant) -> bool:
    return any(d.call is csrf_protect or _checks_csrf(d) for d in dependant.dependencies)


def unprotected_write_routes(app: FastAPI) -> list[str]:
    """``METHOD path`` of every route with an unsafe method that neither checks the
    session's CSRF token nor is marked with :func:`csrf_exempt`."""
    return [
        f"{'/'.join(sorted((route.methods or set()) - set(SAFE_METHODS)))} {route.path}"
        for route in iter_route_contexts(app.routes)  # as included, with the includes' dependencies
        if isinstance(route.original_route, APIRoute)
        and (route.methods or set()) - set(SAFE_METHODS)
        and not hasattr(route.endpoint, "csrf_exempt")
        and not _checks_csrf(route.dependant)
    ]


# Request bodies are read by these async dependencies on the event loop (non-blocking),
# so that every handler touching the database can be a plain ``def`` run in the thread
# pool: a blocking database call must never run on the event loop.


async def read_body(request: Request) -> bytes:
    """The raw request body (its size is capped by :class:`app.middleware.BodyLimitMiddleware`)."""
    return await request.body()


RawBody = Annotated[bytes, Depends(read_body)]


async def read_form(request: Request) -> FormData:
    """The url-encoded or multipart form of the request (at most 500 fields, no files);
    an empty form for any other body, so that the handler's own checks (access first)
    decide the answer."""
    if not request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        return FormData()
    return await request.form(max_fields=500, max_files=0)


FormBody = Annotated[FormData, Depends(read_form)]


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def rate_limit(request: Request, limiter_name: str, key: str = "") -> None:
    """Count the request against ``app.state.limiters[limiter_name]``; 429 when over."""
    wait = request.app.state.limiters[limiter_name].hit(f"{client_ip(request)}|{key}")
    if wait:
        raise RateLimited(TOO_MANY)
