"""/api/v1/cases/{number}/actions/{action} (lifecycle moves, escalate, assign, merge, link) and the
watchlist (/watchers). Each answers the case as it now is."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from ninja import Router
from ninja.responses import Status

from supportal.accounts.models import User
from supportal.api.v1.auth import actor_of
from supportal.api.v1.cases import refs
from supportal.api.v1.cases.cases import case_json
from supportal.api.v1.cases.schemas import ActionIn, CaseAction, CaseOut, WatcherIn
from supportal.api.v1.errors import errors
from supportal.cases import access, policies, services
from supportal.cases.models import Case, Channel
from supportal.core.errors import Forbidden, InvalidInput, NotFound
from supportal.orgs.policies import Actor

router = Router()

MOVES = {
    CaseAction.TAKE, CaseAction.ASK_INFO, CaseAction.HOLD, CaseAction.RESUME, CaseAction.RESOLVE,
    CaseAction.ACCEPT, CaseAction.REJECT, CaseAction.CLOSE,
}  # fmt: skip


@router.post(
    "/{number}/actions/{action}",
    response={200: CaseOut, **errors(404, 409)},
    summary="Act on a case",
)
def act_on_case(
    request: HttpRequest, number: str, action: CaseAction, payload: ActionIn | None = None
) -> CaseOut:
    """Lifecycle moves: `take`, `ask-info`, `hold`, `resume`, `resolve` (agents); `accept`, `reject` (with a
    `reason`), `close` (customers, or agents with `on_behalf_of`). `escalate` (with a `reason`) raises the
    escalation level by one; agents `deescalate` (with a `reason`) to lower it by one. Agents also
    `assign` (`assignee`, `team`, `round_robin`), `merge` (`into`: the case to keep), `link` (`case`: a
    related case) and `workaround` (a workaround was given: it meets the workaround SLA target). A move
    the lifecycle does not allow now is a 409; `actions` in the case lists those the caller may perform."""
    actor = actor_of(request)
    payload = payload or ActionIn.model_validate({})
    case = access.case_for(actor, number)
    with transaction.atomic():
        if action in MOVES:
            services.case_transition(
                actor=actor,
                case=case,
                action=action.value,
                channel=Channel.API,
                comment=payload.comment,
                reason=payload.reason,
                on_behalf_of=_customer(actor, case, payload.on_behalf_of),
            )
        else:
            if payload.on_behalf_of is not None:
                raise refs.invalid("on_behalf_of", f"Not taken by {action.value}.")
            _comment(actor, case, payload.comment)
            _other(actor, case, action, payload)
    return case_json(actor, number)


def _comment(actor: Actor, case: Case, comment: str) -> None:
    """The public reply sent with an action that is not a lifecycle move (those add it themselves)."""
    if not comment.strip():
        return
    try:
        services.comment_add(actor=actor, case=case, body=comment, channel=Channel.API)
    except InvalidInput as error:  # named after this request's field
        messages = error.fields.get("body", [error.detail])
        raise InvalidInput(error.detail, fields={"comment": messages}) from None


def _customer(actor: Actor, case: Case, user_id: int | None) -> User | None:
    if user_id is None:
        return None
    if not policies.can_work_case(actor, case):
        raise Forbidden("Only agents may act on a customer's behalf.")
    return refs.member(case.organisation, user_id, field="on_behalf_of")


def _other(actor: Actor, case: Case, action: CaseAction, payload: ActionIn) -> None:
    if action == CaseAction.ESCALATE:
        services.case_escalate(actor=actor, case=case, reason=payload.reason, channel=Channel.API)
    elif action == CaseAction.DEESCALATE:
        services.case_deescalate(actor=actor, case=case, reason=payload.reason, channel=Channel.API)
    elif action == CaseAction.ASSIGN:
        if not (payload.assignee or payload.team or payload.round_robin):
            raise InvalidInput("Give an assignee, a team or round_robin.", fields={"assignee": ["Required."]})
        services.case_assign(
            actor=actor,
            case=case,
            channel=Channel.API,
            assignee=refs.agent(payload.assignee, field="assignee") if payload.assignee else None,
            team=refs.team(payload.team) if payload.team else None,
            round_robin=payload.round_robin,
        )
    elif action == CaseAction.MERGE:
        if not payload.into:
            raise refs.invalid("into", "The number of the case to merge into.")
        survivor = refs.other_case(actor, payload.into, field="into")
        services.case_merge(
            actor=actor, duplicate=case, survivor=survivor, channel=Channel.API, reason=payload.reason
        )
    elif action == CaseAction.WORKAROUND:
        services.case_mark_workaround(actor=actor, case=case, channel=Channel.API)
    elif action == CaseAction.LINK:
        if not payload.case:
            raise refs.invalid("case", "The number of the related case.")
        other = refs.other_case(actor, payload.case, field="case")
        services.case_link(actor=actor, case=case, other=other, channel=Channel.API)


@router.post("/{number}/watchers", response={200: CaseOut, **errors(404, 409)}, summary="Add a watcher")
def add_watcher(request: HttpRequest, number: str, payload: WatcherIn) -> CaseOut:
    """Give `email` (anyone's address) or `user` (a user's id). Watchers get every public update."""
    actor = actor_of(request)
    case = access.case_for(actor, number)
    if (payload.email is None) == (payload.user is None):
        raise InvalidInput("Give either email or user.", fields={"email": ["Give either email or user."]})
    watcher = payload.email if payload.email is not None else payload.user
    assert watcher is not None
    (resolved,) = refs.watchers(case.organisation, [watcher])
    services.watcher_add(actor=actor, case=case, watcher=resolved, channel=Channel.API)
    return case_json(actor, number)


@router.delete("/{number}/watchers/{email}", response={204: None, **errors(404)}, summary="Remove a watcher")
def remove_watcher(request: HttpRequest, number: str, email: str) -> Status[None]:
    """Anyone who may comment removes a watcher; a watcher may always remove themselves."""
    actor = actor_of(request)
    case = access.case_for(actor, number)
    if "\x00" in email or len(email) > 254:
        raise NotFound("That address is not on the watchlist.")
    services.watcher_remove(actor=actor, case=case, email=email, channel=Channel.API)
    return Status(204, None)
