"""Which targets a case gets: its plan's SLA policies, the most specific first, over the default table.

For each metric, separately: the length comes from the most specific policy with a target for that
metric (else `sla.targets.DEFAULT_TARGETS`); the calendar from that target, else from the most specific
policy that names a calendar, else 24/7; the warning share from the most specific policy that sets one,
else SUPPORTAL_SLA_WARNING_PERCENT. Specificity: type and priority, then priority, then type, then the
plan's policy for all cases. An order's resolution target is its catalog item's promised fulfilment time
when the item names one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, Q

from supportal.sla.models import SlaCalendar, SlaPolicy, SlaTarget
from supportal.sla.records import business_calendar, calendar_snapshot
from supportal.sla.targets import Metric, TargetLength, default_target


@dataclass(frozen=True)
class ChosenTarget:
    """A metric's target for one case: what the clock stores in its `targets` list."""

    length: TargetLength
    calendar: dict[str, Any]  # a snapshot (records.calendar_snapshot)
    warn: float
    policy_id: int | None

    @property
    def seconds(self) -> float:
        return self.length.on(business_calendar(self.calendar)).total_seconds()

    @property
    def duration(self) -> timedelta:
        return timedelta(seconds=self.seconds)

    def same_as(self, entry: dict[str, Any]) -> bool:
        """Whether a clock's current target entry already measures this."""
        return (
            abs(float(entry["seconds"]) - self.seconds) < 1e-6
            and entry["calendar"] == self.calendar
            and abs(float(entry.get("warn", 0.75)) - self.warn) < 1e-9
        )


def default_warn_share() -> float:
    return int(getattr(settings, "SUPPORTAL_SLA_WARNING_PERCENT", 75)) / 100


def targets_for(
    *, plan_id: int, case_type_id: int | None, priority: str, request_type_id: int | None = None
) -> dict[Metric, ChosenTarget]:
    """The three targets of a case with this plan, type and priority (two queries; a third for a case of
    a request type, whose catalog item may promise its fulfilment in working days)."""
    policies = sorted(
        SlaPolicy.objects.filter(plan_id=plan_id)
        .filter(Q(case_type__isnull=True) | Q(case_type_id=case_type_id))
        .filter(Q(priority="") | Q(priority=priority))
        .select_related("calendar")
        .prefetch_related(Prefetch("targets", queryset=SlaTarget.objects.select_related("calendar"))),
        key=lambda policy: -policy.specificity,
    )
    policy_calendar: SlaCalendar | None = next((p.calendar for p in policies if p.calendar_id), None)
    warn = next(
        (p.warning_percent / 100 for p in policies if p.warning_percent is not None), default_warn_share()
    )
    chosen: dict[Metric, ChosenTarget] = {}
    for metric in Metric:
        found = next(
            (
                (p, t)
                for p in policies
                for t in p.targets.all()
                if t.metric == metric.value and (t.minutes or t.days)
            ),
            None,
        )
        if found is None:
            chosen[metric] = ChosenTarget(
                default_target(priority, metric), calendar_snapshot(policy_calendar), warn, None
            )
            continue
        policy, target = found
        calendar = target.calendar if target.calendar_id else policy_calendar
        chosen[metric] = ChosenTarget(
            TargetLength(minutes=target.minutes, days=target.days),
            calendar_snapshot(calendar),
            warn,
            policy.pk,
        )
    if request_type_id is not None:
        _promised_fulfilment(chosen, request_type_id)
    return chosen


def _promised_fulfilment(chosen: dict[Metric, ChosenTarget], request_type_id: int) -> None:
    """A catalog item's promised fulfilment time ("within 3 working days") is its orders' resolution
    target: that many business days on the calendar the resolution target runs on."""
    from supportal.catalog.models import CatalogItem

    item = CatalogItem.objects.filter(request_type_id=request_type_id)
    promised = next(iter(item.values_list("fulfilment_days", flat=True)), None)
    if promised:
        resolution = chosen[Metric.RESOLUTION]
        chosen[Metric.RESOLUTION] = ChosenTarget(
            TargetLength(days=promised), resolution.calendar, resolution.warn, resolution.policy_id
        )
