"""Reads for sign-in and onboarding."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from supportal.accounts.models import User, UserKind
from supportal.orgs.models import Organisation


def email_domain(email: str) -> str:
    return email.strip().lower().rpartition("@")[2]


def organisation_by_email_domain(email: str) -> Organisation | None:
    """The active organisation an email address's domain belongs to, if any."""
    domain = email_domain(email)
    if not domain:
        return None
    return Organisation.objects.filter(domains__domain=domain, is_active=True).select_related("csm").first()


def self_registration_organisation(email: str) -> Organisation | None:
    """The organisation whose allowed domain lets this address register itself, if any."""
    organisation = organisation_by_email_domain(email)
    return organisation if organisation is not None and organisation.self_registration else None


def self_registration_open() -> bool:
    return Organisation.objects.filter(self_registration=True, is_active=True).exists()


def registration_reviewers(organisation: Organisation | None) -> QuerySet[User]:
    """Who hears of a "Register now" request: the organisation's CSM; without one, every CSM and admin."""
    agents = User.objects.filter(kind=UserKind.AGENT, is_active=True)
    if organisation is not None and organisation.csm_id is not None:
        return agents.filter(pk=organisation.csm_id)
    return agents.filter(Q(is_staff=True) | Q(managed_organisations__isnull=False)).distinct()


def active_admins() -> QuerySet[User]:
    """The provider's admins (orgs.policies.is_admin): active agents with the admin flag or superuser."""
    return User.objects.filter(Q(is_staff=True) | Q(is_superuser=True), kind=UserKind.AGENT, is_active=True)
