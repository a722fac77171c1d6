"""Approvers deciding at the same moment (PostgreSQL): the case row lock takes them one after the other."""

from __future__ import annotations

import threading

import pytest
from django.db import close_old_connections, connection

from supportal.accounts.models import User
from supportal.cases.lifecycle import State
from supportal.cases.models import Case, CaseEvent, EventKind
from supportal.catalog.models import ApprovalDecision, ApprovalRequirement, ApprovalState, Order, OrderStatus
from supportal.catalog.services.approvals import approval_decide
from supportal.core.errors import Conflict
from tests.catalog.conftest import Catalog, OrderMaker, catalog_item

pytestmark = pytest.mark.django_db(transaction=True)


def decide_at_once(case: Case, approvers: list[User]) -> dict[int, str]:
    """Each approver, on their own connection, loads the case and presses Approve at the same moment."""
    start = threading.Barrier(len(approvers))
    outcomes: dict[int, str] = {}
    lock = threading.Lock()

    def approve(approver_id: int) -> None:
        try:
            approver = User.objects.get(pk=approver_id)
            mine = Case.objects.get(pk=case.pk)
            start.wait(timeout=30)
            approval_decide(actor=approver, case=mine, decision="approve", channel="portal")
            outcome = "decided"
        except Conflict:
            outcome = "conflict"
        except BaseException as error:
            outcome = repr(error)
        finally:
            close_old_connections()
            connection.close()
        with lock:
            outcomes[approver_id] = outcome

    threads = [threading.Thread(target=approve, args=(a.pk,)) for a in approvers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def approve_moves(case: Case) -> list[str]:
    return [
        e.data["action"]
        for e in CaseEvent.objects.filter(case=case, kind=EventKind.STATE_CHANGED).order_by("id")
        if e.data["action"] == "approve"
    ]


@pytest.fixture(autouse=True)
def postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("Needs PostgreSQL: SQLite serialises whole transactions, so there is no race to lose.")


def test_two_approvers_at_once_when_two_are_required_approve_exactly_once(
    catalog: Catalog, order: OrderMaker
) -> None:
    item = catalog_item("firewall-opening", approvals_required=2, steps=[("Open the port", catalog.network)])
    case = order(item)
    outcomes = decide_at_once(case, [catalog.story.alice, catalog.aaron])
    assert sorted(outcomes.values()) == ["decided", "decided"]
    case.refresh_from_db()
    assert case.state == State.OPEN
    assert ApprovalRequirement.objects.get(case=case).state == ApprovalState.APPROVED
    assert approve_moves(case) == ["approve"]
    assert ApprovalDecision.objects.filter(requirement_id=case.pk).count() == 2
    counts = sorted(e.data["approvals"] for e in CaseEvent.objects.filter(case=case, kind=EventKind.APPROVAL))
    assert counts == [1, 2]
    assert Order.objects.get(case=case).status == OrderStatus.APPROVED


def test_two_approvers_at_once_when_one_is_required_one_decision_counts(
    catalog: Catalog, order: OrderMaker
) -> None:
    case = order(catalog.dns)
    outcomes = decide_at_once(case, [catalog.story.alice, catalog.aaron])
    assert sorted(outcomes.values()) == ["conflict", "decided"]
    winner = next(pk for pk, outcome in outcomes.items() if outcome == "decided")
    case.refresh_from_db()
    assert case.state == State.OPEN
    assert list(
        ApprovalDecision.objects.filter(requirement_id=case.pk).values_list("approver_id", flat=True)
    ) == [winner]
    assert approve_moves(case) == ["approve"]
    assert Order.objects.get(case=case).status == OrderStatus.APPROVED
