"""Jinja2 templates and the page renderer."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from app import catalogue, i18n, labels
from app.models import Organization, Role, User
from app.problems import translated

TEMPLATES = Path(__file__).resolve().parent / "templates"
templates = Jinja2Templates(directory=str(TEMPLATES))
templates.env.add_extension("jinja2.ext.i18n")
# the i18n extension adds this method to the environment at run time (Environment.extend)
templates.env.install_gettext_callables(  # type: ignore[attr-defined]
    catalogue.gettext, catalogue.ngettext, newstyle=True
)
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


@dataclass(frozen=True)
class PageContext:
    """The part of every page's template context that does not depend on the page: the
    signed-in user (None on public pages), their CSRF token for forms, whether they are
    a consultant (the portfolio and benchmark links), the page's language and the links
    to the same page in each language. Signed-in pages get it from the ``Page``
    dependency (:func:`app.deps.page_context`); :func:`render` builds it for the others."""

    request: Request
    lang: str
    user: User | None = None
    csrf_token: str = ""
    is_consultant: bool = False

    def in_language(self, lang: str) -> PageContext:
        """The same page in ``lang`` (a form that carries its language)."""
        return self if lang == self.lang else replace(self, lang=lang)

    def common(self) -> dict[str, Any]:
        return {
            "user": self.user,
            "csrf_token": self.csrf_token,
            "is_consultant": self.is_consultant,
            "lang": self.lang,
            "lang_links": i18n.language_links(self.request.url.path, self.request.query_params.multi_items()),
        }

    def render(
        self,
        name: str,
        context: dict[str, Any] | None = None,
        *,
        status_code: int = 200,
        org: Organization | None = None,
        role: Role | None = None,
    ) -> Response:
        """Render ``name`` in the page's language with the common context, the
        organization and the reader's role in it when given, then ``context``; texts
        from the catalogue. An explicit ``?lang=`` is remembered in a cookie so that the
        following pages keep it."""
        ctx = self.common()
        if org is not None:
            ctx["org"] = org
        if role is not None:
            ctx["role"] = role.value
        ctx.update(context or {})
        with catalogue.use_language(self.lang):
            response = templates.TemplateResponse(self.request, name, ctx, status_code=status_code)
        if self.request.query_params.get("lang") in i18n.LANGUAGES:
            response.set_cookie(i18n.LANGUAGE_COOKIE, self.lang, max_age=365 * 24 * 3600, samesite="lax", path="/")
        return response


def page_of(request: Request, lang: str | None = None) -> PageContext:
    """The page context of ``request``: the signed-in reader's (stored by the
    authentication, :func:`app.deps.get_auth`), else a public page's; in ``lang``
    (default: the negotiated language)."""
    page = getattr(request.state, "page", None) or PageContext(request, lang=negotiated_language(request))
    return page.in_language(lang) if lang else page


def render(
    request: Request, name: str, context: dict | None = None, *, status_code: int = 200, lang: str | None = None
) -> Response:
    """Render ``name`` with the page context of ``request`` (:func:`page_of`); for
    handlers without the ``Page`` dependency (public pages, error pages)."""
    return page_of(request, lang).render(name, context, status_code=status_code)
