"""Ordering from the catalog: who may order what, the order and its tasks, and the approvers asked."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from supportal.cases.lifecycle import State
from supportal.cases.models import Case, Kind
from supportal.catalog.models import ApprovalRequirement, ApprovalState, OrderStatus, TaskStatus
from supportal.catalog.selectors import approvers_of
from supportal.catalog.services.approvals import approval_from_token
from supportal.core.errors import Forbidden, InvalidInput, NotFound
from supportal.notifications.models import Notification
from supportal.orgs.models import PermissionGroup
from tests.cases.conftest import kinds
from tests.catalog.conftest import Catalog, OrderMaker, allow_ordering, tasks_of
from tests.conftest import PASSWORD

LINK = re.compile(r"https?://\S+/approvals/([^/\s]+)/")


def approval_mails() -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if "approv" in m.subject.lower()]


def test_an_order_gets_a_task_per_step_in_order(catalog: Catalog, order: OrderMaker) -> None:
    case = order(catalog.dns)
    assert case.kind == Kind.ORDER
    assert case.requester == catalog.story.bob
    assert case.order.item == catalog.dns
    assert [(t.position, t.name, t.team, t.status, t.assignee) for t in tasks_of(case)] == [
        (1, "Update the zone", catalog.network, TaskStatus.OPEN, None),
        (2, "Check resolution", catalog.story.service_desk, TaskStatus.OPEN, None),
    ]


def test_a_pre_approved_item_goes_straight_to_submitted(catalog: Catalog, order: OrderMaker) -> None:
    case = order(catalog.mailbox)
    assert case.state == State.NEW
    assert case.order.status == OrderStatus.SUBMITTED
    assert not ApprovalRequirement.objects.filter(case=case).exists()
    assert approval_mails() == []
    assert [t.name for t in tasks_of(case)] == ["Create the mailbox"]


def test_an_item_needing_approval_waits_on_hold_and_asks_every_approver(
    catalog: Catalog, order: OrderMaker
) -> None:
    story = catalog.story
    case = order(catalog.dns)
    assert case.state == State.ON_HOLD
    assert case.order.status == OrderStatus.AWAITING_APPROVAL
    assert case.order.get_status_display() == "Awaiting approval"
    requirement = ApprovalRequirement.objects.get(case=case)
    assert (requirement.required, requirement.state) == (1, ApprovalState.PENDING)
    assert "state_changed" in kinds(case)

    sent = approval_mails()
    assert sorted(address for m in sent for address in m.to) == ["aaron@acme.example", "alice@acme.example"]
    for message in sent:
        assert case.number in message.subject or case.number in message.body
        match = LINK.search(str(message.body))
        assert match, message.body
        linked_case, approver = approval_from_token(match.group(1))
        assert linked_case == case
        assert approver.email == message.to[0]  # a personal link
        page = Client().get(f"/approvals/{match.group(1)}/")  # works without signing in first
        assert page.status_code == 200
        assert case.subject in page.content.decode()
    assert set(
        Notification.objects.filter(case=case, verb="approval_requested").values_list(
            "user__email", flat=True
        )
    ) == {"aaron@acme.example", "alice@acme.example"}
    assert not Notification.objects.filter(case=case, verb="approval_requested", user=story.bob).exists()


def test_a_tampered_approval_link_is_not_found(catalog: Catalog, order: OrderMaker) -> None:
    order(catalog.dns)
    token = LINK.search(str(approval_mails()[0].body)).group(1)  # type: ignore[union-attr]
    for forged in (token[:-1] + ("A" if token[-1] != "A" else "B"), token + "x", "x" + token, "nonsense", ""):
        with pytest.raises(NotFound):
            approval_from_token(forged)


def test_an_organisation_with_no_approver_still_waits_and_agents_see_it(
    catalog: Catalog, order: OrderMaker
) -> None:
    story = catalog.story
    charlie = allow_ordering(story, story.charlie)
    assert approvers_of(story.globex.pk) == []
    case = order(catalog.dns, actor=charlie)
    assert case.state == State.ON_HOLD
    assert case.order.status == OrderStatus.AWAITING_APPROVAL
    assert approval_mails() == []
    client = Client()
    assert client.login(username=story.dana.email, password=PASSWORD)
    page = client.get(f"/agent/cases/{case.number}/")
    assert page.status_code == 200
    assert "names no approver" in page.content.decode()


# --- Who may order


def test_without_order_services_nobody_orders(catalog: Catalog, order: OrderMaker) -> None:
    alice = catalog.story.alice  # approves changes, may not order services
    with pytest.raises(Forbidden):
        order(catalog.mailbox, actor=alice)
    assert not Case.objects.exists()


def test_a_customer_of_another_organisation_cannot_order_for_acme(
    catalog: Catalog, order: OrderMaker
) -> None:
    story = catalog.story
    charlie = allow_ordering(story, story.charlie)
    with pytest.raises(Forbidden):
        order(catalog.mailbox, actor=charlie, organisation=story.acme)
    assert not Case.objects.exists()


def test_item_groups_limit_who_orders(catalog: Catalog, order: OrderMaker) -> None:
    story = catalog.story
    catalog.mailbox.allowed_groups.set(PermissionGroup.objects.filter(code="change-approver"))
    with pytest.raises(Forbidden):
        order(catalog.mailbox)  # Bob orders services but is not in the group
    aaron = allow_ordering(story, catalog.aaron)  # an approver who may order
    case = order(catalog.mailbox, actor=aaron)
    assert case.order.status == OrderStatus.SUBMITTED


def test_item_plans_limit_who_orders(catalog: Catalog, order: OrderMaker) -> None:
    story = catalog.story
    catalog.mailbox.allowed_plans.set([story.premium])
    with pytest.raises(Forbidden):
        order(catalog.mailbox)  # Acme is on Standard
    with pytest.raises(Forbidden):
        order(catalog.mailbox, actor=story.dana)  # not even an agent, for Acme
    charlie = allow_ordering(story, story.charlie)
    assert order(catalog.mailbox, actor=charlie).order.status == OrderStatus.SUBMITTED


def test_an_inactive_item_cannot_be_ordered(catalog: Catalog, order: OrderMaker) -> None:
    catalog.mailbox.request_type.is_active = False
    catalog.mailbox.request_type.save()
    with pytest.raises((Forbidden, InvalidInput)):
        order(catalog.mailbox)
    with pytest.raises((Forbidden, InvalidInput)):
        order(catalog.mailbox, actor=catalog.story.dana)
    assert not Case.objects.exists()


def test_an_agent_orders_on_a_customers_behalf(catalog: Catalog, order: OrderMaker) -> None:
    story = catalog.story
    case = order(catalog.dns, actor=story.dana, requester=story.bob)
    assert case.requester == story.bob
    assert case.filed_by == story.dana
    assert case.state == State.ON_HOLD
    assert case.order.status == OrderStatus.AWAITING_APPROVAL
    assert len(tasks_of(case)) == 2
