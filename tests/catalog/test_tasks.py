"""Fulfilment tasks: nothing is fulfilled before approval; the last task fulfils the order."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core import mail

from supportal.cases.lifecycle import State
from supportal.cases.models import Case, CaseEvent, CloseReason, EventKind
from supportal.cases.services import case_assign
from supportal.catalog.models import ApprovalDecision, Order, OrderStatus, OrderTask, TaskStatus
from supportal.catalog.services.tasks import task_assign
from supportal.core.errors import Conflict, Forbidden, InvalidInput
from tests.catalog.conftest import Catalog, OnCommit, OrderMaker, catalog_item, tasks_of

Decide = Callable[..., ApprovalDecision]
Complete = Callable[..., OrderTask]
Act = Callable[..., Case]


def status_of(case: Case) -> str:
    return Order.objects.get(case=case).status


def resolution_mails_to(address: str) -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if address in m.to and "resolved" in m.body.lower()]


def test_no_task_is_done_while_approval_is_pending(
    catalog: Catalog, order: OrderMaker, complete: Complete
) -> None:
    case = order(catalog.dns)
    for task in tasks_of(case):
        for skip in (False, True):
            with pytest.raises(Conflict):
                complete(task, catalog.nora, skip=skip)
    assert {t.status for t in tasks_of(case)} == {TaskStatus.OPEN}
    assert not CaseEvent.objects.filter(case=case, kind=EventKind.TASK_DONE).exists()
    assert status_of(case) == OrderStatus.AWAITING_APPROVAL


def test_tasks_refuse_after_a_rejection(
    catalog: Catalog, order: OrderMaker, decide: Decide, complete: Complete
) -> None:
    case = order(catalog.dns)
    decide(case, catalog.story.alice, "reject", "Not now.")
    with pytest.raises(Conflict):
        complete(tasks_of(case)[0], catalog.nora)
    assert status_of(case) == OrderStatus.REJECTED


def test_the_customer_may_still_withdraw_a_waiting_order(
    catalog: Catalog, order: OrderMaker, act: Act, complete: Complete
) -> None:
    case = order(catalog.dns)
    act(case, catalog.story.bob, "close")
    assert (case.state, case.close_reason) == (State.CLOSED, CloseReason.WITHDRAWN)
    assert status_of(case) == OrderStatus.CANCELLED
    with pytest.raises(Conflict):
        complete(tasks_of(case)[0], catalog.nora)


def test_the_last_task_fulfils_the_approved_order_and_tells_the_requester(
    catalog: Catalog, order: OrderMaker, decide: Decide, complete: Complete
) -> None:
    story = catalog.story
    case = order(catalog.dns)
    decide(case, story.alice, "approve")
    assert status_of(case) == OrderStatus.APPROVED
    zone, check = tasks_of(case)
    mail.outbox.clear()

    complete(zone, catalog.nora)
    case.refresh_from_db()
    assert case.state == State.OPEN
    assert status_of(case) == OrderStatus.IN_FULFILMENT
    assert resolution_mails_to(story.bob.email) == []
    zone.refresh_from_db()
    assert (zone.status, zone.done_by, zone.done_at is not None) == (TaskStatus.DONE, catalog.nora, True)

    complete(check, story.dana)
    case.refresh_from_db()
    assert case.state == State.RESOLVED
    assert status_of(case) == OrderStatus.FULFILLED
    assert len(resolution_mails_to(story.bob.email)) == 1
    done = CaseEvent.objects.filter(case=case, kind=EventKind.TASK_DONE).order_by("id")
    assert [(e.data["name"], e.data["skipped"], e.data["remaining"]) for e in done] == [
        ("Update the zone", False, 1),
        ("Check resolution", False, 0),
    ]
    last_move = CaseEvent.objects.filter(case=case, kind=EventKind.STATE_CHANGED).order_by("id").last()
    assert last_move is not None and last_move.data["action"] == "fulfil"


def test_skipping_counts_and_a_pre_approved_order_is_fulfilled_from_new(
    catalog: Catalog, order: OrderMaker, complete: Complete
) -> None:
    item = catalog_item(
        "laptop", steps=[("Order the laptop", catalog.story.service_desk), ("Engrave it", catalog.network)]
    )
    case = order(item)
    assert case.state == State.NEW
    first, second = tasks_of(case)
    complete(second, catalog.nora, skip=True)
    assert status_of(case) == OrderStatus.IN_FULFILMENT
    second.refresh_from_db()
    assert second.status == TaskStatus.SKIPPED
    complete(first, catalog.story.dana)
    case.refresh_from_db()
    assert case.state == State.RESOLVED
    assert status_of(case) == OrderStatus.FULFILLED


def test_a_task_is_done_once(catalog: Catalog, order: OrderMaker, complete: Complete) -> None:
    case = order(catalog.mailbox)
    (task,) = tasks_of(case)
    complete(task, catalog.story.dana)
    for skip in (False, True):
        with pytest.raises(Conflict):
            complete(task, catalog.story.dana, skip=skip)


def test_only_agents_work_tasks(catalog: Catalog, order: OrderMaker, complete: Complete) -> None:
    story = catalog.story
    case = order(catalog.mailbox)
    (task,) = tasks_of(case)
    for customer in (story.bob, story.alice, story.charlie):
        with pytest.raises(Forbidden):
            complete(task, customer)
        with pytest.raises(Forbidden):
            task_assign(actor=customer, task=task, assignee=story.dana, channel="portal")
    assert tasks_of(case)[0].status == TaskStatus.OPEN


def test_tasks_are_assigned_to_active_agents_only(catalog: Catalog, order: OrderMaker, act: Act) -> None:
    story = catalog.story
    case = order(catalog.mailbox)
    (task,) = tasks_of(case)
    task_assign(actor=story.dana, task=task, assignee=catalog.nora, channel="portal")
    assert tasks_of(case)[0].assignee == catalog.nora
    with pytest.raises(InvalidInput):
        task_assign(actor=story.dana, task=task, assignee=story.bob, channel="portal")
    task_assign(actor=story.dana, task=task, assignee=None, channel="portal")
    assert tasks_of(case)[0].assignee is None
    act(case, story.bob, "close")
    with pytest.raises(Conflict):
        task_assign(actor=story.dana, task=task, assignee=catalog.nora, channel="portal")


def test_an_order_with_no_steps_is_resolved_by_the_agent_as_usual(
    catalog: Catalog, order: OrderMaker, act: Act
) -> None:
    story = catalog.story
    item = catalog_item("advice")
    case = order(item)
    assert tasks_of(case) == []
    act(case, story.dana, "take")
    assert status_of(case) == OrderStatus.IN_FULFILMENT
    act(case, story.dana, "resolve")
    assert case.state == State.RESOLVED
    assert status_of(case) == OrderStatus.FULFILLED
    act(case, story.bob, "accept")
    assert status_of(case) == OrderStatus.FULFILLED


def test_closing_a_fulfilled_order_keeps_it_fulfilled(
    catalog: Catalog, order: OrderMaker, act: Act, complete: Complete
) -> None:
    case = order(catalog.mailbox)
    complete(tasks_of(case)[0], catalog.story.dana)
    act(case, catalog.story.bob, "close")  # "Close" rather than "Accept" on the resolved order
    assert (case.state, case.close_reason) == (State.CLOSED, CloseReason.WITHDRAWN)
    assert status_of(case) == OrderStatus.FULFILLED


def test_an_approved_order_given_to_an_agent_is_in_fulfilment(
    catalog: Catalog, order: OrderMaker, decide: Decide, django_capture_on_commit_callbacks: OnCommit
) -> None:
    story = catalog.story
    case = order(catalog.dns)
    decide(case, story.alice, "approve")
    with django_capture_on_commit_callbacks(execute=True):
        case_assign(actor=story.dana, case=case, channel="portal", assignee=catalog.nora)
    assert status_of(case) == OrderStatus.IN_FULFILMENT
