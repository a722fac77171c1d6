"""Moving a case through its lifecycle: the only code that assigns a case's state.

Lock the row, check the move against `lifecycle.MOVES`, save, record the event (and the comment that
came with it), publish `case.state_changed` after commit.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from supportal.accounts.models import User
from supportal.cases import policies
from supportal.cases.lifecycle import Action, IllegalMove, Move, Role, State, move_for
from supportal.cases.models import Case, Channel, CloseReason, EventKind
from supportal.cases.services import history
from supportal.core.errors import Conflict, Forbidden, InvalidInput
from supportal.core.markdown import check_markdown
from supportal.orgs.policies import Actor

REASON_MAX = 2000
_CLOSE_REASONS = {
    Action.ACCEPT: CloseReason.ACCEPTED,
    Action.CLOSE: CloseReason.WITHDRAWN,
    Action.AUTO_CLOSE: CloseReason.AUTO,
    Action.MERGE: CloseReason.MERGED,
    Action.DECLINE: CloseReason.REJECTED,
}


def case_transition(
    *,
    actor: Actor,
    case: Case,
    action: Action | str,
    channel: Channel | str,
    comment: str = "",
    reason: str = "",
    on_behalf_of: User | None = None,
    assignee: User | None = None,
    extra_data: dict[str, Any] | None = None,
) -> Case:
    """Perform `action` on `case` as `actor`. Conflict if the lifecycle does not allow it now."""
    try:
        action = Action(action)
    except ValueError:
        raise InvalidInput(f"Unknown action {action!r}.", fields={"action": ["Unknown action."]}) from None
    reason = reason.strip()
    if len(reason) > REASON_MAX:
        raise InvalidInput(
            "The reason is too long.", fields={"reason": [f"At most {REASON_MAX} characters."]}
        )
    if comment.strip():
        from supportal.cases.services.comments import BODY_MAX

        if len(comment.strip()) > BODY_MAX:
            raise InvalidInput(
                "The comment is too long.", fields={"comment": [f"At most {BODY_MAX} characters."]}
            )
        check_markdown(comment, field="comment")
    role = _role(actor, case, on_behalf_of)
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        try:
            move = move_for(action, State(locked.state), role)
        except IllegalMove as error:
            raise (Forbidden if error.wrong_role else Conflict)(error.detail) from None
        if move.needs_reason and not reason:
            raise InvalidInput("Say why.", fields={"reason": ["A reason is required."]})
        if role != Role.SYSTEM:
            from supportal.catalog.guards import check_move_allowed  # approvals come before work

            check_move_allowed(locked, move.target)
        old, old_assignee, old_team = locked.state, locked.assignee_id, locked.team_id
        changed = _apply(locked, move, actor=actor, reason=reason, assignee=assignee)
        if comment.strip():
            from supportal.cases.services.comments import add_comment_row

            add_comment_row(
                locked,
                actor=actor,
                body=comment.strip(),
                public=True,
                channel=channel,
                on_behalf_of=on_behalf_of,
            )
        history.touch(locked, "state", *changed)
        history.record(
            locked,
            EventKind.STATE_CHANGED,
            actor=actor,
            channel=channel,
            on_behalf_of=on_behalf_of,
            data={"old": old, "new": move.target.value, "action": action.value, "reason": reason}
            | (extra_data or {}),
            publish_as="case.state_changed",
        )
        if "assignee" in changed:
            history.record(
                locked,
                EventKind.ASSIGNED,
                actor=actor,
                channel=channel,
                data={
                    "old": old_assignee,
                    "new": locked.assignee_id,
                    "old_team": old_team,
                    "team": locked.team_id,
                },
                publish_as="case.assigned",
            )
    _copy(locked, case)
    return case


def _role(actor: Actor, case: Case, on_behalf_of: User | None) -> Role:
    if on_behalf_of is not None:
        if not policies.can_work_case(actor, case) or not policies.can_act_as_customer(on_behalf_of, case):
            raise Forbidden("You may act only for a customer who may act on this case.")
        return Role.CUSTOMER
    role = policies.role_of(actor)
    if role is None:
        raise Forbidden("Sign in first.")
    if role == Role.CUSTOMER and not policies.can_act_as_customer(actor, case):
        raise Forbidden("You may not act on this case.")
    return role


def _apply(case: Case, move: Move, *, actor: Actor, reason: str, assignee: User | None) -> list[str]:
    """Set the state and what goes with it; the names of the other fields it changed."""
    now = timezone.now()
    changed: list[str] = []
    case.state = move.target
    if move.action in (Action.TAKE, Action.ASSIGN):
        agent = assignee or history.user_of(actor)
        case.assignee = agent
        changed.append("assignee")
        if case.team_id is None and agent is not None:
            team = agent.teams.order_by("name").first()
            if team is not None:
                case.team = team
                changed.append("team")
    if move.target == State.RESOLVED:
        case.resolved_at = now
        changed.append("resolved_at")
    if move.action == Action.REJECT:
        case.reject_count += 1
        changed.append("reject_count")
    if move.target == State.OPEN and case.resolved_at is not None:
        case.resolved_at = None
        changed.append("resolved_at")
    if move.target == State.CLOSED:
        case.closed_at = now
        case.close_reason = _CLOSE_REASONS[move.action]
        changed += ["closed_at", "close_reason"]
    return changed


def _copy(source: Case, target: Case) -> None:
    """Bring the caller's instance up to date with the saved row."""
    for field in source._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))
    for name in ("assignee", "team"):
        if name in source._state.fields_cache:
            target._state.fields_cache[name] = source._state.fields_cache[name]
