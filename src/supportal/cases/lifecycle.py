"""The case lifecycle: its states and the one table of allowed moves (PRODUCT.md "Lifecycle").

Every state change in Supportal is a `Move` from this table, checked by `move_for` inside
`cases.services.transitions`. Nothing else decides whether a case may change state.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.db import models


class State(models.TextChoices):
    NEW = "new", "New"
    OPEN = "open", "Open"
    AWAITING_INFO = "awaiting_info", "Awaiting Info"
    ON_HOLD = "on_hold", "On Hold"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"


class Role(StrEnum):
    """Who performs a move: an agent, a customer (or an agent acting for one), or the system itself."""

    AGENT = "agent"
    CUSTOMER = "customer"
    SYSTEM = "system"


class Action(models.TextChoices):
    TAKE = "take", "Take"
    ASSIGN = "assign", "Assign"
    ASK_INFO = "ask-info", "Ask for information"
    HOLD = "hold", "Put on hold"
    RESUME = "resume", "Resume"
    RESOLVE = "resolve", "Resolve"
    ACCEPT = "accept", "Accept the solution"
    REJECT = "reject", "Reject the solution"
    CLOSE = "close", "Close"
    REPLY = "reply", "Customer reply"
    AUTO_CLOSE = "auto-close", "Close automatically"
    MERGE = "merge", "Merge into another case"
    RECOVER = "recover", "Resolve on recovery"
    AWAIT_APPROVAL = "await-approval", "Wait for approval"
    APPROVE = "approve", "Approved"
    DECLINE = "decline", "Rejected by an approver"
    FULFIL = "fulfil", "Fulfilled"


@dataclass(frozen=True)
class Move:
    action: Action
    sources: frozenset[State]
    target: State
    roles: frozenset[Role]
    needs_reason: bool = False


def _move(
    action: Action, sources: Iterable[State], target: State, *roles: Role, needs_reason: bool = False
) -> Move:
    return Move(action, frozenset(sources), target, frozenset(roles), needs_reason)


NOT_CLOSED = frozenset(State) - {State.CLOSED}

MOVES: dict[Action, Move] = {
    m.action: m
    for m in [
        _move(Action.TAKE, [State.NEW], State.OPEN, Role.AGENT),
        _move(Action.ASSIGN, [State.NEW], State.OPEN, Role.AGENT),
        _move(Action.ASK_INFO, [State.OPEN], State.AWAITING_INFO, Role.AGENT),
        _move(Action.HOLD, [State.OPEN], State.ON_HOLD, Role.AGENT),
        _move(Action.RESUME, [State.ON_HOLD], State.OPEN, Role.AGENT),
        _move(Action.RESOLVE, [State.OPEN, State.ON_HOLD], State.RESOLVED, Role.AGENT),
        _move(Action.ACCEPT, [State.RESOLVED], State.CLOSED, Role.CUSTOMER),
        _move(Action.REJECT, [State.RESOLVED], State.OPEN, Role.CUSTOMER, needs_reason=True),
        _move(Action.CLOSE, NOT_CLOSED, State.CLOSED, Role.CUSTOMER),
        _move(Action.REPLY, [State.AWAITING_INFO, State.RESOLVED], State.OPEN, Role.CUSTOMER),
        _move(Action.AUTO_CLOSE, [State.RESOLVED], State.CLOSED, Role.SYSTEM),
        _move(Action.MERGE, NOT_CLOSED, State.CLOSED, Role.AGENT),
        # A monitoring alert that recovered resolves its case (channels/alerts), before anyone took it too.
        _move(Action.RECOVER, NOT_CLOSED - {State.RESOLVED}, State.RESOLVED, Role.SYSTEM),
        # Orders and changes that need approval (catalog): they wait On Hold (their SLA clocks paused)
        # until the approvers decide; an order is fulfilled when its last fulfilment task is done.
        _move(Action.AWAIT_APPROVAL, [State.NEW, State.OPEN], State.ON_HOLD, Role.SYSTEM),
        _move(Action.APPROVE, [State.ON_HOLD], State.OPEN, Role.SYSTEM),
        _move(Action.DECLINE, NOT_CLOSED, State.CLOSED, Role.SYSTEM, needs_reason=True),
        _move(Action.FULFIL, [State.NEW, State.OPEN], State.RESOLVED, Role.SYSTEM),
    ]
}

# The moves the API and the portal offer as `/actions/{action}`; the rest happen through other services.
PUBLIC_ACTIONS = (
    Action.TAKE,
    Action.ASK_INFO,
    Action.HOLD,
    Action.RESUME,
    Action.RESOLVE,
    Action.ACCEPT,
    Action.REJECT,
    Action.CLOSE,
)


class IllegalMove(Exception):
    """Raised by `move_for`; the service turns it into a Conflict (or Forbidden for the wrong role)."""

    def __init__(self, detail: str, *, wrong_role: bool = False) -> None:
        super().__init__(detail)
        self.detail = detail
        self.wrong_role = wrong_role


def move_for(action: Action, state: State, role: Role) -> Move:
    """The move `action` makes from `state` when performed by `role`, or IllegalMove."""
    move = MOVES.get(Action(action))
    if move is None:
        raise IllegalMove(f"Unknown action {action!r}.")
    if role not in move.roles:
        who = " or ".join(sorted(r.value for r in move.roles))
        raise IllegalMove(f"Only the {who} may {move.action.label.lower()}.", wrong_role=True)
    if state not in move.sources:
        raise IllegalMove(f"A case that is {State(state).label} cannot be moved by “{move.action.label}”.")
    return move


def actions_available(state: State, role: Role) -> list[Action]:
    return [a for a in PUBLIC_ACTIONS if role in MOVES[a].roles and state in MOVES[a].sources]


def replay(events: Iterable[tuple[str, dict[str, object]]]) -> State | None:
    """The state a case's history leads to: the `created` event's state, then every `state_changed`."""
    state: State | None = None
    for kind, data in events:
        if kind == "created":
            state = State(str(data["state"]))
        elif kind == "state_changed":
            if state is not None and str(data["old"]) != state:
                raise ValueError(f"History breaks: {data['old']} recorded after {state}.")
            state = State(str(data["new"]))
    return state
