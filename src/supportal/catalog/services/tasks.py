"""Fulfilment tasks: agents assign, complete or skip an order's steps; the last one fulfils the order
(the system's Fulfil move: the case is Resolved and the customer told, as for any resolution).

Nothing is fulfilled before approval: a task of an order that waits for approval, or was rejected or
cancelled, cannot change (Conflict).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from supportal.accounts.models import User, UserKind
from supportal.cases.lifecycle import Action, State
from supportal.cases.models import Case, Channel, EventKind
from supportal.cases.services import history
from supportal.catalog import policies
from supportal.catalog.models import ApprovalRequirement, OrderTask, TaskStatus
from supportal.catalog.services.orders import order_sync, system_user
from supportal.core.errors import Conflict, Forbidden, InvalidInput
from supportal.orgs.policies import Actor


def task_complete(*, actor: Actor, task: OrderTask, channel: str, skip: bool = False) -> OrderTask:
    if not policies.can_work_tasks(actor):
        raise Forbidden("Only agents work fulfilment tasks.")
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=task.order_id)
        _check_workable(case)
        locked = OrderTask.objects.select_for_update().get(pk=task.pk)
        if locked.status != TaskStatus.OPEN:
            raise Conflict(f"“{locked.name}” is {TaskStatus(locked.status).label.lower()} already.")
        locked.status = TaskStatus.SKIPPED if skip else TaskStatus.DONE
        locked.done_by = actor if isinstance(actor, User) else None
        locked.done_at = timezone.now()
        locked.save(update_fields=["status", "done_by", "done_at"])
        remaining = OrderTask.objects.filter(order_id=case.pk, status=TaskStatus.OPEN).count()
        history.record(
            case,
            EventKind.TASK_DONE,
            actor=actor,
            channel=channel,
            data={"task": locked.pk, "name": locked.name, "skipped": skip, "remaining": remaining},
            publish_as="case.task_done",
        )
        if remaining == 0:
            from supportal.cases.services.transitions import case_transition

            case_transition(actor=system_user(), case=case, action=Action.FULFIL, channel=Channel.SYSTEM)
        order_sync(case)
    task.refresh_from_db()
    return locked


def task_assign(*, actor: Actor, task: OrderTask, assignee: User | None, channel: str) -> OrderTask:
    if not policies.can_work_tasks(actor):
        raise Forbidden("Only agents work fulfilment tasks.")
    if assignee is not None and (assignee.kind != UserKind.AGENT or not assignee.is_active):
        raise InvalidInput(
            "Assign the task to an active agent.", fields={"assignee": ["Not an active agent."]}
        )
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=task.order_id)
        if case.state == State.CLOSED:
            raise Conflict("This order is closed.")
        OrderTask.objects.filter(pk=task.pk).update(assignee=assignee)
    task.refresh_from_db()
    return task


def _check_workable(case: Case) -> None:
    requirement = ApprovalRequirement.objects.filter(case=case).first()
    refusal = policies.task_refusal(case.state, requirement.state if requirement is not None else None)
    if refusal:
        raise Conflict(refusal)
