"""The order panel of the agent's case page: status, approval and the fulfilment checklist, and the
task buttons it posts (complete, skip, assign), refused with the right status while nothing may be done."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from supportal.accounts.models import User
from supportal.cases.lifecycle import State
from supportal.cases.models import Case
from supportal.catalog.models import ApprovalDecision, Order, OrderStatus, OrderTask, TaskStatus
from supportal.orgs import services as org_services
from tests.catalog.conftest import Catalog, OrderMaker, change_type_with_rule, tasks_of
from tests.conftest import groups

Decide = Callable[..., ApprovalDecision]
Complete = Callable[..., OrderTask]


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(case: Case) -> str:
    return f"/agent/cases/{case.number}/"


def complete_url(case: Case, task: OrderTask) -> str:
    return f"/agent/cases/{case.number}/tasks/{task.pk}/complete/"


def assign_url(case: Case, task: OrderTask) -> str:
    return f"/agent/cases/{case.number}/tasks/{task.pk}/assign/"


def status_of(case: Case) -> str:
    return Order.objects.get(pk=case.pk).status


def test_waiting_for_approval_the_buttons_are_disabled_and_a_forced_post_is_409(
    catalog: Catalog, order: OrderMaker
) -> None:
    case = order(catalog.dns)
    dana = client_for(catalog.story.dana)
    body = dana.get(page(case)).content.decode()
    assert 'data-testid="order-panel"' in body
    assert 'data-testid="order-status">Awaiting approval<' in body
    assert "Waiting for approval: 0 of 1 approval." in body
    assert "Alice Acme, Aaron Acme" in body or "Aaron Acme, Alice Acme" in body
    assert body.count('data-testid="order-task"') == 2
    assert "Update the zone" in body and "Network" in body
    assert body.count('data-testid="order-task-done" disabled') == 2
    assert body.count('data-testid="order-task-skip" disabled') == 2
    assert "nothing is fulfilled before the approvers decide" in body

    task = tasks_of(case)[0]
    response = dana.post(complete_url(case, task))
    assert response.status_code == 409
    assert "nothing is fulfilled before the approvers decide" in response.content.decode()
    assert OrderTask.objects.get(pk=task.pk).status == TaskStatus.OPEN
    assert dana.post(complete_url(case, task), {"skip": "1"}).status_code == 409
    assert status_of(case) == OrderStatus.AWAITING_APPROVAL


def test_after_approval_agents_work_the_checklist_and_the_last_task_fulfils_the_order(
    catalog: Catalog, order: OrderMaker, decide: Decide
) -> None:
    case = order(catalog.dns)
    decide(case, catalog.story.alice, "approve", "Go ahead")
    first, second = tasks_of(case)
    nora = client_for(catalog.nora)
    body = nora.get(page(case)).content.decode()
    assert 'data-testid="order-task-done" disabled' not in body
    assert "Approved: 1 of 1 approval." in body
    assert "Alice Acme</strong> approved" in body and "“Go ahead”" in body

    response = nora.post(complete_url(case, first), follow=True)
    assert response.redirect_chain[0][0].endswith("#order-panel")
    assert "“Update the zone” is done." in response.content.decode()
    assert status_of(case) == OrderStatus.IN_FULFILMENT
    assert OrderTask.objects.get(pk=first.pk).done_by == catalog.nora

    dana = client_for(catalog.story.dana)
    assert dana.post(complete_url(case, first)).status_code == 409  # done already
    response = dana.post(complete_url(case, second), {"skip": "1"}, follow=True)
    assert "“Check resolution” is skipped." in response.content.decode()
    case.refresh_from_db()
    assert case.state == State.RESOLVED
    assert status_of(case) == OrderStatus.FULFILLED
    body = dana.get(page(case)).content.decode()
    assert 'data-testid="order-status">Fulfilled<' in body
    assert 'data-task-status="done"' in body and 'data-task-status="skipped"' in body
    assert 'data-testid="order-task-done"' not in body


def test_a_pre_approved_order_is_worked_at_once(catalog: Catalog, order: OrderMaker) -> None:
    case = order(catalog.mailbox)
    body = client_for(catalog.story.dana).get(page(case)).content.decode()
    assert 'data-testid="order-status">Submitted<' in body
    assert 'data-testid="order-approval"' not in body
    assert 'data-testid="order-task-done"' in body and 'data-testid="order-task-done" disabled' not in body
    (task,) = tasks_of(case)
    assert client_for(catalog.story.dana).post(complete_url(case, task)).status_code == 302
    assert status_of(case) == OrderStatus.FULFILLED


def test_a_rejected_order_shows_the_reason_and_cannot_be_worked(
    catalog: Catalog, order: OrderMaker, decide: Decide
) -> None:
    case = order(catalog.dns)
    decide(case, catalog.aaron, "reject", "Not this week")
    dana = client_for(catalog.story.dana)
    body = dana.get(page(case)).content.decode()
    assert 'data-testid="order-status">Rejected<' in body
    assert "Aaron Acme</strong> rejected" in body and "“Not this week”" in body
    assert 'data-testid="order-task-assign"' not in body  # closed: no more assigning
    response = dana.post(complete_url(case, tasks_of(case)[0]))
    assert response.status_code == 409
    assert "This order was rejected." in response.content.decode()


def test_an_organisation_without_approvers_is_warned_about(catalog: Catalog, order: OrderMaker) -> None:
    for person in (catalog.story.alice, catalog.aaron):
        keep = [g for g in person.membership.groups.all() if g.code != "change-approver"]  # type: ignore[attr-defined]
        org_services.membership_groups_set(actor=catalog.story.erin, channel="cli", user=person, groups=keep)
    case = order(catalog.dns)
    body = client_for(catalog.story.dana).get(page(case)).content.decode()
    assert 'data-testid="approval-no-approvers"' in body
    assert "Acme Corp names no approver" in body


def test_a_change_case_with_an_approval_rule_shows_its_approval(catalog: Catalog, order: OrderMaker) -> None:
    change = change_type_with_rule()
    case = order(change, actor=catalog.story.alice)
    body = client_for(catalog.story.dana).get(page(case)).content.decode()
    assert 'data-testid="order-approval"' in body
    assert 'data-testid="order-tasks"' not in body and 'data-testid="order-status"' not in body


def test_a_plain_case_has_no_panel(catalog: Catalog, order: OrderMaker) -> None:
    from supportal.cases import services

    case = services.case_create(
        actor=catalog.story.bob, organisation=catalog.story.acme, subject="Printer", channel="portal"
    )
    body = client_for(catalog.story.dana).get(page(case)).content.decode()
    assert 'data-testid="order-panel"' not in body


def test_assigning_a_task_to_an_agent_and_back_to_nobody(catalog: Catalog, order: OrderMaker) -> None:
    case = order(catalog.dns)
    task = tasks_of(case)[0]
    dana = client_for(catalog.story.dana)
    response = dana.post(assign_url(case, task), {"assignee": catalog.nora.pk}, follow=True)
    assert "“Update the zone” is assigned to Nora Network." in response.content.decode()
    assert OrderTask.objects.get(pk=task.pk).assignee == catalog.nora
    body = response.content.decode()
    assert f'<option value="{catalog.nora.pk}" selected>' in body
    assert dana.post(assign_url(case, task), {"assignee": ""}).status_code == 302
    assert OrderTask.objects.get(pk=task.pk).assignee is None
    # A customer is no agent: the form refuses it.
    refused = dana.post(assign_url(case, task), {"assignee": catalog.story.bob.pk})
    assert refused.status_code == 422
    assert OrderTask.objects.get(pk=task.pk).assignee is None


def test_an_inactive_agent_cannot_be_given_a_task(catalog: Catalog, order: OrderMaker) -> None:
    case = order(catalog.dns)
    task = tasks_of(case)[0]
    User.objects.filter(pk=catalog.nora.pk).update(is_active=False)
    response = client_for(catalog.story.dana).post(assign_url(case, task), {"assignee": catalog.nora.pk})
    assert response.status_code == 422
    assert "Assign the task to an active agent." in response.content.decode()


def test_a_task_of_another_order_is_404(catalog: Catalog, order: OrderMaker) -> None:
    one, other = order(catalog.dns), order(catalog.mailbox)
    dana = client_for(catalog.story.dana)
    foreign = tasks_of(other)[0]
    assert dana.post(complete_url(one, foreign)).status_code == 404
    assert dana.post(assign_url(one, foreign), {"assignee": ""}).status_code == 404
    assert OrderTask.objects.get(pk=foreign.pk).status == TaskStatus.OPEN


def test_customers_get_404_on_the_agent_order_urls(catalog: Catalog, order: OrderMaker) -> None:
    case = order(catalog.mailbox)
    task = tasks_of(case)[0]
    for who in (catalog.story.bob, catalog.story.alice, catalog.story.charlie):
        client = client_for(who)
        assert client.get("/agent/tasks/").status_code == 404
        assert client.post(complete_url(case, task)).status_code == 404
        assert client.post(assign_url(case, task), {"assignee": ""}).status_code == 404
    assert OrderTask.objects.get(pk=task.pk).status == TaskStatus.OPEN
    anonymous = Client().post(complete_url(case, task))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_the_panel_costs_a_fixed_number_of_queries(
    catalog: Catalog, order: OrderMaker, decide: Decide, django_assert_num_queries: Any
) -> None:
    case = order(catalog.dns)
    dana = client_for(catalog.story.dana)
    dana.get(page(case))  # warm up the session
    with CaptureQueriesContext(connection) as small:
        assert dana.get(page(case)).status_code == 200
    # More approvers, a decision, and more tasks: the same number of queries.
    for n in range(4):
        org_services.customer_user_create(
            actor=catalog.story.erin, channel="cli", organisation=catalog.story.acme,
            email=f"approver{n}@acme.example", name=f"Approver {n}", groups=groups("change-approver"),
        )  # fmt: skip
    for n in range(5):
        OrderTask.objects.create(order_id=case.pk, position=10 + n, name=f"Extra {n}", team=catalog.network)
    decide(case, catalog.story.alice, "approve")
    with django_assert_num_queries(len(small)):
        response = dana.get(page(case))
    assert response.content.decode().count('data-testid="order-task"') == 7
