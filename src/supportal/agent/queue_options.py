"""What the queue filters and bulk actions offer to choose from, loaded once per page (five queries).

Every list is bounded (MAX_OPTIONS, by name), whatever the number of request types, teams or agents, but
always holds the values a page names: those of its own filters and of the saved views it counts, so a
saved view of the 600th agent still applies. Organisations are not listed: there are thousands, and the
filter names one by id, chosen with the organisation picker (organisation_picker.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

from django.db.models import Model, Q, QuerySet
from django.http import QueryDict

from supportal.accounts.models import User, UserKind
from supportal.cases.models import CaseType, RequestType
from supportal.cases.services.priority import state_labels
from supportal.orgs.models import Team
from supportal.web.cases.lists_filters import MAX_OPTIONS

# The filters whose values are ids of rows listed as options.
NAMED_IDS = ("request_type", "team", "assignee")

M = TypeVar("M", bound=Model)
REQUEST_TYPE_ORDER = ("category__position", "category__name", "position", "name")


@dataclass(frozen=True)
class FilterOptions:
    states: list[tuple[str, str]]  # (state, its display name)
    case_types: list[tuple[int, str, str]]  # (id, code, name)
    request_types: list[tuple[int, str]]
    teams: list[tuple[int, str]]
    agents: list[tuple[int, str]]

    @property
    def state_labels(self) -> dict[str, str]:
        return dict(self.states)

    @property
    def type_ids(self) -> dict[str, int]:
        return {code: pk for pk, code, _ in self.case_types}


def load_filter_options(queries: Iterable[QueryDict], *, team_ids: Iterable[int] = ()) -> FilterOptions:
    """The options, including every id that one of `queries` (GET data, saved views) names, and the
    teams `team_ids` (the agent's, for saving a team view)."""
    wanted: dict[str, set[int]] = {name: set() for name in NAMED_IDS}
    wanted["team"].update(team_ids)
    for query in queries:
        for name in NAMED_IDS:
            wanted[name].update(int(v) for v in query.getlist(name) if v.isdigit() and len(v) < 19)
    types = CaseType.objects.order_by("position", "name").values_list("id", "code", "name")
    request_types = RequestType.objects.select_related("category").only("id", "name", "category__name")
    agents = User.objects.filter(kind=UserKind.AGENT, is_active=True).only("id", "name", "email")
    return FilterOptions(
        states=list(state_labels().items()),
        case_types=list(types),
        request_types=[
            (t.pk, str(t)) for t in _bounded(request_types, wanted["request_type"], REQUEST_TYPE_ORDER)
        ],
        teams=[(t.pk, t.name) for t in _bounded(Team.objects.only("id", "name"), wanted["team"])],
        agents=[(a.pk, a.display_name) for a in _bounded(agents, wanted["assignee"], ("name", "email"))],
    )


def _bounded(rows: QuerySet[M], wanted: set[int], ordering: tuple[str, ...] = ("name",)) -> list[M]:
    """The first MAX_OPTIONS rows in `ordering`, and the `wanted` ones, in one query."""
    first = rows.order_by(*ordering, "id").values("pk")[:MAX_OPTIONS]
    return list(rows.filter(Q(pk__in=first) | Q(pk__in=wanted)).order_by(*ordering, "id"))
