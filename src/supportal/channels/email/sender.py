"""Who wrote the message: a user of Supportal, or someone at an organisation's allowed email domain (who
then becomes a customer user under the self-registration rules), or nobody we know."""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.db.models import Q

from supportal.accounts.models import User, UserKind
from supportal.accounts.services import self_registration_complete
from supportal.orgs.models import OrganisationDomain

PEOPLE = {UserKind.CUSTOMER, UserKind.AGENT, UserKind.VIRTUAL}


@dataclass(frozen=True)
class Sender:
    user: User | None
    problem: str = ""  # "unknown" | "inactive" | "not-a-person"
    reason: str = ""


def identify(address: str, name: str = "") -> Sender:
    address = address.strip().lower()
    user = _user_with_address(address)
    if user is not None:
        if not user.is_active:
            return Sender(None, "inactive", f"The account of {address} is disabled.")
        if user.kind not in PEOPLE:
            return Sender(None, "not-a-person", f"{address} belongs to an integration or system account.")
        return Sender(user)
    registered = _register_from_allowed_domain(address, name)
    if registered is not None:
        return Sender(registered)
    return Sender(
        None, "unknown", f"{address} is not a user, and its domain is not one an organisation allows."
    )


def _user_with_address(address: str) -> User | None:
    if not address:
        return None
    user = User.objects.filter(email__iexact=address).select_related("membership__organisation").first()
    if user is not None:
        return user
    other = EmailAddress.objects.filter(Q(email__iexact=address), verified=True).values_list(
        "user_id", flat=True
    )
    return User.objects.filter(pk__in=other[:1]).select_related("membership__organisation").first()


def _register_from_allowed_domain(address: str, name: str) -> User | None:
    """A new customer user for an address in a domain whose organisation allows self-registration."""
    domain = address.rpartition("@")[2]
    if not domain:
        return None
    allowed = (
        OrganisationDomain.objects.filter(
            domain__iexact=domain, organisation__self_registration=True, organisation__is_active=True
        )
        .select_related("organisation")
        .first()
    )
    if allowed is None:
        return None
    user = User(email=address, name=(name or address.partition("@")[0]).strip()[:150], kind=UserKind.CUSTOMER)
    user.set_unusable_password()  # they set one through "Forgot your password?" when they want the portal
    self_registration_complete(user=user, organisation=allowed.organisation)
    return User.objects.select_related("membership__organisation").get(pk=user.pk)
