"""The order panel of the agent's case page: the order's status, its approval (decisions, the
organisation's approvers) and the fulfilment checklist an agent works (assign, Done, Skip).

Shown for an order, or a case that waits for (or had) approvals. A case with no request type and not an
order costs no query; otherwise a fixed number: the order and requirement together, the tasks, the
decisions, and the approvers (two), whatever the number of tasks or decisions.
"""

from __future__ import annotations

from dataclasses import dataclass

from supportal.accounts.models import User
from supportal.cases.lifecycle import State
from supportal.cases.models import Case, Kind
from supportal.catalog import selectors
from supportal.catalog.models import (
    ApprovalDecision,
    ApprovalRequirement,
    ApprovalState,
    Decision,
    Order,
    OrderStatus,
    OrderTask,
    TaskStatus,
)
from supportal.catalog.policies import task_refusal


@dataclass
class ApprovalPanel:
    requirement: ApprovalRequirement
    state_label: str
    approvals: int
    decisions: list[ApprovalDecision]
    approvers: list[User]  # the organisation's approvers now (empty: nobody can decide)


@dataclass
class OrderPanel:
    order: Order | None
    status_label: str
    item_name: str
    approval: ApprovalPanel | None
    tasks: list[OrderTask]
    open_tasks: int
    refusal: str  # why the tasks cannot be worked now ("" when they can)
    assignable: bool  # tasks can be (re)assigned: the case is not closed


def order_panel(case: Case) -> OrderPanel | None:
    """The panel of `case`, or None when it is neither an order nor waits for approvals."""
    if case.kind != Kind.ORDER and case.request_type_id is None:
        return None
    loaded = (
        Case.objects.select_related("order__item__request_type", "approval_requirement")
        .only(
            "pk",
            "order__status",
            "order__status_changed_at",
            "order__item__request_type__name",
            "approval_requirement__required",
            "approval_requirement__state",
            "approval_requirement__requested_at",
            "approval_requirement__decided_at",
        )
        .get(pk=case.pk)
    )
    order: Order | None = getattr(loaded, "order", None)
    requirement: ApprovalRequirement | None = getattr(loaded, "approval_requirement", None)
    if order is None and requirement is None:
        return None
    approval = _approval(case, requirement) if requirement is not None else None
    tasks = list(selectors.order_tasks(case)) if order is not None else []
    closed = case.state == State.CLOSED
    return OrderPanel(
        order=order,
        status_label=OrderStatus(order.status).label if order is not None else "",
        item_name=str(order.item.request_type.name) if order is not None else "",
        approval=approval,
        tasks=tasks,
        open_tasks=sum(1 for task in tasks if task.status == TaskStatus.OPEN),
        refusal=task_refusal(case.state, requirement.state if requirement else None),
        assignable=not closed,
    )


def _approval(case: Case, requirement: ApprovalRequirement) -> ApprovalPanel:
    decisions = list(selectors.approval_decisions(case))
    return ApprovalPanel(
        requirement=requirement,
        state_label=ApprovalState(requirement.state).label,
        approvals=sum(1 for d in decisions if d.decision == Decision.APPROVE),
        decisions=decisions,
        approvers=selectors.approvers_of(case.organisation_id),
    )
