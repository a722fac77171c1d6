"""What each person may list: every queryset a user sees comes from a `*_visible_to` function."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from supportal.accounts.models import RegistrationRequest, RegistrationStatus, User, UserKind
from supportal.orgs import policies
from supportal.orgs.models import Organisation, Permission
from supportal.orgs.policies import Actor


def organisations_visible_to(actor: Actor) -> QuerySet[Organisation]:
    if policies.is_agent(actor):
        return Organisation.objects.all()
    own = policies.organisation_id_of(actor)
    if own is None:
        return Organisation.objects.none()
    return Organisation.objects.filter(pk=own)


def users_visible_to(actor: Actor) -> QuerySet[User]:
    """Agents see everyone; a user manager sees their organisation; anyone else only themselves."""
    if policies.is_agent(actor):
        return User.objects.all()
    if not policies.is_signed_in(actor):
        return User.objects.none()
    own = policies.organisation_id_of(actor)
    if own is not None and policies.has_permission(actor, Permission.MANAGE_USERS):
        return User.objects.filter(Q(membership__organisation_id=own) | Q(pk=actor.pk or 0))
    return User.objects.filter(pk=actor.pk or 0)


def registration_requests_visible_to(actor: Actor) -> QuerySet[RegistrationRequest]:
    """Admins see every request; a CSM sees those of their organisations and those matched to none."""
    if policies.is_admin(actor):
        return RegistrationRequest.objects.all()
    if not policies.is_agent(actor):
        return RegistrationRequest.objects.none()
    mine = Q(organisation__csm_id=actor.pk)
    if Organisation.objects.filter(csm_id=actor.pk).exists():
        mine |= Q(organisation__isnull=True)
    return RegistrationRequest.objects.filter(mine)


def pending_registration_requests_for(actor: Actor) -> QuerySet[RegistrationRequest]:
    return (
        registration_requests_visible_to(actor)
        .filter(status=RegistrationStatus.PENDING)
        .select_related("organisation")
        .order_by("created_at")
    )


def people_of(organisation_id: int) -> QuerySet[User]:
    """An organisation's active people (not its virtual or integration users), by name: what pickers offer."""
    return User.objects.filter(
        membership__organisation_id=organisation_id, is_active=True, kind=UserKind.CUSTOMER
    ).order_by("name", "email", "id")
