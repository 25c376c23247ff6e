"""The FastAPI application: ``create_app()`` (uvicorn factory ``app.main:create_app``)."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from anyio import to_thread
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from app.catalogue import N_
from app.problems import INVALID_INPUT, input_problem
from app.core.admission import AdmissionMiddleware, busy_response
from app.core.config import Settings
from app.core.db import DatabaseBusy, make_engine, upgrade
from app.core.ratelimit import limiters
from app.core.security import LinkSealer, Sealer, Signer
from app.deps import LoginRequired, unprotected_write_routes
from app.middleware import BodyLimitMiddleware, InputGuardMiddleware, SecurityHeadersMiddleware
from app.routers import campaigns, docs, invitations, login, organizations, questions, results, survey, teams
from app.routers import benchmarks, decision_map, fact_sheets, mailing, portfolio, register, waves
from app.services import ServiceError
from app.services.downloads import JobRunner
from app.services.mail_sender import MailSender
from app.services.results import warm_up
from app.templating import render, static_dir


class ErrorOut(BaseModel):
    """Every refusal of the API: its fixed text and, where the input had problems, each
    one named (:class:`app.services.ServiceError`, invalid input, the request guards)."""

    detail: str
    errors: list[str] = []


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    "4XX": {"model": ErrorOut, "description": "Refused; nothing was changed"}
}


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the application for ``settings`` (default: from the environment), applying
    pending migrations first unless ``AAD_MIGRATE_ON_START=0``. At start-up the most
    recently closed campaigns are diagnosed in the background unless ``AAD_WARM_UP=0``.
    In development the service answers only the hosts of ``settings.allowed_hosts``."""
    settings = settings or Settings()
    if settings.migrate_on_start:
        upgrade(settings.sqlalchemy_url)
    app = FastAPI(
        title="Aligned Autonomy Diagnostic",
        version="0.1.0",
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
        lifespan=_lifespan,
        responses=ERROR_RESPONSES,
        description="Survey service: organizations, teams, campaigns, anonymous invitations and the employee survey.",
    )
    app.state.settings = settings
    app.state.engine = make_engine(settings.sqlalchemy_url, pool_size=settings.threads)
    app.state.signer = Signer(settings.secret_key)
    app.state.sealer = Sealer(settings.secret_key, settings.previous_secret_keys)
    app.state.link_sealer = LinkSealer(settings.secret_key, settings.previous_secret_keys)
    app.state.limiters = limiters(settings, app.state.engine)
    app.state.report_jobs = JobRunner(app.state.engine)
    # outermost last: (in development) the trusted hosts, admission control, security
    # headers on every answer, the body limit, then the guard against control characters
    # and deep nesting (which reads the bounded body)
    app.add_middleware(InputGuardMiddleware)
    app.add_middleware(BodyLimitMiddleware)
    app.add_middleware(SecurityHeadersMiddleware, hsts=not settings.development)
    app.add_middleware(AdmissionMiddleware, slots=settings.threads, timeout=settings.queue_timeout_seconds)
    if settings.development:  # links follow the request only where AAD_BASE_URL is unset, i.e. here
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=settings.allowed_hosts, www_redirect=False)
    for module in (login, organizations, teams, campaigns, invitations, survey, docs, results, questions):
        app.include_router(module.router)
    for module in (portfolio, benchmarks, waves, register, decision_map, mailing, fact_sheets):
        app.include_router(module.router)
    if unprotected := unprotected_write_routes(app):
        raise RuntimeError(
            "write routes without CSRF protection (use CsrfRoute or csrf_exempt): " + ", ".join(unprotected)
        )
    app.mount("/static", StaticFiles(directory=static_dir()), name="static")
    _handlers(app)
    access_log = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactSurveyTokens) for f in access_log.filters):
        access_log.addFilter(RedactSurveyTokens())
    return app


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start warming the results cache (without waiting for it) and the background
    sender of e-mails (:mod:`app.services.mail_sender`), which is stopped at shutdown."""
    to_thread.current_default_thread_limiter().total_tokens = app.state.settings.threads
    if app.state.settings.warm_up:
        warm_up(app.state.engine)
    sender = MailSender(app.state.engine, app.state.settings, app.state.link_sealer)
    sender.start()
    yield
    await to_thread.run_sync(sender.stop)


class RedactSurveyTokens(logging.Filter):
    """Keep survey tokens out of the access log."""

    PATTERN = re.compile(r"/s/[^/?\s]+")

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(self.PATTERN.sub("/s/…", a) if isinstance(a, str) else a for a in record.args)
        return True


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


#: Pages for HTTP errors outside the API (which answers JSON): title and message.
HTTP_ERROR_PAGES = {
    404: (N_("This page does not exist"), N_("The address may be mistyped, or the page was removed.")),
    405: (N_("This address does not take that request"), N_("Use the buttons and links of the pages.")),
}


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        if _is_api(request) or exc.status_code not in HTTP_ERROR_PAGES:
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        title, detail = HTTP_ERROR_PAGES[exc.status_code]
        return render(
            request,
            "admin/error.html",
            {"title": title, "detail": detail, "changed_nothing": False},
            status_code=exc.status_code,
        )

    @app.exception_handler(DatabaseBusy)
    async def database_busy(request: Request, exc: DatabaseBusy):
        return busy_response(request.url.path)

    @app.exception_handler(ServiceError)
    async def service_error(request: Request, exc: ServiceError):
        if _is_api(request):
            body = {"detail": exc.detail, **({"errors": exc.errors} if exc.errors else {})}
            return JSONResponse(body, status_code=exc.status_code)
        if isinstance(exc, LoginRequired):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/login?next={target}", status_code=303)
        return render(
            request, "admin/error.html", {"detail": exc.problem, "errors": exc.problems}, status_code=exc.status_code
        )

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        if _is_api(request):
            errors = [f"{'.'.join(str(p) for p in e['loc'][1:]) or 'body'}: {e['msg']}" for e in exc.errors()]
            return JSONResponse({"detail": INVALID_INPUT, "errors": errors}, status_code=422)
        return render(
            request,
            "admin/error.html",
            {"detail": INVALID_INPUT, "errors": [input_problem(e) for e in exc.errors()]},
            status_code=422,
        )
