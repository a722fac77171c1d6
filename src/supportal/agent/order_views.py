"""What the order panel of the agent's case page posts: completing or skipping a fulfilment task, and
assigning it (catalog.services.tasks).

Each view loads the case through access (404 for a case the agent may not see, or a task not of this
case's order), calls one service and redirects back to the panel with a message; a refusal (a Conflict:
the order waits for approval, was rejected, or the task is done already) shows the page again with the
refusal as a message and its status.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from supportal.agent.case_page import Bound, back, invalid, render_case
from supportal.agent.guards import agent_required
from supportal.agent.order_forms import TaskAssignForm, TaskCompleteForm
from supportal.cases.models import Case, Channel
from supportal.catalog.models import OrderTask, TaskStatus
from supportal.catalog.services import tasks as task_services
from supportal.core.errors import DomainError
from supportal.web.cases.case_http import case_or_404

ANCHOR = "order-panel"


def _task_of(case: Case, task_id: int) -> OrderTask:
    task = OrderTask.objects.filter(pk=task_id, order_id=case.pk).first()
    if task is None:
        raise Http404("No such task.")
    return task


def _refused(request: HttpRequest, case: Case, error: DomainError) -> HttpResponse:
    messages.error(request, error.detail)
    return render_case(request, case, Bound(name="order_task"), error.status)


@agent_required
@require_POST
def task_complete(request: HttpRequest, number: str, task_id: int) -> HttpResponse:
    """Done, or Skip with `skip=1`; the last task fulfils the order (the case is Resolved)."""
    case = case_or_404(request, number)
    task = _task_of(case, task_id)
    form = TaskCompleteForm(request.POST)
    if not form.is_valid():
        return invalid(request, case, Bound(name="order_task", form=form))
    skip = bool(form.cleaned_data["skip"])
    try:
        done = task_services.task_complete(actor=request.user, task=task, channel=Channel.PORTAL, skip=skip)
    except DomainError as error:
        return _refused(request, case, error)
    verb = "skipped" if done.status == TaskStatus.SKIPPED else "done"
    messages.success(request, f"“{done.name}” is {verb}.")
    return back(case, ANCHOR)


@agent_required
@require_POST
def task_assign(request: HttpRequest, number: str, task_id: int) -> HttpResponse:
    """Assign the task to an agent (of any team), or to nobody."""
    case = case_or_404(request, number)
    task = _task_of(case, task_id)
    form = TaskAssignForm(request.POST)
    if not form.is_valid():
        return invalid(request, case, Bound(name="order_task", form=form))
    assignee = form.cleaned_data["assignee"]
    try:
        task_services.task_assign(actor=request.user, task=task, assignee=assignee, channel=Channel.PORTAL)
    except DomainError as error:
        return _refused(request, case, error)
    who = assignee.display_name if assignee is not None else "nobody"
    messages.success(request, f"“{task.name}” is assigned to {who}.")
    return back(case, ANCHOR)
