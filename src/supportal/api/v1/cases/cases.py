"""/api/v1/cases: list (filters, full-text search), open, read and change cases."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import HeaderEx, P, Query, Router
from ninja.responses import Status

from supportal.accounts.models import User
from supportal.api.v1.auth import actor_of
from supportal.api.v1.cases import etags, refs
from supportal.api.v1.cases.output import CaseWriter, detailed, load_details
from supportal.api.v1.cases.schemas import CaseFilters, CaseIn, CaseOut, CasePatch
from supportal.api.v1.errors import errors
from supportal.api.v1.pagination import Page, PageParams, paginate
from supportal.cases import access, search, selectors, services
from supportal.cases.models import Case, Channel, Watcher
from supportal.orgs.models import Organisation
from supportal.orgs.policies import Actor, is_agent, organisation_id_of

router = Router(tags=["cases"])

ORDERING = ("-updated_at", "-id")


def filtered(actor: Actor, cases: QuerySet[Case], filters: CaseFilters) -> QuerySet[Case]:
    if filters.state:
        cases = cases.filter(state__in=filters.state)
    if filters.priority:
        cases = cases.filter(priority__in=filters.priority)
    if filters.type:
        cases = cases.filter(case_type__code=filters.type)
    if filters.kind:
        cases = cases.filter(kind=filters.kind)
    if filters.organization is not None:
        cases = cases.filter(organisation_id=filters.organization)
    if filters.assignee == "none":
        cases = cases.filter(assignee__isnull=True)
    elif filters.assignee == "me":
        cases = cases.filter(assignee_id=actor.pk)
    elif filters.assignee:
        cases = cases.filter(assignee_id=int(filters.assignee))
    if filters.team:
        cases = cases.filter(team__slug=filters.team)
    if filters.requester is not None:
        cases = cases.filter(requester_id=filters.requester)
    if filters.updated_after is not None:
        cases = cases.filter(updated_at__gt=filters.updated_after)
    if filters.scope == "mine":
        watching = Watcher.objects.filter(case_id=OuterRef("pk"), user_id=actor.pk or 0)
        cases = cases.filter(Q(requester_id=actor.pk) | Q(Exists(watching)))
    if filters.q and filters.q.strip():
        cases = search.matching(cases, filters.q, include_internal=is_agent(actor))
    return cases


@router.get("", response={200: Page[CaseOut], **errors()}, summary="List cases")
def list_cases(request: HttpRequest, page: Query[PageParams], filters: Query[CaseFilters]) -> Page[CaseOut]:
    """The cases the caller may see, most recently changed first: every case for agents; for customers
    their own, those they watch and (with the permission) their organization's shared ones."""
    actor = actor_of(request)
    cases = filtered(actor, selectors.cases_visible_to(actor), filters)
    result = paginate(detailed(cases), page, ordering=ORDERING)
    return Page[CaseOut](items=CaseWriter(actor).many(result.items), next_cursor=result.next_cursor)


@router.post("", response={201: CaseOut, **errors(409)}, summary="Open a case")
def create_case(request: HttpRequest, payload: CaseIn) -> Status[CaseOut]:
    """Open a case (or an order, when `request_type` is an order's). Agents name the organization and may
    name the requester; integrations may name the requester; customers open cases for themselves."""
    actor = actor_of(request)
    if payload.organization is not None:
        organisation = refs.organisation(actor, payload.organization)
    elif (own := organisation_id_of(actor)) is not None:
        organisation = refs.organisation(actor, own)
    else:
        raise refs.invalid("organization", "This field is required.")
    request_type = refs.request_type(payload.request_type) if payload.request_type else None
    case_type = refs.case_type(payload.type) if payload.type else None
    if request_type and case_type and request_type.case_type_id != case_type.pk:
        raise refs.invalid("type", "Does not match the request type's case type.")
    levels = {name: value for name in ("urgency", "impact") if (value := getattr(payload, name)) is not None}
    case = services.case_create(
        actor=actor,
        organisation=organisation,
        subject=payload.subject,
        channel=Channel.API,
        description=payload.description,
        requester=_requester(organisation, payload.requester),
        requester_name=payload.requester_name,
        request_type=request_type,
        case_type=case_type,
        reference=payload.reference,
        visibility=payload.visibility,
        config_item=refs.config_item(actor, payload.config_item) if payload.config_item else None,
        watchers=refs.watchers(organisation, payload.watchers),
        extra=payload.extra,
        filed_reason=payload.filed_reason,
        **levels,
    )
    return Status(201, case_json(actor, case.number))


def _requester(organisation: Organisation, reference: int | str | None) -> User | None:
    return refs.member(organisation, reference, field="requester") if reference else None


@router.get(
    "/{number}",
    response={200: CaseOut, **errors(404)},
    summary="Read a case",
    openapi_extra=etags.ETAG_RESPONSE,
)
def get_case(request: HttpRequest, number: str, response: HttpResponse) -> CaseOut:
    """With the case's version as the ETag header, for a later change's If-Match."""
    return _case_with_etag(actor_of(request), number, response)


@router.patch(
    "/{number}",
    response={200: CaseOut, **errors(404, 409)},
    summary="Change a case",
    openapi_extra=etags.ETAG_RESPONSE,
)
def update_case(
    request: HttpRequest,
    number: str,
    payload: CasePatch,
    response: HttpResponse,
    if_match: HeaderEx[str | None, P(alias="If-Match", description=etags.IF_MATCH_DESCRIPTION)] = None,
) -> CaseOut:
    """Send only the fields to change. `team` and `assignee` give the case to a team or an agent (agents
    only; assigning a New case opens it). Unassigning is not possible yet. With `If-Match` (the ETag of
    GET), a case changed meanwhile is left alone and the answer is 409; the answer's ETag is the new one."""
    actor = actor_of(request)
    case = access.case_for(actor, number)
    given = payload.model_dump(exclude_unset=True)
    for name in ("team", "assignee"):
        if name in given and given[name] is None:
            raise refs.invalid(name, "Unassigning is not possible yet; give a team or an agent.")
    changes = _changes(actor, given)
    with transaction.atomic():
        if if_match is not None:
            etags.lock_if_matches(case, if_match)
        if changes:
            case = services.case_update(
                actor=actor, case=case, channel=Channel.API, reason=payload.reason, **changes
            )
        if payload.team or payload.assignee:
            services.case_assign(
                actor=actor,
                case=case,
                channel=Channel.API,
                team=refs.team(payload.team) if payload.team else None,
                assignee=refs.agent(payload.assignee, field="assignee") if payload.assignee else None,
            )
    return _case_with_etag(actor, number, response)


def _changes(actor: Actor, given: dict[str, Any]) -> dict[str, Any]:
    """The case_update arguments for the fields given."""
    changes = {k: v for k, v in given.items() if k not in {"reason", "team", "assignee", "type"}}
    if "type" in given:
        changes["case_type"] = refs.case_type(given["type"])
    if changes.get("request_type") is not None:
        changes["request_type"] = refs.request_type(changes["request_type"])
    if changes.get("config_item") is not None:
        changes["config_item"] = refs.config_item(actor, changes["config_item"])
    return changes


def _case_with_etag(actor: Actor, number: str, response: HttpResponse) -> CaseOut:
    """The case as the caller now sees it, its version in the response's ETag header."""
    case = load_details(access.case_for(actor, number))
    response["ETag"] = etags.etag_of(case)
    return CaseWriter(actor).one(case)


def case_json(actor: Actor, number: str) -> CaseOut:
    """The case as the caller now sees it."""
    return CaseWriter(actor).one(load_details(access.case_for(actor, number)))
