"""Who may see rotas and pages, change rotas, and acknowledge a page: pure rules over loaded objects.

- Every agent sees who is on call and the pages of the cases they can see (all cases, for agents).
- Admins and the team's leads manage its rota's overrides; a member of the rota may put themselves on
  call (take a shift) and remove an override they made or that names them.
- A page is acknowledged by the person paged, by a lead of the rota's team, or by an admin.
"""

from __future__ import annotations

from collections.abc import Collection

from supportal.escalation.models import Page, RotaOverride
from supportal.orgs.policies import Actor, is_admin, is_agent


def can_see_on_call(actor: Actor) -> bool:
    return is_agent(actor)


def can_manage_rota(actor: Actor, lead_ids: Collection[int]) -> bool:
    """`lead_ids`: the user ids of the rota's team leads (escalation.selectors.team_lead_ids)."""
    return is_admin(actor) or (is_agent(actor) and getattr(actor, "pk", None) in lead_ids)


def can_add_override(
    actor: Actor, *, lead_ids: Collection[int], member_ids: Collection[int], user_id: int
) -> bool:
    if can_manage_rota(actor, lead_ids):
        return True
    me = getattr(actor, "pk", None)
    return is_agent(actor) and me == user_id and me in member_ids


def can_remove_override(actor: Actor, override: RotaOverride, *, lead_ids: Collection[int]) -> bool:
    if can_manage_rota(actor, lead_ids):
        return True
    me = getattr(actor, "pk", None)
    return is_agent(actor) and me is not None and me in (override.user_id, override.created_by_id)


def can_acknowledge(actor: Actor, page: Page, *, lead_ids: Collection[int]) -> bool:
    if not is_agent(actor):
        return False
    return getattr(actor, "pk", None) == page.person_id or can_manage_rota(actor, lead_ids)
