"""Jinja2 templates and the page renderer."""

from __future__ import annotations

from pathlib import Path

from fastapi import Request
from fastapi.templating import Jinja2Templates

from app import i18n

TEMPLATES = Path(__file__).resolve().parent / "templates"
templates = Jinja2Templates(directory=str(TEMPLATES))
templates.env.globals.update(LANGUAGE_NAMES=i18n.LANGUAGE_NAMES)


def static_dir() -> Path:
    """The installed package's ``static`` folder, else the checkout's ``static/``."""
    bundled = Path(__file__).resolve().parent / "static"
    return bundled if bundled.is_dir() else Path(__file__).resolve().parent.parent / "static"


def render(request: Request, name: str, context: dict | None = None, *, status_code: int = 200, lang: str = "en"):
    """Render ``name`` with the current user, CSRF token and translator in the context."""
    ctx = {
        "user": getattr(request.state, "user", None),
        "csrf_token": getattr(request.state, "csrf_token", ""),
        "is_consultant": getattr(request.state, "is_consultant", False),
        "lang": lang,
        "t": lambda key, **values: i18n.t(key, lang, **values),
        **(context or {}),
    }
    return templates.TemplateResponse(request, name, ctx, status_code=status_code)
