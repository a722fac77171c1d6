"""How long the SLA calculator takes to place a due time: `python -m bench.sla_calendar`.

Prints microseconds per call for a P4 resolution target (10 business days, and 240 open hours) on
Brussels office hours with Belgian holidays, starting before Christmas, with the calendar's day cache
cold (cleared before every call) and warm. The scheduler and every case page call this; it must stay
far below a millisecond.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from supportal.sla.calendar import BusinessCalendar, add_business_time
from supportal.sla.targets import Metric, default_target

RUNS = 2000


def per_call_us(calendar: BusinessCalendar, start: datetime, duration: timedelta, *, cold: bool) -> float:
    began = time.perf_counter()
    for _ in range(RUNS):
        if cold:
            calendar._days.clear()
        add_business_time(calendar, start, duration)
    return (time.perf_counter() - began) / RUNS * 1e6


def main() -> None:
    office = BusinessCalendar.from_hours("Europe/Brussels", {"mon-fri": "09:00-17:00"}, holiday_country="BE")
    start = datetime(2025, 12, 19, 15, tzinfo=ZoneInfo("Europe/Brussels"))
    cases = {
        "P4 resolution, 10 business days": default_target("P4", Metric.RESOLUTION).on(office),
        "240 open hours": timedelta(hours=240),
    }
    for label, duration in cases.items():
        cold = per_call_us(office, start, duration, cold=True)
        warm = per_call_us(office, start, duration, cold=False)
        print(f"{label:34} cold {cold:7.1f} µs   warm {warm:7.1f} µs")


if __name__ == "__main__":
    main()
