"""Approval decisions: how many approvers, rejections, decided cases and revoked approvers."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from supportal.accounts.models import User
from supportal.cases.lifecycle import State
from supportal.cases.models import Case, CaseEvent, CloseReason, EventKind
from supportal.catalog.models import ApprovalDecision, ApprovalRequirement, ApprovalState, OrderStatus
from supportal.catalog.selectors import approvals_awaiting
from supportal.catalog.services.approvals import approval_decide
from supportal.core.errors import Conflict, Forbidden, InvalidInput
from supportal.orgs import services as org_services
from tests.catalog.conftest import Catalog, OrderMaker, catalog_item, fresh
from tests.conftest import groups

Decide = Callable[..., ApprovalDecision]
Act = Callable[..., Case]


def state_changes(case_id: int) -> list[str]:
    return [
        e.data["action"]
        for e in CaseEvent.objects.filter(case_id=case_id, kind=EventKind.STATE_CHANGED).order_by("id")
    ]


def requirement(case_id: int) -> ApprovalRequirement:
    return ApprovalRequirement.objects.get(case_id=case_id)


def test_one_approver_suffices_when_one_is_required(
    catalog: Catalog, order: OrderMaker, decide: Decide
) -> None:
    case = order(catalog.dns)
    decide(case, catalog.story.alice, "approve", "Fine by me.")
    assert case.state == State.OPEN
    assert requirement(case.pk).state == ApprovalState.APPROVED
    case.order.refresh_from_db()
    assert case.order.status == OrderStatus.APPROVED
    assert state_changes(case.pk) == ["await-approval", "approve"]
    event = CaseEvent.objects.get(case=case, kind=EventKind.APPROVAL)
    assert event.actor == catalog.story.alice
    assert event.data == {"decision": "approve", "comment": "Fine by me.", "approvals": 1, "required": 1}


def test_two_required_need_two_different_approvers(
    catalog: Catalog, order: OrderMaker, decide: Decide
) -> None:
    story = catalog.story
    item = catalog_item("firewall-opening", approvals_required=2, steps=[("Open the port", catalog.network)])
    case = order(item)
    decide(case, story.alice)
    assert case.state == State.ON_HOLD
    assert requirement(case.pk).state == ApprovalState.PENDING
    with pytest.raises(Conflict):
        decide(case, story.alice)  # the same approver twice
    assert ApprovalDecision.objects.filter(requirement_id=case.pk).count() == 1
    assert case.state == State.ON_HOLD
    decide(case, catalog.aaron)
    assert case.state == State.OPEN
    assert requirement(case.pk).state == ApprovalState.APPROVED
    assert state_changes(case.pk) == ["await-approval", "approve"]


def test_a_rejection_needs_a_comment_and_closes_the_case_as_rejected(
    catalog: Catalog, order: OrderMaker, decide: Decide
) -> None:
    story = catalog.story
    case = order(catalog.dns)
    for blank in ("", "   "):
        with pytest.raises(InvalidInput):
            decide(case, story.alice, "reject", blank)
    assert case.state == State.ON_HOLD
    assert not ApprovalDecision.objects.exists()

    decide(case, story.alice, "reject", "Not during the freeze.")
    assert (case.state, case.close_reason) == (State.CLOSED, CloseReason.REJECTED)
    assert requirement(case.pk).state == ApprovalState.REJECTED
    case.order.refresh_from_db()
    assert case.order.status == OrderStatus.REJECTED
    closing = CaseEvent.objects.filter(case=case, kind=EventKind.STATE_CHANGED).order_by("id").last()
    assert closing is not None
    assert closing.data["action"] == "decline"
    assert closing.data["reason"] == "Not during the freeze."


def test_one_rejection_is_enough_even_when_two_approvals_are_required(
    catalog: Catalog, order: OrderMaker, decide: Decide
) -> None:
    item = catalog_item("firewall-opening", approvals_required=2)
    case = order(item)
    decide(case, catalog.story.alice, "approve")
    decide(case, catalog.aaron, "reject", "Too wide a range.")
    assert case.close_reason == CloseReason.REJECTED


def test_an_unknown_decision_is_refused(catalog: Catalog, order: OrderMaker, decide: Decide) -> None:
    case = order(catalog.dns)
    with pytest.raises(InvalidInput):
        decide(case, catalog.story.alice, "maybe")


@pytest.mark.parametrize("first", ["approve", "reject"])
def test_deciding_on_a_decided_case_is_a_conflict(
    catalog: Catalog, order: OrderMaker, decide: Decide, first: str
) -> None:
    case = order(catalog.dns)
    decide(case, catalog.story.alice, first, "Reason.")
    for decision in ("approve", "reject"):
        with pytest.raises(Conflict):
            decide(case, catalog.aaron, decision, "Late.")
    assert ApprovalDecision.objects.filter(requirement_id=case.pk).count() == 1


def test_a_withdrawn_order_takes_no_more_decisions(
    catalog: Catalog, order: OrderMaker, decide: Decide, act: Act
) -> None:
    item = catalog_item("firewall-opening", approvals_required=2)
    case = order(item)
    act(case, catalog.story.bob, "close")
    assert case.state == State.CLOSED
    with pytest.raises(Conflict):
        decide(case, catalog.story.alice, "approve")
    assert not ApprovalDecision.objects.exists()
    case.order.refresh_from_db()
    assert case.order.status == OrderStatus.CANCELLED
    assert list(approvals_awaiting(fresh(catalog.story.alice))) == []  # no longer asked of anyone


def _assert_unchanged(case_id: int) -> None:
    assert not ApprovalDecision.objects.filter(requirement_id=case_id).exists()
    assert requirement(case_id).state == ApprovalState.PENDING
    assert state_changes(case_id) == ["await-approval"]


def test_an_approver_whose_group_was_removed_decides_nothing(
    catalog: Catalog, order: OrderMaker, decide: Decide
) -> None:
    story = catalog.story
    case = order(catalog.dns)
    alice_now = fresh(story.alice)
    assert alice_now.is_active
    org_services.membership_groups_set(
        actor=story.erin, channel="cli", user=alice_now, groups=groups("case-reporter", "organisation-cases")
    )
    for decision, comment in (("approve", ""), ("reject", "No.")):
        with pytest.raises(Forbidden):
            decide(case, story.alice, decision, comment)
    _assert_unchanged(case.pk)


def test_revocation_counts_even_for_the_user_object_loaded_before_it(
    catalog: Catalog, order: OrderMaker
) -> None:
    """An approval link loads its approver, then the permission is revoked: checked at decision time."""
    story = catalog.story
    case = order(catalog.dns)
    alice = fresh(story.alice)
    from supportal.catalog.policies import can_approve

    assert can_approve(alice, case)  # permissions read (and cached) once
    org_services.membership_groups_set(actor=story.erin, channel="cli", user=fresh(alice), groups=[])
    with pytest.raises(Forbidden):
        approval_decide(actor=alice, case=case, decision="approve", channel="portal")
    _assert_unchanged(case.pk)


def test_a_deactivated_approver_decides_nothing(catalog: Catalog, order: OrderMaker, decide: Decide) -> None:
    story = catalog.story
    case = order(catalog.dns)
    User.objects.filter(pk=story.alice.pk).update(is_active=False)
    with pytest.raises(Forbidden):
        decide(case, story.alice, "approve")
    _assert_unchanged(case.pk)


def test_people_who_are_not_approvers_of_the_organisation_decide_nothing(
    catalog: Catalog, order: OrderMaker, decide: Decide
) -> None:
    story = catalog.story
    case = order(catalog.dns)
    charlie = fresh(story.charlie)
    org_services.membership_groups_set(
        actor=story.erin, channel="cli", user=charlie, groups=groups("case-reporter", "change-approver")
    )
    for person in (charlie, story.bob, story.dana, story.erin):
        with pytest.raises(Forbidden):
            decide(case, person, "approve")
    _assert_unchanged(case.pk)


def test_four_eyes_the_requester_never_approves_their_own_order(
    catalog: Catalog, order: OrderMaker, decide: Decide
) -> None:
    from django.core import mail

    from tests.catalog.conftest import allow_ordering

    alice = allow_ordering(catalog.story, catalog.story.alice)  # an approver who also orders
    mail.outbox.clear()
    case = order(catalog.dns, alice)
    asked = sorted(
        address for m in mail.outbox if m.subject.startswith(f"[#{case.number}] Approval") for address in m.to
    )
    assert alice.email not in asked and asked  # the other approver is asked, not her
    assert not approvals_awaiting(fresh(alice)).filter(pk=case.pk).exists()
    with pytest.raises(Forbidden):
        approval_decide(actor=fresh(alice), case=case, decision="approve", channel="portal")
    assert requirement(case.pk).state == ApprovalState.PENDING
