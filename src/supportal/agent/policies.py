"""Who may do what in the workspace, beyond "agents only" (`guards.agent_required`): saved views.

A personal view is its owner's alone (nobody else sees it, admins neither); a team view is open to every
member of the team and to admins, and any of them may delete it.
"""

from __future__ import annotations

from supportal.agent.models import SavedView
from supportal.agent.queues import AgentTeams
from supportal.orgs.policies import Actor, is_admin, is_agent


def can_open_saved_view(actor: Actor, agent: AgentTeams, view: SavedView) -> bool:
    if not is_agent(actor):
        return False
    if view.owner_id is not None:
        return bool(view.owner_id == actor.pk)
    return view.team_id in agent.team_ids or is_admin(actor)


def can_delete_saved_view(actor: Actor, agent: AgentTeams, view: SavedView) -> bool:
    """The owner of a personal view; any member of a team view's team, or an admin."""
    return can_open_saved_view(actor, agent, view)
