"""The case lists' search pickers: the "Configuration item" filter is the create form's configuration
item picker (web/cases/create_form.py, its templates) over the items the person sees, and on the
organisation's list the "Requester" filter is the same picker over the organisation's people, so the
filter form lists at most create_form.MAX_ITEMS of either however many there are. The search boxes
ask `config_items_search` / `requesters_search` (HTMX); without JavaScript their "Search" button
reloads the list with the matches. Agents have neither filter (they use the queues)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.db.models import Case as SqlCase
from django.db.models import IntegerField, Q, Value, When
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from supportal.accounts.models import User
from supportal.cases.policies import can_list_organisation_cases
from supportal.orgs.policies import Actor, is_agent
from supportal.web.cases import create_form
from supportal.web.cases.lists_filters import requester_scope

CONFIG_ITEM = "config_item"
ANY_ITEM = "Any item"
ITEM_SEARCH_LABEL = "Find an item by name or identifier"
REQUESTER = "requester"


@dataclass
class PeoplePicker:
    """The requester picker, rendered by create_config_picker.html like a configuration item picker."""

    query: str
    selected: str
    items: list[User]
    more: bool
    errors: list[str] = dataclasses.field(default_factory=list)
    name: str = REQUESTER
    label: str = "Requester"
    required: bool = False
    help_text: str = ""
    search_label: str = "Find a person by name or email address"
    none_label: str = "Anyone"
    options_template: str = "web/cases/list_people_options.html"

    @property
    def html_id(self) -> str:
        return f"pp-{self.name}"

    @property
    def search_url(self) -> str:
        return reverse("web:case_list_requesters")


def config_item_picker(actor: Actor, data: QueryDict, errors: list[str]) -> create_form.Picker | None:
    """The filter's picker: the chosen item first (whatever the search), then the matches by name."""
    if is_agent(actor):
        return None
    picker = create_form.picker(actor, CONFIG_ITEM, "Configuration item", data, errors=errors)
    picker.search_url = f"{reverse('web:case_list_config_items')}?field={CONFIG_ITEM}"
    picker.search_label, picker.none_label = ITEM_SEARCH_LABEL, ANY_ITEM
    return picker


@login_required
@require_GET
def config_items_search(request: HttpRequest) -> HttpResponse:
    """The person's configuration items matching ?config_item__q=, as the filter's radio buttons."""
    if is_agent(request.user):
        raise Http404("Agents filter on configuration items in the queues.")
    query = request.GET.get(f"{CONFIG_ITEM}__q", "")
    selected = request.GET.get(CONFIG_ITEM, "")
    items, more = create_form.config_items_matching(request.user, query, selected)
    picker = create_form.Picker(CONFIG_ITEM, "", False, query, selected, items, more, none_label=ANY_ITEM)
    return render(request, "web/cases/create_config_items.html", {"picker": picker})


def people_matching(actor: Actor, query: str, selected: str) -> tuple[list[User], bool]:
    """Up to MAX_ITEMS of the organisation's people whose name or email address contains `query`; the
    selected one first whatever the query. One query."""
    people = requester_scope(actor, organisation_scope=True)
    if people is None:
        return [], False
    selected_id = int(selected) if selected.isdigit() and len(selected) < 12 else 0
    query = query.strip()[:100]
    if query:
        people = people.filter(Q(name__icontains=query) | Q(email__icontains=query) | Q(pk=selected_id))
    found: list[User] = list(
        people.annotate(
            chosen=SqlCase(When(pk=selected_id, then=Value(0)), default=Value(1), output_field=IntegerField())
        )
        .order_by("chosen", "name", "email", "id")
        .only("id", "name", "email")[: create_form.MAX_ITEMS + 1]
    )
    return found[: create_form.MAX_ITEMS], len(found) > create_form.MAX_ITEMS


def requester_picker(actor: Actor, data: QueryDict, errors: list[str]) -> PeoplePicker | None:
    """The organisation's list's requester filter: the chosen person first, then the matches by name."""
    if not can_list_organisation_cases(actor):
        return None
    query, selected = data.get(f"{REQUESTER}__q", ""), data.get(REQUESTER, "")
    return PeoplePicker(query, selected, *people_matching(actor, query, selected), errors=errors)


@login_required
@require_GET
def requesters_search(request: HttpRequest) -> HttpResponse:
    """The organisation's people matching ?requester__q=, as the filter's radio buttons."""
    if not can_list_organisation_cases(request.user):
        raise Http404("Only the organisation's list filters on its people.")
    picker = requester_picker(request.user, request.GET, [])
    return render(request, "web/cases/list_people_options.html", {"picker": picker})
