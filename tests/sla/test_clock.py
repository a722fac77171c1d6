"""SLA clocks: due and warning times, pauses across nights, stops, re-targeting, the default table."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from supportal.sla.calendar import ALWAYS_OPEN, BusinessCalendar, add_business_time
from supportal.sla.clock import Clock, ClockStatus, Pause, Target
from supportal.sla.targets import DEFAULT_TARGETS, PRIORITIES, Metric, TargetLength, default_target

BRUSSELS = ZoneInfo("Europe/Brussels")
BE_OFFICE = BusinessCalendar.from_hours("Europe/Brussels", {"mon-fri": "09:00-17:00"}, holiday_country="BE")
HOUR = timedelta(hours=1)


def bxl(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A Brussels wall-clock time."""
    return datetime(year, month, day, hour, minute, tzinfo=BRUSSELS)


def office(hours: float) -> Target:
    return Target(timedelta(hours=hours), BE_OFFICE)


def test_a_case_created_on_friday_evening_waits_for_monday():
    clock = Clock(office(4), bxl(2025, 6, 13, 18, 0))  # P3 response, Friday 18:00
    assert clock.due_at() == bxl(2025, 6, 16, 13, 0)
    saturday = clock.state(bxl(2025, 6, 14, 12, 0))
    assert (saturday.status, saturday.elapsed, saturday.remaining, saturday.warning) == (
        ClockStatus.RUNNING,
        timedelta(0),
        4 * HOUR,
        False,
    )
    assert clock.warning_at(0.75) == bxl(2025, 6, 16, 12, 0)
    assert clock.state(bxl(2025, 6, 16, 12, 0)).warning
    assert clock.status(bxl(2025, 6, 16, 12, 59)) is ClockStatus.RUNNING
    assert clock.status(bxl(2025, 6, 16, 13, 0)) is ClockStatus.BREACHED


def test_a_pause_across_the_night_only_delays_by_the_open_time_it_covers():
    start = bxl(2025, 6, 16, 16, 0)
    assert Clock(office(4), start).due_at() == bxl(2025, 6, 17, 12, 0)
    # Awaiting Info from Monday 16:30 to Tuesday 10:00 covers 30 min on Monday and 1 h on Tuesday.
    clock = Clock(office(4), start).pause(bxl(2025, 6, 16, 16, 30)).resume(bxl(2025, 6, 17, 10, 0))
    assert clock.due_at() == bxl(2025, 6, 17, 13, 30)
    assert clock.elapsed(bxl(2025, 6, 17, 10, 0)) == timedelta(minutes=30)
    assert clock.status(bxl(2025, 6, 16, 23, 0)) is ClockStatus.PAUSED


def test_while_paused_the_due_time_is_unknown_and_time_left_is_frozen():
    clock = Clock(office(4), bxl(2025, 6, 16, 9, 0)).pause(bxl(2025, 6, 16, 12, 0))
    for now in (bxl(2025, 6, 16, 12, 0), bxl(2025, 6, 18, 15, 0)):
        state = clock.state(now)
        assert (state.status, state.due_at, state.remaining) == (ClockStatus.PAUSED, None, HOUR)
        assert state.warning  # 3 h of 4 h used before the pause
    assert clock.warning_at(0.75) == bxl(2025, 6, 16, 12, 0)
    resumed = clock.resume(bxl(2025, 6, 18, 15, 0))
    assert resumed.due_at() == bxl(2025, 6, 18, 16, 0)


def test_pauses_outside_the_clock_and_overlapping_pauses_count_once():
    start = bxl(2025, 6, 16, 9, 0)
    clock = Clock(
        office(8),
        start,
        pauses=(
            Pause(bxl(2025, 6, 13, 10, 0), bxl(2025, 6, 16, 10, 0)),  # began before the case: from 09:00
            Pause(bxl(2025, 6, 16, 11, 0), bxl(2025, 6, 16, 12, 0)),
            Pause(bxl(2025, 6, 16, 11, 30), bxl(2025, 6, 16, 12, 30)),
        ),
    )
    # 1 h before 10:00 and 1.5 h from 11:00 to 12:30 are paused: 2.5 h later than 17:00.
    assert clock.due_at() == bxl(2025, 6, 17, 11, 30)


def test_met_before_the_due_time_and_frozen_after():
    clock = Clock(office(4), bxl(2025, 6, 16, 9, 0)).stop(bxl(2025, 6, 16, 10, 30))
    later = clock.state(bxl(2025, 6, 20, 9, 0))
    assert (later.status, later.elapsed, later.remaining, later.warning) == (
        ClockStatus.MET,
        timedelta(hours=1.5),
        timedelta(hours=2.5),
        False,
    )
    assert later.due_at == bxl(2025, 6, 16, 13, 0)
    assert clock.status(bxl(2025, 6, 16, 10, 0)) is ClockStatus.RUNNING  # before the stop


def test_a_stop_at_or_after_the_due_time_is_a_breach():
    start = bxl(2025, 6, 16, 9, 0)
    assert (
        Clock(office(4), start).stop(bxl(2025, 6, 16, 13, 0)).status(bxl(2025, 6, 17)) is ClockStatus.BREACHED
    )
    # Due at 17:00 closing; a reply at 18:00 adds no open time but is still late.
    late = Clock(office(8), start).stop(bxl(2025, 6, 16, 18, 0))
    assert late.elapsed(bxl(2025, 6, 17)) == 8 * HOUR
    assert late.status(bxl(2025, 6, 17)) is ClockStatus.BREACHED


def test_a_reply_while_on_hold_meets_the_target():
    clock = Clock(office(4), bxl(2025, 6, 16, 9, 0)).pause(bxl(2025, 6, 16, 10, 0)).stop(bxl(2025, 6, 19, 9))
    assert clock.status(bxl(2025, 6, 20)) is ClockStatus.MET
    assert clock.due_at() == bxl(2025, 6, 19, 12, 0)  # as if it had resumed at the stop


def test_raising_the_priority_keeps_the_elapsed_time():
    start = datetime(2025, 6, 16, 10, 0, tzinfo=UTC)
    p4 = Clock(Target(timedelta(hours=24)), start)  # response P4, 24/7
    p2 = p4.retarget(start + timedelta(minutes=20), Target(HOUR))
    assert p2.due_at() == start + HOUR
    assert p2.elapsed(start + timedelta(minutes=30)) == timedelta(minutes=30)
    assert [r.target.duration for r in p2.retargets] == [HOUR]  # the history stays on the clock
    assert p2.target.duration == timedelta(hours=24) and p2.current_target.duration == HOUR


def test_a_new_target_already_used_up_breaches_at_the_change_not_before():
    start = bxl(2025, 6, 16, 9, 0)
    clock = Clock(office(40), start).retarget(bxl(2025, 6, 17, 12, 0), office(8))  # 11 h used
    change = bxl(2025, 6, 17, 12, 0)
    assert clock.due_at() == change
    assert clock.warning_at(0.75) == change
    assert clock.status(change - timedelta(seconds=1)) is ClockStatus.RUNNING
    state = clock.state(change)
    assert (state.status, state.remaining) == (ClockStatus.BREACHED, -3 * HOUR)


def test_an_overdue_clock_keeps_its_due_time_unless_the_new_target_leaves_time():
    start = bxl(2025, 6, 16, 9, 0)
    overdue = Clock(office(4), start)  # due Monday 13:00
    change = bxl(2025, 6, 16, 15, 0)  # 6 h used
    assert overdue.retarget(change, office(4)).due_at() == bxl(2025, 6, 16, 13, 0)
    assert overdue.retarget(change, office(2)).due_at() == bxl(2025, 6, 16, 13, 0)
    longer = overdue.retarget(change, office(8))
    assert longer.due_at() == bxl(2025, 6, 16, 17, 0)
    assert longer.status(bxl(2025, 6, 16, 16, 0)) is ClockStatus.RUNNING


def test_a_plan_change_measures_the_rest_on_the_new_calendar():
    start = bxl(2025, 6, 16, 9, 0)
    office_only = Clock(office(10), start)
    assert office_only.due_at() == bxl(2025, 6, 17, 11, 0)
    # At 16:00, 7 h used on office hours; the 3 h left run on the 24/7 calendar.
    moved = office_only.retarget(bxl(2025, 6, 16, 16, 0), Target(timedelta(hours=10), ALWAYS_OPEN))
    assert moved.due_at() == bxl(2025, 6, 16, 19, 0)
    assert moved.elapsed(bxl(2025, 6, 16, 18, 0)) == 9 * HOUR


def test_re_targets_after_the_stop_do_not_count_and_at_the_start_they_replace():
    start = bxl(2025, 6, 16, 9, 0)
    done = Clock(office(4), start).stop(bxl(2025, 6, 16, 10)).retarget(bxl(2025, 6, 16, 11), office(1))
    assert done.current_target == office(4)
    assert done.status(bxl(2025, 6, 17)) is ClockStatus.MET
    replaced = Clock(office(4), start).retarget(start - HOUR, office(2))
    assert replaced.due_at() == bxl(2025, 6, 16, 11, 0)


def test_the_default_targets_of_product_md():
    response = [DEFAULT_TARGETS[p, Metric.RESPONSE] for p in PRIORITIES]
    assert [str(length) for length in response] == ["30 min", "1 h", "4 h", "24 h"]
    workaround = [default_target(p, Metric.WORKAROUND) for p in PRIORITIES]
    assert [str(length) for length in workaround] == ["8 h", "48 h", "5 days", "10 days"]
    assert all(
        DEFAULT_TARGETS[p, Metric.RESOLUTION] == DEFAULT_TARGETS[p, Metric.WORKAROUND] for p in PRIORITIES
    )
    with pytest.raises(ValueError, match="P9"):
        default_target("P9", Metric.RESPONSE)


def test_days_are_business_days_of_the_calendar():
    five_days = default_target("P3", Metric.RESOLUTION)
    assert five_days.on(ALWAYS_OPEN) == timedelta(days=5)
    assert five_days.on(BE_OFFICE) == timedelta(hours=40)
    start = bxl(2025, 6, 16, 10, 0)
    assert add_business_time(BE_OFFICE, start, five_days.on(BE_OFFICE)) == bxl(2025, 6, 23, 10, 0)
    assert TargetLength(minutes=90, days=1).on(BE_OFFICE) == timedelta(hours=9.5)
    with pytest.raises(ValueError):
        TargetLength()


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError, match="positive"):
        Target(timedelta(0))
    with pytest.raises(ValueError, match="aware"):
        Clock(office(1), datetime(2025, 6, 16, 9))  # noqa: DTZ001
    with pytest.raises(ValueError, match="share"):
        Clock(office(1), bxl(2025, 6, 16, 9)).warning_at(1.5)
    with pytest.raises(ValueError, match="not paused"):
        Clock(office(1), bxl(2025, 6, 16, 9)).resume(bxl(2025, 6, 16, 10))
    with pytest.raises(ValueError, match="stops after"):
        Clock(office(1), bxl(2025, 6, 16, 9), stopped_at=bxl(2025, 6, 16, 8))
