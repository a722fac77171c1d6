"""The order and approval panel of the portal's case page: an order's status and fulfilment progress
(the tasks' names and whether each is done or not needed; agents' names stay in the workspace), the
approvals (how many are needed, each decision with its approver, comment and time), and, for an
approver who has not decided a case that waits, the Approve / Reject form."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Q

from supportal.cases.lifecycle import State
from supportal.cases.models import Case, CloseReason
from supportal.catalog import policies, selectors
from supportal.catalog.models import (
    ApprovalDecision,
    ApprovalRequirement,
    ApprovalState,
    Order,
    OrderStatus,
    TaskStatus,
)
from supportal.catalog.status import FULFILLED_CLOSES, order_status
from supportal.orgs.policies import Actor
from supportal.web.approvals_forms import ApprovalForm

STATUS_CLASSES: dict[str, str] = {
    OrderStatus.SUBMITTED: "info",
    OrderStatus.AWAITING_APPROVAL: "warning",
    OrderStatus.APPROVED: "primary",
    OrderStatus.REJECTED: "danger",
    OrderStatus.IN_FULFILMENT: "primary",
    OrderStatus.FULFILLED: "success",
    OrderStatus.CANCELLED: "dark",
}


# The statuses of an order still on the customer's plate (the home page's "My orders").
OPEN_ORDER_STATUSES = [
    OrderStatus.SUBMITTED,
    OrderStatus.AWAITING_APPROVAL,
    OrderStatus.APPROVED,
    OrderStatus.IN_FULFILMENT,
    OrderStatus.FULFILLED,
]
_WORKING = [State.NEW, State.OPEN, State.AWAITING_INFO, State.ON_HOLD]


def status_of(case: Case) -> str:
    """The order's status; for an order-kind case without a catalog item (no Order row), the status
    status.order_status gives it from the case alone."""
    order = getattr(case, "order", None)
    if order is not None:
        return str(order.status)
    assigned = case.assignee_id is not None
    return order_status(
        state=case.state, close_reason=case.close_reason, approval=None, tasks_done=0, assigned=assigned
    )


def with_order_status(statuses: Sequence[str]) -> Q:
    """Orders in one of `statuses` (a filter on cases of kind `order`), those without an Order row
    judged from their case as `status_of` does."""
    orderless = Q()
    for status in statuses:
        orderless |= _ORDERLESS.get(status, Q(pk__in=[]))
    return Q(order__status__in=statuses) | (Q(order__isnull=True) & orderless)


_ORDERLESS: dict[str, Q] = {
    OrderStatus.SUBMITTED: Q(state__in=_WORKING, assignee__isnull=True),
    OrderStatus.IN_FULFILMENT: Q(state__in=_WORKING, assignee__isnull=False),
    OrderStatus.FULFILLED: Q(state=State.RESOLVED) | Q(state=State.CLOSED, close_reason__in=FULFILLED_CLOSES),
    OrderStatus.REJECTED: Q(state=State.CLOSED, close_reason=CloseReason.REJECTED),
    OrderStatus.CANCELLED: Q(state=State.CLOSED)
    & ~Q(close_reason__in=[*FULFILLED_CLOSES, CloseReason.REJECTED]),
}


@dataclass(frozen=True)
class Step:
    name: str
    status: str  # TaskStatus value
    label: str
    done_at: datetime | None


@dataclass
class OrderPanel:
    order: Order | None
    status_label: str = ""
    status_class: str = "secondary"
    steps: list[Step] = field(default_factory=list)
    steps_finished: int = 0
    requirement: ApprovalRequirement | None = None
    approval_label: str = ""
    decisions: list[ApprovalDecision] = field(default_factory=list)
    approvals: int = 0
    may_decide: bool = False


def order_context(
    actor: Actor, case: Case, form: ApprovalForm | None = None, error: str = ""
) -> dict[str, Any]:
    """The panel's context for the case page ({} for a case that is neither an order nor approved);
    `form`: the Approve / Reject form a POST filled in, shown again with its errors; `error`: why the
    decision was refused (taken already, no longer allowed)."""
    order = Order.objects.filter(case_id=case.pk).first()
    requirement = ApprovalRequirement.objects.filter(case_id=case.pk).first()
    if order is None and requirement is None:
        return {}
    panel = OrderPanel(order=order, requirement=requirement)
    if order is not None:
        panel.status_label = str(OrderStatus(order.status).label)
        panel.status_class = STATUS_CLASSES.get(order.status, "secondary")
        panel.steps = [
            Step(t.name, t.status, str(TaskStatus(t.status).label), t.done_at)
            for t in order.tasks.order_by("position", "id")
        ]
        panel.steps_finished = sum(1 for s in panel.steps if s.status != TaskStatus.OPEN)
    if requirement is not None:
        panel.approval_label = str(ApprovalState(requirement.state).label)
        panel.decisions = list(selectors.approval_decisions(case))
        panel.approvals = sum(1 for d in panel.decisions if d.decision == "approve")
        panel.may_decide = (
            requirement.state == ApprovalState.PENDING
            and policies.can_approve(actor, case)
            and all(d.approver_id != actor.pk for d in panel.decisions)
        )
    return {
        "order_panel": panel,
        "approval_form": form or ApprovalForm(auto_id="approval-%s"),
        "approval_error": error,
    }
