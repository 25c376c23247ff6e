"""The real app served by uvicorn in a thread, and logged-in HTTP clients that fire
requests at it together (for the concurrency tests)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from concurrent.futures import ThreadPoolExecutor

import httpx
import uvicorn


@contextmanager
def live_server(app) -> Iterator[str]:
    """Serve ``app`` on a free local port; yields the base URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)
        sock.close()


def session_headers(client, csrf: str) -> dict:
    """The headers of a logged-in TestClient's session for a plain HTTP client (the
    ``Secure`` cookie would not be sent over http)."""
    return {"cookie": f"__Host-aad_session={client.cookies.get('__Host-aad_session')}", "x-csrf-token": csrf}


def together(base: str, n: int, request) -> list[httpx.Response]:
    """Send ``request(client, i)`` from ``n`` threads released at the same moment."""
    barrier = threading.Barrier(n)

    def one(i: int) -> httpx.Response:
        with httpx.Client(base_url=base, timeout=60) as client:
            barrier.wait()
            return request(client, i)

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(one, range(n)))
