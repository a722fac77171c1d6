"""A case's clocks as people and programs read them: status, time left, due time (sla.clock's answers).

Pages and the API read clocks through `clock_views`; with `sla_clocks` prefetched (`PREFETCH`) a list of
cases costs one query for all their clocks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import OuterRef, Prefetch, Subquery
from django.utils import timezone

from supportal.cases.models import Case
from supportal.sla.clock import ClockStatus
from supportal.sla.models import MetricChoices, SlaClock
from supportal.sla.records import clock_of, warn_share
from supportal.sla.targets import Metric

ORDER = {metric.value: position for position, metric in enumerate(Metric)}
PREFETCH = Prefetch("sla_clocks", queryset=SlaClock.objects.order_by("id"))


@dataclass(frozen=True)
class ClockView:
    metric: str
    label: str
    status: ClockStatus
    target: str  # "4 h", "5 days"
    calendar: str  # "24/7", "Brussels office hours"
    due_at: datetime | None  # None while paused before the due time
    remaining: timedelta  # negative once overdue
    started_at: datetime
    stopped_at: datetime | None
    warning: bool  # running or paused, past the warning time

    @property
    def remaining_seconds(self) -> int:
        return int(self.remaining.total_seconds())

    @property
    def remaining_text(self) -> str:
        return duration_text(abs(self.remaining))

    @property
    def early_or_late(self) -> str:
        """For a stopped clock: how long before (or after) the due time it stopped."""
        if self.stopped_at is None or self.due_at is None:
            return ""
        return duration_text(abs(self.due_at - self.stopped_at))

    @property
    def tone(self) -> str:
        """A Bootstrap colour: breached red, warning amber, met green, the rest neutral."""
        if self.status == ClockStatus.BREACHED:
            return "danger"
        if self.status == ClockStatus.MET:
            return "success"
        return "warning" if self.warning else "secondary"


def duration_text(value: timedelta) -> str:
    """'2 d 3 h', '3 h 10 min', '10 min', 'under a minute'."""
    minutes = int(value.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{minutes} min" if minutes else "under a minute"


def clocks_of(case: Case) -> list[SlaClock]:
    """The case's clock rows: the prefetched ones when there are, else one query."""
    cache = getattr(case, "_prefetched_objects_cache", {})
    rows = (
        list(cache["sla_clocks"]) if "sla_clocks" in cache else list(SlaClock.objects.filter(case_id=case.pk))
    )
    return sorted(rows, key=lambda row: ORDER.get(row.metric, 9))


def clock_view(row: SlaClock, now: datetime) -> ClockView:
    state = clock_of(row).state(now, warn_share=warn_share(row))
    return ClockView(
        metric=row.metric,
        label=MetricChoices(row.metric).label,
        status=state.status,
        target=str(row.targets[-1].get("label", "")),
        calendar=str(row.targets[-1].get("calendar", {}).get("name", "")),
        due_at=state.due_at,
        remaining=state.remaining,
        started_at=row.started_at,
        stopped_at=row.stopped_at,
        warning=state.warning,
    )


def clock_views(case: Case, now: datetime | None = None) -> list[ClockView]:
    now = now or timezone.now()
    return [clock_view(row, now) for row in clocks_of(case)]


def as_json(view: ClockView) -> dict[str, Any]:
    """The API's shape of a clock (api.v1.cases.schemas.SlaClockOut)."""
    return {
        "metric": view.metric,
        "status": view.status.value,
        "target": view.target,
        "calendar": view.calendar,
        "due_at": view.due_at,
        "remaining_seconds": view.remaining_seconds,
        "warning": view.warning,
        "started_at": view.started_at,
        "stopped_at": view.stopped_at,
    }


def next_due_at() -> Subquery:
    """An annotation for a list of cases: the due time of the running clock due first (NULL when none is
    running), read in the list's own query (`.annotate(sla_next_due=next_due_at())`), not one per row."""
    due = SlaClock.objects.filter(case_id=OuterRef("pk"), due_at__isnull=False).order_by("due_at")
    return Subquery(due.values("due_at")[:1])
