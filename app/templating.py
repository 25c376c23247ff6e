"""Jinja2 templates and the page renderer."""

from __future__ import annotations

from pathlib import Path

from fastapi import Request
from fastapi.templating import Jinja2Templates

from app import catalogue, i18n, labels
from app.problems import translated

TEMPLATES = Path(__file__).resolve().parent / "templates"
templates = Jinja2Templates(directory=str(TEMPLATES))
templates.env.add_extension("jinja2.ext.i18n")
templates.env.install_gettext_callables(catalogue.gettext, catalogue.ngettext, newstyle=True)
templates.env.filters["tr"] = translated
templates.env.globals.update(
    LANGUAGE_NAMES=i18n.LANGUAGE_NAMES,
    format_number=catalogue.format_number,
    format_date=catalogue.format_date,
    format_datetime=catalogue.format_datetime,
    format_signed=catalogue.format_signed,
    format_percent=catalogue.format_percent,
    role_label=labels.role_label,
    status_label=labels.status_label,
    industry_label=labels.industry_label,
    link_kind_label=labels.link_kind_label,
    dimension_label=labels.dimension_label,
    measure_label=labels.measure_label,
    level_label=labels.level_label,
    scope_label=labels.scope_label,
)


def static_dir() -> Path:
    """The installed package's ``static`` folder, else the checkout's ``static/``."""
    bundled = Path(__file__).resolve().parent / "static"
    return bundled if bundled.is_dir() else Path(__file__).resolve().parent.parent / "static"


def negotiated_language(request: Request) -> str:
    """``?lang=``, else the remembered choice, else the browser's preference."""
    return i18n.choose_language(
        requested=request.query_params.get("lang"),
        cookie=request.cookies.get(i18n.LANGUAGE_COOKIE),
        accept=request.headers.get("accept-language"),
    )


def render(
    request: Request, name: str, context: dict | None = None, *, status_code: int = 200, lang: str | None = None
):
    """Render ``name`` in ``lang`` (default: the negotiated language) with the current
    user and CSRF token in the context, texts from the catalogue; an explicit ``?lang=`` is remembered
    in a cookie so that the following pages keep it."""
    lang = lang or negotiated_language(request)
    ctx = {
        "user": getattr(request.state, "user", None),
        "csrf_token": getattr(request.state, "csrf_token", ""),
        "is_consultant": getattr(request.state, "is_consultant", False),
        "lang": lang,
        "lang_links": i18n.language_links(request.url.path, request.query_params.multi_items()),
        **(context or {}),
    }
    with catalogue.use_language(lang):
        response = templates.TemplateResponse(request, name, ctx, status_code=status_code)
    if request.query_params.get("lang") in i18n.LANGUAGES:
        response.set_cookie(i18n.LANGUAGE_COOKIE, lang, max_age=365 * 24 * 3600, samesite="lax", path="/")
    return response
