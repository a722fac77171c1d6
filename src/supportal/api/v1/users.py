"""/api/v1/users: list and read the people the caller may see, add customers and agents, set groups.

Adding people and changing their groups is administration: through a token it needs an admin-scope one.
"""

from __future__ import annotations

from typing import Literal

from django.db.models import Q, QuerySet, prefetch_related_objects
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from supportal.accounts.models import User, UserKind
from supportal.api.v1.auth import actor_of, ip_of, require_admin_scope
from supportal.api.v1.errors import errors
from supportal.api.v1.pagination import Page, PageParams, paginate
from supportal.api.v1.schemas import Id, Input
from supportal.audit.services import AuditChannel
from supportal.core.errors import Forbidden, InvalidInput, NotFound
from supportal.orgs import access, policies, selectors, services
from supportal.orgs.models import Membership, Organisation, PermissionGroup, Team

router = Router(tags=["users"])


class UserOut(Schema):
    id: int
    email: str
    name: str
    kind: UserKind
    is_agent: bool
    is_admin: bool
    is_active: bool
    organization: int | None = Field(description="The organization of a customer or integration user.")
    groups: list[str] = Field(description="Codes of the user's permission groups.")
    teams: list[str] = Field(description="Slugs of an agent's teams.")


class UserIn(Input):
    email: str = Field(min_length=3, max_length=254)
    name: str = Field("", max_length=200)
    organization: Id | None = Field(None, description="Required for customer and integration users.")
    groups: list[str] = Field(default_factory=list, description="Permission group codes.")
    is_agent: bool = False
    teams: list[str] = Field(default_factory=list, description="Team slugs, for agents.")
    kind: Literal["customer", "integration"] = Field(
        "customer", description="For users of an organization: a person, or a monitoring system's account."
    )


class UserPatch(Input):
    groups: list[str] = Field(description="The customer user's permission group codes, replacing theirs.")


class UserFilters(Input):  # Input: no NUL characters in the query either
    organization: Id | None = Field(None, description="Only users of this organization.")
    q: str | None = Field(None, max_length=200, description="Part of the email address or name, any case.")


def _detailed(queryset: QuerySet[User]) -> QuerySet[User]:
    return queryset.select_related("membership").prefetch_related("membership__groups", "teams")


def user_out(user: User) -> UserOut:
    membership: Membership | None = getattr(user, "membership", None)
    return UserOut(
        id=user.pk,
        email=user.email,
        name=user.name,
        kind=UserKind(user.kind),
        is_agent=user.is_agent,
        is_admin=user.is_agent and (user.is_staff or user.is_superuser),
        is_active=user.is_active,
        organization=membership.organisation_id if membership else None,
        groups=sorted(g.code for g in membership.groups.all()) if membership else [],
        teams=sorted(t.slug for t in user.teams.all()),
    )


@router.get("", response={200: Page[UserOut], **errors()}, summary="List users")
def list_users(request: HttpRequest, page: Query[PageParams], filters: Query[UserFilters]) -> Page[UserOut]:
    """Agents see everyone; a customer who manages users sees their organization; others, themselves."""
    users = selectors.users_visible_to(actor_of(request))
    if filters.organization is not None:
        users = users.filter(membership__organisation_id=filters.organization)
    if filters.q and filters.q.strip():
        q = filters.q.strip()
        users = users.filter(Q(email__icontains=q) | Q(name__icontains=q))
    result = paginate(_detailed(users), page)
    return Page[UserOut](items=[user_out(u) for u in result.items], next_cursor=result.next_cursor)


@router.post("", response={201: UserOut, **errors(409)}, summary="Add a user")
def create_user(request: HttpRequest, payload: UserIn) -> Status[UserOut]:
    """A customer (or integration) user of an organization, by its user managers, CSM or an admin;
    or an agent (`is_agent`), by an admin. Through a token: an admin-scope one."""
    require_admin_scope(request)
    actor = actor_of(request)
    user = _create_agent(actor, payload) if payload.is_agent else _create_customer(actor, payload)
    prefetch_related_objects([user], "membership__groups", "teams")
    return Status(201, user_out(user))


def _create_agent(actor: User, payload: UserIn) -> User:
    if not policies.can_create_agents(actor):
        raise Forbidden("Only admins may add agents.")
    problems: dict[str, list[str]] = {}
    if payload.organization is not None:
        problems["organization"] = ["Agents belong to the provider, not to an organization."]
    if payload.groups:
        problems["groups"] = ["Agents have no permission groups."]
    if problems:
        raise InvalidInput("An agent cannot have these.", fields=problems)
    return services.agent_create(
        actor=actor,
        channel=AuditChannel.API,
        email=payload.email,
        name=payload.name,
        teams=_teams(payload.teams),
    )


def _create_customer(actor: User, payload: UserIn) -> User:
    if payload.organization is None:
        raise InvalidInput("Say which organization.", fields={"organization": ["This field is required."]})
    if payload.teams:
        raise InvalidInput("Only agents are in teams.", fields={"teams": ["Only agents are in teams."]})
    organisation = _organisation(actor, payload.organization)
    if not policies.can_manage_users(actor, organisation):
        raise Forbidden("You may not add users to this organization.")
    return services.customer_user_create(
        actor=actor,
        channel=AuditChannel.API,
        organisation=organisation,
        email=payload.email,
        name=payload.name,
        groups=_groups(payload.groups),
        kind=UserKind(payload.kind),
    )


def _organisation(actor: User, organisation_id: int) -> Organisation:
    try:
        return access.organisation_for(actor, organisation_id)
    except NotFound:
        raise InvalidInput(
            "No such organization.", fields={"organization": ["No such organization."]}
        ) from None


def _groups(codes: list[str]) -> list[PermissionGroup]:
    found = list(PermissionGroup.objects.filter(code__in=codes))
    unknown = sorted(set(codes) - {g.code for g in found})
    if unknown:
        raise InvalidInput(
            "Unknown permission groups.", fields={"groups": [f"No group {c!r}." for c in unknown]}
        )
    return found


def _teams(slugs: list[str]) -> list[Team]:
    found = list(Team.objects.filter(slug__in=slugs))
    unknown = sorted(set(slugs) - {t.slug for t in found})
    if unknown:
        raise InvalidInput("Unknown teams.", fields={"teams": [f"No team {s!r}." for s in unknown]})
    return found


@router.get("/{int:user_id}", response={200: UserOut, **errors(404)}, summary="Read a user")
def get_user(request: HttpRequest, user_id: int) -> UserOut:
    user = access.user_for(actor_of(request), user_id)
    prefetch_related_objects([user], "membership__groups", "teams")
    return user_out(user)


@router.patch("/{int:user_id}", response={200: UserOut, **errors(404)}, summary="Change a user's groups")
def update_user(request: HttpRequest, user_id: int, payload: UserPatch) -> UserOut:
    """Replace a customer user's permission groups (user managers of the organization, its CSM, admins;
    through a token: an admin-scope one)."""
    actor = actor_of(request)
    user = access.user_for(actor, user_id)
    require_admin_scope(request)
    if not Membership.objects.filter(user=user).exists():
        raise InvalidInput(
            "Only users of an organization have permission groups.",
            fields={"groups": ["This user belongs to no organization."]},
        )
    services.membership_groups_set(
        actor=actor, channel=AuditChannel.API, user=user, groups=_groups(payload.groups), ip=ip_of(request)
    )
    prefetch_related_objects([user], "membership__groups", "teams")
    return user_out(user)
