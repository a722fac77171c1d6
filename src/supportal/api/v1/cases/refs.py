"""Turning what a request names (ids, emails, codes, slugs, case numbers) into rows, or a 422 that names
the field. Lookups are scoped so that an answer never reveals a row the caller may not know of."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Q

from supportal.accounts.models import User, UserKind, normalize_email
from supportal.cases import access
from supportal.cases.models import Case, CaseType, RequestType
from supportal.cmdb import access as cmdb_access
from supportal.cmdb.models import ConfigItem
from supportal.core.errors import InvalidInput, NotFound
from supportal.orgs import access as orgs_access
from supportal.orgs.models import Organisation, Team
from supportal.orgs.policies import Actor


def invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, fields={field: [message]})


def organisation(actor: Actor, organisation_id: int) -> Organisation:
    try:
        return orgs_access.organisation_for(actor, organisation_id)
    except NotFound:
        raise invalid("organization", "No such organization.") from None


def case_type(code: str) -> CaseType:
    found = CaseType.objects.filter(code=code).first()
    if found is None:
        raise invalid("type", f"No case type {code!r}.")
    return found


def request_type(slug: str) -> RequestType:
    found = RequestType.objects.select_related("case_type").filter(slug=slug).first()
    if found is None:
        raise invalid("request_type", f"No request type {slug!r}.")
    return found


def config_item(actor: Actor, item_id: int) -> ConfigItem:
    try:
        return cmdb_access.config_item_for(actor, item_id)
    except NotFound:
        raise invalid("config_item", "No such configuration item.") from None


def team(slug: str) -> Team:
    found = Team.objects.filter(slug=slug).first()
    if found is None:
        raise invalid("team", f"No team {slug!r}.")
    return found


def _lookup(reference: int | str) -> Q:
    return Q(pk=reference) if isinstance(reference, int) else Q(email=normalize_email(reference))


def member(organisation: Organisation, reference: int | str, *, field: str) -> User:
    """A user of the organisation (its people or its virtual user), by id or email."""
    people = Q(membership__organisation=organisation) | Q(pk=organisation.virtual_user_id or 0)
    found = User.objects.select_related("membership").filter(people & _lookup(reference)).first()
    if found is None:
        raise invalid(field, "Not a user of this organization.")
    return found


def agent(reference: int | str, *, field: str) -> User:
    found = User.objects.filter(_lookup(reference), kind=UserKind.AGENT, is_active=True).first()
    if found is None:
        raise invalid(field, "No active agent with this id or email.")
    return found


def watchers(organisation: Organisation, references: Sequence[int | str]) -> list[User | str]:
    """Ids become users (agents or the organisation's people); email addresses stay addresses, which
    the service turns into users where it knows them."""
    ids = {r for r in references if isinstance(r, int)}
    may_watch = Q(kind=UserKind.AGENT) | Q(membership__organisation=organisation)
    users = {u.pk: u for u in User.objects.select_related("membership").filter(may_watch, pk__in=ids)}
    missing = sorted(ids - set(users))
    if missing:
        raise InvalidInput(
            "Some watchers are not valid.",
            fields={"watchers": [f"No user {pk} may watch this organization's cases." for pk in missing]},
        )
    return [users[r] if isinstance(r, int) else r for r in references]


def other_case(actor: Actor, number: str, *, field: str) -> Case:
    try:
        return access.case_for(actor, number)
    except NotFound:
        raise invalid(field, "No such case.") from None
