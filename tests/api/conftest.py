"""Helpers for the API tests: tokens made by the real service, and a client that sends them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from supportal.accounts import tokens
from supportal.accounts.models import User, UserKind
from supportal.orgs import services
from tests.conftest import Story


class Api:
    """Django's test client, speaking JSON to /api/v1/ with a bearer token (or none)."""

    def __init__(self, secret: str | None = None, client: Client | None = None) -> None:
        self.client = client or Client()
        self.headers = {"Authorization": f"Bearer {secret}"} if secret else {}

    def request(self, method: str, path: str, body: Any = None, **extra: Any) -> Any:
        url = path if path.startswith("/") else f"/api/v1/{path}"
        data = body if isinstance(body, str | bytes) or body is None else json.dumps(body)
        call = getattr(self.client, method.lower())
        kwargs: dict[str, Any] = {"headers": {**self.headers, **extra.pop("headers", {})}, **extra}
        if data is not None:
            kwargs.update(data=data, content_type="application/json")
        return call(url, **kwargs)

    def get(self, path: str, **params: Any) -> Any:
        return self.request("GET", path, data=params) if params else self.request("GET", path)

    def post(self, path: str, body: Any = None, **extra: Any) -> Any:
        return self.request("POST", path, body, **extra)

    def patch(self, path: str, body: Any = None) -> Any:
        return self.request("PATCH", path, body)

    def delete(self, path: str) -> Any:
        return self.request("DELETE", path)


def secret_for(user: User, scope: str = "write", name: str = "tests") -> str:
    """A token created by the command line's path (the operator), for any user who may hold one."""
    return tokens.token_create(actor=tokens.OPERATOR, channel="cli", user=user, name=name, scope=scope)[1]


def integration_user(story: Story, email: str = "monitoring@acme.example") -> User:
    return services.customer_user_create(
        actor=story.erin,
        channel="cli",
        organisation=story.acme,
        email=email,
        name="Acme monitoring",
        kind=UserKind.INTEGRATION,
    )


CSRF_SECRET = "a" * 16 + "B" * 16  # any 32 letters: the cookie holds it, the header repeats it


def api_as(user: User, *, csrf: bool = True) -> Api:
    """A session-signed-in client (customers have no tokens; the portal's session works for the API).
    It sends the CSRF cookie and header, as the portal's pages do, unless `csrf` is False."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    api = Api(client=client)
    if csrf:
        client.cookies["csrftoken"] = CSRF_SECRET
        api.headers["X-CSRFToken"] = CSRF_SECRET
    return api


@pytest.fixture(autouse=True)
def _fresh_throttles(db: None) -> None:
    cache.clear()


@pytest.fixture
def erin_api(story: Story) -> Api:
    """The admin, with an admin-scope token: administration through a token needs one."""
    return Api(secret_for(story.erin, scope="admin"))


@pytest.fixture
def dana_api(story: Story) -> Api:
    return Api(secret_for(story.dana))


def error_of(response: Any) -> dict[str, Any]:
    body: dict[str, Any] = response.json()
    assert set(body) == {"error", "detail", "fields"}, body
    return body
