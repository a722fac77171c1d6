"""/api/v1/organizations: list, create (admins), read, and change the account status.

Creating and changing organizations is administration: through a token it needs an admin-scope one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from supportal.accounts.models import User, UserKind, normalize_email
from supportal.api.v1.auth import actor_of, ip_of, require_admin_scope
from supportal.api.v1.errors import errors
from supportal.api.v1.pagination import Page, PageParams, paginate
from supportal.api.v1.schemas import Id, Input, UserRef, user_ref
from supportal.audit.services import AuditChannel
from supportal.core.errors import Forbidden, InvalidInput
from supportal.orgs import access, policies, selectors, services
from supportal.orgs.models import AccountStatus, AccountStatusChange, Organisation, SupportPlan

router = Router(tags=["organizations"])


class OrganizationOut(Schema):
    id: int
    name: str
    slug: str
    plan: str = Field(description="The support plan's code.")
    account_status: AccountStatus
    csm: UserRef | None = Field(description="The customer success manager.")
    domains: list[str]
    self_registration: bool
    shared_login: bool
    is_active: bool
    created_at: datetime


class OrganizationIn(Input):
    name: str = Field(min_length=1, max_length=services.ORGANISATION_NAME_MAX)
    plan: str = Field(min_length=1, max_length=50, description="A support plan's code.")
    csm: Id | str | None = Field(None, description="The CSM: an agent's id or email address.")
    domains: list[str] = Field(default_factory=list, max_length=50)
    self_registration: bool = False
    shared_login: bool = False


class OrganizationFilters(Input):  # Input: no NUL characters in the query either
    q: str | None = Field(None, max_length=200, description="Part of the name, any case.")
    account_status: AccountStatus | None = Field(None, description="Only organizations with this status.")


class AccountStatusIn(Input):
    status: AccountStatus
    reason: str = Field(min_length=1, max_length=5000)


class AccountStatusChangeOut(Schema):
    id: int
    organization: int
    old_status: AccountStatus
    new_status: AccountStatus
    reason: str
    changed_by: UserRef
    changed_at: datetime


def _detailed(queryset: QuerySet[Organisation]) -> QuerySet[Organisation]:
    return queryset.select_related("plan", "csm").prefetch_related("domains")


def organization_out(organisation: Organisation) -> OrganizationOut:
    return OrganizationOut(
        id=organisation.pk,
        name=organisation.name,
        slug=organisation.slug,
        plan=organisation.plan.code,
        account_status=AccountStatus(organisation.account_status),
        csm=user_ref(organisation.csm),
        domains=sorted(d.domain for d in organisation.domains.all()),
        self_registration=organisation.self_registration,
        shared_login=organisation.shared_login,
        is_active=organisation.is_active,
        created_at=organisation.created_at,
    )


@router.get("", response={200: Page[OrganizationOut], **errors()}, summary="List organizations")
def list_organizations(
    request: HttpRequest, page: Query[PageParams], filters: Query[OrganizationFilters]
) -> Page[OrganizationOut]:
    """Every organization for agents; a customer's own organization for customers."""
    organisations = selectors.organisations_visible_to(actor_of(request))
    if filters.q and filters.q.strip():
        organisations = organisations.filter(name__icontains=filters.q.strip())
    if filters.account_status is not None:
        organisations = organisations.filter(account_status=filters.account_status)
    result = paginate(_detailed(organisations), page)
    return Page[OrganizationOut](
        items=[organization_out(o) for o in result.items], next_cursor=result.next_cursor
    )


@router.post("", response={201: OrganizationOut, **errors(409)}, summary="Create an organization")
def create_organization(request: HttpRequest, payload: OrganizationIn) -> Status[OrganizationOut]:
    """Admins only (through a token: an admin-scope one). Creates the organization's virtual user too."""
    require_admin_scope(request)
    actor = actor_of(request)
    if not policies.can_configure_organisations(actor):
        raise Forbidden("Only admins may create organizations.")
    plan = SupportPlan.objects.filter(code=payload.plan).first()
    if plan is None:
        raise InvalidInput("Unknown support plan.", fields={"plan": [f"No plan {payload.plan!r}."]})
    organisation = services.organisation_create(
        actor=actor,
        channel=AuditChannel.API,
        name=payload.name,
        plan=plan,
        csm=_agent(payload.csm),
        domains=payload.domains,
        self_registration=payload.self_registration,
        shared_login=payload.shared_login,
    )
    return Status(201, organization_out(access.organisation_for(actor, organisation.pk)))


def _agent(reference: int | str | None) -> User | None:
    if reference is None or reference == "":
        return None
    lookup: dict[str, Any] = (
        {"pk": reference} if isinstance(reference, int) else {"email": normalize_email(reference)}
    )
    agent = User.objects.filter(kind=UserKind.AGENT, is_active=True, **lookup).first()
    if agent is None:
        raise InvalidInput("The CSM must be an agent.", fields={"csm": ["No agent with this id or email."]})
    return agent


@router.get("/{int:organization_id}", response={200: OrganizationOut, **errors(404)}, summary="Read")
def get_organization(request: HttpRequest, organization_id: int) -> OrganizationOut:
    organisation = access.organisation_for(actor_of(request), organization_id)
    return organization_out(_detailed(Organisation.objects.filter(pk=organisation.pk)).get())


@router.post(
    "/{int:organization_id}/account-status",
    response={201: AccountStatusChangeOut, **errors(404, 409)},
    summary="Change the account status",
)
def change_account_status(
    request: HttpRequest, organization_id: int, payload: AccountStatusIn
) -> Status[AccountStatusChangeOut]:
    """Raise or lower the account status (green, amber, red), saying why; the CSM is told by email.
    Customers who manage the organization's users or approve its changes may; so may its CSM and admins.
    Through a token: an admin-scope one."""
    actor = actor_of(request)
    organisation = access.organisation_to_change(actor, organization_id, policies.can_change_account_status)
    require_admin_scope(request)
    change = services.account_status_change(
        actor=actor,
        channel=AuditChannel.API,
        organisation=organisation,
        status=payload.status.value,
        reason=payload.reason,
        ip=ip_of(request),
    )
    return Status(201, account_status_change_out(change, actor))


def account_status_change_out(change: AccountStatusChange, actor: User) -> AccountStatusChangeOut:
    return AccountStatusChangeOut(
        id=change.pk,
        organization=change.organisation_id,
        old_status=AccountStatus(change.old_status),
        new_status=AccountStatus(change.new_status),
        reason=change.reason,
        changed_by=UserRef(id=actor.pk, email=actor.email, name=actor.name),
        changed_at=change.changed_at,
    )
