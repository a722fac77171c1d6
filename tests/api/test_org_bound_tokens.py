"""An organisation-bound token can never read or write another organisation's data.

Acme's monitoring integration (with Acme's user-manager and organisation-cases rights, so as strong as an
Acme integration gets) holds a read, a write and an admin-scope token. Each walks every operation of the
OpenAPI document (read when the test runs, so a new endpoint is walked without touching this file),
aimed at Globex's objects: a case with a comment, a file and a watcher, a configuration item, a user, the
organisation, a token, a notification, a webhook and its delivery. Path parameters name Globex's object
(every value of an enum, e.g. each case action); request bodies carry their required fields plus a Globex
reference in every field that names an object; list filters name Globex.

The rules: an operation aimed at a Globex object by its path, or a write naming one in its body, never
answers 2xx; no answer contains Globex's data; and after every request Globex's rows are as they were.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from supportal.accounts.models import ApiToken, User
from supportal.cases import services as case_services
from supportal.cases.models import Attachment, Case, CaseEvent, Comment, Watcher
from supportal.cmdb.models import ConfigItem
from supportal.core.files import check_upload
from supportal.notifications.models import Notification
from supportal.orgs import services as org_services
from supportal.orgs.models import AccountStatusChange, Membership, Organisation, Team
from tests.api.conftest import Api, integration_user, secret_for
from tests.cmdb.factories import add_item, make_types
from tests.conftest import Story, groups

SCOPES = ("read", "write", "admin")
# Writes that may answer 2xx when a body names another's object, because they ignore it; and why.
IGNORES_OTHERS = {
    "POST /api/v1/notifications/read": "ids that are not the caller's are ignored (marked: 0)",
}


@dataclass
class Globex:
    """Globex's objects, and text of theirs nobody outside Globex may ever be shown."""

    organisation: Organisation
    case: Case
    attachment: Attachment
    watcher_email: str
    config_item: ConfigItem
    user: User
    integration: User
    token: ApiToken
    notification: Notification
    webhook_id: int
    delivery_id: str
    secrets: list[str] = field(default_factory=list)


@pytest.fixture
def globex(story: Story, django_capture_on_commit_callbacks: Any) -> Globex:
    charlie = story.charlie
    with django_capture_on_commit_callbacks(execute=True):  # the notifications are made after commit
        case = case_services.case_create(
            actor=charlie, organisation=story.globex, subject="globex-secret-subject", channel="portal",
            description="globex-secret-description", visibility="organization",
            watchers=["globex-watcher@globex.example"],
        )  # fmt: skip
        upload = check_upload(name="globex-secret-file.txt", stream=b"globex secret bytes")
        attachment = case_services.attachment_add(actor=charlie, case=case, file=upload, channel="portal")
        case_services.comment_add(actor=story.dana, case=case, body="globex-secret-reply", channel="portal")
    types = make_types(story)
    item = add_item(
        story, types, "globex-secret-server", organisation=story.globex, identifier="globex-secret-host"
    )
    integration = org_services.customer_user_create(
        actor=story.erin, channel="cli", organisation=story.globex, email="bot@globex.example",
        name="Globex bot", kind="integration",
    )  # fmt: skip
    secret_for(integration, name="globex-secret-token-name")
    token = ApiToken.objects.get(user=integration)
    erin = Api(secret_for(story.erin, scope="admin"))
    webhook = erin.post(
        "webhooks",
        {"url": "https://93.184.215.14/globex-secret-hook", "event_types": ["case.created"],
         "description": "globex-secret-webhook", "organization": story.globex.pk},
    )  # fmt: skip
    assert webhook.status_code == 201, webhook.content
    webhook_id = webhook.json()["id"]
    assert erin.post(f"webhooks/{webhook_id}/ping").status_code == 202
    delivery = apps.get_model("webhooks", "Delivery").objects.get(webhook_id=webhook_id)
    notification = Notification.objects.filter(user=charlie).latest("id")
    return Globex(
        organisation=story.globex, case=case, attachment=attachment,
        watcher_email="globex-watcher@globex.example", config_item=item, user=charlie,
        integration=integration, token=token, notification=notification, webhook_id=webhook_id,
        delivery_id=str(delivery.pk),
        secrets=[
            "globex-secret", "globex secret bytes", "globex-watcher@globex.example", charlie.email,
            integration.email, token.prefix, "Globex bot", "Charlie Globex",
        ],
    )  # fmt: skip


@pytest.fixture
def acme_integration(story: Story) -> User:
    """Acme's integration with every right an Acme customer user may have."""
    integration = integration_user(story)
    Membership.objects.get(user=integration).groups.set(groups("user-manager", "organisation-cases"))
    return integration


# Path parameters: Globex's object each names.
PATH_VALUES = {
    "number": lambda g: g.case.number,
    "attachment_id": lambda g: g.attachment.pk,
    "config_item_id": lambda g: g.config_item.pk,
    "relation_id": lambda g: globex_relation(g).pk,
    "user_id": lambda g: g.user.pk,
    "organization_id": lambda g: g.organisation.pk,
    "token_id": lambda g: g.token.pk,
    "email": lambda g: g.watcher_email,
    "webhook_id": lambda g: g.webhook_id,
    "delivery_id": lambda g: g.delivery_id,
    "page_id": lambda g: globex_page(g).pk,
    "task_id": lambda g: globex_order_task(g).pk,
    "chat_id": lambda g: globex_chat(g).pk,
}


def globex_chat(globex: Globex) -> Any:
    """A chat of a Globex customer (its plan includes chat), made on first use, with a secret in it."""
    from supportal.channels.chat.models import Conversation
    from supportal.channels.chat.services import conversation_start

    found = Conversation.objects.filter(organisation=globex.organisation).first()
    if found is None:
        found = conversation_start(actor=globex.user, body="globex-secret-chat")
        globex.secrets.append("globex-secret-chat")
    return found


def globex_order_task(globex: Globex) -> Any:
    """The fulfilment task of an order an agent placed for Globex, made on first use."""
    from supportal.cases.models import CaseType, Category, Kind, RequestType
    from supportal.catalog.models import CatalogItem, FulfilmentStep, OrderTask

    task = OrderTask.objects.filter(order__case__organisation=globex.organisation).first()
    if task is None:
        category = Category.objects.get_or_create(slug="globex-services", defaults={"name": "Services"})[0]
        request_type = RequestType.objects.create(
            category=category, case_type=CaseType.objects.order_by("position").first(), kind=Kind.ORDER,
            slug="globex-secret-order", name="Globex order",
        )  # fmt: skip
        item = CatalogItem.objects.create(request_type=request_type)
        FulfilmentStep.objects.create(
            item=item, position=1, name="globex-secret-step", team=Team.objects.first()
        )  # fmt: skip
        case_services.case_create(
            actor=User.objects.filter(kind="agent").first(), organisation=globex.organisation,
            subject="globex-secret-order", channel="portal", requester=globex.user, request_type=request_type,
        )  # fmt: skip
        task = OrderTask.objects.get(order__case__organisation=globex.organisation)
    return task


def globex_relation(globex: Globex) -> Any:
    """A relation of Globex's configuration item to another of Globex's, made on first use."""
    from supportal.cmdb import services as cmdb_services
    from supportal.cmdb.models import ConfigItemRelation

    relation = ConfigItemRelation.objects.filter(source=globex.config_item).first()
    if relation is None:
        target = cmdb_services.config_item_create(
            actor=User.objects.filter(kind="agent").first(), channel="cli", organisation=globex.organisation,
            item_type=globex.config_item.item_type, name="globex-secret-db",
        )  # fmt: skip
        relation = cmdb_services.relation_add(
            actor=User.objects.filter(kind="agent").first(), channel="cli", source=globex.config_item,
            target=target, kind="runs_on",
        )  # fmt: skip
    return relation


def globex_page(globex: Globex) -> Any:
    """A page (waiting) of Globex's case, made on first use, as escalation.services.paging writes one."""
    from datetime import timedelta

    from django.utils import timezone

    from supportal.escalation.models import Page, Rota
    from supportal.escalation.services.paging import token_hash

    page = Page.objects.filter(case=globex.case).first()
    if page is None:
        rota = Rota.objects.get_or_create(team=globex.case.team or Team.objects.first())[0]
        now = timezone.now()
        page = Page.objects.create(
            case=globex.case, rota=rota, person=User.objects.filter(kind="agent").first(), role="on_call",
            step=1, chain_started_at=now, token_hash=token_hash("globex-page"), sent_at=now,
            deadline=now + timedelta(minutes=15),
        )  # fmt: skip
    return page


# Body fields and query parameters that name an object: always Globex's.
REFERENCES = {
    "organization": lambda g: g.organisation.pk,
    "user": lambda g: g.integration.pk,
    "requester": lambda g: g.user.pk,
    "on_behalf_of": lambda g: g.user.pk,
    "config_item": lambda g: g.config_item.pk,
    "into": lambda g: g.case.number,
    "case": lambda g: g.case.number,
    "ids": lambda g: [g.notification.pk],
    "watchers": lambda g: [g.user.email],
}


@dataclass
class Call:
    label: str  # "POST /api/v1/cases/{number}/actions/{action}"
    method: str
    url: str
    body: dict[str, Any] | None
    aimed: bool  # the path names a Globex object, or a write's body does
    multipart: bool = False


def calls(document: dict[str, Any], globex: Globex) -> list[Call]:
    components = document["components"]["schemas"]
    made: list[Call] = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            label = f"{method.upper()} {path}"
            parameters = operation.get("parameters", [])
            body, multipart = None, False
            if "requestBody" in operation:
                content_type, content = next(iter(operation["requestBody"]["content"].items()))
                body = example(resolve(content["schema"], components), components, globex)
                multipart = content_type == "multipart/form-data"
            names_globex = body is not None and any(name in REFERENCES for name in body)
            for url, by_path in urls(label, path, parameters, globex):
                aimed = by_path or (names_globex and label not in IGNORES_OTHERS)
                made.append(Call(label, method.upper(), url, body, aimed, multipart))
            query = {p["name"]: REFERENCES[p["name"]](globex) for p in parameters if p["in"] == "query"
                     and p["name"] in REFERENCES}  # fmt: skip
            if query and method == "get":
                for url, by_path in urls(label, path, parameters, globex):
                    qs = "&".join(f"{k}={v}" for k, v in query.items())
                    made.append(Call(f"{label}?{qs}", "GET", f"{url}?{qs}", None, by_path))
    return made


def urls(label: str, path: str, parameters: list[dict[str, Any]], globex: Globex) -> list[tuple[str, bool]]:
    """The path filled with Globex's objects; once per value of an enum parameter (each case action)."""
    filled = [(path, False)]
    for parameter in parameters:
        if parameter["in"] != "path":
            continue
        name = parameter["name"]
        enum = parameter.get("schema", {}).get("enum")
        if enum:
            values = [str(v) for v in enum]
            filled = [(url.replace(f"{{{name}}}", v), bound) for url, bound in filled for v in values]
            continue
        if name not in PATH_VALUES:
            pytest.fail(f"{label} takes {name!r}: add Globex's value for it to PATH_VALUES.")
        value = str(PATH_VALUES[name](globex))
        filled = [(url.replace(f"{{{name}}}", value), True) for url, bound in filled]
    return filled


def resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    return resolve(components[ref.rsplit("/", 1)[-1]], components) if ref else schema


def example(schema: dict[str, Any], components: dict[str, Any], globex: Globex) -> dict[str, Any]:
    """The required fields with plain valid values, and every field naming an object set to Globex's."""
    body: dict[str, Any] = {}
    required = set(schema.get("required", []))
    for name, prop in schema.get("properties", {}).items():
        if name in REFERENCES:
            body[name] = REFERENCES[name](globex)
        elif name in required:
            body[name] = plain(name, resolve(prop, components), components)
    return body


def plain(name: str, schema: dict[str, Any], components: dict[str, Any]) -> Any:
    variants = [resolve(v, components) for v in schema.get("anyOf", [schema])]
    schema = next((v for v in variants if v.get("type") != "null"), variants[0])
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "string":
        if schema.get("format") == "binary":
            return SimpleUploadedFile("walker.txt", b"walker bytes", content_type="text/plain")
        if schema.get("format") == "date-time":
            return "2099-01-01T00:00:00Z"
        if name == "url":
            return "https://93.184.215.14/acme-hook"
        return "walker@acme.example" if "email" in name else "Walker"
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "array":
        item = resolve(schema.get("items", {}), components)
        return [plain(name, item, components)] * schema.get("minItems", 0)
    return {"boolean": False, "object": {}}.get(str(kind))


def globex_rows(globex: Globex) -> dict[str, Any]:
    """Everything of Globex's an API call could change, as plain values."""
    organisation = globex.organisation
    members = User.objects.filter(membership__organisation=organisation)
    webhooks = apps.get_model("webhooks", "Webhook").objects.filter(organisation=organisation)
    return {
        "organisation": list(Organisation.objects.filter(pk=organisation.pk).values()),
        "status changes": AccountStatusChange.objects.filter(organisation=organisation).count(),
        "cases": list(Case.objects.filter(organisation=organisation).order_by("pk").values()),
        "events": CaseEvent.objects.filter(case__organisation=organisation).count(),
        "comments": list(Comment.objects.filter(case__organisation=organisation).order_by("pk").values()),
        "attachments": list(
            Attachment.objects.filter(case__organisation=organisation).order_by("pk").values()
        ),
        "watchers": list(Watcher.objects.filter(case__organisation=organisation).order_by("pk").values()),
        "config items": list(ConfigItem.objects.filter(organisation=organisation).order_by("pk").values()),
        "users": list(members.order_by("pk").values("pk", "email", "name", "is_active", "kind")),
        "groups": sorted(members.values_list("pk", "membership__groups__code")),
        "tokens": list(ApiToken.objects.filter(user__in=members).order_by("pk").values()),
        "notifications": list(Notification.objects.filter(user__in=members).order_by("pk").values()),
        "webhooks": list(webhooks.order_by("pk").values()),
        "deliveries": list(
            apps.get_model("webhooks", "Delivery")
            .objects.filter(webhook__in=webhooks)
            .order_by("pk")
            .values()
        ),
    }


def send(client: Client, call: Call, headers: dict[str, str]) -> Any:
    if call.multipart:  # Django's test client encodes a dict with files as multipart/form-data
        for value in (call.body or {}).values():
            if isinstance(value, SimpleUploadedFile):
                value.seek(0)
        return client.post(call.url, data=call.body, headers=headers)
    data = json.dumps(call.body) if call.body is not None else None
    return getattr(client, call.method.lower())(
        call.url, data=data, content_type="application/json", headers=headers
    )


@pytest.mark.parametrize("scope", SCOPES)
def test_an_acme_token_never_reaches_globex(
    story: Story, globex: Globex, acme_integration: User, settings: Any, scope: str
) -> None:
    settings.API_RATE_LIMIT = "100000/m"
    document = Client().get("/api/v1/openapi.json").json()
    walk = calls(document, globex)
    assert len({call.label for call in walk}) >= len(document["paths"])
    client, token = Client(), secret_for(acme_integration, scope=scope, name=f"acme {scope}")
    headers = {"Authorization": f"Bearer {token}"}
    before = globex_rows(globex)
    problems: list[str] = []
    for call in walk:
        response = send(client, call, headers)
        status, text = response.status_code, response.content.decode("utf-8", "replace")
        if status >= 500:
            problems.append(f"{call.label} answered {status}")
        if call.aimed and 200 <= status < 300:
            problems.append(f"{call.label} answered {status} on Globex's object: {call.body} -> {text[:200]}")
        if leaked := [secret for secret in globex.secrets if secret in text]:
            problems.append(f"{call.label} showed Globex's {leaked}")
        if globex_rows(globex) != before:
            problems.append(f"{call.label} changed Globex's data ({status})")
            before = globex_rows(globex)
    assert not problems, f"{len(problems)} of {len(walk)} {scope}-scope calls broke the rules:\n" + "\n".join(
        problems
    )


def test_the_walk_aims_at_globex_everywhere(globex: Globex) -> None:
    """The walk covers every operation, and fills every object-naming part with Globex's objects."""
    document = Client().get("/api/v1/openapi.json").json()
    walk = calls(document, globex)
    labels = {call.label.split("?")[0] for call in walk}
    assert labels == {f"{m.upper()} {p}" for p, ops in document["paths"].items() for m in ops}
    actions = [call.url for call in walk if call.label.endswith("/actions/{action}")]
    assert len(actions) >= 9 and all(globex.case.number in url for url in actions)
    created = next(call for call in walk if call.label == "POST /api/v1/cases")
    assert created.aimed and created.body is not None
    assert created.body["organization"] == globex.organisation.pk and created.body["subject"] == "Walker"
    assert all(call.aimed for call in walk if "{" in call.label.split(" ")[1])
