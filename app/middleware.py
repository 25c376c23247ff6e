"""ASGI middleware: a request body limit and security headers."""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

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


async def _refuse(path: str, detail: str, send: Send) -> None:
    if path.startswith("/api/"):
        body, kind = json.dumps({"detail": detail}).encode(), b"application/json"
    else:
        body = (
            "<!doctype html><html lang=en><meta charset=utf-8><title>Request too large</title>"
            f"<main><h1>Request too large</h1><p>{detail}. Nothing was stored.</p></main></html>"
        ).encode()
        kind = b"text/html; charset=utf-8"
    await send({"type": "http.response.start", "status": 422, "headers": [
        (b"content-type", kind), (b"content-length", str(len(body)).encode()), (b"connection", b"close"),
    ]})
    await send({"type": "http.response.body", "body": body})


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
