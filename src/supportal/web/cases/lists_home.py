"""The home page's case widgets: a customer's open cases, what waits for them, their orders.

Each widget shows at most WIDGET_ROWS cases, most recent activity first (one query, or two for "mine":
see lists_paging), with a link to the list filtered the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse

from supportal.cases import selectors
from supportal.cases.lifecycle import State
from supportal.cases.models import Case, Kind
from supportal.cases.services.priority import state_labels
from supportal.orgs.policies import Actor
from supportal.web.cases.lists import Row, rows_of
from supportal.web.cases.lists_paging import paginate_merged, parts_of_mine
from supportal.web.catalog_order import OPEN_ORDER_STATUSES, with_order_status

WIDGET_ROWS = 5
NOT_CLOSED = [state.value for state in State if state != State.CLOSED]
LATEST = ("-updated_at", "-id")


@dataclass(frozen=True)
class Widget:
    key: str
    title: str
    rows: list[Row]
    see_all: str
    empty: str


def home_widgets(actor: Actor) -> list[Widget]:
    """My open cases, cases awaiting my information, solutions waiting for my acceptance, my orders."""
    visible = selectors.cases_visible_to(actor)
    own = visible.filter(requester_id=actor.pk, kind=Kind.CASE)
    labels = state_labels()
    me = [("requester", str(actor.pk))]

    def widget(
        key: str, title: str, parts: list[QuerySet[Case]], url: str, params: list[tuple[str, str]], empty: str
    ) -> Widget:
        orders = key == "orders"
        extra = ("order",) if orders else ()
        related = [part.select_related("requester", "case_type", *extra) for part in parts]
        page = paginate_merged(related, cursor=None, limit=WIDGET_ROWS, ordering=LATEST)
        return Widget(key, title, rows_of(page.items, labels, orders=orders), _url(url, params), empty)

    return [
        widget(
            "open",
            "My open cases",
            parts_of_mine(actor, visible.filter(kind=Kind.CASE, state__in=NOT_CLOSED)),
            "web:cases",
            [("status", s) for s in NOT_CLOSED],
            "You have no open cases.",
        ),
        widget(
            "awaiting-info",
            "Awaiting my information",
            [own.filter(state=State.AWAITING_INFO)],
            "web:cases",
            [("status", State.AWAITING_INFO.value), *me],
            "Nothing is waiting for your information.",
        ),
        widget(
            "resolved",
            "Solutions waiting for my acceptance",
            [own.filter(state=State.RESOLVED)],
            "web:cases",
            [("status", State.RESOLVED.value), *me],
            "No solutions are waiting for you.",
        ),
        widget(
            "orders",
            "My orders",
            parts_of_mine(actor, visible.filter(with_order_status(OPEN_ORDER_STATUSES), kind=Kind.ORDER)),
            "web:orders",
            [("status", s) for s in OPEN_ORDER_STATUSES],
            "You have no open orders.",
        ),
    ]


def _url(name: str, params: list[tuple[str, str]]) -> str:
    return f"{reverse(name)}?{urlencode(params)}"
