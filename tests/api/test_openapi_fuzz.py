"""The API keeps its OpenAPI document's word under schemathesis: no 5xx, nothing the document does not say.

The one fuzz suite of the API. Every operation of /api/v1/openapi.json (read when the module is
imported, so a new endpoint is fuzzed without touching this file) is fuzzed in-process over WSGI (no
server), first by an agent with a bearer token (Dana), then by an admin's admin-scope token (Erin), a
customer signed in to the portal (Alice: a session and its CSRF token) and Acme's monitoring integration
with its organisation-bound token. The data is the story plus a few cases (with a comment, a file and a
watcher) and configuration items; schema-valid requests are aimed at those rows, so the code behind a 404
is fuzzed too. Every POST carries a fresh Idempotency-Key (the document declares it), so the middleware
is in every write's path; what the run found is pinned down in test_fuzz_regressions.py.

All of schemathesis's checks run: never a server error, only documented status codes, the documented
content type, bodies that match the documented schemas, invalid input refused with a 4xx, schema-valid
input not refused for no reason, missing or wrong credentials refused. Deterministic (derandomized, no
example database) and bounded (MAX_EXAMPLES per operation and phase): about a minute and a half of the
suite's time on SQLite, split across the workers. Run alone with `-s -p no:xdist`, it ends by printing
its size and result.
"""

from __future__ import annotations

import itertools
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from django.apps import apps
from django.conf import settings
from django.core import signals
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis import GenerationMode
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import ignored_auth

from supportal.accounts.models import ApiToken, User, UserKind
from supportal.cases import services as case_services
from supportal.cases.models import Attachment, Case, CaseType, RequestType, Watcher
from supportal.channels.chat.services import conversation_start
from supportal.cmdb.models import ConfigItem, ConfigItemType
from supportal.core.files import check_upload
from supportal.notifications.models import Notification
from supportal.orgs.models import Organisation, SupportPlan, Team
from supportal.wsgi import application
from tests.api.conftest import CSRF_SECRET, integration_user, secret_for
from tests.cmdb.factories import add_item, make_types
from tests.conftest import Story

MAX_EXAMPLES = 8  # per operation, caller and generating phase: the whole file stays near a minute
SECOND_PASS_CALLERS = ["admin-token", "customer-session", "integration-token"]
OWN_TOKEN = "fuzzer"  # the callers' own tokens: never aimed at, so the run cannot revoke them
# Operations left out of the run, each with its reason. Keep it empty: a new endpoint that fails here has
# a bug or a document that says something else. (Temporarily, while an endpoint is being written.)
EXCLUDED: dict[str, str] = {}
IDEMPOTENCY_KEYS = itertools.count(1)


@dataclass
class Tally:
    """What the run sent, counted where the requests arrive (the checks' own follow-up requests too)."""

    operations: set[str] = field(default_factory=set)
    requests: Counter[str] = field(default_factory=Counter)  # by caller
    statuses: Counter[int] = field(default_factory=Counter)
    caller: str = "loading the schema"

    def counting(self, app: Callable[..., Iterable[bytes]]) -> Callable[..., Iterable[bytes]]:
        def counted(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
            def start(status: str, headers: list[tuple[str, str]], *rest: Any) -> Any:
                self.statuses[int(status.split()[0])] += 1
                return start_response(status, headers, *rest)

            self.requests[self.caller] += 1
            return app(environ, start)

        return counted


TALLY = Tally()

CONFIG_DICT: dict[str, Any] = {
    # The callers send real credentials. Generated ones (a made-up bearer token, or an invalid
    # Authorization header in a request meant to be invalid for another reason) would be refused with
    # a 401 before anything else is looked at; the check of refusing wrong or missing ones probes anyway.
    "generation": {"with-security-parameters": False},
    "checks": {
        # A request the schema allows may still name rows that do not exist (a made-up id, a cursor
        # no list gave) or break a rule the schema cannot state (a valid email address, an expiry
        # in the future, an action the case's state does not allow now, a customer changing what
        # only agents may): the API answers those 403, 404, 409 or 422 with the reason. Any other
        # 4xx for schema-valid input fails.
        "positive_data_acceptance": {"expected-statuses": ["2xx", "401", "403", "404", "409", "422", "429"]},
    },
}
CONFIG = SchemathesisConfig.from_dict(CONFIG_DICT)

# Loaded when the module is imported, through the whole WSGI stack (no database needed). Not
# schemathesis.pytest.from_fixture: that path sets `node._nodeid`, which pytest 9 no longer has.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", TALLY.counting(application), config=CONFIG)

# The second pass (other callers) leaves out the coverage phase's invalid requests: those test how input is
# validated, which is the same whoever calls, and they are most of the first pass's requests.
SECOND_PASS = SchemathesisConfig.from_dict(
    {**CONFIG_DICT, "phases": {"coverage": {"generation": {"mode": "positive"}}}}
)
second_pass_schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json", TALLY.counting(application), config=SECOND_PASS
)
if EXCLUDED:
    schema = schema.exclude(name=list(EXCLUDED))
    second_pass_schema = second_pass_schema.exclude(name=list(EXCLUDED))


def _label(operation: Any) -> str:
    return f"{operation.method.upper()} {operation.path}"


@pytest.fixture(scope="module", autouse=True)
def _report_the_run_size() -> Iterator[None]:
    started = time.monotonic()
    yield
    statuses = ", ".join(f"{status}: {n}" for status, n in sorted(TALLY.statuses.items()))
    callers = ", ".join(f"{caller} {n}" for caller, n in sorted(TALLY.requests.items()))
    print(
        f"\nOpenAPI fuzz run: {len(TALLY.operations)} operations, {sum(TALLY.requests.values())} requests "
        f"({callers}) in {time.monotonic() - started:.0f} s; statuses {statuses}."
    )


@pytest.fixture(autouse=True)
def _no_throttling(settings: Any) -> None:
    # Read on every request by the throttles: a fuzz run must not turn into a stream of 429s.
    settings.API_RATE_LIMIT = "1000000/m"
    settings.API_ANON_RATE_LIMIT = "1000000/m"


@pytest.fixture(autouse=True)
def _files_in_a_directory_of_the_tests_own(settings: Any, tmp_path: Path) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "files"},
        },
    }


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """Requests go straight to the WSGI application, which closes the database connection after each
    one; that would close the test's transaction. Django's test client keeps it open the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def rows(story: Story) -> None:
    """Something behind every kind of id: cases of Acme's and Globex's with a comment, a file and an
    outside watcher (the notifications they cause included), and configuration items of both."""
    types = make_types(story)
    add_item(story, types, "web-1", identifier="web-1.acme.example", attributes={"cpus": 4})
    add_item(story, types, "vm-prod", organisation=story.globex, item_type=types.cloud)
    for user, subject in ((story.alice, "Mail is down"), (story.bob, "VPN"), (story.charlie, "Printer")):
        case = case_services.case_create(
            actor=user, organisation=user.membership.organisation, subject=subject, channel="portal",
            visibility="organization", watchers=["watcher@example.com"],
        )  # fmt: skip
        file = check_upload(name="log.txt", stream=b"disk full")
        case_services.attachment_add(actor=user, case=case, file=file, channel="portal")
        case_services.comment_add(actor=story.dana, case=case, body="Looking into it.", channel="portal")
    conversation_start(actor=story.charlie, body="Is anyone there?")  # Globex's plan includes chat


@pytest.fixture
def caller(request: pytest.FixtureRequest, story: Story, rows: None) -> Iterator[dict[str, Any]]:
    """How the fuzzer's requests authenticate (the test's parameter names the caller). Fails if the run
    never got past sign-in."""
    name: str = request.param
    TALLY.caller = name
    statuses: list[int] = []
    if name == "customer-session":
        client = Client()
        client.force_login(story.alice)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        yield {
            "headers": {"X-CSRFToken": CSRF_SECRET},
            "cookies": {settings.SESSION_COOKIE_NAME: session, "csrftoken": CSRF_SECRET},
            "statuses": statuses,
        }
    else:
        user = {"agent-token": story.dana, "admin-token": story.erin}.get(name) or integration_user(story)
        scope = "admin" if name == "admin-token" else "write"
        yield {
            "headers": {"Authorization": f"Bearer {secret_for(user, scope=scope, name=OWN_TOKEN)}"},
            "statuses": statuses,
        }
    TALLY.caller = "between tests"
    assert set(statuses) - {401}, f"every request was refused as unauthenticated: {sorted(set(statuses))}"


BOUNDED = hypothesis_settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    # The caller, the story and the test's transaction are meant to outlive one example: every example
    # of an operation runs as the same caller against the same (changing) data.
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)


@schema.parametrize()
@BOUNDED
@pytest.mark.parametrize("caller", ["agent-token"], indirect=True)
def test_an_agent_finds_the_api_as_documented(case: Any, caller: dict[str, Any]) -> None:
    call_and_validate(case, caller)


@second_pass_schema.parametrize()
@BOUNDED
@pytest.mark.parametrize("caller", SECOND_PASS_CALLERS, indirect=True)
def test_other_callers_find_the_api_as_documented(case: Any, caller: dict[str, Any]) -> None:
    # Whether an operation refuses a missing or wrong token does not depend on who calls: the agent's
    # pass checks it (three more requests after every 2xx). Its probes would not touch a session's
    # cookies anyway; test_auth_and_errors.py covers refusing wrong or missing credentials.
    call_and_validate(case, {**caller, "excluded_checks": [ignored_auth]})


def call_and_validate(case: Any, caller: dict[str, Any]) -> None:
    call = dict(caller)
    statuses: list[int] = call.pop("statuses")
    TALLY.operations.add(_label(case.operation))
    aim_at_real_rows(case)
    fresh_idempotency_key(case)
    response = case.call_and_validate(**call)
    statuses.append(response.status_code)


def fresh_idempotency_key(case: Any) -> None:
    """Generated keys repeat ("0", "!"), and a key used again with another body is rightly refused (422
    idempotency_key_reused): valid requests would stop there. A schema-valid key becomes a unique one;
    invalid keys stay, to be refused. (Replays are tested in test_idempotency.py.)"""
    if case.meta is None or case.meta.generation.mode != GenerationMode.POSITIVE:
        return
    if isinstance(case.headers, dict) and "Idempotency-Key" in case.headers:
        case.headers["Idempotency-Key"] = f"fuzz-{next(IDEMPOTENCY_KEYS)}"


def aim_at_real_rows(case: Any) -> None:
    """Made-up ids, numbers and codes almost never exist, so schema-valid requests would stop at 404 or
    422 and never reach the code behind them. Each such value becomes an existing one, chosen by the
    generated value (so the run stays deterministic); invalid cases keep their made-up values. Callers
    meet rows they may not see too (Globex's, for Alice and the integration)."""
    if case.meta is None or case.meta.generation.mode != GenerationMode.POSITIVE:
        return
    real = _real_rows(case.operation.path)
    for container in (case.path_parameters, case.query, case.body):
        if not isinstance(container, dict):
            continue
        for name, value in container.items():
            pick = zlib.crc32(str(value).encode())
            if name == "ids" and isinstance(value, list):
                notifications = real["notification"]
                container[name] = [notifications[(pick + i) % len(notifications)] for i in range(len(value))]
            elif isinstance(value, int | str) and not isinstance(value, bool):
                choices = real.get(name.removesuffix("_id"), [])
                if choices:
                    container[name] = choices[pick % len(choices)]
                elif name == "email":
                    container[name] = f"fuzz{pick}@example.com"


def _real_rows(path: str) -> dict[str, list[Any]]:
    def ids(model: type[Any], **where: Any) -> list[Any]:
        return list(model.objects.filter(**where).order_by("pk").values_list("pk", flat=True))

    def values(model: type[Any], name: str) -> list[Any]:
        return list(model.objects.order_by("pk").values_list(name, flat=True))

    numbers = values(Case, "number")
    agents = ids(User, kind=UserKind.AGENT)
    on_config_items = path.startswith("/api/v1/config-items")
    real = {
        "organization": ids(Organisation),
        "user": ids(User),
        "requester": ids(User),
        "on_behalf_of": ids(User, kind=UserKind.CUSTOMER),
        "assignee": agents,
        "token": list(ApiToken.objects.exclude(name=OWN_TOKEN).order_by("pk").values_list("pk", flat=True)),
        "plan": values(SupportPlan, "code"),
        "config_item": ids(ConfigItem),
        "number": numbers,
        "into": numbers,
        "case": numbers if path.startswith("/api/v1/cases/") else [],
        "attachment": ids(Attachment),
        "team": values(Team, "slug"),
        "type": values(ConfigItemType, "code") if on_config_items else values(CaseType, "code"),
        "request_type": values(RequestType, "slug"),
        "notification": ids(Notification) or [1],
        "webhook": _ids_of("webhooks", "Webhook"),
        "delivery": _ids_of("webhooks", "Delivery"),
        "chat": _ids_of("chat", "Conversation"),
    }
    if path.endswith("/watchers/{email}"):
        real["email"] = values(Watcher, "email")
    return real


def _ids_of(app_label: str, model_name: str) -> list[Any]:
    """Ids of a model of an app that may not be there yet: none then."""
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        return []
    return list(model.objects.order_by("pk").values_list("pk", flat=True))
