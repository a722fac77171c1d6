"""What `supportal bench run` measures, and as whom.

The people come from the seeded data (bench/seed.py): the customer is the requester of the 50-event
case (the busiest requester of the largest organisation, who also administers it); the agent is the
first seeded agent (Service Desk); API cases are opened by the largest organisation's integration user.
Pages are fetched with a session made directly in the session store (as a sign-in would); the API with
tokens made by the token service. `Fixtures.close()` revokes the tokens and deletes the sessions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import import_module
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

from bench import shape, words
from bench.seed_people import DOMAIN
from supportal.accounts import tokens
from supportal.accounts.models import ApiToken, TokenScope, User, UserKind
from supportal.audit.services import AuditChannel
from supportal.cases.lifecycle import State
from supportal.cases.models import Case

COMMENT_TARGETS = 200  # API comments go round this many open cases
TOKEN_NAME = "supportal bench run"  # noqa: S105 - a token's name, not its secret


class NotSeeded(Exception):
    pass


@dataclass(frozen=True)
class Operation:
    name: str
    label: str
    method: str = "GET"
    paths: tuple[str, ...] = ()
    headers: dict[str, str] = field(default_factory=dict)
    bodies: tuple[str, ...] | None = None
    expect: int = 200
    not_built: str = ""  # why it cannot be measured yet


NOT_BUILT: tuple[Operation, ...] = ()  # operations listed before they can be measured
# A new case by email from the bench's customer, with a quoted earlier mail; `{n}` makes each one unique.
NEW_CASE_MAIL = (
    "From: {name} <{email}>\r\nTo: support@example.com\r\nSubject: Bench {n}: printer offline\r\n"
    "Message-ID: <bench-{n}@mail.bench.example>\r\nDate: Tue, 01 Dec 2026 10:00:00 +0000\r\n"
    "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
    "Hello,\r\n\r\nthe printer in room {n} is offline again since this morning.\r\n\r\nThanks\r\n\r\n"
    "On Mon, 30 Nov 2026 at 09:00, Support <support@example.com> wrote:\r\n> Is it still offline?\r\n"
)


@dataclass
class Fixtures:
    customer: User
    agent: User
    integration: User
    detail_case: str
    comment_cases: list[str]
    sessions: dict[str, str] = field(default_factory=dict)  # user email -> session key
    secrets: dict[str, str] = field(default_factory=dict)  # user email -> API token
    tokens: list[ApiToken] = field(default_factory=list)

    def close(self) -> None:
        store = import_module(settings.SESSION_ENGINE).SessionStore
        for key in self.sessions.values():
            store(session_key=key).delete()
        for token in self.tokens:
            tokens.token_revoke(actor=tokens.OPERATOR, channel=AuditChannel.CLI, token=token)
        self.sessions, self.tokens = {}, []


def prepare() -> Fixtures:
    from bench.sla import prepare_clocks

    prepare_clocks()  # the seeded open cases' SLA clocks, once
    detail = (
        Case.objects.filter(reference=shape.DETAIL_REFERENCE)
        .select_related("requester")
        .order_by("id")
        .first()
    )
    agent = User.objects.filter(kind=UserKind.AGENT, is_active=True, email__endswith=f"@provider.{DOMAIN}")
    integration = User.objects.filter(kind=UserKind.INTEGRATION, email__endswith=f".{DOMAIN}")
    fixtures = None
    if detail is not None:
        fixtures = Fixtures(
            customer=detail.requester,
            agent=agent.order_by("id").first(),  # type: ignore[arg-type]
            integration=integration.filter(membership__organisation_id=detail.organisation_id).first(),  # type: ignore[arg-type]
            detail_case=detail.number,
            comment_cases=list(
                Case.objects.exclude(state=State.CLOSED)
                .order_by("-id")
                .values_list("number", flat=True)[:COMMENT_TARGETS]
            ),
        )
    if (
        fixtures is None
        or fixtures.agent is None
        or fixtures.integration is None
        or not fixtures.comment_cases
    ):
        raise NotSeeded("This database was not filled by `supportal bench seed`: seed a fresh one first.")
    for user in (fixtures.customer, fixtures.agent):
        fixtures.sessions[user.email] = signed_in_session(user)
    for user in (fixtures.agent, fixtures.integration):
        token, secret = tokens.token_create(
            actor=tokens.OPERATOR,
            channel=AuditChannel.CLI,
            user=user,
            name=TOKEN_NAME,
            scope=TokenScope.WRITE,
        )
        fixtures.tokens.append(token)
        fixtures.secrets[user.email] = secret
    return fixtures


def signed_in_session(user: User) -> str:
    """A signed-in session for `user`, as `django.contrib.auth.login` would store it."""
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)  # type: ignore[union-attr]
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return str(session.session_key)


def operations(fx: Fixtures) -> list[Operation]:
    from bench.alerts import alert_operations
    from bench.sla import sla_operations

    def page(user: User) -> dict[str, str]:
        return {"Cookie": f"{settings.SESSION_COOKIE_NAME}={fx.sessions[user.email]}"}

    def api(user: User) -> dict[str, str]:
        return {"Authorization": f"Bearer {fx.secrets[user.email]}", "Content-Type": "application/json"}

    new_case = {
        "subject": "Bench {n}: VPN tunnel drops every few minutes",
        "description": "Opened by `supportal bench run` through the API.",
        "requester": fx.customer.pk,
        "urgency": "medium",
        "impact": "low",
    }
    reply = {"body": "Bench reply {n}: we are looking into it.", "public": True}
    return [
        Operation("my_cases", "My cases (first page)", paths=("/cases/",), headers=page(fx.customer)),
        Operation(
            "organisation_cases",
            "Organisation cases, status Open",
            paths=("/cases/?scope=organization&status=open",),
            headers=page(fx.customer),
        ),
        Operation(
            "search",
            "Full-text search (agent, all cases)",
            paths=tuple(f"/cases/?q={quote(q)}" for q in words.SEARCH_QUERIES),
            headers=page(fx.agent),
        ),
        Operation(
            "case_detail",
            "Case detail, 50 events (customer)",
            paths=(f"/cases/{fx.detail_case}/",),
            headers=page(fx.customer),
        ),
        Operation(
            "agent_case",
            "Case page, 50 events (agent)",
            paths=(f"/agent/cases/{fx.detail_case}/",),
            headers=page(fx.agent),
        ),
        Operation(
            "agent_queue", "Agent queue: New and unassigned", paths=("/agent/",), headers=page(fx.agent)
        ),
        Operation(
            "api_case_create",
            "Case creation via API",
            method="POST",
            paths=("/api/v1/cases",),
            headers=api(fx.integration),
            bodies=(json.dumps(new_case),),
            expect=201,
        ),
        Operation(
            "api_comment",
            "Comment via API",
            method="POST",
            paths=tuple(f"/api/v1/cases/{number}/comments" for number in fx.comment_cases),
            headers=api(fx.agent),
            bodies=(json.dumps(reply),),
            expect=201,
        ),
        Operation(
            "email_ingest",
            "Email ingestion (new case by mail)",
            method="POST",
            paths=("/_bench/email",),
            headers={"Content-Type": "message/rfc822"},
            bodies=(NEW_CASE_MAIL.format(name=fx.customer.name, email=fx.customer.email, n="{n}"),),
        ),
        *alert_operations(api(fx.integration)),  # bench/alerts.py
        *sla_operations(),  # bench/sla.py
        *NOT_BUILT,
    ]


def floor_operation(size: int) -> Operation:
    return Operation("floor", "Floor", paths=(f"/_bench/floor/{size}",))
