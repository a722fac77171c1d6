"""SLA reads for the agent workspace: the clocks breaching soon, and attainment over a period.

Both start from `cases.selectors.cases_visible_to` (agents see every case) and read the clock rows
written by `sla.services`; neither writes anything.

**Breaching soon**: clocks with a known due time (`due_at` is NULL once a clock stops, so every one
belongs to an open case) that is past, or within the chosen horizon; soonest first, at most
`SOON_LIMIT` rows, with the case, its organisation and its assignee in the same query.

**Attainment**: a clock counts in a period once, at the moment its outcome was decided:

- *met*: stopped in the period, never breached;
- *breached*: its breach (`breached_at`, the due time it missed) falls in the period, whether it was
  stopped late or is still running;
- *running*: not stopped and not breached, with its due time in the period (only a period that reaches
  into the future has these).

Attainment is met / (met + breached); running clocks are shown but not counted. One GROUP BY query per
report, whatever the number of groups.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum

from django.db.models import Count, Q, QuerySet

from supportal.cases.models import Case
from supportal.cases.selectors import cases_visible_to
from supportal.orgs.policies import Actor
from supportal.sla.display import duration_text
from supportal.sla.models import ClockPhase, MetricChoices, SlaClock

SOON_LIMIT = 200
HORIZONS = (1, 4, 24)  # hours ahead the "breaching soon" page may look


@dataclass(frozen=True)
class SoonRow:
    """A clock on the "breaching soon" page."""

    clock: SlaClock
    case: Case
    metric: str  # "First response"
    left: timedelta  # negative once overdue

    @property
    def overdue(self) -> bool:
        return self.left <= timedelta(0)

    @property
    def left_text(self) -> str:
        text = duration_text(abs(self.left))
        return f"overdue by {text}" if self.overdue else f"{text} left"


def breaching_soon(actor: Actor, *, now: datetime, hours: int) -> list[SoonRow]:
    """Running or paused clocks of the cases `actor` sees, due before `now + hours` (overdue ones
    included), soonest first. Two queries, each through its own partial index on due time: the clocks
    still to breach (the sweep's index) and those already breached and still running."""
    base = (
        SlaClock.objects.filter(case__in=cases_visible_to(actor), due_at__isnull=False)
        .exclude(phase=ClockPhase.STOPPED)
        .select_related("case", "case__organisation", "case__assignee")
        .order_by("due_at", "id")
    )
    overdue = list(base.filter(breached_at__isnull=False)[:SOON_LIMIT])
    horizon = now + timedelta(hours=hours)
    coming = list(base.filter(breached_at__isnull=True, due_at__lte=horizon)[:SOON_LIMIT])
    clocks = sorted(overdue + coming, key=lambda clock: (clock.due_at, clock.pk))[:SOON_LIMIT]
    labels = dict(MetricChoices.choices)
    return [
        SoonRow(clock, clock.case, str(labels.get(clock.metric, clock.metric)), clock.due_at - now)
        for clock in clocks
        if clock.due_at is not None
    ]


class Grouping(StrEnum):
    ORGANISATION = "organisation"
    PRIORITY = "priority"
    TEAM = "team"


GROUPING_LABELS = {
    Grouping.ORGANISATION: "Organisation",
    Grouping.PRIORITY: "Priority",
    Grouping.TEAM: "Team",
}
_GROUP_FIELDS: dict[Grouping, tuple[str, str]] = {
    Grouping.ORGANISATION: ("case__organisation_id", "case__organisation__name"),
    Grouping.PRIORITY: ("case__priority", "case__priority"),
    Grouping.TEAM: ("case__team_id", "case__team__name"),
}


@dataclass(frozen=True)
class Period:
    """Whole days `first` to `last` (both included) in the time zone `zone`."""

    first: date
    last: date
    zone: tzinfo

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time.min, tzinfo=self.zone)

    @property
    def end(self) -> datetime:
        """The first instant after the period (midnight after `last`, local time)."""
        return datetime.combine(self.last + timedelta(days=1), time.min, tzinfo=self.zone)


@dataclass(frozen=True)
class ReportRow:
    group: str  # "Acme", "P1", "No team"
    metric: str  # "First response"
    met: int
    breached: int
    running: int

    @property
    def decided(self) -> int:
        return self.met + self.breached

    @property
    def attainment(self) -> float | None:
        """Met share of the decided clocks, in percent; None when none was decided."""
        return 100.0 * self.met / self.decided if self.decided else None

    @property
    def attainment_text(self) -> str:
        return "-" if self.attainment is None else f"{self.attainment:.1f}%"


def _in(field: str, period: Period) -> Q:
    return Q(**{f"{field}__gte": period.start, f"{field}__lt": period.end})


def clocks_in(actor: Actor, period: Period) -> QuerySet[SlaClock]:
    """The clocks whose outcome falls in `period` (see the module's definition)."""
    return SlaClock.objects.filter(case__in=cases_visible_to(actor)).filter(
        _breached(period) | _met(period) | _running(period)
    )


def _breached(period: Period) -> Q:
    return _in("breached_at", period)


def _met(period: Period) -> Q:
    return Q(breached_at__isnull=True, phase=ClockPhase.STOPPED) & _in("stopped_at", period)


def _running(period: Period) -> Q:
    return Q(breached_at__isnull=True) & ~Q(phase=ClockPhase.STOPPED) & _in("due_at", period)


def attainment(actor: Actor, period: Period, grouping: Grouping) -> list[ReportRow]:
    """Met, breached and running clocks per group and metric; one GROUP BY query."""
    key, label = _GROUP_FIELDS[grouping]
    found = (
        clocks_in(actor, period)
        .values(*dict.fromkeys((key, label, "metric")))
        .annotate(
            met=Count("id", filter=_met(period)),
            breached=Count("id", filter=_breached(period)),
            running=Count("id", filter=_running(period)),
        )
        .order_by()
    )
    metrics = dict(MetricChoices.choices)
    rows = [
        ReportRow(
            _group_name(grouping, row[label]),
            str(metrics.get(row["metric"], row["metric"])),
            row["met"],
            row["breached"],
            row["running"],
        )
        for row in found
    ]
    order = {label: position for position, label in enumerate(metrics.values())}
    rows.sort(key=lambda row: (row.group == _NONE[grouping], row.group.lower(), order.get(row.metric, 99)))
    return rows


_NONE = {Grouping.ORGANISATION: "No organisation", Grouping.PRIORITY: "No priority", Grouping.TEAM: "No team"}


def _group_name(grouping: Grouping, value: object) -> str:
    """The group's name: an organisation's or team's name, or a priority's code ("P1", which sorts)."""
    return _NONE[grouping] if value is None or value == "" else str(value)
