"""Bad input never yields a 500: schemathesis fuzzes every /api/v1/ operation, in-process over WSGI.

For each operation of /api/v1/openapi.json it sends valid and invalid requests (bodies, query strings,
path parameters, content types, methods) as an admin (bearer token) and as a customer (portal session
with its CSRF token), and runs all its checks: never a server error, only declared status codes, the
declared content type, bodies that match the declared schemas, invalid input rejected with a 4xx.
Deterministic (derandomized, no example database) and bounded (15 examples per operation and phase).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.conf import settings
from django.core import signals
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis import GenerationMode
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import ignored_auth

from supportal.accounts.models import ApiToken, User
from supportal.orgs.models import Organisation, SupportPlan
from supportal.wsgi import application
from tests.api.conftest import CSRF_SECRET, secret_for
from tests.conftest import Story

OWN_TOKEN = "fuzzer"  # the admin caller's token: never aimed at, so the run cannot revoke it

CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            # A request the schema allows may still name rows that do not exist (a plan code, a cursor
            # no list gave, a user who may not hold a token) or break a rule the schema does not state
            # (a valid email address, an expiry in the future, no NUL characters): the contract answers
            # those 422 with the field named. Any other 4xx for schema-valid input still fails.
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "401", "403", "404", "409", "422", "429"]
            },
        }
    }
)

# Loaded when the module is imported, through the whole WSGI stack (no database needed). Not
# schemathesis.pytest.from_fixture: that path sets `node._nodeid`, which pytest 9 no longer has.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=CONFIG)


@pytest.fixture(autouse=True)
def _no_throttling(settings: Any) -> None:
    # Read on every request by the throttles: a fuzz run must not turn into a stream of 429s.
    settings.API_RATE_LIMIT = "1000000/m"
    settings.API_ANON_RATE_LIMIT = "1000000/m"


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """Requests go straight to the WSGI application, which closes the database connection after each
    one; that would close the test's transaction. Django's test client keeps it open the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(params=["admin-token", "customer-session"])
def credentials(request: pytest.FixtureRequest, story: Story) -> Iterator[dict[str, Any]]:
    """How the fuzzer's requests authenticate: Erin's bearer token, or Alice's portal session (with the
    CSRF cookie and header, as the portal's pages send them). Fails if the run never got past sign-in."""
    statuses: list[int] = []
    if request.param == "admin-token":
        yield {
            "headers": {"Authorization": f"Bearer {secret_for(story.erin, name=OWN_TOKEN)}"},
            "statuses": statuses,
        }
    else:
        client = Client()
        client.force_login(story.alice)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        yield {
            "headers": {"X-CSRFToken": CSRF_SECRET},
            "cookies": {settings.SESSION_COOKIE_NAME: session, "csrftoken": CSRF_SECRET},
            # Schemathesis's invalid-credential probes change only the credentials it generated, never
            # these cookies, so against a session that check cannot tell; the admin run (bearer) and
            # test_auth_and_errors.py cover refusing wrong or missing credentials.
            "excluded_checks": [ignored_auth],
            "statuses": statuses,
        }
    assert set(statuses) - {401}, f"every request was refused as unauthenticated: {sorted(set(statuses))}"


@schema.parametrize()
@hypothesis_settings(
    max_examples=15,
    derandomize=True,
    deadline=None,
    database=None,
    # The caller's token or session, the story and the test's transaction are meant to outlive one
    # example: every example of an operation runs as the same caller against the same data.
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)
def test_api_never_fails_on_bad_input(case: Any, credentials: dict[str, Any]) -> None:
    call = dict(credentials)
    statuses: list[int] = call.pop("statuses")
    if case.headers:
        # The schema offers a bearer token or a session; schemathesis fills in a made-up bearer token,
        # which the API rightly refuses even beside a valid session. The caller's own credential counts.
        case.headers.pop("Authorization", None)
    _aim_at_real_rows(case)
    response = case.call_and_validate(**call)
    statuses.append(response.status_code)


def _aim_at_real_rows(case: Any) -> None:
    """Made-up ids and plan codes almost never exist, so valid requests would stop at 404 or 422 and
    never reach the code behind them. For schema-valid cases, turn each into an existing one, chosen by
    the generated value (so still deterministic): Acme and Globex, everyone, every token, every plan,
    and a well-formed email address.
    The customer meets rows they may not see too, and invalid cases keep their made-up values."""
    if case.meta is None or case.meta.generation.mode != GenerationMode.POSITIVE:
        return
    real: dict[str, list[Any]] = {
        "organization": list(Organisation.objects.order_by("pk").values_list("pk", flat=True)),
        "user": list(User.objects.order_by("pk").values_list("pk", flat=True)),
        "token": list(ApiToken.objects.exclude(name=OWN_TOKEN).order_by("pk").values_list("pk", flat=True)),
        "plan": list(SupportPlan.objects.order_by("pk").values_list("code", flat=True)),
    }
    for container in (case.path_parameters, case.query, case.body):
        if not isinstance(container, dict):
            continue
        for name, value in container.items():
            if not isinstance(value, int | str) or isinstance(value, bool):
                continue
            pick = zlib.crc32(str(value).encode())
            rows = real.get(name.removesuffix("_id"), [])
            if rows:
                container[name] = rows[pick % len(rows)]
            elif name == "email":
                container[name] = f"fuzz{pick}@example.com"
