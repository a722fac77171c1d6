"""Between clock rows and the pure calculator: calendar snapshots, and a row read as a `Clock`.

A target's calendar is stored on the clock as a snapshot (a small JSON object), so later edits to the
calendar do not move the due times of clocks already running. Building a `BusinessCalendar` from the
same snapshot is cached, so its days' opening intervals are computed once per process.
"""

from __future__ import annotations

import functools
import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from supportal.sla.calendar import ALWAYS_OPEN, BusinessCalendar
from supportal.sla.clock import Clock, Pause, Retarget, Target
from supportal.sla.models import SlaCalendar, SlaClock

ALWAYS_OPEN_NAME = "24/7"


def iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat()


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def calendar_snapshot(calendar: SlaCalendar | None) -> dict[str, Any]:
    """What a clock keeps of a calendar; None is the built-in 24/7."""
    if calendar is None or calendar.builtin:
        return {"name": ALWAYS_OPEN_NAME, "time_zone": "UTC", "hours": {"mon-sun": ["00:00-24:00"]}}
    snapshot: dict[str, Any] = {
        "name": calendar.name,
        "time_zone": calendar.time_zone.strip(),
        "hours": calendar.hours(),
    }
    if calendar.holiday_country.strip():
        snapshot["holiday_country"] = calendar.holiday_country.strip().upper()
        if calendar.holiday_subdivision.strip():
            snapshot["holiday_subdivision"] = calendar.holiday_subdivision.strip().upper()
    closed = calendar.closed_date_list()
    if closed:
        snapshot["closed_dates"] = [day.isoformat() for day in closed]
    return snapshot


def business_calendar(snapshot: dict[str, Any]) -> BusinessCalendar:
    return _calendar(json.dumps(snapshot, sort_keys=True))


@functools.lru_cache(maxsize=256)
def _calendar(key: str) -> BusinessCalendar:
    snapshot = json.loads(key)
    if (
        snapshot.get("hours") == {"mon-sun": ["00:00-24:00"]}
        and snapshot.get("time_zone") == "UTC"
        and not (snapshot.get("holiday_country") or snapshot.get("closed_dates"))
    ):
        return ALWAYS_OPEN
    return BusinessCalendar.from_hours(
        snapshot["time_zone"],
        snapshot["hours"],
        holiday_country=snapshot.get("holiday_country"),
        holiday_subdivision=snapshot.get("holiday_subdivision"),
        closed_dates=[date.fromisoformat(day) for day in snapshot.get("closed_dates", [])],
    )


def target_of(entry: dict[str, Any]) -> Target:
    return Target(timedelta(seconds=entry["seconds"]), business_calendar(entry["calendar"]))


def clock_of(row: SlaClock) -> Clock:
    """The row as the pure calculator's clock (every target, pause and the stop)."""
    first, *later = row.targets
    return Clock(
        target=target_of(first),
        started_at=row.started_at,
        pauses=tuple(Pause(instant(start), instant(end) if end else None) for start, end in row.pauses),
        stopped_at=row.stopped_at,
        retargets=tuple(Retarget(instant(entry["at"]), target_of(entry)) for entry in later),
    )


def warn_share(row: SlaClock) -> float:
    return float(row.targets[-1].get("warn", 0.75))
