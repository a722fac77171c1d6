"""Load an object and authorize the actor in one call. Detail pages and endpoints get objects only here.

An object the actor may not see raises NotFound, so its existence is not revealed; one the actor may see
but not change raises Forbidden.
"""

from __future__ import annotations

from collections.abc import Callable

from supportal.accounts.models import RegistrationRequest, User
from supportal.core.errors import Forbidden, NotFound
from supportal.orgs import policies, selectors
from supportal.orgs.models import Organisation
from supportal.orgs.policies import Actor


def organisation_for(actor: Actor, organisation_id: int | str) -> Organisation:
    try:
        return (
            selectors.organisations_visible_to(actor)
            .select_related("plan", "csm")
            .get(pk=int(organisation_id))
        )
    except (Organisation.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such organisation.") from None


def organisation_to_change(
    actor: Actor, organisation_id: int | str, rule: Callable[[Actor, Organisation], bool]
) -> Organisation:
    organisation = organisation_for(actor, organisation_id)
    if not rule(actor, organisation):
        raise Forbidden("You may not change this organisation.")
    return organisation


def user_for(actor: Actor, user_id: int | str) -> User:
    try:
        return selectors.users_visible_to(actor).get(pk=int(user_id))
    except (User.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such user.") from None


def registration_request_for(actor: Actor, request_id: int | str) -> RegistrationRequest:
    try:
        request = (
            selectors.registration_requests_visible_to(actor)
            .select_related("organisation")
            .get(pk=int(request_id))
        )
    except (RegistrationRequest.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such registration request.") from None
    if not policies.can_decide_registration(actor, request):
        raise Forbidden("You may not decide this registration request.")
    return request
