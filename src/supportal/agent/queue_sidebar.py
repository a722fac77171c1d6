"""The workspace sidebar: the queues and saved views with their capped counts, the registration
requests waiting for a decision and the held email. All the counts come from one query (queue_counts.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import QueryDict
from django.urls import reverse

from supportal.agent.models import SavedView
from supportal.agent.policies import can_delete_saved_view
from supportal.agent.queue_counts import capped_counts, shown
from supportal.agent.queue_filters import filter_form, narrowed
from supportal.agent.queue_links import queue_url
from supportal.agent.queue_options import FilterOptions
from supportal.agent.queues import QUEUES, AgentTeams
from supportal.cases.models import Case
from supportal.channels.email.held import inbound_visible_to
from supportal.channels.email.models import Status
from supportal.orgs import selectors
from supportal.orgs.models import Organisation
from supportal.orgs.policies import Actor

REGISTRATIONS = "registrations"
HELD_EMAIL = "held-email"
CSM_ORGANISATIONS_LISTED = 20


@dataclass(frozen=True)
class SidebarEntry:
    label: str
    url: str
    count: str
    active: bool
    view: SavedView | None = None
    deletable: bool = False


def saved_view_cases(
    actor: Actor, agent: AgentTeams, view: SavedView, options: FilterOptions
) -> QuerySet[Case]:
    """The cases a saved view holds: its queue (All if no longer known) narrowed by its valid filters."""
    queue = QUEUES.get(view.queue, QUEUES["all"])
    filters = filter_form(QueryDict(view.query), options).filters()
    return narrowed(actor, queue.cases(agent), filters, options)


def sidebar(
    actor: Actor, agent: AgentTeams, views: list[SavedView], options: FilterOptions, *, active: str
) -> dict[str, Any]:
    """The sidebar's context; `active` is "queue:<key>" or "view:<id>"."""
    counted: dict[str, QuerySet[Any]] = {f"queue:{key}": q.cases(agent) for key, q in QUEUES.items()}
    counted |= {f"view:{view.pk}": saved_view_cases(actor, agent, view, options) for view in views}
    counted[REGISTRATIONS] = selectors.pending_registration_requests_for(actor)
    counted[HELD_EMAIL] = inbound_visible_to(actor).filter(status=Status.HELD)
    counts = capped_counts(counted)
    queues = [
        SidebarEntry(
            queue.label,
            queue_url(key),
            shown(counts[f"queue:{key}"]),
            active == f"queue:{key}",
        )
        for key, queue in QUEUES.items()
    ]
    saved = [
        SidebarEntry(
            view.name,
            reverse("agent:saved_view", kwargs={"view_id": view.pk}),
            shown(counts[f"view:{view.pk}"]),
            active == f"view:{view.pk}",
            view,
            can_delete_saved_view(actor, agent, view),
        )
        for view in views
    ]
    organisations = Organisation.objects.filter(csm_id=actor.pk or 0, is_active=True).order_by("name", "id")
    return {
        "sidebar_queues": queues,
        "sidebar_views": saved,
        "pending_registrations": shown(counts[REGISTRATIONS]),
        "held_email": shown(counts[HELD_EMAIL]),
        "csm_organisations": list(organisations.only("id", "name")[:CSM_ORGANISATIONS_LISTED]),
    }
