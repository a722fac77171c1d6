"""An order's status from its case and its approvals and tasks: one pure function, the only place that
says what Submitted, Awaiting approval, ... Cancelled mean."""

from __future__ import annotations

from supportal.cases.lifecycle import State
from supportal.cases.models import CloseReason
from supportal.catalog.models import ApprovalState, OrderStatus

FULFILLED_CLOSES = (CloseReason.ACCEPTED, CloseReason.AUTO)


def order_status(
    *,
    state: str,
    close_reason: str,
    approval: str | None,
    tasks_done: int,
    assigned: bool,
    resolved: bool = False,
) -> OrderStatus:
    """`approval`: the requirement's ApprovalState, None when the order needs none; `resolved`: the case
    was Resolved when it closed (its `resolved_at` is set), so a customer's Close then is no withdrawal."""
    if state == State.CLOSED:
        if close_reason == CloseReason.REJECTED:
            return OrderStatus.REJECTED
        if close_reason in FULFILLED_CLOSES or (resolved and close_reason == CloseReason.WITHDRAWN):
            return OrderStatus.FULFILLED
        return OrderStatus.CANCELLED
    if state == State.RESOLVED:
        return OrderStatus.FULFILLED
    if approval == ApprovalState.PENDING:
        return OrderStatus.AWAITING_APPROVAL
    if tasks_done or assigned:
        return OrderStatus.IN_FULFILMENT
    if approval == ApprovalState.APPROVED:
        return OrderStatus.APPROVED
    return OrderStatus.SUBMITTED
