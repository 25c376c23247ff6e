"""A real SMTP server on loopback for the mail tests (aiosmtpd): it records every
message, refuses addresses starting with ``bounce`` permanently (550) and answers
addresses starting with ``later`` with a temporary failure (451) a set number of times."""

from __future__ import annotations

import socket
import threading
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


class Recorder:
    """The aiosmtpd handler: ``messages`` holds each received message."""

    def __init__(self, *, temporary_failures: int = 0):
        self.messages: list[EmailMessage] = []
        self.refused: list[str] = []
        self.temporary_failures = temporary_failures
        self._tries: dict[str, int] = {}
        self._lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("bounce"):
            self.refused.append(address)
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        if address.startswith("later"):
            with self._lock:
                self._tries[address] = self._tries.get(address, 0) + 1
                if self._tries[address] <= self.temporary_failures:
                    return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            self.messages.append(message_from_bytes(envelope.original_content, policy=policy.default))
        return "250 Message accepted"

    def to(self) -> list[str]:
        """The recipients of the received messages, in order."""
        with self._lock:
            return [m["To"] for m in self.messages]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def smtp_server(**options):
    """Yields ``(recorder, port)`` of a server running on 127.0.0.1."""
    recorder = Recorder(**options)
    port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port, data_size_limit=1_000_000)
    controller.start()
    try:
        yield recorder, port
    finally:
        controller.stop()


def mail_settings(port: int) -> dict:
    """Settings overrides that send to the test server at ``port``."""
    return {
        "smtp_host": "127.0.0.1",
        "smtp_port": port,
        "smtp_starttls": False,
        "mail_from": "Survey <survey@example.org>",
        "mail_rate_per_minute": 1_000_000,
        "mail_retry_seconds": 0.05,
    }
