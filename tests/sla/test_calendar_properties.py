"""Properties of business time on any calendar: zones with odd DST rules, random spans and closed days."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from supportal.sla.calendar import (
    ALWAYS_OPEN,
    BusinessCalendar,
    add_business_time,
    business_time_between,
    is_open,
    next_open,
)
from tests.sla.strategies import BOUNDED, ZONES, calendars, durations_on, instants

TICK = timedelta(microseconds=1)


@BOUNDED
@given(data=st.data(), calendar=calendars, start=instants)
def test_adding_then_measuring_gives_the_duration_back(data, calendar, start):
    duration = data.draw(durations_on(calendar))
    due = add_business_time(calendar, start, duration)
    assert business_time_between(calendar, start, due) == duration
    assert due - start >= duration  # open time never runs faster than real time


@BOUNDED
@given(data=st.data(), calendar=calendars, start=instants)
def test_a_longer_target_is_never_due_earlier(data, calendar, start):
    first, second = sorted((data.draw(durations_on(calendar)), data.draw(durations_on(calendar))))
    assert add_business_time(calendar, start, first) <= add_business_time(calendar, start, second)


@BOUNDED
@given(data=st.data(), calendar=calendars, start=instants)
def test_a_target_falls_due_while_the_calendar_is_open(data, calendar, start):
    duration = data.draw(durations_on(calendar, positive=True))
    due = add_business_time(calendar, start, duration)
    assert is_open(calendar, due - TICK)


@BOUNDED
@given(data=st.data(), calendar=calendars, start=instants)
def test_a_start_outside_hours_counts_from_the_next_opening(data, calendar, start):
    duration = data.draw(durations_on(calendar, positive=True))
    opening = next_open(calendar, start)
    assert is_open(calendar, opening)
    assert business_time_between(calendar, start, opening) == timedelta(0)
    assert add_business_time(calendar, start, duration) == add_business_time(calendar, opening, duration)


@BOUNDED
@given(calendar=calendars, moments=st.lists(instants, min_size=3, max_size=3))
def test_business_time_adds_up_over_consecutive_stretches(calendar, moments):
    a, b, c = sorted(moments)
    if c - a > timedelta(days=120):
        c = a + timedelta(days=120)
        b = min(b, c)
    whole = business_time_between(calendar, a, c)
    assert business_time_between(calendar, a, b) + business_time_between(calendar, b, c) == whole
    assert timedelta(0) <= whole <= c - a


@BOUNDED
@given(
    zone=st.sampled_from(ZONES),
    start=instants,
    duration=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=40)),
)
def test_open_all_day_every_day_is_plain_arithmetic_in_any_zone(zone, start, duration):
    # A far-future closed date keeps the day-by-day path (not ALWAYS_OPEN's shortcut) in use.
    calendar = BusinessCalendar.from_hours(zone, {"mon-sun": "00:00-24:00"}, closed_dates={date(2099, 1, 1)})
    assert not calendar.always_open
    assert add_business_time(calendar, start, duration) == start + duration
    assert add_business_time(ALWAYS_OPEN, start, duration) == start + duration
    assert business_time_between(calendar, start, start + duration) == duration
