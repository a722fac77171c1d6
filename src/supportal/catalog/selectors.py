"""Reading the catalog: the items a person may order, an organisation's approvers, an order's parts."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from supportal.accounts.models import User, UserKind
from supportal.cases.models import Case
from supportal.catalog import policies
from supportal.catalog.models import ApprovalDecision, ApprovalState, CatalogItem, OrderTask
from supportal.orgs.models import Membership, Organisation, Permission
from supportal.orgs.policies import Actor, has_permission, is_agent, is_customer, organisation_id_of


def approvers_of(organisation_id: int) -> list[User]:
    """The organisation's active customer users allowed to approve changes, by name."""
    memberships = (
        Membership.objects.filter(
            organisation_id=organisation_id, user__is_active=True, user__kind=UserKind.CUSTOMER
        )
        .select_related("user")
        .prefetch_related("groups")
    )
    people = [
        m.user
        for m in memberships
        if any(Permission.APPROVE_CHANGES.value in g.permissions for g in m.groups.all())
    ]
    return sorted(people, key=lambda u: (u.display_name.lower(), u.pk))


def catalog_items() -> QuerySet[CatalogItem]:
    """Every active item with what the catalog page shows, by category and position."""
    return (
        CatalogItem.objects.filter(request_type__is_active=True)
        .select_related("request_type__category", "request_type__case_type")
        .prefetch_related("allowed_groups", "allowed_plans", "steps__team")
        .order_by("request_type__category__position", "request_type__position", "request_type__name")
    )


def order_tasks(case: Case) -> QuerySet[OrderTask]:
    return OrderTask.objects.filter(order_id=case.pk).select_related("team", "assignee", "done_by")


def approval_decisions(case: Case) -> QuerySet[ApprovalDecision]:
    return ApprovalDecision.objects.filter(requirement_id=case.pk).select_related("approver")


def with_order_parts(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Cases with their order, tasks and approval loaded (for the detail pages)."""
    return cases.select_related("order", "approval_requirement").prefetch_related(
        Prefetch("order__tasks", queryset=OrderTask.objects.select_related("team", "assignee", "done_by"))
    )


def approvals_awaiting(actor: Actor) -> QuerySet[Case]:
    """The cases of the actor's organisation waiting for approval that the actor has not decided yet
    (none for anyone who may not approve changes), oldest request first."""
    organisation_id = organisation_id_of(actor)
    if (
        organisation_id is None
        or not is_customer(actor)
        or not has_permission(actor, Permission.APPROVE_CHANGES)
    ):
        return Case.objects.none()
    mine = ApprovalDecision.objects.filter(requirement_id=OuterRef("pk"), approver_id=actor.pk or 0)
    return (
        Case.objects.filter(
            organisation_id=organisation_id, approval_requirement__state=ApprovalState.PENDING
        )
        .exclude(Exists(mine))
        .exclude(requester_id=actor.pk or 0)  # four eyes: not one's own
        .exclude(state="closed")  # withdrawn or merged while waiting: nothing left to decide
        .order_by("approval_requirement__requested_at", "id")
    )


def orderable(actor: Actor, items: list[CatalogItem], organisation: Organisation | None) -> list[CatalogItem]:
    """Those of `items` (from `catalog_items()`, groups and plans prefetched) the actor may order for
    `organisation`; agents without an organisation: every one."""
    if organisation is None:
        return items if is_agent(actor) else []
    return [
        item
        for item in items
        if policies.can_order(
            actor,
            item,
            organisation,
            group_ids={g.pk for g in item.allowed_groups.all()},
            plan_ids={p.pk for p in item.allowed_plans.all()},
        )
    ]
