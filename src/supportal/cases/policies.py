"""Who may do what with a case: pure rules over loaded objects (and the actor's cached membership)."""

from __future__ import annotations

from supportal.accounts.models import UserKind
from supportal.cases.lifecycle import Role
from supportal.cases.models import Case, Visibility
from supportal.orgs.models import Organisation, Permission
from supportal.orgs.policies import (
    Actor,
    has_permission,
    is_agent,
    is_customer,
    is_signed_in,
    organisation_id_of,
)


def _is_watcher(actor: Actor, case: Case) -> bool:
    """Uses `case.watcher_user_ids` when a selector annotated it, else asks the database."""
    ids = getattr(case, "watcher_user_ids", None)
    if ids is not None:
        return actor.pk in ids
    return case.watchers.filter(user_id=actor.pk or 0).exists()


def can_view_case(actor: Actor, case: Case) -> bool:
    if not is_signed_in(actor):
        return False
    if is_agent(actor):
        return True
    if organisation_id_of(actor) != case.organisation_id:
        return False
    if getattr(actor, "kind", None) == UserKind.INTEGRATION:
        return actor.pk in (case.requester_id, case.filed_by_id)
    if actor.pk == case.requester_id or _is_watcher(actor, case):
        return True
    return case.visibility == Visibility.ORGANIZATION and has_permission(
        actor, Permission.VIEW_ORGANISATION_CASES
    )


def can_create_case(actor: Actor, organisation: Organisation) -> bool:
    """Agents (and system actors: the catalog's renewals) open cases for any organisation (on a
    customer's behalf); customers for their own."""
    if is_agent(actor) or getattr(actor, "kind", None) == UserKind.SYSTEM:
        return organisation.is_active
    if organisation_id_of(actor) != organisation.pk or not organisation.is_active:
        return False
    if getattr(actor, "kind", None) == UserKind.INTEGRATION:
        return True
    return has_permission(actor, Permission.CREATE_CASES)


def can_list_organisation_cases(actor: Actor) -> bool:
    """Customers with the permission see the organisation's shared cases (agents see every case anyway)."""
    return is_customer(actor) and has_permission(actor, Permission.VIEW_ORGANISATION_CASES)


def can_open_cases(actor: Actor) -> bool:
    """Whether pages offer "Create a case"; `can_create_case` decides for a given organisation."""
    return is_customer(actor) and has_permission(actor, Permission.CREATE_CASES)


def can_comment(actor: Actor, case: Case) -> bool:
    if not can_view_case(actor, case):
        return False
    if is_agent(actor) or actor.pk == case.requester_id:
        return True
    if getattr(actor, "kind", None) == UserKind.INTEGRATION:
        return actor.pk == case.filed_by_id
    return has_permission(actor, Permission.COMMENT)


def can_add_internal_note(actor: Actor, case: Case) -> bool:
    return is_agent(actor)


def can_act_as_customer(actor: Actor, case: Case) -> bool:
    """Accept, reject, close, change the priority: the requester or a colleague allowed to comment."""
    return not is_agent(actor) and can_comment(actor, case)


def can_work_case(actor: Actor, case: Case) -> bool:
    """Take, assign, hold, resolve, edit every field, link and merge: agents."""
    return is_agent(actor)


def can_change_visibility(actor: Actor, case: Case) -> bool:
    return is_agent(actor) or (is_signed_in(actor) and actor.pk == case.requester_id)


def role_of(actor: Actor, *, on_behalf_of_customer: bool = False) -> Role | None:
    """The lifecycle role an actor plays; an agent acting for a customer plays the customer."""
    if actor is None or getattr(actor, "kind", None) == UserKind.SYSTEM:
        return Role.SYSTEM
    if is_agent(actor):
        return Role.CUSTOMER if on_behalf_of_customer else Role.AGENT
    if is_signed_in(actor):
        return Role.CUSTOMER
    return None
