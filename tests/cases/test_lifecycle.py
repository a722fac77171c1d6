"""Every row of PRODUCT.md's lifecycle table, driven through the services as agents and customers do."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from supportal.cases import services
from supportal.cases.lifecycle import MOVES, Action, State, replay
from supportal.cases.models import Case, CaseEvent, CaseLink, CloseReason, LinkKind
from supportal.core.errors import Conflict, Forbidden, InvalidInput
from tests.cases.conftest import CaseMaker, history, move, reply
from tests.conftest import Story

CaseIn = Callable[..., Case]


def last_state_change(case: Case) -> dict[str, object]:
    event = CaseEvent.objects.filter(case=case, kind="state_changed").latest("id")
    return dict(event.data)


# --- New


def test_an_agent_takes_a_new_case_and_it_opens_assigned_to_them(story: Story, cases: CaseMaker) -> None:
    case = cases()
    assert case.state == State.NEW
    move(case, story.dana, Action.TAKE)
    case.refresh_from_db()
    assert (case.state, case.assignee, case.team) == (State.OPEN, story.dana, story.service_desk)
    assert last_state_change(case) | {"reason": ""} == {
        "old": "new", "new": "open", "action": "take", "reason": "",
    }  # fmt: skip


def test_assigning_a_new_case_opens_it(story: Story, cases: CaseMaker) -> None:
    case = services.case_assign(actor=story.erin, case=cases(), channel="portal", assignee=story.dana)
    assert (case.state, case.assignee) == (State.OPEN, story.dana)


# --- Open and On Hold


@pytest.mark.parametrize(
    ("start", "action", "target"),
    [
        (State.OPEN, Action.ASK_INFO, State.AWAITING_INFO),
        (State.OPEN, Action.HOLD, State.ON_HOLD),
        (State.OPEN, Action.RESOLVE, State.RESOLVED),
        (State.ON_HOLD, Action.RESUME, State.OPEN),
        (State.ON_HOLD, Action.RESOLVE, State.RESOLVED),
    ],
)
def test_agent_moves(story: Story, case_in: CaseIn, start: State, action: Action, target: State) -> None:
    case = case_in(start)
    move(case, story.dana, action)
    case.refresh_from_db()
    assert case.state == target
    assert last_state_change(case)["old"] == start
    assert (case.resolved_at is not None) == (target == State.RESOLVED)


# --- Awaiting Info


def test_a_customer_reply_on_awaiting_info_reopens_the_case(story: Story, case_in: CaseIn) -> None:
    case = case_in(State.AWAITING_INFO)
    comment = reply(case, story.alice, "The logs are attached.")
    case.refresh_from_db()
    assert case.state == State.OPEN
    assert comment.case == case
    assert last_state_change(case)["action"] == "reply"


def test_an_agent_reply_on_awaiting_info_does_not_reopen_it(story: Story, case_in: CaseIn) -> None:
    case = case_in(State.AWAITING_INFO)
    reply(case, story.dana, "Any news?")
    case.refresh_from_db()
    assert case.state == State.AWAITING_INFO


def test_a_customer_reply_on_an_open_case_changes_no_state(story: Story, case_in: CaseIn) -> None:
    case = case_in(State.OPEN)
    events = CaseEvent.objects.filter(case=case, kind="state_changed").count()
    reply(case, story.alice, "One more detail.")
    case.refresh_from_db()
    assert case.state == State.OPEN
    assert CaseEvent.objects.filter(case=case, kind="state_changed").count() == events


# --- Resolved


def test_the_customer_accepts_the_solution(story: Story, case_in: CaseIn) -> None:
    case = case_in(State.RESOLVED)
    move(case, story.alice, Action.ACCEPT)
    case.refresh_from_db()
    assert (case.state, case.close_reason) == (State.CLOSED, CloseReason.ACCEPTED)
    assert case.closed_at is not None


def test_the_customer_rejects_the_solution_with_a_reason(story: Story, case_in: CaseIn) -> None:
    case = case_in(State.RESOLVED)
    move(case, story.alice, Action.REJECT, reason="Still dropping.")
    case.refresh_from_db()
    assert (case.state, case.reject_count, case.resolved_at) == (State.OPEN, 1, None)
    assert last_state_change(case)["reason"] == "Still dropping."
    move(case, story.dana, Action.RESOLVE)
    move(case, story.alice, Action.REJECT, reason="Again.")
    case.refresh_from_db()
    assert case.reject_count == 2


def test_rejecting_without_a_reason_is_refused_and_changes_nothing(story: Story, case_in: CaseIn) -> None:
    case = case_in(State.RESOLVED)
    before = CaseEvent.objects.filter(case=case).count()
    with pytest.raises(InvalidInput) as error:
        move(case, story.alice, Action.REJECT, reason="   ")
    assert "reason" in error.value.fields
    case.refresh_from_db()
    assert (case.state, case.reject_count) == (State.RESOLVED, 0)
    assert CaseEvent.objects.filter(case=case).count() == before


def test_a_customer_reply_on_a_resolved_case_reopens_it(story: Story, case_in: CaseIn) -> None:
    case = case_in(State.RESOLVED)
    reply(case, story.alice, "It happened again this morning.")
    case.refresh_from_db()
    assert (case.state, case.resolved_at) == (State.OPEN, None)


def test_an_agent_reply_on_a_resolved_case_does_not_reopen_it(story: Story, case_in: CaseIn) -> None:
    case = case_in(State.RESOLVED)
    reply(case, story.dana, "Let us know if it comes back.")
    case.refresh_from_db()
    assert case.state == State.RESOLVED


@pytest.mark.parametrize("start", sorted(set(State) - {State.CLOSED}))
def test_the_customer_may_close_from_any_state_before_closed(
    story: Story, case_in: CaseIn, start: State
) -> None:
    case = case_in(start)
    move(case, story.alice, Action.CLOSE)
    case.refresh_from_db()
    assert (case.state, case.close_reason) == (State.CLOSED, CloseReason.WITHDRAWN)


# --- Closed


def test_closed_is_final_for_agents(story: Story, case_in: CaseIn) -> None:
    case = case_in(State.CLOSED)
    before = CaseEvent.objects.filter(case=case).count()
    with pytest.raises(Conflict):
        reply(case, story.dana, "Reopening this.")
    with pytest.raises(Conflict):
        reply(case, story.dana, "Internal thought.", public=False)
    case.refresh_from_db()
    assert case.state == State.CLOSED
    assert CaseEvent.objects.filter(case=case).count() == before


def test_a_customer_reply_on_a_closed_case_opens_a_linked_follow_up(story: Story, case_in: CaseIn) -> None:
    closed = case_in(State.CLOSED, subject="Mail bounces")
    comment = reply(closed, story.alice, "It is back.")
    closed.refresh_from_db()
    assert closed.state == State.CLOSED
    follow_up = comment.case
    assert follow_up.pk != closed.pk
    assert (follow_up.state, follow_up.requester, follow_up.organisation) == (
        State.NEW, story.alice, story.acme,
    )  # fmt: skip
    assert "Mail bounces" in follow_up.subject
    link = CaseLink.objects.get(source=follow_up, target=closed)
    assert link.kind == LinkKind.FOLLOW_UP
    assert follow_up.comments.get().body == "It is back."


# --- Who may do what


ALL = [(action, state) for action in Action for state in State]


@pytest.mark.parametrize(
    ("action", "state"),
    [
        (a, s)
        for a, s in ALL
        if a in (Action.TAKE, Action.ASK_INFO, Action.HOLD, Action.RESUME, Action.RESOLVE)
        and s not in MOVES[a].sources
    ],
)
def test_illegal_agent_moves_conflict_and_change_nothing(
    story: Story, case_in: CaseIn, action: Action, state: State
) -> None:
    case = case_in(state)
    before = (case.state, case.assignee_id, CaseEvent.objects.filter(case=case).count())
    with pytest.raises(Conflict):
        move(case, story.dana, action)
    case.refresh_from_db()
    assert (case.state, case.assignee_id, CaseEvent.objects.filter(case=case).count()) == before


@pytest.mark.parametrize(
    ("action", "state"),
    [
        (a, s)
        for a, s in ALL
        if a in (Action.ACCEPT, Action.REJECT, Action.CLOSE) and s not in MOVES[a].sources
    ],
)
def test_illegal_customer_moves_conflict_and_change_nothing(
    story: Story, case_in: CaseIn, action: Action, state: State
) -> None:
    case = case_in(state)
    before = (case.state, CaseEvent.objects.filter(case=case).count())
    with pytest.raises(Conflict):
        move(case, story.alice, action, reason="Because.")
    case.refresh_from_db()
    assert (case.state, CaseEvent.objects.filter(case=case).count()) == before


@pytest.mark.parametrize("action", [Action.TAKE, Action.ASK_INFO, Action.HOLD, Action.RESOLVE, Action.MERGE])
def test_a_customer_trying_an_agent_move_is_forbidden(story: Story, case_in: CaseIn, action: Action) -> None:
    case = case_in(State.NEW if action == Action.TAKE else State.OPEN)
    before = (case.state, CaseEvent.objects.filter(case=case).count())
    with pytest.raises(Forbidden):
        move(case, story.alice, action)
    case.refresh_from_db()
    assert (case.state, CaseEvent.objects.filter(case=case).count()) == before


def test_an_agent_may_not_accept_for_themselves(story: Story, case_in: CaseIn) -> None:
    case = case_in(State.RESOLVED)
    with pytest.raises(Forbidden):
        move(case, story.dana, Action.ACCEPT)


def test_an_agent_acting_for_the_requester_may_accept(story: Story, case_in: CaseIn) -> None:
    case = case_in(State.RESOLVED)
    move(case, story.dana, Action.ACCEPT, on_behalf_of=story.alice)
    case.refresh_from_db()
    assert (case.state, case.close_reason) == (State.CLOSED, CloseReason.ACCEPTED)
    event = CaseEvent.objects.filter(case=case, kind="state_changed").latest("id")
    assert (event.actor, event.on_behalf_of) == (story.dana, story.alice)


def test_an_agent_may_not_act_for_someone_of_another_organisation(story: Story, case_in: CaseIn) -> None:
    case = case_in(State.RESOLVED)
    with pytest.raises(Forbidden):
        move(case, story.dana, Action.ACCEPT, on_behalf_of=story.charlie)
    case.refresh_from_db()
    assert case.state == State.RESOLVED


def test_a_colleague_who_cannot_see_the_case_may_not_close_it(story: Story, case_in: CaseIn) -> None:
    case = case_in(State.OPEN)  # private, Alice's
    with pytest.raises(Forbidden):
        move(case, story.bob, Action.CLOSE)
    with pytest.raises(Forbidden):
        move(case, story.charlie, Action.CLOSE)


def test_an_unknown_action_is_invalid_input(story: Story, case_in: CaseIn) -> None:
    with pytest.raises(InvalidInput):
        move(case_in(State.OPEN), story.dana, "explode")


def test_the_history_replays_to_the_current_state(story: Story, case_in: CaseIn) -> None:
    case = case_in(State.RESOLVED)
    move(case, story.alice, Action.REJECT, reason="No.")
    reply(case, story.dana, "Need logs.")
    move(case, story.dana, Action.ASK_INFO)
    reply(case, story.alice, "Logs.")
    move(case, story.dana, Action.RESOLVE)
    move(case, story.alice, Action.ACCEPT)
    case.refresh_from_db()
    assert replay(history(case)) == case.state == State.CLOSED
