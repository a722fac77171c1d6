"""Hypothesis strategies for calendars, instants and durations (shared by the SLA property tests)."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, time, timedelta

from hypothesis import settings
from hypothesis import strategies as st

from supportal.sla.calendar import ALWAYS_OPEN, BusinessCalendar, OpeningSpan

# SLA_EXAMPLES=20000 for a long hunt; the default keeps the suite to a few seconds.
BOUNDED = settings(max_examples=int(os.environ.get("SLA_EXAMPLES", "200")), deadline=None, database=None)

# Zones with ordinary DST, none, southern-hemisphere DST, a 30-minute DST and a DST change at midnight.
ZONES = (
    "Europe/Brussels",
    "Europe/London",
    "America/New_York",
    "Asia/Kolkata",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "America/Santiago",
    "UTC",
)

FIXED = (
    ALWAYS_OPEN,
    BusinessCalendar.from_hours("Europe/Brussels", {"mon-fri": "09:00-17:00"}, holiday_country="BE"),
    BusinessCalendar.from_hours(
        "Europe/London",
        {"mon-fri": ["08:30-12:00", "13:00-17:30"]},
        holiday_country="GB",
        holiday_subdivision="ENG",
    ),
    BusinessCalendar.from_hours("Europe/Amsterdam", {"mon-sun": "00:00-24:00"}, holiday_country="NL"),
    BusinessCalendar.from_hours("Europe/Brussels", {"sun": ["01:00-02:45", "03:00-04:00"]}),
    BusinessCalendar.from_hours("America/Santiago", {"sat-sun": "00:00-24:00", "wed": "23:00-24:00"}),
)


@st.composite
def _day_spans(draw: st.DrawFn) -> tuple[OpeningSpan, ...]:
    """Up to three spans, on quarter-hour boundaries, in order and not overlapping."""
    cuts = sorted(draw(st.sets(st.integers(0, 96), max_size=6)))
    if len(cuts) % 2:
        cuts = cuts[:-1]
    spans = []
    for low, high in zip(cuts[::2], cuts[1::2], strict=True):
        start = time(low * 15 // 60, low * 15 % 60)
        end = time(0) if high == 96 else time(high * 15 // 60, high * 15 % 60)
        spans.append(OpeningSpan(start, end))
    return tuple(spans)


_DAY_SPANS = _day_spans()


@st.composite
def random_calendars(draw: st.DrawFn) -> BusinessCalendar:
    week = tuple(draw(_DAY_SPANS) for _ in range(7))
    if not any(week):
        week = ((OpeningSpan(time(9), time(17)),), *week[1:])
    closed = draw(st.frozensets(st.dates(date(2024, 1, 1), date(2027, 12, 31)), max_size=20))
    country = draw(st.sampled_from([None, "BE", "NL", "GB"]))
    return BusinessCalendar(
        time_zone=draw(st.sampled_from(ZONES)), week=week, holiday_country=country, closed_dates=closed
    )


calendars = st.one_of(st.sampled_from(FIXED), random_calendars())

# Around the 2025 daylight-saving changes of the zones above (UTC, roughly; +-4 days covers them).
_CHANGES = [
    datetime(2025, 3, 30, 1, tzinfo=UTC),  # Europe, spring
    datetime(2025, 10, 26, 1, tzinfo=UTC),  # Europe, autumn
    datetime(2025, 3, 9, 7, tzinfo=UTC),  # New York
    datetime(2025, 11, 2, 6, tzinfo=UTC),
    datetime(2025, 4, 5, 16, tzinfo=UTC),  # Sydney and Lord Howe
    datetime(2025, 10, 4, 16, tzinfo=UTC),
    datetime(2025, 4, 6, 3, tzinfo=UTC),  # Santiago, at local midnight
    datetime(2025, 9, 7, 4, tzinfo=UTC),
]

instants = st.one_of(
    st.datetimes(
        min_value=datetime(2024, 1, 1),  # noqa: DTZ001 - hypothesis wants naive bounds with timezones=
        max_value=datetime(2027, 12, 31),  # noqa: DTZ001
        timezones=st.just(UTC),
    ),
    st.builds(
        lambda change, offset: change + offset,
        st.sampled_from(_CHANGES),
        st.timedeltas(min_value=timedelta(days=-4), max_value=timedelta(days=1)),
    ),
)

_PARTS = 10**9
_MICRO = timedelta(microseconds=1)


@st.composite
def durations_on(draw: st.DrawFn, calendar: BusinessCalendar, *, positive: bool = False) -> timedelta:
    """Up to 20 business days of the calendar (30 days on 24/7): any microsecond, or whole quarters."""
    most = min(calendar.business_day * 20, timedelta(days=30))
    duration = timedelta(microseconds=most // _MICRO * draw(_FRACTIONS) // _PARTS)
    if draw(_QUARTERS):
        duration -= duration % timedelta(minutes=15)
    if positive and duration <= timedelta(0):
        duration = timedelta(minutes=15)
    return duration


_FRACTIONS = st.integers(0, _PARTS)
_QUARTERS = st.booleans()
