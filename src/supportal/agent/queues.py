"""The agent workspace's queues, defined in one place: each a name, a label and the cases it holds.

    queue = QUEUES["mine"]
    cases = queue.cases(agent_teams_of(request.user))

A queue is a predicate over every case (agents see every case); the filters of queue_filters.py narrow
it further and its default sort orders it. Every predicate has indexes for each sort order (see
`Case.Meta.indexes`, migration cases/0006): New and unassigned, Mine and My teams use partial indexes
whose conditions are these predicates' (NEW_UNASSIGNED_CASES, NOT_CLOSED_CASES), the other state queues
lead with `state`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from supportal.cases.lifecycle import State
from supportal.cases.models import Case
from supportal.cases.models.case import NEW_UNASSIGNED_CASES, NOT_CLOSED_CASES
from supportal.orgs.models import TeamMembership
from supportal.orgs.policies import Actor


@dataclass(frozen=True)
class AgentTeams:
    """An agent and the teams they belong to: what "Mine" and "My teams" are relative to."""

    user_id: int
    team_ids: tuple[int, ...]


def agent_teams_of(actor: Actor) -> AgentTeams:
    """The actor and their teams (one query)."""
    team_ids = TeamMembership.objects.filter(user_id=actor.pk or 0).order_by("team_id")
    return AgentTeams(actor.pk or 0, tuple(team_ids.values_list("team_id", flat=True)))


@dataclass(frozen=True)
class Queue:
    key: str
    label: str
    predicate: Callable[[AgentTeams], Q]
    open_only: bool  # holds only cases being worked: sorted by priority, oldest first, unless chosen

    def cases(self, agent: AgentTeams) -> QuerySet[Case]:
        return Case.objects.filter(self.predicate(agent))

    @property
    def default_sort(self) -> str:
        return "priority" if self.open_only else "activity"


def _mine(agent: AgentTeams) -> Q:
    return Q(assignee_id=agent.user_id) & NOT_CLOSED_CASES


def _my_teams(agent: AgentTeams) -> Q:
    # No team: a team id no row has, so the query stays a plain (empty) query that counts can compile.
    return Q(team_id__in=agent.team_ids or (0,)) & NOT_CLOSED_CASES


QUEUES: dict[str, Queue] = {
    queue.key: queue
    for queue in (
        Queue("new", "New and unassigned", lambda _: NEW_UNASSIGNED_CASES, True),
        Queue("mine", "Mine", _mine, True),
        Queue("teams", "My teams", _my_teams, True),
        Queue("awaiting", "Awaiting customer", lambda _: Q(state=State.AWAITING_INFO), True),
        Queue("on-hold", "On hold", lambda _: Q(state=State.ON_HOLD), True),
        Queue("resolved", "Resolved, awaiting acceptance", lambda _: Q(state=State.RESOLVED), True),
        Queue("all", "All", lambda _: Q(), False),
    )
}
HOME_QUEUE = "new"
