"""Properties of clocks on any calendar: pauses only delay, re-targeting keeps the time used, stops."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from supportal.sla.calendar import BusinessCalendar, add_business_time, business_time_between
from supportal.sla.clock import Clock, ClockStatus, Pause, Target
from tests.sla.strategies import BOUNDED, calendars, durations_on, instants

offsets = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=20))
lengths = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=4))


def _pauses(start: datetime, spans: list[tuple[timedelta, timedelta]]) -> tuple[Pause, ...]:
    return tuple(Pause(start + offset, start + offset + length) for offset, length in spans)


def _known(at: datetime | None) -> datetime:
    assert at is not None
    return at


def _target(data: st.DataObject, calendar: BusinessCalendar) -> Target:
    return Target(data.draw(durations_on(calendar, positive=True)), calendar)


@BOUNDED
@given(data=st.data(), calendar=calendars, start=instants)
def test_without_pauses_the_clock_is_business_time_arithmetic(data, calendar, start):
    target = _target(data, calendar)
    clock = Clock(target, start)
    due = _known(clock.due_at())
    assert due == add_business_time(calendar, start, target.duration)
    assert clock.elapsed(due) == target.duration
    assert clock.status(due) is ClockStatus.BREACHED
    assert clock.status(due - timedelta(microseconds=1)) is ClockStatus.RUNNING
    assert clock.warning_at(1.0) == due
    assert start <= _known(clock.warning_at(data.draw(st.floats(0.01, 1.0)))) <= due


@BOUNDED
@given(
    data=st.data(),
    calendar=calendars,
    start=instants,
    spans=st.lists(st.tuples(offsets, lengths), max_size=5),
    later=offsets,
)
def test_pauses_only_delay(data, calendar, start, spans, later):
    target = _target(data, calendar)
    plain = Clock(target, start)
    paused = Clock(target, start, pauses=_pauses(start, spans))
    due = _known(paused.due_at())
    assert due >= _known(plain.due_at())
    assert paused.elapsed(due) == target.duration
    now = start + later
    assert paused.elapsed(now) <= plain.elapsed(now)
    assert _known(paused.warning_at(0.75)) >= _known(plain.warning_at(0.75))


@BOUNDED
@given(data=st.data(), calendar=calendars, start=instants, at=offsets, later=offsets)
def test_re_targeting_keeps_the_time_used(data, calendar, start, at, later):
    first, second = _target(data, calendar), _target(data, calendar)
    change = start + at
    clock = Clock(first, start)
    moved = clock.retarget(change, second)
    assert moved.elapsed(start + later) == clock.elapsed(start + later)
    assert clock.retarget(change, first).due_at() == clock.due_at()
    used = business_time_between(calendar, start, change)
    if used < second.duration:
        assert moved.due_at() == add_business_time(calendar, start, second.duration)
    else:  # already used up: due at the change, or earlier if it was overdue before
        assert moved.due_at() == min(_known(clock.due_at()), change)
        assert moved.status(change) is ClockStatus.BREACHED


@BOUNDED
@given(
    data=st.data(),
    calendar=calendars,
    start=instants,
    spans=st.lists(st.tuples(offsets, lengths), max_size=3),
    stop=offsets,
    later=offsets,
)
def test_a_stopped_clock_is_met_exactly_when_stopped_before_the_due_time(
    data, calendar, start, spans, stop, later
):
    stopped_at = start + stop
    clock = Clock(_target(data, calendar), start, pauses=_pauses(start, spans), stopped_at=stopped_at)
    due = _known(clock.due_at())
    status = clock.status(stopped_at + later)
    assert status is (ClockStatus.MET if stopped_at < due else ClockStatus.BREACHED)
    assert clock.elapsed(stopped_at + later) == clock.elapsed(stopped_at)


@BOUNDED
@given(data=st.data(), first_calendar=calendars, second_calendar=calendars, start=instants, at=offsets)
def test_re_targeting_to_another_calendar_counts_the_rest_there(
    data, first_calendar, second_calendar, start, at
):
    first, second = _target(data, first_calendar), _target(data, second_calendar)
    change = start + at
    moved = Clock(first, start).retarget(change, second)
    due = _known(moved.due_at())
    used = Clock(first, start).elapsed(change)
    if used < second.duration:
        assert due == add_business_time(second_calendar, change, second.duration - used)
        assert moved.elapsed(due) == second.duration
    else:
        assert due <= change
        assert moved.status(change) is ClockStatus.BREACHED
