"""Chat fixtures: Acme moves to the Premium plan so that both customers' organisations include chat;
`asgi_server` serves the real ASGI application; `socket_for` opens a real WebSocket on it with a
signed-in session's cookie, and `http_for` a requests session with the same cookie and CSRF token."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
from django.conf import settings
from django.test import Client
from websockets.sync.client import ClientConnection, connect
from websockets.typing import Origin

from supportal.accounts.models import User
from tests.chat.asgi_server import AsgiServer
from tests.chat.asgi_server import asgi_server as asgi_server_fixture
from tests.conftest import Story

asgi_server = asgi_server_fixture
WAIT = 5.0


@pytest.fixture
def chat_story(story: Story) -> Story:
    """Both Acme and Globex have chat (Premium); Dana is the agent."""
    story.acme.plan = story.premium
    story.acme.save(update_fields=["plan"])
    return story


def session_cookie(user: User) -> str:
    client = Client()
    client.force_login(user)
    return str(client.cookies[settings.SESSION_COOKIE_NAME].value)


def socket_for(server: AsgiServer, user: User | None, *, origin: str | None = None) -> ClientConnection:
    """A WebSocket to /ws/chat/, signed in as `user` (None: no session)."""
    headers = {}
    if user is not None:
        headers["Cookie"] = f"{settings.SESSION_COOKIE_NAME}={session_cookie(user)}"
    return connect(
        server.ws_url, additional_headers=headers, origin=Origin(origin or server.url), open_timeout=WAIT
    )


def send(socket: ClientConnection, **frame: Any) -> None:
    socket.send(json.dumps(frame))


def receive_until(socket: ClientConnection, kind: str, *, timeout: float = WAIT) -> dict[str, Any]:
    """The next frame of `kind`, skipping others (a bounded wait)."""
    for _ in range(100):
        frame: dict[str, Any] = json.loads(socket.recv(timeout=timeout))
        if frame.get("type") == kind:
            return frame
    raise AssertionError(f"no {kind!r} frame")


def http_for(server: AsgiServer, user: User) -> requests.Session:
    """A requests session signed in as `user`, sending the CSRF token as the pages' scripts do."""
    session = requests.Session()
    session.cookies.set(settings.SESSION_COOKIE_NAME, session_cookie(user), domain="127.0.0.1")
    session.get(f"{server.url}/", timeout=WAIT)
    token = session.cookies.get(settings.CSRF_COOKIE_NAME, domain="127.0.0.1") or ""
    session.headers.update({"X-CSRFToken": token, "Referer": server.url + "/"})
    return session
