"""Who may order what, decide approvals and work fulfilment tasks: pure rules over loaded objects.

- A customer orders an item when they may open cases for their organisation, have "Order services",
  are in one of the item's groups (if it names any) and their plan is one of its plans (if any).
- Agents order on a customer's behalf (the form's requester), for any organisation; so does the system
  (certificate renewals).
- An approver is an active customer user of the case's organisation with "Approve changes", at the
  moment of deciding: a revoked approver decides nothing, even from an old email link. The requester
  never approves their own order or change (four eyes).
- Agents work fulfilment tasks.
"""

from __future__ import annotations

from collections.abc import Collection

from supportal.accounts.models import UserKind
from supportal.cases.lifecycle import State
from supportal.cases.models import Case
from supportal.catalog.models import ApprovalState, CatalogItem
from supportal.orgs.models import Organisation, Permission
from supportal.orgs.policies import (
    Actor,
    group_ids_of,
    has_permission,
    is_agent,
    is_customer,
    organisation_id_of,
)


def can_order(
    actor: Actor,
    item: CatalogItem,
    organisation: Organisation,
    *,
    group_ids: Collection[int],
    plan_ids: Collection[int],
) -> bool:
    """`group_ids` / `plan_ids`: the item's allowed groups and plans (empty: no restriction)."""
    if not item.request_type.is_active or not organisation.is_active:
        return False
    if plan_ids and organisation.plan_id not in plan_ids:
        return False
    if is_agent(actor) or getattr(actor, "kind", None) == UserKind.SYSTEM:  # renewals order for them
        return True
    if not is_customer(actor) or organisation_id_of(actor) != organisation.pk:
        return False
    if not has_permission(actor, Permission.ORDER_SERVICES):
        return False
    return not group_ids or bool(group_ids_of(actor) & set(group_ids))


def can_approve(actor: Actor, case: Case) -> bool:
    """Four eyes: the requester never approves their own order or change."""
    return (
        is_customer(actor)
        and getattr(actor, "pk", None) != case.requester_id
        and bool(getattr(actor, "is_active", False))
        and organisation_id_of(actor) == case.organisation_id
        and has_permission(actor, Permission.APPROVE_CHANGES)
    )


def can_work_tasks(actor: Actor) -> bool:
    return is_agent(actor)


WORKABLE_STATES = (State.NEW, State.OPEN)


def task_refusal(case_state: str, approval_state: str | None) -> str:
    """Why an order's tasks cannot be completed or skipped now ("" when they can): the task service
    refuses with it, and the agent's panel shows it beside the disabled buttons."""
    if approval_state == ApprovalState.PENDING:
        return "This order waits for approval: nothing is fulfilled before the approvers decide."
    if approval_state == ApprovalState.REJECTED:
        return "This order was rejected."
    if case_state not in WORKABLE_STATES:
        return f"An order that is {State(case_state).label} is not worked."
    return ""
