"""/api/v1/orders (order from the catalog, list and read orders), POST /api/v1/cases/{number}/approval
(an approver decides on an order or a change) and POST /api/v1/orders/{number}/tasks/{task_id}/complete
(agents work the fulfilment checklist).

An order is a case of kind `order`: the caller sees the orders of the cases they may see (another
organisation's: 404). Every write goes through the catalog's and the cases' services.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema
from ninja.responses import Status

from supportal.accounts.models import User
from supportal.api.v1.auth import actor_of
from supportal.api.v1.cases import refs
from supportal.api.v1.errors import errors
from supportal.api.v1.pagination import Page, PageParams, paginate
from supportal.api.v1.schemas import Id, Input, UserRef, user_ref
from supportal.cases import access, selectors, services
from supportal.cases.lifecycle import State
from supportal.cases.models import Case, Channel, Visibility
from supportal.cases.services.create import DESCRIPTION_MAX, REFERENCE_MAX, SUBJECT_MAX
from supportal.catalog import policies
from supportal.catalog.models import (
    ApprovalDecision,
    ApprovalRequirement,
    ApprovalState,
    CatalogItem,
    Decision,
    Order,
    OrderStatus,
    OrderTask,
    TaskStatus,
)
from supportal.catalog.services.approvals import COMMENT_MAX, approval_decide
from supportal.catalog.services.tasks import task_complete
from supportal.core.errors import InvalidInput, NotFound
from supportal.orgs.models import Organisation
from supportal.orgs.policies import Actor, is_customer, organisation_id_of

router = Router(tags=["orders"])

ORDERING = ("-case__created_at", "-case_id")


# --- What clients send.


class OrderIn(Input):
    item: str = Field(min_length=1, max_length=60, description="The catalog item's slug.")
    organization: Id | None = Field(
        None, description="The organization's id. Agents must give it; customers' own when left out."
    )
    requester: Id | str | None = Field(
        None, description="Agents: whom the order is for (a user of the organization, id or email)."
    )
    subject: str = Field(min_length=1, max_length=SUBJECT_MAX)
    description: str = Field("", max_length=DESCRIPTION_MAX, description="Markdown.")
    fields: dict[str, Any] = Field(default_factory=dict, description="The item's form answers by key.")
    config_item: Id | None = Field(None, description="The configuration item the order is about.")
    reference: str = Field("", max_length=REFERENCE_MAX, description="The customer's own reference.")
    visibility: Visibility = Visibility.PRIVATE


class OrderFilters(Input):
    status: list[OrderStatus] | None = Field(None, description="Any of these statuses.")


class ApprovalIn(Input):
    decision: Decision
    comment: str = Field("", max_length=COMMENT_MAX, description="Required to reject: why.")


class TaskCompleteIn(Input):
    skip: bool = Field(False, description="The step is not needed: mark it skipped instead of done.")


# --- What clients get.


class TaskOut(Schema):
    id: int
    position: int
    name: str
    team: str = Field(description="The team's name.")
    assignee: UserRef | None
    status: TaskStatus
    done_by: UserRef | None
    done_at: datetime | None


class DecisionOut(Schema):
    approver: UserRef
    decision: Decision
    comment: str
    channel: str
    decided_at: datetime


class ApprovalOut(Schema):
    required: int = Field(description="Approvals needed.")
    approvals: int = Field(description="Approvals given so far.")
    state: ApprovalState
    requested_at: datetime
    decided_at: datetime | None
    decisions: list[DecisionOut]


class OrderOut(Schema):
    number: str = Field(description="The order's case number.")
    subject: str
    item: str = Field(description="The catalog item's slug.")
    item_name: str
    status: OrderStatus
    status_changed_at: datetime
    state: State = Field(description="The state of the order's case.")
    organization: int
    requester: UserRef | None
    created_at: datetime
    fields: dict[str, Any] = Field(description="The form's answers.")
    tasks: list[TaskOut] = Field(description="The fulfilment checklist.")
    approval: ApprovalOut | None = Field(description="Null when the order needs no approval.")


class ApprovalResultOut(Schema):
    number: str
    state: State = Field(description="The case's state after the decision.")
    order_status: OrderStatus | None = Field(description="Null when the case is not an order.")
    approval: ApprovalOut


def task_out(task: OrderTask) -> TaskOut:
    return TaskOut(
        id=task.pk,
        position=task.position,
        name=task.name,
        team=task.team.name,
        assignee=user_ref(task.assignee),
        status=TaskStatus(task.status),
        done_by=user_ref(task.done_by),
        done_at=task.done_at,
    )


def approval_out(requirement: ApprovalRequirement) -> ApprovalOut:
    decisions = list(requirement.decisions.all())
    return ApprovalOut(
        required=requirement.required,
        approvals=sum(1 for d in decisions if d.decision == Decision.APPROVE),
        state=ApprovalState(requirement.state),
        requested_at=requirement.requested_at,
        decided_at=requirement.decided_at,
        decisions=[
            DecisionOut(
                approver=UserRef(id=d.approver.pk, email=d.approver.email, name=d.approver.name),
                decision=Decision(d.decision),
                comment=d.comment,
                channel=d.channel,
                decided_at=d.decided_at,
            )
            for d in decisions
        ],
    )


def order_out(order: Order) -> OrderOut:
    case = order.case
    requirement = getattr(case, "approval_requirement", None)
    return OrderOut(
        number=case.number,
        subject=case.subject,
        item=order.item.request_type.slug,
        item_name=order.item.request_type.name,
        status=OrderStatus(order.status),
        status_changed_at=order.status_changed_at,
        state=State(case.state),
        organization=case.organisation_id,
        requester=user_ref(case.requester),
        created_at=case.created_at,
        fields=case.extra if isinstance(case.extra, dict) else {},
        tasks=[task_out(t) for t in order.tasks.all()],
        approval=approval_out(requirement) if requirement is not None else None,
    )


def with_parts(orders: QuerySet[Order]) -> QuerySet[Order]:
    """Orders with everything order_out reads, in a constant number of queries."""
    return orders.select_related(
        "case__requester", "case__approval_requirement", "item__request_type"
    ).prefetch_related(
        Prefetch("tasks", queryset=OrderTask.objects.select_related("team", "assignee", "done_by")),
        Prefetch(
            "case__approval_requirement__decisions",
            queryset=ApprovalDecision.objects.select_related("approver"),
        ),
    )


def order_for(actor: Actor, number: str) -> Order:
    """The order of a case the actor may see (access.case_for); NotFound when it is not an order."""
    case = access.case_for(actor, number)
    order = with_parts(Order.objects.filter(case_id=case.pk)).first()
    if order is None:
        raise NotFound("No such order.")
    return order


def case_to_decide(actor: Actor, number: str) -> Case:
    """The case an approver decides on: one they may see, or (an approver is asked about every order and
    change of their organisation that waits for approval) one of their organisation's with an approval
    requirement. Anyone else: NotFound, revealing nothing."""
    try:
        return access.case_for(actor, number)
    except NotFound:
        own = organisation_id_of(actor) if is_customer(actor) else None
        case = (
            Case.objects.select_related("organisation")
            .filter(number=number, organisation_id=own or 0, approval_requirement__isnull=False)
            .first()
        )
        if case is None or not policies.can_approve(actor, case):
            raise
        return case


# --- Endpoints.


@router.get("/orders", response={200: Page[OrderOut], **errors()}, summary="List orders")
def list_orders(
    request: HttpRequest, page: Query[PageParams], filters: Query[OrderFilters]
) -> Page[OrderOut]:
    """The orders of the cases the caller may see, newest first: every order for agents; for customers
    their own, those they watch and (with the permission) their organization's shared ones."""
    actor = actor_of(request)
    orders = Order.objects.filter(case__in=selectors.cases_visible_to(actor))
    if filters.status:
        orders = orders.filter(status__in=filters.status)
    result = paginate(with_parts(orders), page, ordering=ORDERING)
    return Page[OrderOut](items=[order_out(o) for o in result.items], next_cursor=result.next_cursor)


@router.post("/orders", response={201: OrderOut, **errors(409)}, summary="Order from the catalog")
def create_order(request: HttpRequest, payload: OrderIn) -> Status[OrderOut]:
    """Order a catalog item (see GET /catalog): a case of kind `order` with the form's answers in
    `fields`. Items that need approval wait for the organization's approvers (`awaiting_approval`).
    Customers order for themselves with "Order services"; agents name the organization (and may name the
    requester)."""
    actor = actor_of(request)
    if payload.organization is not None:
        organisation = refs.organisation(actor, payload.organization)
    elif (own := organisation_id_of(actor)) is not None:
        organisation = refs.organisation(actor, own)
    else:
        raise refs.invalid("organization", "This field is required.")
    item = (
        CatalogItem.objects.select_related("request_type__case_type")
        .filter(request_type__slug=payload.item, request_type__is_active=True)
        .first()
    )
    if item is None:
        raise refs.invalid("item", f"No catalog item {payload.item!r}.")
    requester = refs.member(organisation, payload.requester, field="requester") if payload.requester else None
    try:
        case = _create(actor, organisation, item, requester, payload)
    except InvalidInput as error:  # the form's answers are `fields` here, `extra` in the case
        renamed = {_field_name(k): v for k, v in error.fields.items()}
        raise InvalidInput(error.detail, fields=renamed) from None
    return Status(201, order_out(order_for(actor, case.number)))


def _field_name(name: str) -> str:
    return "fields" + name.removeprefix("extra") if name.startswith("extra") else name


def _create(
    actor: Actor, organisation: Organisation, item: CatalogItem, requester: User | None, payload: OrderIn
) -> Case:
    return services.case_create(
        actor=actor,
        organisation=organisation,
        subject=payload.subject,
        channel=Channel.API,
        description=payload.description,
        requester=requester,
        request_type=item.request_type,
        config_item=refs.config_item(actor, payload.config_item) if payload.config_item else None,
        reference=payload.reference,
        visibility=payload.visibility,
        extra=payload.fields,
    )


@router.get("/orders/{number}", response={200: OrderOut, **errors(404)}, summary="Read an order")
def get_order(request: HttpRequest, number: str) -> OrderOut:
    """With its fulfilment tasks and its approval (each approver's decision and comment)."""
    return order_out(order_for(actor_of(request), number))


@router.post(
    "/cases/{number}/approval",
    response={200: ApprovalResultOut, **errors(404, 409)},
    summary="Approve or reject",
)
def decide_approval(request: HttpRequest, number: str, payload: ApprovalIn) -> ApprovalResultOut:
    """An approver of the case's organisation ("Approve changes") approves or rejects an order or a
    change that waits for approval; rejecting needs a `comment`. 403 for anyone else; 409 when the
    approver decided already or the approval was decided; 404 when the case needs no approval."""
    actor = actor_of(request)
    case = case_to_decide(actor, number)
    approval_decide(
        actor=actor, case=case, decision=payload.decision.value, comment=payload.comment, channel=Channel.API
    )
    requirement = (
        ApprovalRequirement.objects.select_related("case")
        .prefetch_related(Prefetch("decisions", queryset=ApprovalDecision.objects.select_related("approver")))
        .get(case_id=case.pk)
    )
    order = Order.objects.filter(case_id=case.pk).only("status").first()
    return ApprovalResultOut(
        number=case.number,
        state=State(requirement.case.state),
        order_status=OrderStatus(order.status) if order is not None else None,
        approval=approval_out(requirement),
    )


@router.post(
    "/orders/{number}/tasks/{task_id}/complete",
    response={200: OrderOut, **errors(404, 409)},
    summary="Complete a fulfilment task",
)
def complete_task(
    request: HttpRequest,
    number: str,
    task_id: Path[Id],
    payload: TaskCompleteIn | None = None,
) -> OrderOut:
    """Agents mark a step done (or skipped, `skip`); the last one fulfils the order (its case is Resolved
    and the customer told). 409 while the order waits for approval, was rejected or is closed, or when
    the task is done already."""
    actor = actor_of(request)
    order = order_for(actor, number)
    task = next((t for t in order.tasks.all() if t.pk == task_id), None)
    if task is None:
        raise NotFound("No such task in this order.")
    skip = payload.skip if payload is not None else False
    task_complete(actor=actor, task=task, channel=Channel.API, skip=skip)
    return order_out(order_for(actor, number))
