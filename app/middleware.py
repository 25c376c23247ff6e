"""ASGI middleware: a request body limit, a guard against control characters and
deeply nested JSON, and security headers."""

from __future__ import annotations

import html
import json
from urllib.parse import parse_qsl

from starlette.datastructures import Headers
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.inputs import (
    CONTROL_CHARACTERS,
    MAX_JSON_DEPTH,
    TOO_DEEP,
    control_character,
    json_control_character,
    json_too_deep,
)
from app.services.survey import BODY_TOO_LARGE, MAX_BODY_BYTES

SURVEY_PREFIXES = ("/s/", "/survey", "/api/v1/survey")
DEFAULT_LIMIT = 1_100_000  # room for a 1 MB team CSV and its multipart envelope


class _TooLarge(Exception):
    pass


class BodyLimitMiddleware:
    """Refuse bodies over 64 KB on survey endpoints (1.1 MB elsewhere) with a 422 that
    names the problem, before the application reads them."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope["path"]
        limit = MAX_BODY_BYTES if path.startswith(SURVEY_PREFIXES) else DEFAULT_LIMIT
        detail = BODY_TOO_LARGE if limit == MAX_BODY_BYTES else f"request body larger than {limit} bytes"
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length", b"0")
        if not length.isdigit() or int(length) > limit:
            return await _refuse(path, detail, send)
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooLarge
            return message

        async def tracking_send(message: Message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not started:
                await _refuse(path, detail, send)


async def _refuse(
    path: str, detail: str, send: Send, *, errors: tuple[str, ...] = (), title: str = "Request too large"
) -> None:
    """A 422 naming the problem: JSON under ``/api/``, a small page elsewhere."""
    if path.startswith("/api/"):
        body = json.dumps({"detail": detail, **({"errors": list(errors)} if errors else {})}).encode()
        kind = b"application/json"
    else:
        items = "".join(f"<li>{html.escape(e)}</li>" for e in errors)
        body = (
            f"<!doctype html><html lang=en><meta charset=utf-8><title>{title}</title>"
            f"<main><h1>{title}</h1><p>{html.escape(detail)}. Nothing was stored.</p>"
            f"{f'<ul>{items}</ul>' if items else ''}</main></html>"
        ).encode()
        kind = b"text/html; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": 422,
            "headers": [
                (b"content-type", kind),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


#: Bodies whose control characters their own handling deals with: the survey's answers
#: (the comment drops them, every other value must be an option of its item).
ANSWER_PATHS = ("/survey", "/api/v1/survey/responses")
#: Survey links: the token is only ever hashed, and a link with a control character is
#: an unknown link, answered with the survey's own page for employees.
LINK_PREFIX = "/s/"
#: Uploads read by their own parser, which names the line of a control character.
UPLOAD_TYPES = ("text/csv",)
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class InputGuardMiddleware:
    """Refuse, before the application sees it, a request with a C0 control character
    other than tab and line breaks (none at all in the path) in its path, query string
    or body text — JSON (raw or as an escape such as ``\\u0000``), form fields and
    multipart fields — or with a body nested deeper than
    :data:`~app.core.inputs.MAX_JSON_DEPTH` levels of JSON arrays and objects: a 422
    whose ``errors`` name where. Left to their own checks: uploaded files and CSV
    bodies (their parsers name the line), the survey's answers (:data:`ANSWER_PATHS`)
    and survey links (:data:`LINK_PREFIX`). Runs inside :class:`BodyLimitMiddleware`,
    so the body it reads is bounded."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope["path"]
        problem = _url_problem(path, scope.get("query_string", b""))
        if problem:
            return await _refuse(path, CONTROL_CHARACTERS, send, errors=(problem,), title="Invalid request")
        chunks, more = [], True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        body_problem = await _body_problem(path, Headers(scope=scope), body) if body else None
        if body_problem:
            return await _refuse(path, body_problem[0], send, errors=(body_problem[1],), title="Invalid request")
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


def _url_problem(path: str, query: bytes) -> str | None:
    char = None if path.startswith(LINK_PREFIX) else control_character(path, line_breaks=False)
    if char:
        return f"path: {char}"
    for name, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
        char = control_character(name, line_breaks=False) or control_character(value)
        if char:
            return f"query parameter {name[:40]!r}: {char}"
    return None


async def _body_problem(path: str, headers: Headers, body: bytes) -> tuple[str, str] | None:
    """``(detail, where)`` of the first problem of a body, or None."""
    kind = headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in FORM_TYPES and json_too_deep(body):
        return TOO_DEEP, f"more than {MAX_JSON_DEPTH} levels of JSON arrays and objects"
    if path in ANSWER_PATHS or kind in UPLOAD_TYPES:
        return None
    if kind == "application/x-www-form-urlencoded":
        fields = parse_qsl(body.decode("latin-1"), keep_blank_values=True)
    elif kind == "multipart/form-data":
        fields = await _multipart_fields(headers, body)
    else:
        where = json_control_character(body.decode("utf-8", errors="replace"))
        return (CONTROL_CHARACTERS, f"body {where}") if where else None
    for name, value in fields:
        char = control_character(name, line_breaks=False) or control_character(value)
        if char:
            return CONTROL_CHARACTERS, f"field {name[:40]!r}: {char}"
    return None


async def _multipart_fields(headers: Headers, body: bytes) -> list[tuple[str, str]]:
    """The text fields of a multipart body (uploaded files are left to their parsers);
    none when it does not parse (the application answers that)."""

    async def stream():
        yield body

    try:
        form = await MultiPartParser(headers, stream()).parse()
    except MultiPartException:
        return []
    try:
        return [(name, value) for name, value in form.multi_items() if isinstance(value, str)]
    finally:
        await form.close()


CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


class SecurityHeadersMiddleware:
    """CSP, no referrer (survey links must not leak), no framing, no caching of pages,
    and HSTS outside development."""

    def __init__(self, app: ASGIApp, *, hsts: bool):
        self.app = app
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        static = scope["path"].startswith("/static/")

        async def send_with_headers(message: Message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [
                    (b"content-security-policy", CSP.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"DENY"),
                    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
                ]
                if not static:
                    headers.append((b"cache-control", b"no-store"))
                if self.hsts:
                    headers.append((b"strict-transport-security", b"max-age=31536000; includeSubDomains"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
