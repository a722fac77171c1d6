"""The organisation picker: choosing one of thousands of organisations with a search box and at most
MAX_MATCHES radio buttons, the chosen one always among them. Filing a case (active organisations, one
must be chosen) and the queue filter ("Any organisation" too) use it.

As the agent types, HTMX asks `organisation_search` (/agent/organisations/?q=...&purpose=...) for the
matches; without JavaScript the page's GET form reloads it with `organisation_q`, and the page builds the
same picker with `picker_from`. One query either way, whatever the number of organisations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from django.db.models import Q
from django.db.models.functions import Lower
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from supportal.agent.guards import agent_required
from supportal.orgs.models import Organisation
from supportal.orgs.policies import Actor
from supportal.orgs.selectors import organisations_visible_to

MAX_MATCHES = 20
QUERY_MAX = 100
NAME = "organisation"  # the radio buttons' name, which the pages read
QUERY_NAME = "organisation_q"  # the search box's name in the pages' GET forms


class Purpose(StrEnum):
    FILING = "filing"  # an agent files a case: active organisations only, one must be chosen
    FILTER = "filter"  # a queue filter: every organisation, or "Any organisation"


@dataclass(frozen=True)
class OrganisationPicker:
    """What the picker shows: the search typed, the chosen organisation's id (as given; "" for none) and
    the organisations offered (the chosen one first, then the matches by name)."""

    purpose: Purpose
    query: str
    selected: str
    organisations: list[Organisation]
    more: bool  # more organisations match than are shown
    errors: list[str] = field(default_factory=list)

    @property
    def html_id(self) -> str:
        return f"organisation-{self.purpose}"

    @property
    def error_id(self) -> str:
        """The id of the messages (the filing form's and the queue filters' own conventions)."""
        return "organisation-error" if self.purpose == Purpose.FILING else "id_organisation_error"

    @property
    def required(self) -> bool:
        return self.purpose == Purpose.FILING

    @property
    def search_url(self) -> str:
        return f"{reverse('agent:organisation_search')}?purpose={self.purpose}"

    @property
    def none_chosen(self) -> bool:
        """No valid id is chosen: the filter's "Any organisation" is checked."""
        return _id_of(self.selected) == 0

    @property
    def missing(self) -> bool:
        """A valid id is chosen but names no organisation offered (none has it, or it is closed)."""
        return not self.none_chosen and all(str(o.pk) != self.selected for o in self.organisations)


def organisations_matching(
    actor: Actor, query: str, selected: str, *, active_only: bool
) -> tuple[list[Organisation], bool]:
    """The chosen organisation (if the actor sees it) and the first MAX_MATCHES others whose name
    contains `query` (any case), by name; and whether more match. One query: the matches are a subquery
    ordered on the unique index of lower(name), so no more than MAX_MATCHES + 1 rows are read when the
    query is empty or common."""
    selected_id = _id_of(selected)
    query = " ".join(query.split())[:QUERY_MAX]
    visible = organisations_visible_to(actor)
    if active_only:
        visible = visible.filter(is_active=True)
    matching = visible.exclude(pk=selected_id)
    if query:
        matching = matching.filter(name__icontains=query)
    first = matching.order_by(Lower("name")).values("pk")[: MAX_MATCHES + 1]
    rows = list(
        visible.filter(Q(pk__in=first) | Q(pk=selected_id))
        .only("id", "name", "is_active")
        .order_by(Lower("name"))
    )
    chosen = [row for row in rows if row.pk == selected_id]
    others = [row for row in rows if row.pk != selected_id]
    return chosen + others[:MAX_MATCHES], len(others) > MAX_MATCHES


def picker_for(
    actor: Actor, purpose: Purpose, query: str, selected: str, *, errors: list[str] | None = None
) -> OrganisationPicker:
    organisations, more = organisations_matching(
        actor, query, selected, active_only=purpose == Purpose.FILING
    )
    return OrganisationPicker(purpose, query, selected, organisations, more, errors or [])


def picker_from(
    actor: Actor, purpose: Purpose, data: QueryDict, *, errors: list[str] | None = None
) -> OrganisationPicker:
    """The picker of a page's GET data: `organisation_q` searched, `organisation` chosen."""
    return picker_for(actor, purpose, data.get(QUERY_NAME, ""), data.get(NAME, ""), errors=errors)


@agent_required
@require_GET
def organisation_search(request: HttpRequest) -> HttpResponse:
    """The organisations matching ?q= (or the box's own `organisation_q`), as radio buttons, with the
    chosen ?organisation= kept; ?purpose= says whose list (filing: active ones; filter: all)."""
    purpose = Purpose.FILING if request.GET.get("purpose") == Purpose.FILING else Purpose.FILTER
    query = request.GET.get("q", request.GET.get(QUERY_NAME, ""))
    picker = picker_for(request.user, purpose, query, request.GET.get(NAME, ""))
    return render(request, "agent/organisation_options.html", {"picker": picker})


def _id_of(raw: str) -> int:
    return int(raw) if raw.isdigit() and len(raw) < 19 else 0
