"""Catalog fixtures built on the story, through the real services.

- `catalog`: Bob may order services (the "Service orderer" group); Aaron is Acme's second approver
  (Alice is the first); a Network team with Nora. Two items: "DNS change" (needs one approval, two
  steps: "Update the zone" by Network, then "Check resolution" by the Service Desk) and "Mailbox"
  (pre-approved, one step by the Service Desk).
- `order(item, actor=..., **kwargs)`: open an order through `case_create`, after-commit work run.
- `decide(case, approver, decision, comment)`, `complete(task, agent)`: the services, after commit run.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol

import pytest

from supportal.accounts.models import User
from supportal.cases import services as case_services
from supportal.cases.models import Case, CaseType, Category, Kind, RequestType
from supportal.catalog.models import (
    ApprovalDecision,
    ApprovalRule,
    CatalogItem,
    FulfilmentStep,
    OrderTask,
)
from supportal.catalog.services.approvals import approval_decide
from supportal.catalog.services.tasks import task_complete
from supportal.orgs import services as org_services
from supportal.orgs.models import Organisation, Team
from tests.conftest import Story, groups, verified

OnCommit = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


@dataclass
class Catalog:
    story: Story
    network: Team
    nora: User  # agent of the Network team
    aaron: User  # Acme: second change approver
    dns: CatalogItem  # approvals_required=1, two steps in two teams
    mailbox: CatalogItem  # pre-approved (approvals_required=0), one step


def catalog_item(
    slug: str,
    *,
    name: str = "",
    approvals_required: int = 0,
    steps: list[tuple[str, Team]] | None = None,
    case_type_code: str = "general-request",
    **item_fields: Any,
) -> CatalogItem:
    """An orderable request type with its catalog item and fulfilment steps (in order)."""
    category, _ = Category.objects.get_or_create(slug="services", defaults={"name": "Services"})
    request_type = RequestType.objects.create(
        category=category,
        case_type=CaseType.objects.get(code=case_type_code),
        kind=Kind.ORDER,
        slug=slug,
        name=name or slug.replace("-", " ").capitalize(),
    )
    item = CatalogItem.objects.create(
        request_type=request_type, approvals_required=approvals_required, **item_fields
    )
    for position, (step, team) in enumerate(steps or [], start=1):
        FulfilmentStep.objects.create(item=item, position=position, name=step, team=team)
    return item


def change_type_with_rule(slug: str = "firewall-change", *, approvals_required: int = 1) -> RequestType:
    """A Change request type (not a catalog item) whose ApprovalRule asks for approval."""
    category, _ = Category.objects.get_or_create(slug="changes", defaults={"name": "Changes"})
    request_type = RequestType.objects.create(
        category=category,
        case_type=CaseType.objects.get(code="change"),
        kind=Kind.CASE,
        slug=slug,
        name=slug.replace("-", " ").capitalize(),
    )
    ApprovalRule.objects.create(request_type=request_type, approvals_required=approvals_required)
    return request_type


def allow_ordering(story: Story, user: User) -> User:
    """Add the real "Service orderer" group to a customer user's groups."""
    current = list(user.membership.groups.all())  # type: ignore[attr-defined]
    org_services.membership_groups_set(
        actor=story.erin, channel="cli", user=user, groups=[*current, *groups("service-orderer")]
    )
    return User.objects.get(pk=user.pk)


@pytest.fixture
def catalog(story: Story) -> Catalog:
    network = Team.objects.create(name="Network", slug="network")
    nora = verified(
        org_services.agent_create(
            actor=story.erin,
            channel="cli",
            email="nora@provider.example",
            name="Nora Network",
            teams=[network],
        )
    )
    aaron = verified(
        org_services.customer_user_create(
            actor=story.erin,
            channel="cli",
            organisation=story.acme,
            email="aaron@acme.example",
            name="Aaron Acme",
            groups=groups("case-reporter", "change-approver"),
        )
    )
    story.bob = allow_ordering(story, story.bob)
    dns = catalog_item(
        "dns-change",
        name="DNS change",
        approvals_required=1,
        steps=[("Update the zone", network), ("Check resolution", story.service_desk)],
        case_type_code="change",
    )
    mailbox = catalog_item("mailbox", name="Mailbox", steps=[("Create the mailbox", story.service_desk)])
    return Catalog(story, network, nora, aaron, dns, mailbox)


class OrderMaker(Protocol):
    def __call__(self, item: CatalogItem | RequestType, actor: User | None = None, **kwargs: Any) -> Case: ...


@pytest.fixture
def order(catalog: Catalog, django_capture_on_commit_callbacks: OnCommit) -> OrderMaker:
    """`order(catalog.dns)`: Bob orders through `case_create` (portal); any argument may be overridden.
    An agent orders for Acme on Bob's behalf unless `organisation` / `requester` say otherwise."""

    def make(item: CatalogItem | RequestType, actor: User | None = None, **kwargs: Any) -> Case:
        actor = actor or catalog.story.bob
        request_type = item.request_type if isinstance(item, CatalogItem) else item
        if actor.is_agent:
            kwargs.setdefault("organisation", catalog.story.acme)
            kwargs.setdefault("requester", catalog.story.bob)
        else:
            kwargs.setdefault("organisation", organisation_of(actor))
        kwargs.setdefault("subject", f"Please: {request_type.name}")
        kwargs.setdefault("channel", "portal")
        with django_capture_on_commit_callbacks(execute=True):
            case = case_services.case_create(actor=actor, request_type=request_type, **kwargs)
        case.refresh_from_db()
        return case

    return make


@pytest.fixture
def decide(django_capture_on_commit_callbacks: OnCommit) -> Callable[..., ApprovalDecision]:
    """`decide(case, approver, "approve"|"reject", comment="")` through approval_decide (portal)."""

    def make(case: Case, approver: User, decision: str = "approve", comment: str = "") -> ApprovalDecision:
        with django_capture_on_commit_callbacks(execute=True):
            row = approval_decide(
                actor=fresh(approver), case=case, decision=decision, comment=comment, channel="portal"
            )
        case.refresh_from_db()
        return row

    return make


@pytest.fixture
def complete(django_capture_on_commit_callbacks: OnCommit) -> Callable[..., OrderTask]:
    """`complete(task, agent, skip=False)` through task_complete (portal channel)."""

    def make(task: OrderTask, agent: User, *, skip: bool = False) -> OrderTask:
        with django_capture_on_commit_callbacks(execute=True):
            return task_complete(actor=agent, task=task, channel="portal", skip=skip)

    return make


@pytest.fixture
def act(django_capture_on_commit_callbacks: OnCommit) -> Callable[..., Case]:
    """`act(case, actor, "close", **kwargs)`: case_transition (portal), after-commit work run."""

    def make(case: Case, actor: User, action: str, **kwargs: Any) -> Case:
        with django_capture_on_commit_callbacks(execute=True):
            case_services.case_transition(
                actor=fresh(actor), case=case, action=action, channel="portal", **kwargs
            )
        case.refresh_from_db()
        return case

    return make


def fresh(user: User) -> User:
    """The user as a new request would load them (no cached permissions)."""
    return User.objects.get(pk=user.pk)


def organisation_of(user: User) -> Organisation:
    return user.membership.organisation  # type: ignore[attr-defined, no-any-return]


def tasks_of(case: Case) -> list[OrderTask]:
    return list(OrderTask.objects.filter(order_id=case.pk).order_by("position", "id"))
