"""SLA targets as data: the three metrics and PRODUCT.md's default table (P1..P4).

A target length is minutes plus days. Minutes are open time on the target's calendar; a day is one
*business day* of that calendar (its average opening time per open weekday: 24 h on a 24/7 calendar,
8 h on a 09:00-17:00 calendar). So "P3 resolution: 5 days" means one working week on an office-hours
calendar, not 120 open hours (three weeks), and 120 hours on a 24/7 calendar.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from types import MappingProxyType

from supportal.sla.calendar import BusinessCalendar


class Metric(StrEnum):
    """What a clock measures, and what stops it."""

    RESPONSE = "response"  # met by the first public agent reply
    WORKAROUND = "workaround"  # met when an agent marks a workaround
    RESOLUTION = "resolution"  # met when the case is resolved


@dataclass(frozen=True, slots=True)
class TargetLength:
    """A target as an admin writes it: `TargetLength(minutes=30)`, `TargetLength(days=5)`."""

    minutes: int = 0
    days: int = 0

    def __post_init__(self) -> None:
        if self.minutes < 0 or self.days < 0 or self.minutes + self.days == 0:
            raise ValueError("A target length is positive.")

    def on(self, calendar: BusinessCalendar) -> timedelta:
        """The amount of open time this length means on a calendar."""
        return timedelta(minutes=self.minutes) + self.days * calendar.business_day

    def __str__(self) -> str:
        parts = []
        if self.days:
            parts.append(f"{self.days} day{'s' if self.days != 1 else ''}")
        hours, minutes = divmod(self.minutes, 60)
        if hours:
            parts.append(f"{hours} h")
        if minutes:
            parts.append(f"{minutes} min")
        return " ".join(parts)


PRIORITIES = ("P1", "P2", "P3", "P4")


def _table() -> Mapping[tuple[str, Metric], TargetLength]:
    response = {"P1": 30, "P2": 60, "P3": 4 * 60, "P4": 24 * 60}
    # PRODUCT.md gives one column "workaround / resolution"; resolution starts equal and is configurable.
    later = {
        "P1": TargetLength(minutes=8 * 60),
        "P2": TargetLength(minutes=48 * 60),
        "P3": TargetLength(days=5),
        "P4": TargetLength(days=10),
    }
    table: dict[tuple[str, Metric], TargetLength] = {}
    for priority in PRIORITIES:
        table[priority, Metric.RESPONSE] = TargetLength(minutes=response[priority])
        table[priority, Metric.WORKAROUND] = later[priority]
        table[priority, Metric.RESOLUTION] = later[priority]
    return MappingProxyType(table)


DEFAULT_TARGETS: Mapping[tuple[str, Metric], TargetLength] = _table()
"""PRODUCT.md's defaults, keyed by (priority, metric); plans may override any cell."""


def default_target(priority: str, metric: Metric) -> TargetLength:
    try:
        return DEFAULT_TARGETS[priority, metric]
    except KeyError:
        raise ValueError(f"No default target for priority {priority!r}.") from None
