"""The case lifecycle asks the catalog first: a case waiting for approval is not worked, and an order
is fulfilled by its tasks, not by a Resolve around them."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from supportal.cases.lifecycle import State
from supportal.cases.models import Case, CaseEvent, EventKind
from supportal.cases.services import case_assign
from supportal.catalog.models import ApprovalDecision, Order, OrderStatus, OrderTask
from supportal.core.errors import Conflict
from tests.catalog.conftest import Catalog, OrderMaker, catalog_item, tasks_of

Decide = Callable[..., ApprovalDecision]
Complete = Callable[..., OrderTask]
Act = Callable[..., Case]


def moves(case: Case) -> list[str]:
    return [
        e.data["action"]
        for e in CaseEvent.objects.filter(case=case, kind=EventKind.STATE_CHANGED).order_by("id")
    ]


@pytest.mark.parametrize("action", ["resume", "resolve", "take", "ask-info"])
def test_an_agent_cannot_work_a_waiting_order(
    catalog: Catalog, order: OrderMaker, act: Act, action: str
) -> None:
    case = order(catalog.dns)
    with pytest.raises(Conflict):
        act(case, catalog.story.dana, action)
    assert case.state == State.ON_HOLD
    assert moves(case) == ["await-approval"]


def test_an_assigned_waiting_order_still_waits(catalog: Catalog, order: OrderMaker, act: Act) -> None:
    story = catalog.story
    case = order(catalog.dns)
    case_assign(actor=story.dana, case=case, channel="portal", assignee=story.dana)
    with pytest.raises(Conflict):
        act(case, story.dana, "resume")
    assert Order.objects.get(case=case).status == OrderStatus.AWAITING_APPROVAL  # assigned, still waiting


def test_an_approved_order_is_not_resolved_around_its_tasks(
    catalog: Catalog, order: OrderMaker, decide: Decide, act: Act, complete: Complete
) -> None:
    story = catalog.story
    case = order(catalog.dns)
    decide(case, story.alice, "approve")
    with pytest.raises(Conflict, match="2 fulfilment task"):
        act(case, story.dana, "resolve")
    complete(tasks_of(case)[0], catalog.nora)
    act(case, story.dana, "hold")  # other work goes on as usual
    act(case, story.dana, "resume")
    with pytest.raises(Conflict, match="1 fulfilment task"):
        act(case, story.dana, "resolve")
    assert case.state == State.OPEN


def test_a_pre_approved_order_is_not_resolved_around_its_tasks(
    catalog: Catalog, order: OrderMaker, act: Act
) -> None:
    case = order(catalog.mailbox)
    act(case, catalog.story.dana, "take")
    with pytest.raises(Conflict):
        act(case, catalog.story.dana, "resolve")
    assert case.state == State.OPEN


def test_the_customer_rejecting_a_fulfilled_order_reopens_it_and_the_agent_resolves_again(
    catalog: Catalog, order: OrderMaker, act: Act, complete: Complete
) -> None:
    story = catalog.story
    item = catalog_item("vpn-account", steps=[("Create the account", story.service_desk)])
    case = order(item)
    complete(tasks_of(case)[0], story.dana)
    case.refresh_from_db()
    assert case.state == State.RESOLVED
    act(case, story.bob, "reject", reason="I cannot sign in yet.")
    assert case.state == State.OPEN
    assert Order.objects.get(case=case).status == OrderStatus.IN_FULFILMENT
    act(case, story.dana, "resolve")  # every task is done: a plain Resolve
    assert Order.objects.get(case=case).status == OrderStatus.FULFILLED
