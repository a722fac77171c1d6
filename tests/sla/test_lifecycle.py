"""A case's SLA clocks through the real case services, with the clock frozen (time-machine): started at
creation, met by the first public agent reply, a workaround and the resolution, paused in Awaiting Info
and On Hold, restarted when a resolution is rejected, re-targeted when the priority or type changes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from supportal.cases import services
from supportal.cases.lifecycle import Action
from supportal.cases.models import Case, CaseEvent, CaseType, EventKind
from supportal.core.errors import Conflict, Forbidden
from supportal.sla.display import clock_views
from supportal.sla.models import ClockPhase, SlaClock
from tests.cases.conftest import CaseMaker, move, reply
from tests.conftest import Story

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday
MIN = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


@pytest.fixture
def clock_at() -> Iterator[time_machine.Coordinates]:
    """The frozen clock, at T0; `clock_at.shift(...)` moves it on."""
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def clock(case: Case, metric: str) -> SlaClock:
    return SlaClock.objects.get(case=case, metric=metric)


def status(case: Case, now: datetime) -> dict[str, str]:
    return {view.metric: view.status.value for view in clock_views(case, now)}


def p3(cases: CaseMaker) -> Case:
    case = cases(urgency="medium", impact="low")
    assert case.priority == "P3"
    return case


def test_a_new_case_starts_three_clocks_on_the_default_targets(
    cases: CaseMaker, clock_at: time_machine.Coordinates
) -> None:
    case = p3(cases)  # 4 h response, 5 days workaround and resolution, 24/7
    rows = {row.metric: row for row in SlaClock.objects.filter(case=case)}
    assert set(rows) == {"response", "workaround", "resolution"}
    assert (rows["response"].due_at, rows["response"].warn_at) == (T0 + 4 * HOUR, T0 + 3 * HOUR)
    assert rows["resolution"].due_at == rows["workaround"].due_at == T0 + 5 * DAY
    assert {row.phase for row in rows.values()} == {ClockPhase.RUNNING}
    assert status(case, T0 + HOUR) == dict.fromkeys(rows, "running")
    assert status(case, T0 + 4 * HOUR) == {
        "response": "breached",
        "workaround": "running",
        "resolution": "running",
    }


def test_only_a_public_agent_reply_meets_the_response_target(
    story: Story, cases: CaseMaker, clock_at: time_machine.Coordinates
) -> None:
    case = p3(cases)
    clock_at.shift(HOUR)
    reply(case, story.alice, "Any news?")  # the customer
    reply(case, story.dana, "Looking at the logs.", public=False)  # an internal note
    reply(case, story.dana, "Typed for Alice.", on_behalf_of=story.alice)  # an agent writing for her
    assert clock(case, "response").phase == ClockPhase.RUNNING
    clock_at.shift(HOUR)
    reply(case, story.dana, "We are on it.")
    response = clock(case, "response")
    assert (response.phase, response.stopped_at, response.stopped_by) == (
        ClockPhase.STOPPED,
        T0 + 2 * HOUR,
        "reply",
    )
    assert (response.due_at, response.warn_at) == (None, None)  # out of the sweep's indexes
    view = {v.metric: v for v in clock_views(case, T0 + 10 * HOUR)}["response"]
    assert (view.status, view.due_at, view.early_or_late) == ("met", T0 + 4 * HOUR, "2 h")
    assert clock(case, "resolution").phase == ClockPhase.RUNNING


def test_awaiting_info_and_on_hold_pause_every_clock(
    story: Story, cases: CaseMaker, clock_at: time_machine.Coordinates
) -> None:
    case = p3(cases)
    move(case, story.dana, Action.TAKE)
    clock_at.shift(HOUR)
    move(case, story.dana, Action.ASK_INFO)  # no comment: the response clock pauses too
    paused = clock(case, "response")
    assert (paused.phase, paused.due_at, paused.warn_at) == (ClockPhase.PAUSED, None, None)
    assert status(case, T0 + 6 * HOUR) == dict.fromkeys(_METRICS, "paused")
    assert clock_views(case, T0 + 6 * HOUR)[0].remaining == 3 * HOUR  # response first
    clock_at.shift(2 * HOUR)
    reply(case, story.alice, "Here are the logs.")  # reopens: Open, the clocks run again
    assert clock(case, "response").due_at == T0 + 6 * HOUR  # 4 h target, 2 h paused
    assert clock(case, "resolution").due_at == T0 + 5 * DAY + 2 * HOUR
    clock_at.shift(HOUR)
    move(case, story.dana, Action.HOLD)
    clock_at.shift(DAY)
    move(case, story.dana, Action.RESUME)
    assert clock(case, "response").due_at == T0 + 6 * HOUR + DAY
    assert len(clock(case, "resolution").pauses) == 2


def test_resolving_stops_every_clock_and_a_rejection_restarts_workaround_and_resolution(
    story: Story, cases: CaseMaker, clock_at: time_machine.Coordinates
) -> None:
    case = p3(cases)
    move(case, story.dana, Action.TAKE)
    clock_at.shift(2 * HOUR)
    move(case, story.dana, Action.RESOLVE, comment="Restart the VPN client.")
    assert {m: r.phase for m, r in _rows(case).items()} == dict.fromkeys(_METRICS, ClockPhase.STOPPED)
    assert clock(case, "response").stopped_by == "reply"  # the resolution's comment came first
    assert clock(case, "resolution").stopped_by == "resolved"
    assert status(case, T0 + 3 * HOUR) == dict.fromkeys(_METRICS, "met")
    clock_at.shift(DAY)  # the customer tries it for a day
    move(case, story.alice, Action.REJECT, reason="Still dropping.")
    resolution = clock(case, "resolution")
    assert (resolution.phase, resolution.stopped_at) == (ClockPhase.RUNNING, None)
    assert resolution.due_at == T0 + 5 * DAY + DAY  # the day it spent Resolved does not count
    assert clock(case, "workaround").phase == ClockPhase.RUNNING
    assert clock(case, "response").phase == ClockPhase.STOPPED  # the customer was answered
    clock_at.shift(HOUR)
    move(case, story.alice, Action.CLOSE)
    assert {r.stopped_by for r in _rows(case).values()} == {"reply", "closed"}


def test_raising_the_priority_retargets_and_may_breach_at_once(
    story: Story, cases: CaseMaker, clock_at: time_machine.Coordinates
) -> None:
    case = p3(cases)
    clock_at.shift(2 * HOUR)
    services.case_update(actor=story.alice, case=case, channel="portal", priority="P1", reason="All down.")
    response = clock(case, "response")
    assert response.due_at == T0 + 2 * HOUR  # P1's 30 minutes were used up before P1 existed
    assert [t["label"] for t in response.targets] == ["4 h", "30 min"]
    assert response.targets[-1]["reason"] == "priority P3 → P1"
    assert clock(case, "resolution").due_at == T0 + 8 * HOUR
    assert status(case, T0 + 2 * HOUR)["response"] == "breached"
    clock_at.shift(HOUR)
    services.case_update(actor=story.dana, case=case, channel="portal", priority="P4")
    response = clock(case, "response")
    assert response.due_at == T0 + 24 * HOUR and len(response.targets) == 3  # P4 leaves time again
    assert status(case, T0 + 4 * HOUR)["response"] == "running"
    services.case_update(actor=story.dana, case=case, channel="portal", priority="P4")  # no change
    assert len(clock(case, "response").targets) == 3


def test_changing_the_type_retargets_to_the_types_policy(
    story: Story, cases: CaseMaker, clock_at: time_machine.Coordinates
) -> None:
    from supportal.sla.models import SlaPolicy, SlaTarget

    incident = CaseType.objects.get(code="incident")
    policy = SlaPolicy.objects.create(plan=story.standard, case_type=incident)
    SlaTarget.objects.create(policy=policy, metric="response", minutes=15)
    case = p3(cases)
    assert case.case_type_id != incident.pk
    clock_at.shift(10 * MIN)
    services.case_update(actor=story.dana, case=case, channel="portal", case_type=incident)
    response = clock(case, "response")
    assert (response.due_at, response.targets[-1]["reason"]) == (T0 + 15 * MIN, "case type changed")
    assert clock(case, "resolution").due_at == T0 + 5 * DAY  # no policy for it: the default stays


def test_an_agent_marks_a_workaround_once(
    story: Story, cases: CaseMaker, clock_at: time_machine.Coordinates
) -> None:
    case = p3(cases)
    with pytest.raises(Forbidden):
        services.case_mark_workaround(actor=story.alice, case=case, channel="portal")
    clock_at.shift(3 * HOUR)
    services.case_mark_workaround(
        actor=story.dana, case=case, channel="portal", comment="Use the web client."
    )
    assert clock(case, "workaround").stopped_by == "workaround"
    assert clock(case, "response").stopped_by == "reply"  # its explanation was a public reply
    assert clock(case, "resolution").phase == ClockPhase.RUNNING
    event = CaseEvent.objects.get(case=case, kind=EventKind.WORKAROUND)
    assert event.public and event.data["comment"] is not None
    with pytest.raises(Conflict):
        services.case_mark_workaround(actor=story.dana, case=case, channel="portal")


def test_a_late_stop_is_a_breach_even_before_the_sweep_saw_it(
    story: Story, cases: CaseMaker, clock_at: time_machine.Coordinates
) -> None:
    case = p3(cases)
    clock_at.shift(5 * HOUR)
    reply(case, story.dana, "Sorry for the wait.")
    response = clock(case, "response")
    assert (response.breached_at, response.phase) == (T0 + 4 * HOUR, ClockPhase.STOPPED)
    view = clock_views(case, T0 + 6 * HOUR)[0]
    assert (view.status, view.early_or_late) == ("breached", "1 h")


_METRICS = ("response", "workaround", "resolution")


def _rows(case: Case) -> dict[str, SlaClock]:
    return {row.metric: row for row in SlaClock.objects.filter(case=case)}
