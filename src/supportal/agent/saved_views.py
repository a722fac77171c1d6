"""Saved views: a queue with filters kept under a name, an agent's own or one of their teams'.

Who may open or delete which view is in `agent/policies.py`; anybody else is told the view does not
exist. The create and delete functions are the only writers of SavedView.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import QueryDict

from supportal.agent.models import SavedView
from supportal.agent.policies import can_delete_saved_view, can_open_saved_view
from supportal.agent.queue_filters import filter_query
from supportal.agent.queues import QUEUES, AgentTeams
from supportal.core.errors import Conflict, InvalidInput, NotFound
from supportal.orgs.models import Team
from supportal.orgs.policies import Actor

# The sidebar lists (and counts) at most this many views; nobody may keep more of their own, nor a team.
MAX_VIEWS = 50
NAME_MAX = 100
QUERY_MAX = 2000


def saved_views_listed(agent: AgentTeams) -> QuerySet[SavedView]:
    """The views in the agent's sidebar: their own and their teams', by name."""
    scope = Q(owner_id=agent.user_id) | Q(team_id__in=agent.team_ids)
    return SavedView.objects.filter(scope).select_related("team").order_by("name", "id")[:MAX_VIEWS]


def saved_view_for(actor: Actor, agent: AgentTeams, view_id: int) -> SavedView:
    """The view if the actor may open it; NotFound otherwise (its existence is not revealed)."""
    view = SavedView.objects.select_related("team").filter(pk=view_id).first()
    if view is None or not can_open_saved_view(actor, agent, view):
        raise NotFound("No such saved view.")
    return view


def saved_view_create(
    *, actor: Actor, agent: AgentTeams, name: str, queue: str, query: str, team: Team | None = None
) -> SavedView:
    """Save `queue` with the filters of `query` (URL-encoded) under `name`: the actor's own, or `team`'s
    (a team of theirs). Only filter parameters are kept (no page cursor)."""
    name = name.strip()
    errors: dict[str, list[str]] = {}
    if not name or len(name) > NAME_MAX:
        errors["name"] = [f"Give it a name of at most {NAME_MAX} characters."]
    if queue not in QUEUES:
        errors["queue"] = ["Not a queue."]
    kept = filter_query(QueryDict(query)).urlencode()
    if len(kept) > QUERY_MAX:
        errors["query"] = [f"The filters are too long to save (at most {QUERY_MAX} characters)."]
    if team is not None and team.pk not in agent.team_ids:
        errors["team"] = ["Not one of your teams."]
    if errors:
        raise InvalidInput("The view cannot be saved.", fields=errors)
    scope = Q(team_id=team.pk) if team is not None else Q(owner_id=actor.pk, team__isnull=True)
    if SavedView.objects.filter(scope).count() >= MAX_VIEWS:
        raise Conflict(f"At most {MAX_VIEWS} saved views each: delete one first.")
    return SavedView.objects.create(
        name=name,
        owner_id=None if team is not None else actor.pk,
        team=team,
        created_by_id=actor.pk,
        queue=queue,
        query=kept,
    )


def saved_view_delete(*, actor: Actor, agent: AgentTeams, view: SavedView) -> None:
    if not can_delete_saved_view(actor, agent, view):
        raise NotFound("No such saved view.")
    view.delete()
