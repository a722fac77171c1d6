"""A Change whose request type has an ApprovalRule waits for approval as an order does (no Order)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail

from supportal.cases import services as case_services
from supportal.cases.lifecycle import State
from supportal.cases.models import Case, CloseReason, Kind
from supportal.catalog.models import ApprovalDecision, ApprovalRequirement, ApprovalState, Order
from supportal.core.errors import Conflict
from tests.catalog.conftest import Catalog, OnCommit, change_type_with_rule

Decide = Callable[..., ApprovalDecision]
Act = Callable[..., Case]


@pytest.fixture
def change(catalog: Catalog, django_capture_on_commit_callbacks: OnCommit) -> Callable[..., Case]:
    request_type = change_type_with_rule()

    def make(**kwargs: Any) -> Case:
        kwargs.setdefault("actor", catalog.story.bob)
        with django_capture_on_commit_callbacks(execute=True):
            case = case_services.case_create(
                organisation=catalog.story.acme,
                subject="Open port 443 to the new proxy",
                channel="portal",
                request_type=request_type,
                **kwargs,
            )
        case.refresh_from_db()
        return case

    return make


def test_a_change_with_an_approval_rule_waits_and_asks_the_approvers(
    catalog: Catalog, change: Callable[..., Case]
) -> None:
    case = change()
    assert case.kind == Kind.CASE
    assert case.state == State.ON_HOLD
    assert ApprovalRequirement.objects.get(case=case).state == ApprovalState.PENDING
    assert not Order.objects.filter(case=case).exists()
    asked = sorted(a for m in mail.outbox if "/approvals/" in m.body for a in m.to)
    assert asked == ["aaron@acme.example", "alice@acme.example"]


def test_a_waiting_change_is_not_worked_until_approved(
    catalog: Catalog, change: Callable[..., Case], decide: Decide, act: Act
) -> None:
    story = catalog.story
    case = change()
    for action in ("resume", "resolve"):
        with pytest.raises(Conflict):
            act(case, story.dana, action)
    decide(case, catalog.aaron, "approve")
    assert case.state == State.OPEN
    act(case, story.dana, "resolve")  # no tasks: resolved as usual
    assert case.state == State.RESOLVED


def test_a_rejected_change_is_closed_as_rejected(
    catalog: Catalog, change: Callable[..., Case], decide: Decide
) -> None:
    case = change()
    decide(case, catalog.story.alice, "reject", "Use the existing proxy.")
    assert (case.state, case.close_reason) == (State.CLOSED, CloseReason.REJECTED)


def test_a_change_without_a_rule_does_not_wait(catalog: Catalog, change: Callable[..., Case]) -> None:
    from supportal.catalog.models import ApprovalRule

    ApprovalRule.objects.all().delete()
    case = change()
    assert case.state == State.NEW
    assert not ApprovalRequirement.objects.filter(case=case).exists()
