"""Random walks through the lifecycle: whatever agents and customers try, the state only ever follows the
table, refused attempts change nothing, and the history replays to the current state."""

from __future__ import annotations

from random import Random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from supportal.cases import services
from supportal.cases.lifecycle import MOVES, Action, Role, State, replay
from supportal.cases.models import Case, CaseEvent
from supportal.core.errors import DomainError, InvalidInput
from tests.cases.conftest import history
from tests.conftest import Story

COMMENT = "comment"
NOTE = "note"
ROLES = [Role.AGENT, Role.CUSTOMER]
ACTIONS = [*(a.value for a in Action if a not in (Action.AUTO_CLOSE, Action.MERGE)), COMMENT, NOTE]


def allowed(state: State) -> list[tuple[Role, str]]:
    """What the table lets each role do from `state` (plus comments), so walks reach every state.
    Closing is left to the other half of the attempts: offered from every state, it would end most walks."""
    moves = [
        (role, move.action.value)
        for move in MOVES.values()
        for role in sorted(move.roles)
        if state in move.sources and role != Role.SYSTEM and move.action not in (Action.MERGE, Action.CLOSE)
    ]
    return [*moves, (Role.CUSTOMER, COMMENT), (Role.AGENT, COMMENT), (Role.AGENT, NOTE)]


def expected(
    state: State, role: Role, action: str, with_reason: bool
) -> tuple[State, type[Exception] | None]:
    """The state the table allows after this attempt, and the error a refused attempt raises."""
    if action == NOTE:
        if role == Role.CUSTOMER:
            return state, DomainError  # Forbidden: only agents write internal notes
        return state, (DomainError if state == State.CLOSED else None)
    if action == COMMENT:
        if role == Role.AGENT:
            return state, (DomainError if state == State.CLOSED else None)
        reply = MOVES[Action.REPLY]
        return (reply.target if state in reply.sources else state), None
    move = MOVES[Action(action)]
    if role not in move.roles or state not in move.sources:
        return state, DomainError
    if move.needs_reason and not with_reason:
        return state, InvalidInput
    return move.target, None


def attempt(story: Story, case: Case, role: Role, action: str, with_reason: bool) -> None:
    actor = story.dana if role == Role.AGENT else story.alice
    if action in (COMMENT, NOTE):
        services.comment_add(
            actor=actor, case=case, body="Words.", channel="portal", public=action == COMMENT
        )
    else:
        services.case_transition(
            actor=actor, case=case, action=action, channel="portal", reason="Because." if with_reason else ""
        )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rng=st.randoms(use_true_random=True), length=st.integers(min_value=1, max_value=15))
def test_random_walks_follow_the_table(story: Story, rng: Random, length: int) -> None:
    case = services.case_create(actor=story.alice, organisation=story.acme, subject="Walk", channel="portal")
    for _ in range(length):
        case.refresh_from_db()
        before, events = State(case.state), CaseEvent.objects.filter(case=case).count()
        # Half the attempts are anything at all; half are moves the table offers now.
        if rng.random() < 0.5:
            role, action = rng.choice(ROLES), rng.choice(ACTIONS)
        else:
            role, action = rng.choice(allowed(before))
        with_reason = rng.random() < 0.7
        target, error = expected(before, role, action, with_reason)
        try:
            attempt(story, case, role, action, with_reason)
        except DomainError as raised:
            assert error is not None, f"{role} {action} from {before} was refused: {raised.detail}"
            assert isinstance(raised, error)
            case.refresh_from_db()
            assert case.state == before
            assert CaseEvent.objects.filter(case=case).count() == events
        else:
            assert error is None, f"{role} {action} from {before} should have been refused"
            case.refresh_from_db()
            assert case.state == target
        assert replay(history(case)) == case.state
