"""Orders begin with their case: `order_begin` runs inside `cases.services.case_create`'s transaction
for every case of a request type that is a catalog item or has an approval rule. It checks that the
actor may order the item, writes the order and its fulfilment tasks (one per step), and, when approvals
are needed, the requirement, moving the case On Hold until the approvers decide (approvals.py).

`order_sync` keeps `Order.status` in step with the case (status.order_status); every service that
changes an order calls it, and so does the subscriber of the case's state changes (a customer's
withdrawal cancels the order).
"""

from __future__ import annotations

from django.utils import timezone

from supportal.accounts.models import User
from supportal.cases.lifecycle import Action
from supportal.cases.models import Case, Channel, Kind
from supportal.catalog import notify, policies
from supportal.catalog.models import (
    ApprovalRequirement,
    ApprovalRule,
    CatalogItem,
    Order,
    OrderTask,
    TaskStatus,
)
from supportal.catalog.status import order_status
from supportal.core.errors import Forbidden
from supportal.orgs.policies import Actor

SYSTEM_ACTOR = ("catalog", "Service catalog")


def system_user() -> User:
    from supportal.accounts.services import system_user as named

    return named(*SYSTEM_ACTOR)


def order_begin(case: Case, *, actor: Actor, channel: str) -> None:
    """Called by case_create (in its transaction) for a case of `case.request_type`."""
    request_type = case.request_type
    if request_type is None:
        return
    item = CatalogItem.objects.filter(request_type=request_type).prefetch_related("steps").first()
    required = 0
    if case.kind == Kind.ORDER and item is not None:
        groups = set(item.allowed_groups.values_list("id", flat=True))
        plans = set(item.allowed_plans.values_list("id", flat=True))
        if not policies.can_order(actor, item, case.organisation, group_ids=groups, plan_ids=plans):
            raise Forbidden(f"You may not order “{request_type.name}”.")
        order = Order.objects.create(case=case, item=item, status_changed_at=case.created_at)
        OrderTask.objects.bulk_create(
            [
                OrderTask(order=order, position=s.position, name=s.name, team_id=s.team_id)
                for s in item.steps.all()
            ]
        )
        required = item.approvals_required
    else:
        rule = ApprovalRule.objects.filter(request_type=request_type).first()
        required = rule.approvals_required if rule is not None else 0
    if required:
        ApprovalRequirement.objects.create(case=case, required=required, requested_at=case.created_at)
        from supportal.cases.services.transitions import case_transition

        case_transition(
            actor=system_user(),
            case=case,
            action=Action.AWAIT_APPROVAL,
            channel=Channel.SYSTEM,
            extra_data={"approvals_required": required},
        )
        notify.ask_approvers(case, required)
    order_sync(case)


def order_sync(case: Case) -> None:
    """Bring the order's status in step with its case (no order: nothing to do)."""
    order = Order.objects.filter(case_id=case.pk).first()
    if order is None:
        return
    requirement = ApprovalRequirement.objects.filter(case_id=case.pk).first()
    tasks_done = OrderTask.objects.filter(order=order).exclude(status=TaskStatus.OPEN).count()
    status = order_status(
        state=case.state,
        close_reason=case.close_reason,
        approval=requirement.state if requirement else None,
        tasks_done=tasks_done,
        assigned=case.assignee_id is not None,
        resolved=case.resolved_at is not None,
    )
    if status != order.status:
        order.status, order.status_changed_at = status, timezone.now()
        order.save(update_fields=["status", "status_changed_at"])
