"""Helpers for the webhook tests: a real HTTP receiver on 127.0.0.1, and webhooks made by the services.

The receiver is a threaded http.server in the test process. It records every request as it arrived
(headers and raw body) and answers from a script of statuses (200 once the script is used up), so a
test can make it fail N times, then succeed, and check what each try looked like.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core import mail
from tests.conftest import Story

from supportal.accounts.models import User
from supportal.orgs.models import Organisation
from supportal.webhooks import services
from supportal.webhooks.models import Webhook

Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]
ALL_CASE_EVENTS = [
    "case.created", "case.updated", "case.commented", "case.state_changed", "case.priority_changed",
    "case.escalated", "case.assigned", "case.linked", "case.attachment_added", "case.merged",
]  # fmt: skip


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> dict[str, Any]:
        document: dict[str, Any] = json.loads(self.body)
        return document

    def signed_by(self, secret: str) -> bool:
        """Check the signature the way a receiver should (docs/webhooks.md)."""
        timestamp = self.headers["X-Supportal-Timestamp"]
        expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + self.body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(self.headers["X-Supportal-Signature"], f"v1={expected}")


@dataclass
class Receiver:
    url: str
    requests: list[Received] = field(default_factory=list)
    script: list[int] = field(default_factory=list)  # statuses to answer, in order; then 200
    headers: dict[str, str] = field(default_factory=dict)  # extra answer headers (e.g. Location)
    delay: float = 0.0  # seconds to wait before answering
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, *statuses: int) -> None:
        with self.lock:
            self.script[:] = list(statuses)

    def events(self) -> list[str]:
        return [r.json["event"] for r in self.requests]


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with receiver.lock:
                receiver.requests.append(Received(self.path, dict(self.headers.items()), body))
                status = receiver.script.pop(0) if receiver.script else 200
            answer = json.dumps({"received": status < 300, "status": status}).encode()
            if receiver.delay:
                time.sleep(receiver.delay)
            self.send_response(status)
            for name, value in receiver.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def receiver(settings: Any) -> Iterator[Receiver]:
    """A webhook receiver on loopback; organisations' webhooks may call it (the operator's setting)."""
    settings.SUPPORTAL_WEBHOOK_ALLOW_PRIVATE = True
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    receiver = Receiver(url=f"http://127.0.0.1:{server.server_address[1]}/hooks/supportal")
    server.RequestHandlerClass = _handler(receiver)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def run(django_capture_on_commit_callbacks: Capture) -> Callable[..., Any]:
    """`run(fn, ...)`: call a service and let its after-commit work (events, deliveries) happen, as the
    job engine would (tests run jobs inline)."""

    def call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return call


@pytest.fixture
def through_the_outbox(settings: Any) -> None:
    """The real outbox (pytest-django swaps EMAIL_BACKEND for locmem); delivery stays locmem."""
    settings.EMAIL_BACKEND = "supportal.notifications.backends.OutboxBackend"
    mail.outbox.clear()


def make_webhook(
    actor: User,
    url: str,
    *,
    organisation: Organisation | None,
    events: list[str] | None = None,
    description: str = "",
) -> Webhook:
    return services.webhook_create(
        actor=actor,
        channel="cli",
        organisation=organisation,
        url=url,
        event_types=events or ALL_CASE_EVENTS,
        description=description,
    )


@pytest.fixture
def acme_hook(story: Story, receiver: Receiver) -> Webhook:
    """Acme's webhook, made by Alice (a user manager), to the receiver, for every case event."""
    return make_webhook(story.alice, receiver.url, organisation=story.acme, description="Acme's tools")
