"""The queue pages: /agent/ (New and unassigned), /agent/queues/<key>/ and /agent/views/<id>/.

A page is the sidebar (queues and saved views with capped counts), the filter form, and one page of
cases (keyset pagination, 25 rows) with the bulk-action form around it. A fixed number of queries
whatever the number of cases, organisations or saved views: the agent's teams, the saved views, five for
the filter options and one for the organisation picker, two for the page of cases (see `_page`), and one
for every count together. An HTMX request (the filter form, "Next page") gets the results partial only,
without the sidebar and the picker.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.timesince import timesince
from django.views.decorators.http import require_GET

from supportal.agent.bulk_actions import BULK_MOVES
from supportal.agent.guards import agent_required
from supportal.agent.models import SavedView
from supportal.agent.organisation_picker import Purpose, picker_from
from supportal.agent.policies import can_delete_saved_view
from supportal.agent.queue_filters import SORTS, filter_form, filter_query, narrowed, sort_of
from supportal.agent.queue_links import case_url, queue_url, with_cursor
from supportal.agent.queue_options import load_filter_options
from supportal.agent.queue_sidebar import sidebar
from supportal.agent.queues import HOME_QUEUE, QUEUES, AgentTeams, Queue, agent_teams_of
from supportal.agent.saved_views import saved_view_for, saved_views_listed
from supportal.api.v1.pagination import PageOf, PageParams, paginate
from supportal.cases.models import Case, Priority
from supportal.cmdb.models import ConfigItem
from supportal.core.errors import InvalidInput, NotFound
from supportal.sla.display import next_due_at

PAGE_SIZE = 25
ROW_RELATIONS = ("organisation", "requester", "case_type", "request_type", "team", "assignee")


@dataclass(frozen=True)
class QueueRow:
    """A case as a queue shows it: its page in the workspace, its state's name and who asked."""

    case: Case
    url: str
    state: str
    requester: str
    age: str  # "3 hours ago": how long since the last activity


def rows_of(cases: list[Case], labels: dict[str, str]) -> list[QueueRow]:
    """Queue rows; a shared login's case shows the person's own name as the requester."""
    return [
        QueueRow(
            case,
            case_url(case.number),
            labels.get(case.state, case.state),
            case.requester_name or case.requester.display_name,
            _ago(case.updated_at),
        )
        for case in cases
    ]


@agent_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return _queue_page(request, QUEUES[HOME_QUEUE], agent_teams_of(request.user), data=request.GET)


@agent_required
@require_GET
def queue(request: HttpRequest, key: str) -> HttpResponse:
    found = QUEUES.get(key)
    if found is None:
        raise Http404("No such queue.")
    return _queue_page(request, found, agent_teams_of(request.user), data=request.GET)


@agent_required
@require_GET
def saved_view(request: HttpRequest, view_id: int) -> HttpResponse:
    """The view's queue with its filters; filters given in the address (the form's) replace them."""
    agent = agent_teams_of(request.user)
    try:
        view = saved_view_for(request.user, agent, view_id)
    except NotFound as error:
        raise Http404(error.detail) from None
    changed = any(name != "cursor" for name in request.GET)
    data = request.GET if changed else QueryDict(view.query)
    return _queue_page(request, QUEUES.get(view.queue, QUEUES["all"]), agent, data=data, view=view)


def _queue_page(
    request: HttpRequest, queue: Queue, agent: AgentTeams, *, data: QueryDict, view: SavedView | None = None
) -> HttpResponse:
    actor = request.user
    partial = bool(request.headers.get("HX-Request")) and not request.headers.get(
        "HX-History-Restore-Request"
    )
    views = [] if partial else list(saved_views_listed(agent))
    options = load_filter_options([data, *(QueryDict(v.query) for v in views)], team_ids=agent.team_ids)
    form = filter_form(data, options)
    filters = form.filters()
    sort = sort_of(filters, queue.default_sort)
    cases = narrowed(actor, queue.cases(agent), filters, options)
    cursor = request.GET.get("cursor") or None
    page, bad_cursor = _page(cases, cursor, SORTS[sort][1])
    context: dict[str, Any] = {
        "queue": queue,
        "saved_view": view,
        "saved_view_deletable": view is not None and can_delete_saved_view(actor, agent, view),
        "heading": view.name if view is not None else queue.label,
        "form": form,
        "sort": sort,
        "sorts": [(key, label) for key, (label, _) in SORTS.items()],
        "filtered": any(name != "sort" for name in filters),
        "more_filters_open": _more_filters_open(filters, form.errors, queue.default_sort),
        "config_item": _config_item(filters.get("config_item")),
        "rows": rows_of(page.items, options.state_labels),
        "bad_cursor": bad_cursor,
        "paged": cursor is not None and not bad_cursor,
        "next_url": with_cursor(request, page.next_cursor) if page.next_cursor else None,
        "first_url": with_cursor(request, None),
        "clear_url": queue_url(queue.key),
        "view_changed": view is not None and data is request.GET,
        "this_url": request.get_full_path(),
        "saved_query": filter_query(data).urlencode(),
        "options": options,
        "my_teams": [(pk, name) for pk, name in options.teams if pk in agent.team_ids],
        "bulk_moves": [(move.value, move.label) for move in BULK_MOVES],
        "priorities": Priority.choices,
    }
    if partial:
        template = "agent/queue_results.html"
    else:
        active = f"view:{view.pk}" if view is not None else f"queue:{queue.key}"
        context |= sidebar(actor, agent, views, options, active=active)
        context["organisation_picker"] = picker_from(
            actor, Purpose.FILTER, data, errors=[str(e) for e in form.errors.get("organisation", [])]
        )
        template = "agent/queue_page.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _more_filters_open(filters: dict[str, Any], errors: Any, default_sort: str) -> bool:
    """Whether "More filters and sorting" starts open: one of its filters is set or wrong, or a sort other
    than the queue's own is chosen."""
    named = [name for name, value in filters.items() if not (name == "sort" and value == default_sort)]
    return any(name not in ("q", "status") for name in [*named, *errors])


def _ago(moment: datetime) -> str:
    """How long ago, as in "3 hours ago"; "just now" within the minute."""
    if timezone.now() - moment < timedelta(minutes=1):
        return "just now"
    return f"{timesince(moment, depth=1)} ago"


def _page(cases: QuerySet[Case], cursor: str | None, ordering: tuple[str, ...]) -> tuple[PageOf[Case], bool]:
    """One page of `cases`; a cursor that is not this list's gives the first page (and says so).

    Two queries: the page's keys (on the queue's index), then those cases with what a row shows. In one
    query, PostgreSQL spends 10-20 ms planning a seven-table join under ORDER BY ... LIMIT (every index
    of the cases table is a candidate path at each step); apart, each plans in a millisecond or two.
    """
    keys = cases.only(*{field.lstrip("-") for field in ordering})
    try:
        page = paginate(keys, PageParams(cursor=cursor, limit=PAGE_SIZE), ordering=ordering)
        bad_cursor = False
    except InvalidInput:
        page = paginate(keys, PageParams(cursor=None, limit=PAGE_SIZE), ordering=ordering)
        bad_cursor = True
    shown = (
        Case.objects.select_related(*ROW_RELATIONS)
        .annotate(sla_next_due=next_due_at())  # the SLA badge, in the same query
        .in_bulk([case.pk for case in page.items])
    )
    rows: list[Case] = [shown[case.pk] for case in page.items if case.pk in shown]
    return PageOf(rows, page.next_cursor), bad_cursor


def _config_item(item_id: int | None) -> ConfigItem | None:
    """The item the configuration item filter names (its name is shown beside the number)."""
    if item_id is None:
        return None
    return (
        ConfigItem.objects.select_related("organisation")
        .only("name", "organisation__name")
        .filter(pk=item_id)
        .first()
    )
