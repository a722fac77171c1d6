"""Who may do what: pure rules over already-loaded objects. No queries beyond the actor's own memberships.

Every permission check in Supportal is a `can_*` function here or in another domain's policies.py;
views and API endpoints never test roles themselves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from supportal.accounts.models import RegistrationRequest, User, UserKind
from supportal.orgs.models import Organisation, Permission

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    Actor = User | AnonymousUser
else:
    Actor = Any


def is_signed_in(actor: Actor) -> bool:
    return bool(actor.is_authenticated and actor.is_active)


def is_agent(actor: Actor) -> bool:
    return is_signed_in(actor) and getattr(actor, "kind", None) == UserKind.AGENT


def is_admin(actor: Actor) -> bool:
    return is_agent(actor) and bool(actor.is_staff or actor.is_superuser)


def is_customer(actor: Actor) -> bool:
    return is_signed_in(actor) and getattr(actor, "kind", None) in {UserKind.CUSTOMER, UserKind.VIRTUAL}


def organisation_id_of(actor: Actor) -> int | None:
    """The organisation a customer, virtual or integration user belongs to (None for agents)."""
    if not is_signed_in(actor) or is_agent(actor):
        return None
    membership = _membership(actor)
    return membership.organisation_id if membership else None


def permissions_of(actor: Actor) -> frozenset[str]:
    """The permissions a customer user holds through their groups; cached on the user for the request."""
    if not is_signed_in(actor) or is_agent(actor):
        return frozenset()
    cached: frozenset[str] | None = getattr(actor, "_supportal_permissions", None)
    if cached is None:
        membership = _membership(actor)
        granted: set[str] = set()
        if membership is not None:
            for group in membership.groups.all():
                granted.update(group.permissions)
        cached = frozenset(granted)
        setattr(actor, "_supportal_permissions", cached)  # noqa: B010
    return cached


def has_permission(actor: Actor, permission: Permission) -> bool:
    return permission.value in permissions_of(actor)


def group_ids_of(actor: Actor) -> frozenset[int]:
    """The permission groups a customer user is in (none for agents); read with the permissions."""
    if not is_signed_in(actor) or is_agent(actor):
        return frozenset()
    membership = _membership(actor)
    return frozenset(group.pk for group in membership.groups.all()) if membership is not None else frozenset()


def _membership(actor: Actor) -> Any:
    if not hasattr(actor, "_supportal_membership"):
        from supportal.orgs.models import Membership

        membership = Membership.objects.prefetch_related("groups").filter(user_id=actor.pk or 0).first()
        setattr(actor, "_supportal_membership", membership)  # noqa: B010
    return getattr(actor, "_supportal_membership")  # noqa: B009


def forget_cached_permissions(actor: Actor) -> None:
    for attr in ("_supportal_membership", "_supportal_permissions"):
        if hasattr(actor, attr):
            delattr(actor, attr)


# --- Organisations


def can_view_organisation(actor: Actor, organisation: Organisation) -> bool:
    return is_agent(actor) or organisation_id_of(actor) == organisation.pk


def can_configure_organisations(actor: Actor) -> bool:
    """Create organisations, change plans, CSMs, domains and escalation matrices."""
    return is_admin(actor)


def is_csm_of(actor: Actor, organisation: Organisation) -> bool:
    return is_agent(actor) and organisation.csm_id == actor.pk


def can_manage_users(actor: Actor, organisation: Organisation) -> bool:
    """Invite, change and remove the organisation's users."""
    if is_admin(actor) or is_csm_of(actor, organisation):
        return True
    return organisation_id_of(actor) == organisation.pk and has_permission(actor, Permission.MANAGE_USERS)


def can_change_account_status(actor: Actor, organisation: Organisation) -> bool:
    """Customers with user-management or change-approval rights may raise the account status; so may staff."""
    if is_admin(actor) or is_csm_of(actor, organisation):
        return True
    return organisation_id_of(actor) == organisation.pk and (
        has_permission(actor, Permission.MANAGE_USERS) or has_permission(actor, Permission.APPROVE_CHANGES)
    )


# --- People


def can_view_user(actor: Actor, user: User) -> bool:
    if is_agent(actor) or actor.pk == user.pk:
        return True
    own = organisation_id_of(actor)
    return (
        own is not None and has_permission(actor, Permission.MANAGE_USERS) and organisation_id_of(user) == own
    )


def can_create_agents(actor: Actor) -> bool:
    return is_admin(actor)


def can_decide_registration(actor: Actor, request: RegistrationRequest) -> bool:
    """The organisation's CSM or an admin; a request matched to no organisation, any CSM or admin."""
    if is_admin(actor):
        return True
    if not is_agent(actor):
        return False
    if request.organisation is None:
        return Organisation.objects.filter(csm_id=actor.pk).exists()
    return request.organisation.csm_id == actor.pk
