"""Business calendars: the hours in which an SLA clock runs. Pure Python, no Django, no database.

A `BusinessCalendar` is a time zone, opening hours per weekday in that zone's local time (several
spans a day allowed), public holidays of one country (and subdivision) from the `holidays` package,
and extra closed dates. `ALWAYS_OPEN` is 24/7.

Every function takes and returns aware datetimes; results are in UTC. Business time is real elapsed
time while the calendar is open: an opening at 09:00 stays at 09:00 local time across daylight-saving
changes, and a span that covers the changeover (say 00:00-24:00) is one hour shorter or longer that
day. Local times that do not exist (the spring-forward gap) are read with `fold=0`, as PEP 495 says.

The functions step through the calendar one day at a time (each day's open intervals are computed
once and cached on the calendar), so a ten-day target costs a few dozen steps, never one per minute.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from supportal.core.errors import InvalidInput

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_SECONDS = 24 * 3600
_ZERO = timedelta(0)
# Consecutive closed days tolerated while searching for an opening, on top of the extra closed dates.
_MAX_CLOSED_RUN = 400
_DAY_CACHE_LIMIT = 4096

Interval = tuple[datetime, datetime]


class CalendarError(InvalidInput):
    """A calendar that cannot be used: unknown zone or country, no opening hours, bad spans."""


def _seconds(value: time) -> int:
    return value.hour * 3600 + value.minute * 60 + value.second


@dataclass(frozen=True, slots=True)
class OpeningSpan:
    """One opening span of a weekday in local time. `end == time(0)` means midnight (24:00)."""

    start: time
    end: time

    def __post_init__(self) -> None:
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise CalendarError("Opening hours are local times without a time zone.")
        if self.start.microsecond or self.end.microsecond:
            raise CalendarError("Opening hours are given to the second.")
        if self.end_seconds <= self.start_seconds:
            raise CalendarError(f"An opening span must end after it starts: {self}.")

    @property
    def start_seconds(self) -> int:
        return _seconds(self.start)

    @property
    def end_seconds(self) -> int:
        return _DAY_SECONDS if self.end == time(0) else _seconds(self.end)

    @classmethod
    def parse(cls, text: str) -> OpeningSpan:
        """`"09:00-17:30"`; `"00:00-24:00"` is the whole day."""
        match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*", text)
        if match is None:
            raise CalendarError(f"Opening hours look like 09:00-17:00, not {text!r}.")
        h1, m1, h2, m2 = (int(part) for part in match.groups())
        if (h2, m2) == (24, 0):
            h2 = 0
        if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
            raise CalendarError(f"Not a time of day: {text!r}.")
        return cls(time(h1, m1), time(h2, m2))

    def __str__(self) -> str:
        end = "24:00" if self.end == time(0) else self.end.strftime("%H:%M")
        return f"{self.start.strftime('%H:%M')}-{end}"


@functools.lru_cache(maxsize=512)
def _holiday_dates(country: str, subdivision: str | None, year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays(country, subdiv=subdivision, years=year).keys())


@functools.lru_cache(maxsize=256)
def _holiday_problem(country: str, subdivision: str | None) -> str | None:
    try:
        holidays.country_holidays(country, subdiv=subdivision)
    except NotImplementedError as exc:
        return str(exc)
    return None


@dataclass(frozen=True)
class BusinessCalendar:
    """When a clock runs. `week` holds seven tuples of spans, Monday first."""

    time_zone: str
    week: tuple[tuple[OpeningSpan, ...], ...]
    holiday_country: str | None = None
    holiday_subdivision: str | None = None
    closed_dates: frozenset[date] = frozenset()
    _days: dict[date, tuple[Interval, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise CalendarError(f"Unknown time zone {self.time_zone!r}.") from exc
        if len(self.week) != 7:
            raise CalendarError("Opening hours need seven weekdays, Monday first.")
        for name, spans in zip(WEEKDAYS, self.week, strict=True):
            ordered = sorted(spans, key=lambda span: span.start_seconds)
            if list(spans) != ordered:
                raise CalendarError(f"The spans of {name} must be in order.")
            for before, after in itertools.pairwise(ordered):
                if after.start_seconds < before.end_seconds:
                    raise CalendarError(f"The spans of {name} overlap: {before} and {after}.")
        if not any(self.week):
            raise CalendarError("A business calendar needs at least one opening span.")
        if self.holiday_subdivision and not self.holiday_country:
            raise CalendarError("A holiday subdivision needs a holiday country.")
        if self.holiday_country and (
            problem := _holiday_problem(self.holiday_country, self.holiday_subdivision)
        ):
            raise CalendarError(f"No public holidays known: {problem}.")

    @classmethod
    def from_hours(
        cls,
        time_zone: str,
        hours: Mapping[str, str | Sequence[str]],
        *,
        holiday_country: str | None = None,
        holiday_subdivision: str | None = None,
        closed_dates: Iterable[date] = (),
    ) -> BusinessCalendar:
        """Build from `{"mon-fri": "09:00-17:00", "sat": ["09:00-12:00"]}`; unnamed days are closed.

        Keys are weekday names or ranges (`mon`, `mon-fri`); values one span or a list of spans.
        """
        week: list[list[OpeningSpan]] = [[] for _ in WEEKDAYS]
        for key, value in hours.items():
            spans = (
                [OpeningSpan.parse(value)]
                if isinstance(value, str)
                else [OpeningSpan.parse(text) for text in value]
            )
            for index in _weekday_indexes(key):
                week[index].extend(spans)
        return cls(
            time_zone=time_zone,
            week=tuple(tuple(sorted(day, key=lambda span: span.start_seconds)) for day in week),
            holiday_country=holiday_country,
            holiday_subdivision=holiday_subdivision,
            closed_dates=frozenset(closed_dates),
        )

    @functools.cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @functools.cached_property
    def always_open(self) -> bool:
        """Open every instant: every day 00:00-24:00 with no holidays or closed dates."""
        whole_day = (OpeningSpan(time(0), time(0)),)
        return all(day == whole_day for day in self.week) and not (self.holiday_country or self.closed_dates)

    @property
    def business_day(self) -> timedelta:
        """The average opening time of the weekdays that open (24 h for a 24/7 calendar)."""
        open_days = [day for day in self.week if day]
        seconds = sum(span.end_seconds - span.start_seconds for day in open_days for span in day)
        return timedelta(seconds=seconds / len(open_days))

    def is_closed_date(self, day: date) -> bool:
        """A public holiday or an extra closed date (the weekly hours do not matter)."""
        if day in self.closed_dates:
            return True
        if self.holiday_country is None:
            return False
        return day in _holiday_dates(self.holiday_country, self.holiday_subdivision, day.year)

    def open_intervals(self, day: date) -> tuple[Interval, ...]:
        """The UTC intervals the calendar is open on a local date, in order and not overlapping."""
        cached = self._days.get(day)
        if cached is not None:
            return cached
        if len(self._days) >= _DAY_CACHE_LIMIT:
            self._days.clear()
        intervals = self._compute_intervals(day)
        self._days[day] = intervals
        return intervals

    def _compute_intervals(self, day: date) -> tuple[Interval, ...]:
        spans = self.week[day.weekday()]
        if not spans or self.is_closed_date(day):
            return ()
        zone = self.zone
        raw: list[Interval] = []
        for span in spans:
            start = datetime.combine(day, span.start, tzinfo=zone).astimezone(UTC)
            end_day = day + timedelta(days=1) if span.end == time(0) else day
            end = datetime.combine(end_day, span.end, tzinfo=zone).astimezone(UTC)
            if end > start:
                raw.append((start, end))
        # Spans touching the spring-forward gap may map out of order; merge so nothing counts twice.
        raw.sort()
        merged: list[Interval] = []
        for start, end in raw:
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        return tuple(merged)

    def local_date(self, at: datetime) -> date:
        return at.astimezone(self.zone).date()


def _weekday_indexes(key: str) -> list[int]:
    parts = [part.strip().lower()[:3] for part in key.split("-")]
    if len(parts) > 2 or any(part not in WEEKDAYS for part in parts):
        raise CalendarError(f"Not a weekday or range of weekdays: {key!r}.")
    first, last = WEEKDAYS.index(parts[0]), WEEKDAYS.index(parts[-1])
    if last < first:
        raise CalendarError(f"A weekday range runs Monday to Sunday: {key!r}.")
    return list(range(first, last + 1))


ALWAYS_OPEN = BusinessCalendar.from_hours("UTC", {"mon-sun": "00:00-24:00"})


def _utc(at: datetime, name: str = "at") -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime.")
    return at.astimezone(UTC)


def _too_long_closed(calendar: BusinessCalendar) -> CalendarError:
    return CalendarError(
        f"The calendar stays closed for more than {_MAX_CLOSED_RUN} days in a row beyond its closed dates."
    )


def is_open(calendar: BusinessCalendar, at: datetime) -> bool:
    """Whether the calendar is open at this instant (spans include their start, not their end)."""
    at = _utc(at)
    if calendar.always_open:
        return True
    return any(start <= at < end for start, end in calendar.open_intervals(calendar.local_date(at)))


def next_open(calendar: BusinessCalendar, at: datetime) -> datetime:
    """`at` itself when open, else the next opening (UTC)."""
    at = _utc(at)
    if calendar.always_open:
        return at
    day = calendar.local_date(at)
    limit = _MAX_CLOSED_RUN + len(calendar.closed_dates)
    for _ in range(limit):
        for start, end in calendar.open_intervals(day):
            if end > at:
                return max(start, at)
        day += timedelta(days=1)
    raise _too_long_closed(calendar)


def add_business_time(calendar: BusinessCalendar, start: datetime, duration: timedelta) -> datetime:
    """The instant (UTC) when `duration` of open time has passed since `start`.

    A start outside the opening hours counts from the next opening. A duration that ends exactly at a
    closing time returns the closing time. A zero duration returns `start` unchanged.
    """
    start = _utc(start, "start")
    if duration < _ZERO:
        raise ValueError("duration must not be negative.")
    if duration == _ZERO or calendar.always_open:
        return start + duration
    remaining = duration
    day = calendar.local_date(start)
    closed_run = 0
    limit = _MAX_CLOSED_RUN + len(calendar.closed_dates)
    while True:
        intervals = calendar.open_intervals(day)
        closed_run = closed_run + 1 if not intervals else 0
        if closed_run > limit:
            raise _too_long_closed(calendar)
        for begin, end in intervals:
            if end <= start:
                continue
            begin = max(begin, start)
            length = end - begin
            if remaining <= length:
                return begin + remaining
            remaining -= length
        day += timedelta(days=1)


def business_time_between(calendar: BusinessCalendar, a: datetime, b: datetime) -> timedelta:
    """The open time between two instants; zero when `b` is not after `a`."""
    a, b = _utc(a, "a"), _utc(b, "b")
    if b <= a:
        return _ZERO
    if calendar.always_open:
        return b - a
    total = _ZERO
    day, last = calendar.local_date(a), calendar.local_date(b)
    while day <= last:
        for begin, end in calendar.open_intervals(day):
            low, high = max(begin, a), min(end, b)
            if high > low:
                total += high - low
        day += timedelta(days=1)
    return total
