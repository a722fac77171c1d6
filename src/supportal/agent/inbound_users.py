"""The customer picker of a held email's "Create a case for a customer" form: a search box and at most
MAX_MATCHES radio buttons of active customer users (the chosen one always among them), after the
organisation picker (organisation_picker.py).

As the agent types, HTMX asks `inbound_user_search` (/agent/email/users/?q=...) for the matches; without
JavaScript the search button reloads the email's page with `requester_q`, and the page builds the same
picker with `user_picker`. One query either way, whatever the number of users.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from supportal.accounts.models import User, UserKind
from supportal.agent.guards import agent_required
from supportal.orgs.policies import Actor
from supportal.orgs.selectors import users_visible_to

MAX_MATCHES = 20
QUERY_MAX = 100
NAME = "requester"  # the radio buttons' name, which the form reads
QUERY_NAME = "requester_q"  # the search box's name
# Whom a case may be opened for: active customer users of active organisations.
CUSTOMERS = Q(kind=UserKind.CUSTOMER, is_active=True, membership__organisation__is_active=True)


@dataclass(frozen=True)
class UserPicker:
    """What the picker shows: the search typed, the chosen user's id (as given) and the users offered."""

    query: str
    selected: str
    users: list[User]
    more: bool  # more users match than are shown
    errors: list[str] = field(default_factory=list)

    @property
    def missing(self) -> bool:
        """An id is chosen but names no active customer user offered."""
        return bool(_id_of(self.selected)) and all(str(u.pk) != self.selected for u in self.users)


def customers_matching(actor: Actor, query: str, selected: str) -> tuple[list[User], bool]:
    """The chosen customer (if any) and the first MAX_MATCHES others whose name, email or organisation
    contains `query`, by email; and whether more match. One query: the matches are a subquery read in
    the order of the unique email index."""
    selected_id = _id_of(selected)
    query = " ".join(query.split())[:QUERY_MAX]
    offered = users_visible_to(actor).filter(CUSTOMERS)
    matching = offered.exclude(pk=selected_id)
    if query:
        matching = matching.filter(
            Q(name__icontains=query)
            | Q(email__icontains=query)
            | Q(membership__organisation__name__icontains=query)
        )
    first = matching.order_by("email").values("pk")[: MAX_MATCHES + 1]
    rows = list(
        offered.filter(Q(pk__in=first) | Q(pk=selected_id))
        .select_related("membership__organisation")
        .only("id", "email", "name", "membership__organisation__name")
        .order_by("email")
    )
    chosen = [row for row in rows if row.pk == selected_id]
    others = [row for row in rows if row.pk != selected_id]
    return chosen + others[:MAX_MATCHES], len(others) > MAX_MATCHES


def user_picker(actor: Actor, query: str, selected: str, *, errors: list[str] | None = None) -> UserPicker:
    users, more = customers_matching(actor, query, selected)
    return UserPicker(" ".join(query.split())[:QUERY_MAX], selected, users, more, errors or [])


@agent_required
@require_GET
def inbound_user_search(request: HttpRequest) -> HttpResponse:
    """The customers matching ?q= (or the box's own `requester_q`), as radio buttons, the chosen
    ?requester= kept."""
    query = request.GET.get("q", request.GET.get(QUERY_NAME, ""))
    picker = user_picker(request.user, query, request.GET.get(NAME, ""))
    return render(request, "agent/inbound/user_options.html", {"picker": picker})


def _id_of(raw: str) -> int:
    return int(raw) if raw.isdigit() and len(raw) < 19 else 0
