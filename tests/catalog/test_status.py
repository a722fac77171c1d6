"""status.order_status: every order status from the case state, close reason, approval, tasks and
assignment (the one place that says what each status means)."""

from __future__ import annotations

import pytest

from supportal.cases.lifecycle import State
from supportal.cases.models import CloseReason
from supportal.catalog.models import ApprovalState, OrderStatus
from supportal.catalog.status import order_status

PENDING, APPROVED, REJECTED = ApprovalState.PENDING, ApprovalState.APPROVED, ApprovalState.REJECTED

CASES = [
    # state, close_reason, approval, tasks_done, assigned -> status (the case was not resolved)
    (State.NEW, "", None, 0, False, OrderStatus.SUBMITTED),
    (State.NEW, "", PENDING, 0, False, OrderStatus.AWAITING_APPROVAL),
    (State.ON_HOLD, "", PENDING, 0, False, OrderStatus.AWAITING_APPROVAL),
    (State.ON_HOLD, "", PENDING, 0, True, OrderStatus.AWAITING_APPROVAL),
    (State.OPEN, "", APPROVED, 0, False, OrderStatus.APPROVED),
    (State.OPEN, "", APPROVED, 1, False, OrderStatus.IN_FULFILMENT),
    (State.OPEN, "", APPROVED, 0, True, OrderStatus.IN_FULFILMENT),
    (State.OPEN, "", None, 0, True, OrderStatus.IN_FULFILMENT),
    (State.NEW, "", None, 1, False, OrderStatus.IN_FULFILMENT),
    (State.AWAITING_INFO, "", None, 0, True, OrderStatus.IN_FULFILMENT),
    (State.ON_HOLD, "", APPROVED, 1, True, OrderStatus.IN_FULFILMENT),
    (State.RESOLVED, "", None, 2, True, OrderStatus.FULFILLED),
    (State.RESOLVED, "", APPROVED, 0, True, OrderStatus.FULFILLED),
    (State.CLOSED, CloseReason.ACCEPTED, None, 2, True, OrderStatus.FULFILLED),
    (State.CLOSED, CloseReason.AUTO, APPROVED, 2, True, OrderStatus.FULFILLED),
    (State.CLOSED, CloseReason.REJECTED, REJECTED, 0, False, OrderStatus.REJECTED),
    (State.CLOSED, CloseReason.WITHDRAWN, PENDING, 0, False, OrderStatus.CANCELLED),
    (State.CLOSED, CloseReason.WITHDRAWN, None, 0, False, OrderStatus.CANCELLED),
    (State.CLOSED, CloseReason.WITHDRAWN, APPROVED, 1, True, OrderStatus.CANCELLED),
    (State.CLOSED, CloseReason.MERGED, None, 0, True, OrderStatus.CANCELLED),
]


@pytest.mark.parametrize(("state", "close_reason", "approval", "tasks_done", "assigned", "expected"), CASES)
def test_order_status(
    state: State,
    close_reason: str,
    approval: str | None,
    tasks_done: int,
    assigned: bool,
    expected: OrderStatus,
) -> None:
    got = order_status(
        state=state, close_reason=close_reason, approval=approval, tasks_done=tasks_done, assigned=assigned
    )
    assert got == expected


@pytest.mark.parametrize(
    ("close_reason", "expected"),
    [
        (CloseReason.WITHDRAWN, OrderStatus.FULFILLED),  # closed by the customer after resolution
        (CloseReason.ACCEPTED, OrderStatus.FULFILLED),
        (CloseReason.AUTO, OrderStatus.FULFILLED),
        (CloseReason.MERGED, OrderStatus.CANCELLED),
    ],
)
def test_closing_a_resolved_order(close_reason: str, expected: OrderStatus) -> None:
    got = order_status(
        state=State.CLOSED,
        close_reason=close_reason,
        approval=None,
        tasks_done=1,
        assigned=True,
        resolved=True,
    )
    assert got == expected


def test_every_status_is_reachable() -> None:
    assert {row[-1] for row in CASES} == set(OrderStatus)
