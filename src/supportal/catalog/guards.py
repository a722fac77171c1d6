"""What the case lifecycle asks the catalog before an agent's or a customer's move (the system's own
moves are the catalog's): a case waiting for approval is not worked, and an order is fulfilled by its
tasks, not by a Resolve around them."""

from __future__ import annotations

from supportal.cases.lifecycle import State
from supportal.cases.models import Case, Kind
from supportal.catalog.models import ApprovalRequirement, ApprovalState, OrderTask, TaskStatus
from supportal.core.errors import Conflict

WORK = (State.OPEN, State.RESOLVED, State.AWAITING_INFO)


def check_move_allowed(case: Case, target: State) -> None:
    if target not in WORK or (case.kind != Kind.ORDER and case.request_type_id is None):
        return
    waiting = ApprovalRequirement.objects.filter(case=case, state=ApprovalState.PENDING).exists()
    if waiting:
        raise Conflict("This waits for approval: nothing is done before the approvers decide.")
    if target == State.RESOLVED and case.kind == Kind.ORDER:
        open_tasks = OrderTask.objects.filter(order__case=case, status=TaskStatus.OPEN).count()
        if open_tasks:
            raise Conflict(f"{open_tasks} fulfilment task(s) are not done yet: finish or skip them first.")
