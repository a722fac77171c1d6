"""/agent/tasks/: the open fulfilment tasks of the agent's teams and those assigned to them (or, with
`?show=mine`, only theirs), oldest order first, with the order's number, organisation, item and status.

Tasks of orders that are over (fulfilled, rejected, cancelled) are not listed. Keyset pagination like the
queues (25 rows, `?cursor=`); four queries whatever the number of tasks: the session and its user, the
agent's teams, and one page of tasks with what a row shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from supportal.agent.guards import agent_required
from supportal.agent.order_forms import TaskListForm
from supportal.agent.queue_links import case_url, with_cursor
from supportal.agent.queues import AgentTeams, agent_teams_of
from supportal.api.v1.pagination import PageOf, PageParams, paginate
from supportal.catalog.models import OrderStatus, OrderTask, TaskStatus
from supportal.core.errors import InvalidInput

PAGE_SIZE = 25
ORDERING = ("order__case__created_at", "order_id", "position", "id")
OVER = (OrderStatus.FULFILLED, OrderStatus.REJECTED, OrderStatus.CANCELLED)
ROW_RELATIONS = ("order__case__organisation", "order__item__request_type", "team", "assignee")


@dataclass(frozen=True)
class TaskRow:
    task: OrderTask
    case_url: str
    status_label: str  # the order's
    waiting: bool  # the order waits for approval: the task cannot be worked yet


def open_tasks(agent: AgentTeams, scope: str) -> QuerySet[OrderTask]:
    """Open tasks of orders still being worked: assigned to the agent, or (scope "teams") of their teams."""
    mine = Q(assignee_id=agent.user_id)
    wanted = mine if scope == TaskListForm.MINE else mine | Q(team_id__in=agent.team_ids or (0,))
    return OrderTask.objects.filter(wanted, status=TaskStatus.OPEN).exclude(order__status__in=OVER)


@agent_required
@require_GET
def tasks(request: HttpRequest) -> HttpResponse:
    agent = agent_teams_of(request.user)
    form = TaskListForm(request.GET)
    scope = form.scope()
    cursor = request.GET.get("cursor") or None
    page, bad_cursor = _page(open_tasks(agent, scope), cursor)
    rows = [
        TaskRow(
            task,
            case_url(task.order.case.number),
            OrderStatus(task.order.status).label,
            task.order.status == OrderStatus.AWAITING_APPROVAL,
        )
        for task in page.items
    ]
    context = {
        "form": form,
        "scope": scope,
        "scopes": [(TaskListForm.TEAMS, "My teams"), (TaskListForm.MINE, "Assigned to me")],
        "rows": rows,
        "has_teams": bool(agent.team_ids),
        "bad_cursor": bad_cursor,
        "paged": cursor is not None and not bad_cursor,
        "next_url": with_cursor(request, page.next_cursor) if page.next_cursor else None,
        "first_url": with_cursor(request, None),
    }
    return render(request, "agent/orders/tasks.html", context)


def _page(tasks: QuerySet[OrderTask], cursor: str | None) -> tuple[PageOf[OrderTask], bool]:
    """One page; a cursor that is not this list's gives the first page (and says so)."""
    shown = tasks.select_related(*ROW_RELATIONS)
    try:
        return paginate(shown, PageParams(cursor=cursor, limit=PAGE_SIZE), ordering=ORDERING), False
    except InvalidInput:
        return paginate(shown, PageParams(cursor=None, limit=PAGE_SIZE), ordering=ORDERING), True
