"""Walking every route of Supportal: the URL patterns and the API's operations, filled with Acme's objects.

Used by tests/test_authorization.py. A URL keyword this module does not know makes the walk fail with a
message saying to add it to KWARGS, so every new route is covered.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.admindocs.utils import replace_named_groups, replace_unnamed_groups
from django.contrib.contenttypes.models import ContentType
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils.http import int_to_base36

from supportal.accounts.models import ApiToken, RegistrationRequest, User
from supportal.agent.models import SavedView
from supportal.audit.models import AuditRecord
from supportal.cases import services as case_services
from supportal.cases.models import Attachment, Case, Macro
from supportal.core.files import check_upload
from supportal.orgs.models import (
    AccountStatusChange,
    EscalationLevel,
    Membership,
    Organisation,
    OrganisationDomain,
)
from tests.conftest import Story


@dataclass
class World:
    """The story, plus one of each of Acme's objects that a URL can name."""

    story: Story
    registration: RegistrationRequest
    integration: User
    token: ApiToken
    level: EscalationLevel
    status_change: AccountStatusChange
    secrets: list[str] = field(default_factory=list)
    case: Case | None = None
    attachment: Attachment | None = None
    config_item_id: int | None = None

    def acme_case(self) -> Case:
        """Alice's private case, with a file and a watcher: made on first use (by build() and api_calls(),
        so before any request), its subject and file name added to the secrets nobody else may see."""
        if self.case is None:
            alice = self.story.alice
            self.case = case_services.case_create(
                actor=alice, organisation=self.story.acme, subject="acme-private-case-subject",
                channel="portal", watchers=["walker-watcher@acme.example"],
            )  # fmt: skip
            upload = check_upload(name="acme-private-attachment.txt", stream=b"acme private bytes")
            self.attachment = case_services.attachment_add(
                actor=alice, case=self.case, file=upload, channel="portal"
            )
            self.secrets += ["acme-private-case-subject", "acme-private-attachment.txt", "acme private bytes"]
        return self.case

    def acme_config_item(self) -> str:
        """One of Acme's configuration items, made on first use; its name and identifier are secrets."""
        if self.config_item_id is None:
            from supportal.cmdb import services as cmdb_services

            item_type = cmdb_services.config_item_type_create(
                actor=self.story.erin, channel="cli", code="walker-server", name="Server",
                attributes=[{"key": "cpus", "label": "CPUs", "kind": "number"}],
            )  # fmt: skip
            item = cmdb_services.config_item_create(
                actor=self.story.dana, channel="cli", organisation=self.story.acme, item_type=item_type,
                name="acme-secret-db", identifier="acme-secret-host.example", attributes={"cpus": 2},
            )  # fmt: skip
            self.config_item_id = item.pk
            self.secrets += ["acme-secret-db", "acme-secret-host.example"]
        return str(self.config_item_id)

    def acme_attachment(self) -> Attachment:
        self.acme_case()
        assert self.attachment is not None
        return self.attachment

    def admin_object(self, model_label: str) -> str:
        """The Acme object an admin change/delete/history URL names (any row for provider-wide models)."""
        acme = self.story.acme
        preferred: dict[str, Any] = {
            "orgs.organisation": acme,
            "accounts.user": self.story.alice,
            "orgs.membership": Membership.objects.get(user=self.story.alice),
            "accounts.registrationrequest": self.registration,
            "accounts.apitoken": self.token,
            "orgs.escalationlevel": self.level,
            "orgs.accountstatuschange": self.status_change,
            "orgs.organisationdomain": OrganisationDomain.objects.filter(organisation=acme).first(),
            "audit.auditrecord": AuditRecord.objects.filter(organisation_id=acme.pk).first(),
        }
        if not model_label:  # admin/r/<content_type_id>/<object_id>/: content_type_id names Organisation
            return str(acme.pk)
        obj = preferred.get(model_label)
        if obj is None:
            app_label, model_name = model_label.split(".")
            model = ContentType.objects.get_by_natural_key(app_label, model_name).model_class()
            obj = model._default_manager.first() if model is not None else None
        return str(obj.pk) if obj is not None else "1"


# URL keyword → (value for Acme, whether the value names one of Acme's objects).
Kwarg = Callable[[World, str], tuple[str, bool]]
KWARGS: dict[str, Kwarg] = {
    "organisation_id": lambda w, _: (str(w.story.acme.pk), True),
    "organization_id": lambda w, _: (str(w.story.acme.pk), True),
    "user_id": lambda w, _: (str(w.story.alice.pk), True),
    "pk": lambda w, _: (str(w.story.alice.pk), True),
    "id": lambda w, _: (str(w.story.alice.pk), True),  # admin: accounts/user/<id>/password/
    "request_id": lambda w, _: (str(w.registration.pk), True),
    "token_id": lambda w, _: (str(w.token.pk), True),
    "level_id": lambda w, _: (str(w.level.pk), True),
    "number": lambda w, _: (w.acme_case().number, True),
    "attachment_id": lambda w, _: (str(w.acme_attachment().pk), True),
    "config_item_id": lambda w, _: (w.acme_config_item(), True),
    "relation_id": lambda w, _: (str(_acme_relation(w).pk), True),
    "message_id": lambda w, _: (_inbound_message(w), True),
    "view_id": lambda w, _: (
        str(SavedView.objects.get_or_create(name="walker-view", team=w.story.service_desk)[0].pk),
        False,
    ),
    "macro_id": lambda w, _: (str(Macro.objects.get_or_create(name="walker-macro")[0].pk), False),
    "action": lambda w, _: ("close", False),  # one a customer may take: only the case must stop them
    "email": lambda w, _: ("walker-watcher@acme.example", True),  # on the case's watchlist
    "object_id": lambda w, route: (w.admin_object(_admin_model(route)), True),
    "content_type_id": lambda w, _: (str(ContentType.objects.get_for_model(Organisation).pk), True),
    "app_label": lambda w, _: ("orgs", False),
    "uidb36": lambda w, _: (int_to_base36(w.story.alice.pk), True),
    "uidb64": lambda w, _: ("MQ", True),
    "key": lambda w, _: ("walker-made-up-key", False),
    "token": lambda w, _: ("walker-made-up-token", False),
    "slug": lambda w, _: ("walker-no-such-item", False),  # a catalog item's slug (items are not Acme's)
    "provider_id": lambda w, _: ("walker-idp", False),
    "url": lambda w, _: ("walker/no/such/page/", False),  # the admin's catch-all
    "rest": lambda w, _: ("walker/no/such/endpoint", False),  # the API's JSON 404
    "webhook_id": lambda w, _: (str(_acme_webhook(w).pk), True),
    "delivery_id": lambda w, _: (str(_acme_delivery(w).uuid), True),
    "task_id": lambda w, _: (str(_acme_order_task(w).pk), True),
    "page_id": lambda w, _: (str(_acme_page(w).pk), True),
    "override_id": lambda w, _: (str(_override(w).pk), False),
    "conversation_id": lambda w, _: (str(_acme_conversation(w).pk), True),
    "chat_id": lambda w, _: (str(_acme_conversation(w).pk), True),  # the API's name for a conversation
    "file_id": lambda w, _: (str(_acme_chat_file(w).pk), True),
}


def _acme_conversation(world: World) -> Any:
    """Alice's chat (Acme moves to Premium for it, then back), with a shared file, made on first use; its
    text and the file's name and bytes are secrets."""
    conversation = getattr(world, "conversation", None)
    if conversation is None:
        from supportal.channels.chat.services import conversation_start, file_share

        acme, alice = world.story.acme, world.story.alice
        plan = acme.plan
        acme.plan = world.story.premium
        acme.save(update_fields=["plan"])
        conversation = conversation_start(actor=alice, body="acme-private-chat-text")
        upload = check_upload(name="acme-private-chat-file.txt", stream=b"acme private chat bytes")
        world.chat_file = file_share(actor=alice, conversation=conversation, file=upload).file  # type: ignore[attr-defined]
        acme.plan = plan
        acme.save(update_fields=["plan"])
        world.conversation = conversation  # type: ignore[attr-defined]
        world.secrets += ["acme-private-chat-text", "acme-private-chat-file.txt", "acme private chat bytes"]
    return conversation


def _acme_chat_file(world: World) -> Any:
    _acme_conversation(world)
    return world.chat_file  # type: ignore[attr-defined]


def _rota(world: World) -> Any:
    from supportal.escalation.models import Rota, RotaMember

    rota, created = Rota.objects.get_or_create(team=world.story.service_desk)
    if created:
        RotaMember.objects.create(rota=rota, user=world.story.dana)
    return rota


def _acme_page(world: World) -> Any:
    """A page (waiting) of Alice's private case, made on first use: the walk needs one whatever Acme's plan
    says about paging, so it is written as page_if_urgent writes it."""
    from datetime import timedelta

    from django.utils import timezone

    from supportal.escalation.models import Page
    from supportal.escalation.services.paging import token_hash

    case = world.acme_case()
    page = Page.objects.filter(case=case).first()
    if page is None:
        now = timezone.now()
        page = Page.objects.create(
            case=case, rota=_rota(world), person=world.story.dana, role="on_call", step=1,
            chain_started_at=now, token_hash=token_hash("walker-page-token"), sent_at=now,
            deadline=now + timedelta(minutes=15),
        )  # fmt: skip
    return page


def _override(world: World) -> Any:
    from datetime import timedelta

    from django.utils import timezone

    from supportal.escalation.models import RotaOverride

    now = timezone.now()
    override = RotaOverride.objects.filter(reason="walker-override").first()
    return override or RotaOverride.objects.create(
        rota=_rota(world), user=world.story.dana, starts_at=now, ends_at=now + timedelta(hours=1),
        reason="walker-override",
    )  # fmt: skip


def _acme_relation(world: World) -> Any:
    """A relation from Acme's configuration item to another of Acme's, made on first use."""
    relation = getattr(world, "relation", None)
    if relation is None:
        from supportal.cmdb import services as cmdb_services
        from supportal.cmdb.models import ConfigItem

        source = ConfigItem.objects.get(pk=world.acme_config_item())
        target = cmdb_services.config_item_create(
            actor=world.story.dana, channel="cli", organisation=world.story.acme, item_type=source.item_type,
            name="acme-secret-host",
        )  # fmt: skip
        relation = cmdb_services.relation_add(
            actor=world.story.dana, channel="cli", source=source, target=target, kind="runs_on"
        )
        world.relation = relation  # type: ignore[attr-defined]
    return relation


def _acme_order_task(world: World) -> Any:
    """The first fulfilment task of an order Dana placed for Alice (Acme), made on first use; its subject
    is a secret."""
    task = getattr(world, "order_task", None)
    if task is None:
        from supportal.cases.models import CaseType, Category, Kind, RequestType
        from supportal.catalog.models import CatalogItem, FulfilmentStep, OrderTask

        category, _ = Category.objects.get_or_create(slug="walker-services", defaults={"name": "Services"})
        request_type = RequestType.objects.create(
            category=category, case_type=CaseType.objects.get(code="general-request"),
            kind=Kind.ORDER, slug="walker-mailbox", name="Walker mailbox",
        )  # fmt: skip
        item = CatalogItem.objects.create(request_type=request_type)
        team = world.story.service_desk
        FulfilmentStep.objects.create(item=item, position=1, name="Walker step", team=team)
        case = case_services.case_create(
            actor=world.story.dana, organisation=world.story.acme, requester=world.story.alice,
            subject="acme-private-order-subject", channel="portal", request_type=request_type,
        )  # fmt: skip
        task = OrderTask.objects.get(order_id=case.pk)
        world.order_task = task  # type: ignore[attr-defined]
        world.secrets.append("acme-private-order-subject")
    return task


def _acme_webhook(world: World) -> Any:
    """Acme's webhook (made by Alice), made on first use; its URL and secret are secrets."""
    hook = getattr(world, "webhook", None)
    if hook is None:
        from supportal.webhooks import services as webhook_services

        hook = webhook_services.webhook_create(
            actor=world.story.alice, channel="cli", organisation=world.story.acme,
            url="https://hooks.acme.example/acme-webhook-secret-path", event_types=["case.created"],
        )  # fmt: skip
        world.webhook = hook  # type: ignore[attr-defined]
        world.secrets += ["acme-webhook-secret-path", hook.secret]
    return hook


def _acme_delivery(world: World) -> Any:
    """A test delivery of Acme's webhook (queued, never sent: its job waits for a commit that never comes)."""
    delivery = getattr(world, "delivery", None)
    if delivery is None:
        from supportal.webhooks import services as webhook_services

        delivery = webhook_services.webhook_ping(
            actor=world.story.alice, channel="cli", webhook=_acme_webhook(world)
        )
        world.delivery = delivery  # type: ignore[attr-defined]
    return delivery


def _inbound_message(world: World) -> str:
    """An email from Alice about her private case, stored as it arrived (each call finds the same row);
    its subject and text are secrets."""
    from supportal.channels.email.inbound import inbound_store

    number = world.acme_case().number
    raw = (
        "From: Alice Acme <alice@acme.example>\r\nTo: support@example.com\r\n"
        f"Message-ID: <walker@acme.example>\r\nSubject: [#{number}] acme-private-email-subject\r\n\r\n"
        "acme-private-email-text\r\n"
    ).encode()
    row, created = inbound_store(raw, source="pipe")
    if created:
        world.secrets += ["acme-private-email-subject", "acme-private-email-text"]
    return str(row.pk)


def _admin_model(route: str) -> str:
    match = re.match(r"/?admin/(\w+)/(\w+)/", route)
    return f"{match[1]}.{match[2]}" if match else ""


@dataclass
class Route:
    route: str  # the pattern as written, for messages
    name: str | None
    kwarg_names: list[str]
    pattern: URLPattern

    def path_hint(self, prefix: str) -> bool:
        return ("/" + self.route).startswith(prefix)


def routes() -> Iterator[Route]:
    def walk(resolver: URLResolver, prefix: str, namespace: str, kwargs: list[str]) -> Iterator[Route]:
        for entry in resolver.url_patterns:
            names = [*kwargs, *entry.pattern.regex.groupindex]
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                yield from walk(entry, prefix + str(entry.pattern), inner, names)
            else:
                name = f"{namespace}{entry.name}" if entry.name else None
                yield Route(prefix + str(entry.pattern), name, names, entry)

    yield from walk(get_resolver(), "", "", [])


def build(world: World, route: Route) -> tuple[str, bool]:
    """The URL of `route` filled with Acme's objects, and whether any of them is Acme's."""
    world.acme_case()
    unknown = [k for k in route.kwarg_names if k not in KWARGS]
    if unknown:
        pytest.fail(
            f"Route {route.route!r} ({route.name}) takes URL keyword(s) {unknown} that "
            "tests/authz_walk.py does not know: add each to KWARGS with a value naming one of "
            "Acme's objects, so the walk can prove other people cannot reach it."
        )
    values = {k: KWARGS[k](world, route.route) for k in route.kwarg_names}
    kwargs = {k: v for k, (v, _) in values.items()}
    acme_bound = any(bound for _, bound in values.values())
    url = None
    if route.name:
        try:
            url = reverse(route.name, kwargs=kwargs)
        except NoReverseMatch:  # a value the pattern refuses: fill the pattern in instead
            url = None
    if url is None:
        text = replace_unnamed_groups(replace_named_groups(route.route))
        text = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: kwargs.get(m[1], m[0]), text)
        url = "/" + text.replace("^", "").replace("$", "").replace("\\", "")
        # A reversed name is right by construction (an earlier route may shadow it: then that one answers).
        match = resolve(url)
        assert match.func == route.pattern.callback, (
            f"The walk built {url} for {route.route!r} but it resolves to {match.view_name}: "
            "name the route or teach build() its pattern."
        )
    return url, acme_bound


@dataclass
class ApiCall:
    method: str
    url: str
    body: dict[str, Any] | None
    acme_bound: bool
    label: str


def api_calls(world: World) -> Iterator[ApiCall]:
    from supportal.api.v1.router import api

    world.acme_case()
    schema = api.get_openapi_schema()
    components = schema.get("components", {}).get("schemas", {})
    root = reverse("api-v1:api-root").rstrip("/")
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method.upper() not in {"GET", "POST", "PUT", "PATCH", "DELETE"}:
                continue
            label = f"{method.upper()} {path}"
            url, acme_bound = path, False
            query: dict[str, str] = {}
            for param in operation.get("parameters", []):
                name = param["name"]
                if param["in"] == "path":
                    if name not in KWARGS:
                        pytest.fail(
                            f"API operation {label} takes {name!r}: add it to KWARGS in tests/authz_walk.py."
                        )
                    value, bound = KWARGS[name](world, path)
                    url, acme_bound = url.replace("{" + name + "}", value), acme_bound or bound
                elif param["in"] == "query" and name in BODY_REFERENCES:
                    query[name] = str(BODY_REFERENCES[name](world))
            full = url if url.startswith(root) else root + url
            body = None
            if "requestBody" in operation:
                content = operation["requestBody"]["content"]
                body_schema = next(iter(content.values()))["schema"]
                body = _example(world, _resolve(body_schema, components), components)
            yield ApiCall(method.upper(), full, body, acme_bound, label)
            if query:
                qs = "&".join(f"{k}={v}" for k, v in query.items())
                # A list filtered by Acme's id may answer an empty page; what it shows is checked.
                yield ApiCall(method.upper(), f"{full}?{qs}", body, acme_bound, f"{label}?{qs}")


# Body fields and query parameters that name an object: always one of Acme's.
BODY_REFERENCES: dict[str, Callable[[World], Any]] = {
    "organization": lambda w: w.story.acme.pk,
    "organisation": lambda w: w.story.acme.pk,
    "organization_id": lambda w: w.story.acme.pk,
    "organisation_id": lambda w: w.story.acme.pk,
    "user": lambda w: w.story.alice.pk,
    "user_id": lambda w: w.story.alice.pk,
}


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if ref:
        return _resolve(components[ref.rsplit("/", 1)[-1]], components)
    return schema


def _example(world: World, schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    """A body with every field filled, pointing at Acme wherever a field names an object."""
    body: dict[str, Any] = {}
    for name, prop in schema.get("properties", {}).items():
        if name in BODY_REFERENCES:
            body[name] = BODY_REFERENCES[name](world)
            continue
        prop = _resolve(prop, components)
        variants = [_resolve(p, components) for p in prop.get("anyOf", [prop])]
        variant = next((v for v in variants if v.get("type") != "null"), variants[0])
        body[name] = _value(name, variant)
    return body


def _value(name: str, schema: dict[str, Any]) -> Any:
    if "enum" in schema:
        return schema["enum"][-1]
    kind = schema.get("type")
    if kind == "string":
        if schema.get("format") == "date-time":
            return "2099-01-01T00:00:00Z"
        return "walker@acme.example" if "email" in name else "Walker"
    if kind == "integer":
        return 1
    if kind == "boolean":
        return False
    if kind == "array":
        return []
    if kind == "object":
        return {}
    return None
