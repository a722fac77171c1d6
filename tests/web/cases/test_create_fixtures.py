"""Shared set-up of the create-a-case page tests: a catalogue with a field of every kind, Acme's and
Globex's configuration items, and clients signed in as the story's people."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from supportal.accounts.models import User
from supportal.cases.models import CaseType, Category, ExtraField, FieldKind, Kind, RequestType
from supportal.cmdb.models import ConfigItem
from supportal.orgs import services as org_services
from tests.cmdb.factories import Types, add_item, make_types
from tests.conftest import Story, groups

URL = "/cases/new/"
FIELDS_URL = "/cases/new/fields/"
PRIORITY_URL = "/cases/new/priority/"
ITEMS_URL = "/cases/new/config-items/"

# A field of every kind, the required ones first.
EVERY_KIND: list[dict[str, Any]] = [
    {"key": "service", "kind": FieldKind.CHOICE, "required": True, "choices": ["Compute", "DNS"]},
    {"key": "started_on", "kind": FieldKind.DATE, "required": True, "help_text": "When it began."},
    {"key": "summary_line", "kind": FieldKind.TEXT},
    {"key": "error_message", "kind": FieldKind.LONG_TEXT},
    {"key": "vcpus", "kind": FieldKind.NUMBER},
    {"key": "hardware", "kind": FieldKind.MULTI_CHOICE, "choices": ["Laptop", "Phone", "Headset"]},
    {"key": "manager", "kind": FieldKind.USER},
    {"key": "server", "kind": FieldKind.CONFIG_ITEM},
    {"key": "app_version", "kind": FieldKind.VERSION},
]


@dataclass
class Catalogue:
    incident: RequestType  # Cloud: every kind of field
    question: RequestType  # General: no fields
    backup: RequestType  # Managed services: an order
    types: Types
    web01: ConfigItem  # Acme's
    db01: ConfigItem  # Acme's
    globex_web: ConfigItem  # Globex's


def make_request_type(
    category: Category,
    slug: str,
    name: str,
    *,
    case_type: str = "incident",
    fields: Sequence[dict[str, Any]] = (),
    **kwargs: Any,
) -> RequestType:
    """A request type with its form, as an admin configures it."""
    made = RequestType.objects.create(
        category=category, case_type=CaseType.objects.get(code=case_type), slug=slug, name=name, **kwargs
    )
    for position, spec in enumerate(fields):
        label = spec["key"].replace("_", " ").capitalize()
        ExtraField.objects.create(request_type=made, position=position, label=label, **spec)
    return made


def make_catalogue(story: Story) -> Catalogue:
    """Cloud (an incident with a field of every kind), General (a question), Managed Services (an
    order); two items of Acme's and one of Globex's. Each test module makes it its `catalogue` fixture."""
    cloud = Category.objects.create(slug="cloud", name="Cloud", position=1)
    general = Category.objects.create(slug="general", name="General", position=5)
    managed = Category.objects.create(slug="managed", name="Managed Services", position=9)
    incident = make_request_type(
        cloud, "cloud-incident", "Incident", description="Report an ongoing incident.", fields=EVERY_KIND
    )
    question = make_request_type(general, "question", "Question", case_type="question")
    backup = make_request_type(
        managed, "file-backup", "File Backup", kind=Kind.ORDER,
        fields=[{"key": "action", "kind": FieldKind.CHOICE, "required": True, "choices": ["Restore"]}],
    )  # fmt: skip
    types = make_types(story)
    web01 = add_item(story, types, "web01", identifier="web01.acme.example")
    db01 = add_item(story, types, "db01", identifier="5f0c6a3e-db01")
    globex_web = add_item(story, types, "web01-globex", organisation=story.globex, identifier="web.globex")
    return Catalogue(incident, question, backup, types, web01, db01, globex_web)


@pytest.fixture
def catalogue(story: Story) -> Catalogue:
    return make_catalogue(story)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def colleague(story: Story, n: int) -> User:
    """Another of Acme's people (a reporter)."""
    return org_services.customer_user_create(
        actor=story.erin, channel="cli", organisation=story.acme, email=f"person{n}@acme.example",
        name=f"Person {n}", groups=groups("case-reporter"),
    )  # fmt: skip


def valid_post(catalogue: Catalogue, **overrides: object) -> dict[str, object]:
    """A complete form for a Cloud incident; `overrides` replace or add fields."""
    data: dict[str, object] = {
        "request_type": catalogue.incident.slug,
        "subject": "The VPN drops every ten minutes",
        "description": "Since **Monday**; we restarted the tunnel.",
        "urgency": "high",
        "impact": "medium",
        "reference": "ACME-4711",
        "visibility": "private",
        "extra.service": "DNS",
        "extra.started_on": "2026-01-05",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
