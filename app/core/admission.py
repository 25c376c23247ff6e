"""Admission control: at most as many requests at work as there are handler threads.

Every handler that touches the database runs in the thread pool (plain ``def``), so the
event loop only parses requests and writes responses and never stalls. This middleware
admits a request once one of ``slots`` places is free (the thread pool and the database
pool have the same size, so an admitted request never waits for a connection); the
others wait their turn on the event loop, in arrival order. A request that has waited
``timeout`` seconds is answered at once with 503 and ``Retry-After``: under overload the
service says so quickly instead of letting connections pile up until clients give up.
Static files are served without a slot.
"""

from __future__ import annotations

import asyncio

from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

BUSY = "the service is busy; try again in a moment"
RETRY_AFTER_S = 5


class AdmissionMiddleware:
    def __init__(self, app: ASGIApp, *, slots: int, timeout: float):
        self.app = app
        self.slots = slots
        self.timeout = timeout
        self._semaphore: asyncio.Semaphore | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send):
        if scope["type"] != "http" or scope["path"].startswith("/static/"):
            return await self.app(scope, receive, send)
        if self._semaphore is None:  # created inside the server's event loop
            self._semaphore = asyncio.Semaphore(self.slots)
        try:
            await asyncio.wait_for(self._semaphore.acquire(), self.timeout)
        except TimeoutError:
            return await busy_response(scope["path"])(scope, receive, send)
        try:
            await self.app(scope, receive, send)
        finally:
            self._semaphore.release()


def busy_response(path: str) -> Response:
    """503 with ``Retry-After``: JSON for the API, a short page otherwise."""
    headers = {"retry-after": str(RETRY_AFTER_S)}
    if path.startswith("/api/"):
        return JSONResponse({"detail": BUSY}, status_code=503, headers=headers)
    return HTMLResponse(
        "<!doctype html><html lang=en><meta charset=utf-8><title>Busy</title>"
        f"<main><h1>One moment, please</h1><p>The {BUSY}. Nothing was lost: "
        "go back and send the page again.</p></main></html>",
        status_code=503,
        headers=headers,
    )
