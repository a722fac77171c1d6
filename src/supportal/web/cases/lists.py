"""The case lists: /cases/ (My cases; `?scope=organization` for the organisation's) and /orders/.

Orders show and filter on the order's status (Submitted, Awaiting approval, ... Fulfilled), not the
case's state.

Customers see the cases they requested or watch, or, with the "view the organisation's cases"
permission, every case of their organisation they may see. Agents see every case (scope ignored).
One query for the page of cases (keyset pagination on the list's ordering, see api/v1/pagination.py),
plus a constant few for the filter options, whatever the number of cases. An HTMX request (the filter
form, the "Next page" link) gets the results partial only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from supportal.cases import policies, selectors
from supportal.cases.models import Case, CaseType, Kind
from supportal.cases.services.priority import state_labels
from supportal.catalog.models import OrderStatus
from supportal.core.errors import InvalidInput
from supportal.orgs.policies import is_agent
from supportal.sla.display import next_due_at
from supportal.web.cases import lists_filters, lists_paging, lists_pickers
from supportal.web.cases.lists_filters import DEFAULT_SORT, SORTS, CaseFilterForm
from supportal.web.catalog_order import STATUS_CLASSES, status_of, with_order_status

PAGE_SIZE = 25
ORGANISATION = "organization"


@dataclass(frozen=True)
class Listing:
    """What one list shows: cases or orders."""

    kind: Kind
    url_name: str
    noun: str
    plural: str


CASES = Listing(Kind.CASE, "web:cases", "case", "cases")
ORDERS = Listing(Kind.ORDER, "web:orders", "order", "orders")


@dataclass(frozen=True)
class Row:
    """A case as a list shows it: its status's display name and who asked; `status_code` is the
    state, or the order's status on the Orders list; `badge` the status badge's class."""

    case: Case
    status: str
    requester: str
    badge: str = ""


def rows_of(cases: list[Case], labels: dict[str, str], *, orders: bool = False) -> list[Row]:
    """List rows; a shared login's case shows the person's own name as the requester. `orders`: the
    cases come with their order (select_related), whose status is shown."""
    rows = []
    for case in cases:
        code, badge = case.state, f"state-{case.state}"
        if orders:
            code = status_of(case)
            badge = f"text-bg-{STATUS_CLASSES.get(code, 'secondary')}"
        name = case.requester_name or case.requester.display_name
        rows.append(Row(case, labels.get(code, code), name, badge))
    return rows


@login_required
@require_GET
def cases(request: HttpRequest) -> HttpResponse:
    return _listing(request, CASES)


@login_required
@require_GET
def orders(request: HttpRequest) -> HttpResponse:
    return _listing(request, ORDERS)


def _listing(request: HttpRequest, listing: Listing) -> HttpResponse:
    actor = request.user
    agent = is_agent(actor)
    organisation_scope = not agent and request.GET.get("scope") == ORGANISATION
    context: dict[str, Any] = {
        "listing": listing,
        "organisation_scope": organisation_scope,
        "may_list_organisation": policies.can_list_organisation_cases(actor),
        "agent": agent,
        "may_create": policies.can_open_cases(actor),
        "heading": f"{'All' if agent else 'Organisation' if organisation_scope else 'My'} {listing.plural}",
    }
    if organisation_scope and not context["may_list_organisation"]:
        return render(request, "web/cases/list_forbidden.html", context, status=403)

    orders_listed = listing.kind == Kind.ORDER
    labels = {**state_labels(), **dict(OrderStatus.choices)} if orders_listed else state_labels()
    states = list(OrderStatus.choices) if orders_listed else list(labels.items())
    types = list(CaseType.objects.order_by("position", "name").values_list("id", "code", "name"))
    form = CaseFilterForm(
        request.GET,
        states=states,
        case_types=[(code, name) for _, code, name in types],
        requesters=lists_filters.requester_options(actor, organisation_scope=organisation_scope),
        config_items=lists_filters.config_item_scope(actor),
        people=lists_filters.requester_scope(actor, organisation_scope=organisation_scope),
    )
    form.is_valid()
    filters = form.filters()
    errors = {
        name: [str(error) for error in form.errors.get(name, [])] for name in ("requester", "config_item")
    }

    visible = selectors.cases_visible_to(actor).filter(kind=listing.kind)
    narrowing = {k: v for k, v in filters.items() if not (orders_listed and k == "status")}
    found = lists_filters.narrowed(actor, visible, narrowing, {code: pk for pk, code, _ in types})
    if orders_listed and filters.get("status"):
        found = found.filter(with_order_status(filters["status"]))
    related = (*(("organisation",) if agent else ()), *(("order",) if orders_listed else ()))
    found = found.select_related("requester", "case_type", *related)
    found = found.annotate(sla_next_due=next_due_at())  # the SLA badge, in the page's own query
    # My cases: what I requested and what I watch, each paged on its own index, then merged.
    parts = [found] if agent or organisation_scope else lists_paging.parts_of_mine(actor, found)
    ordering = SORTS[filters.get("sort", DEFAULT_SORT)][1]
    cursor = request.GET.get("cursor") or None
    try:
        page = lists_paging.paginate_merged(parts, cursor=cursor, limit=PAGE_SIZE, ordering=ordering)
    except InvalidInput:
        context["bad_cursor"] = True
        cursor = None
        page = lists_paging.paginate_merged(parts, cursor=None, limit=PAGE_SIZE, ordering=ordering)

    context.update(
        form=form,
        rows=rows_of(page.items, labels, orders=orders_listed),
        filtered=any(key != "sort" for key in filters),
        more_filters_open=_more_filters_open(filters, form),
        paged=cursor is not None,
        next_url=_with(request, cursor=page.next_cursor) if page.next_cursor else None,
        first_url=_with(request, cursor=None),
        clear_url=_with(request, keep=("scope",)),
    )
    partial = request.headers.get("HX-Request") and not request.headers.get("HX-History-Restore-Request")
    template = "web/cases/list_results.html" if partial else "web/cases/list_page.html"
    if not partial:  # the filter form, with its pickers
        context["config_picker"] = lists_pickers.config_item_picker(actor, request.GET, errors["config_item"])
        if organisation_scope:
            context["requester_picker"] = lists_pickers.requester_picker(
                actor, request.GET, errors["requester"]
            )
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _more_filters_open(filters: dict[str, Any], form: CaseFilterForm) -> bool:
    """Whether "More filters" starts open: one of its filters is set or wrong, or a sort is chosen."""
    named = [name for name, value in filters.items() if not (name == "sort" and value == DEFAULT_SORT)]
    return any(name not in ("q", "status") for name in [*named, *form.errors])


def _with(request: HttpRequest, *, cursor: str | None = None, keep: tuple[str, ...] | None = None) -> str:
    """This list's URL with the request's parameters (or only those in `keep`) and `cursor`."""
    params = request.GET.copy()
    params.pop("cursor", None)
    if keep is not None:
        for name in list(params):
            if name not in keep:
                params.pop(name)
    if cursor:
        params["cursor"] = cursor
    query = params.urlencode()
    return f"{request.path}?{query}" if query else request.path
