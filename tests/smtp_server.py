"""A real SMTP server on loopback (aiosmtpd) for tests: it keeps every message as the raw bytes received.

    from tests import smtp_server as smtp_fixtures
    smtp_server = smtp_fixtures.smtp_server  # the fixture, in the test module

    def test_x(smtp_server: SmtpServer, settings) -> None:
        smtp_server.deliver_here(settings)          # Django's SMTP backend → this server
        ...
        assert smtp_server.wait_for(1, timeout=10)
        message = smtp_server.parsed()[0]           # email.message.EmailMessage

The fixture starts the server on a free port of 127.0.0.1 and stops it after the test. `stop()` and
`start()` let a test take it down (deliveries then fail) and bring it back on the same port.
"""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Delivery:
    """One message as the server received it: the envelope and the bytes, untouched."""

    mail_from: str
    rcpt_tos: list[str]
    raw: bytes


class SmtpServer:
    """aiosmtpd on 127.0.0.1:`port`, collecting deliveries (thread-safe)."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.deliveries: list[Delivery] = []
        self._changed = threading.Condition()
        self._controller: Controller | None = None

    # The aiosmtpd handler interface.
    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        delivery = Delivery(str(envelope.mail_from), [str(r) for r in envelope.rcpt_tos], bytes(raw))
        with self._changed:
            self.deliveries.append(delivery)
            self._changed.notify_all()
        return "250 Message accepted for delivery"

    def start(self) -> None:
        if self._controller is None:  # a stopped controller's loop is closed: start a fresh one
            self._controller = Controller(self, hostname=HOST, port=self.port, ready_timeout=10)
            self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def messages(self) -> list[bytes]:
        with self._changed:
            return [d.raw for d in self.deliveries]

    def parsed(self) -> list[EmailMessage]:
        """Every message received, parsed by the standard library (modern policy)."""
        return [
            email.message_from_bytes(raw, policy=email.policy.default)  # type: ignore[misc]
            for raw in self.messages
        ]

    def wait_for(self, count: int, timeout: float) -> bool:
        """Whether `count` messages have arrived within `timeout` seconds."""
        with self._changed:
            return self._changed.wait_for(lambda: len(self.deliveries) >= count, timeout=timeout)

    def deliver_here(self, settings: Any) -> None:
        """Send through the real outbox (pytest-django swaps in locmem) and deliver to this server over
        plain SMTP (`settings`: pytest-django's fixture)."""
        settings.EMAIL_BACKEND = "supportal.notifications.backends.OutboxBackend"
        settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = HOST, self.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_TIMEOUT = 5


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A running SmtpServer on a free loopback port, stopped after the test."""
    server = SmtpServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()
