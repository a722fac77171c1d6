"""Business calendars: weekends, public holidays, time zones and daylight saving, bounds, speed."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from supportal.sla.calendar import (
    ALWAYS_OPEN,
    BusinessCalendar,
    CalendarError,
    OpeningSpan,
    add_business_time,
    business_time_between,
    is_open,
    next_open,
)

BRUSSELS = ZoneInfo("Europe/Brussels")
LONDON = ZoneInfo("Europe/London")
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def bxl(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A Brussels wall-clock time."""
    return datetime(year, month, day, hour, minute, tzinfo=BRUSSELS)


def office(zone: str = "Europe/Brussels", country: str | None = "BE", **kwargs: object) -> BusinessCalendar:
    return BusinessCalendar.from_hours(zone, {"mon-fri": "09:00-17:00"}, holiday_country=country, **kwargs)  # type: ignore[arg-type]


BE_OFFICE = office()


def test_a_case_created_on_friday_evening_counts_from_monday_morning():
    due = add_business_time(BE_OFFICE, bxl(2025, 6, 13, 18, 0), timedelta(hours=4))
    assert due == bxl(2025, 6, 16, 13, 0)
    assert due.tzinfo is UTC


def test_the_weekend_does_not_count():
    due = add_business_time(BE_OFFICE, bxl(2025, 6, 13, 16, 0), timedelta(hours=2))
    assert due == bxl(2025, 6, 16, 10, 0)
    assert business_time_between(BE_OFFICE, bxl(2025, 6, 13, 16, 0), due) == timedelta(hours=2)


def test_a_target_ending_at_closing_time_is_due_at_closing_time():
    assert add_business_time(BE_OFFICE, bxl(2025, 6, 16, 9, 0), timedelta(hours=8)) == bxl(2025, 6, 16, 17)
    assert not is_open(BE_OFFICE, bxl(2025, 6, 16, 17, 0))
    assert is_open(BE_OFFICE, bxl(2025, 6, 16, 9, 0))


def test_belgian_national_day_is_closed():
    # Monday 21 July 2025 is the National Day: Friday 16:00 + 2 h lands on Tuesday 10:00.
    due = add_business_time(BE_OFFICE, bxl(2025, 7, 18, 16, 0), timedelta(hours=2))
    assert due == bxl(2025, 7, 22, 10, 0)
    assert BE_OFFICE.is_closed_date(date(2025, 7, 21))
    assert not is_open(BE_OFFICE, bxl(2025, 7, 21, 11, 0))


def test_dutch_kings_day_is_closed_but_not_in_belgium():
    nl = office("Europe/Amsterdam", "NL")
    friday = datetime(2026, 4, 24, 16, 30, tzinfo=AMSTERDAM)
    assert add_business_time(nl, friday, timedelta(hours=1)) == datetime(2026, 4, 28, 9, 30, tzinfo=AMSTERDAM)
    assert add_business_time(BE_OFFICE, bxl(2026, 4, 24, 16, 30), timedelta(hours=1)) == bxl(
        2026, 4, 27, 9, 30
    )


def test_uk_bank_holidays_follow_the_subdivision():
    england = office("Europe/London", "GB", holiday_subdivision="ENG")
    scotland = office("Europe/London", "GB", holiday_subdivision="SCT")
    spring_bank_friday = datetime(2025, 5, 23, 16, 0, tzinfo=LONDON)
    expected = datetime(2025, 5, 27, 10, 0, tzinfo=LONDON)
    assert add_business_time(england, spring_bank_friday, timedelta(hours=2)) == expected
    # St Andrew's Day (Sunday 30 November 2025) is observed on Monday 1 December in Scotland only.
    friday = datetime(2025, 11, 28, 16, 0, tzinfo=LONDON)
    assert add_business_time(england, friday, timedelta(hours=2)) == datetime(2025, 12, 1, 10, tzinfo=LONDON)
    assert add_business_time(scotland, friday, timedelta(hours=2)) == datetime(2025, 12, 2, 10, tzinfo=LONDON)


def test_extra_closed_dates():
    calendar = office(closed_dates={date(2025, 6, 16)})
    assert add_business_time(calendar, bxl(2025, 6, 13, 16, 0), timedelta(hours=2)) == bxl(2025, 6, 17, 10, 0)


def test_several_spans_a_day():
    calendar = BusinessCalendar.from_hours("Europe/Brussels", {"mon-fri": ["09:00-12:00", "13:00-17:00"]})
    assert add_business_time(calendar, bxl(2025, 6, 16, 11, 0), timedelta(hours=2)) == bxl(2025, 6, 16, 14)
    assert not is_open(calendar, bxl(2025, 6, 16, 12, 30))
    assert next_open(calendar, bxl(2025, 6, 16, 12, 30)) == bxl(2025, 6, 16, 13, 0)
    assert calendar.business_day == timedelta(hours=7)


def test_opening_stays_at_nine_local_across_spring_forward():
    # Brussels moves to summer time on Sunday 30 March 2025: Friday is UTC+1, Monday UTC+2.
    due = add_business_time(BE_OFFICE, bxl(2025, 3, 28, 16, 0), timedelta(hours=2))
    assert due == bxl(2025, 3, 31, 10, 0)
    assert due == datetime(2025, 3, 31, 8, 0, tzinfo=UTC)


def test_opening_stays_at_nine_local_across_fall_back():
    # Back to winter time on Sunday 26 October 2025.
    due = add_business_time(BE_OFFICE, bxl(2025, 10, 24, 16, 0), timedelta(hours=2))
    assert due == datetime(2025, 10, 27, 9, 0, tzinfo=UTC) == bxl(2025, 10, 27, 10, 0)


def test_a_whole_local_day_lasts_23_and_25_hours_on_the_change_days():
    # Open all day every day in local time, but with holidays, so it is not ALWAYS_OPEN's shortcut.
    calendar = BusinessCalendar.from_hours(
        "Europe/Brussels", {"mon-sun": "00:00-24:00"}, holiday_country="BE"
    )
    assert not calendar.always_open
    assert business_time_between(calendar, bxl(2025, 3, 30), bxl(2025, 3, 31)) == timedelta(hours=23)
    assert business_time_between(calendar, bxl(2025, 10, 26), bxl(2025, 10, 27)) == timedelta(hours=25)
    start = bxl(2025, 3, 29, 12, 0).astimezone(UTC)  # UTC: aware arithmetic in a local zone is wall time
    assert add_business_time(calendar, start, timedelta(hours=24)) == start + timedelta(hours=24)
    assert add_business_time(calendar, start, timedelta(hours=24)) == bxl(2025, 3, 30, 13, 0)


def test_daily_hours_around_the_night_clocks_change():
    calendar = BusinessCalendar.from_hours("Europe/Brussels", {"mon-sun": "08:00-20:00"})
    # Saturday 19:00 CET + 2 h: one hour on Saturday, one from 08:00 CEST on Sunday.
    assert add_business_time(calendar, bxl(2025, 3, 29, 19, 0), timedelta(hours=2)) == bxl(2025, 3, 30, 9, 0)
    assert business_time_between(calendar, bxl(2025, 3, 29, 8), bxl(2025, 3, 31, 8)) == timedelta(hours=24)


def test_spans_in_the_spring_forward_gap_never_count_twice():
    calendar = BusinessCalendar.from_hours("Europe/Brussels", {"sun": ["01:00-02:45", "03:00-04:00"]})
    # 01:00 CET is 00:00 UTC and 04:00 CEST is 02:00 UTC: two real hours at most.
    day = business_time_between(calendar, bxl(2025, 3, 30, 0, 0), bxl(2025, 3, 30, 12, 0))
    assert day == timedelta(hours=2)


def test_is_open_and_next_open():
    saturday = bxl(2025, 6, 14, 11, 0)
    assert not is_open(BE_OFFICE, saturday)
    assert next_open(BE_OFFICE, saturday) == bxl(2025, 6, 16, 9, 0)
    monday = bxl(2025, 6, 16, 11, 0)
    assert next_open(BE_OFFICE, monday) == monday
    assert next_open(BE_OFFICE, bxl(2025, 6, 16, 17, 0)) == bxl(2025, 6, 17, 9, 0)
    assert is_open(ALWAYS_OPEN, saturday)


def test_always_open_is_plain_arithmetic():
    start = bxl(2025, 3, 29, 22, 0).astimezone(UTC)
    assert ALWAYS_OPEN.always_open
    assert add_business_time(ALWAYS_OPEN, start, timedelta(days=10)) == start + timedelta(days=10)
    assert business_time_between(ALWAYS_OPEN, start, start + timedelta(hours=5)) == timedelta(hours=5)
    assert ALWAYS_OPEN.business_day == timedelta(hours=24)


def test_between_is_zero_backwards_and_the_duration_zero_is_the_start():
    assert business_time_between(BE_OFFICE, bxl(2025, 6, 16, 12), bxl(2025, 6, 16, 10)) == timedelta(0)
    saturday = bxl(2025, 6, 14, 11, 0)
    assert add_business_time(BE_OFFICE, saturday, timedelta(0)) == saturday


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: BusinessCalendar.from_hours("Europe/Brussels", {}), "at least one opening span"),
        (lambda: BusinessCalendar.from_hours("Mars/Olympus", {"mon": "09:00-17:00"}), "Unknown time zone"),
        (lambda: office(country="XX"), "No public holidays"),
        (lambda: office(country="GB", holiday_subdivision="ZZ"), "No public holidays"),
        (lambda: office(country=None, holiday_subdivision="ENG"), "needs a holiday country"),
        (lambda: BusinessCalendar.from_hours("UTC", {"mon": ["09:00-13:00", "12:00-17:00"]}), "overlap"),
        (lambda: BusinessCalendar.from_hours("UTC", {"mon": "17:00-09:00"}), "end after it starts"),
        (lambda: BusinessCalendar.from_hours("UTC", {"mon": "9 to 5"}), "look like"),
        (lambda: BusinessCalendar.from_hours("UTC", {"fri-mon": "09:00-17:00"}), "weekday range"),
        (lambda: BusinessCalendar.from_hours("UTC", {"funday": "09:00-17:00"}), "Not a weekday"),
    ],
)
def test_unusable_calendars_are_refused_when_built(build, message):
    with pytest.raises(CalendarError, match=message):
        build()


def test_naive_datetimes_and_negative_durations_are_refused():
    with pytest.raises(ValueError, match="aware"):
        add_business_time(BE_OFFICE, datetime(2025, 6, 16, 9), timedelta(hours=1))  # noqa: DTZ001
    with pytest.raises(ValueError, match="negative"):
        add_business_time(BE_OFFICE, bxl(2025, 6, 16, 9), timedelta(hours=-1))


def test_a_calendar_closed_for_years_stops_searching():
    mondays = {date(2025, 6, 16) + timedelta(weeks=n) for n in range(600)}
    calendar = BusinessCalendar.from_hours("UTC", {"mon": "09:00-17:00"}, closed_dates=mondays)
    with pytest.raises(CalendarError, match="closed for more than"):
        add_business_time(calendar, bxl(2025, 6, 16, 9), timedelta(hours=1))
    with pytest.raises(CalendarError):
        next_open(calendar, bxl(2025, 6, 16, 9))


def test_spans_print_and_parse_midnight():
    span = OpeningSpan.parse("18:00-24:00")
    assert span.end == time(0) and str(span) == "18:00-24:00"
    assert span.end_seconds - span.start_seconds == 6 * 3600
