"""SLA configuration (calendars, policies and their targets) and the clock rows of every case.

The clock row keeps everything the pure calculator (`sla.clock.Clock`) needs: the start, the pauses, the
stop and every target the clock measured against (with a snapshot of its calendar), so a case's clocks
never change when an admin later edits a calendar or a policy. `due_at` and `warn_at` are the moments
the sweep acts on, NULL while the clock is paused or stopped; partial indexes over the clocks not yet
breached (or warned) let the sweep read only the due rows, however many cases are open.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from supportal.cases.models import Priority
from supportal.sla.calendar import WEEKDAYS, BusinessCalendar, CalendarError
from supportal.sla.targets import Metric


class MetricChoices(models.TextChoices):
    """`sla.targets.Metric` with the names people read."""

    RESPONSE = Metric.RESPONSE.value, "First response"
    WORKAROUND = Metric.WORKAROUND.value, "Workaround"
    RESOLUTION = Metric.RESOLUTION.value, "Resolution"


_HOURS_HELP = (
    "Opening spans in local time, e.g. 09:00-12:30, 13:30-17:00; 00:00-24:00 all day; empty: closed."
)


class SlaCalendar(models.Model):
    """When clocks run: 24/7 (the built-in one), or opening hours in a time zone with holidays."""

    name = models.CharField(max_length=100, unique=True)
    builtin = models.BooleanField(default=False, editable=False, help_text="The built-in 24/7 calendar.")
    time_zone = models.CharField(max_length=64, default="UTC", help_text="An IANA name: Europe/Brussels.")
    mon = models.CharField("Monday", max_length=200, blank=True, help_text=_HOURS_HELP)
    tue = models.CharField("Tuesday", max_length=200, blank=True)
    wed = models.CharField("Wednesday", max_length=200, blank=True)
    thu = models.CharField("Thursday", max_length=200, blank=True)
    fri = models.CharField("Friday", max_length=200, blank=True)
    sat = models.CharField("Saturday", max_length=200, blank=True)
    sun = models.CharField("Sunday", max_length=200, blank=True)
    holiday_country = models.CharField(
        max_length=3, blank=True, help_text="Closed on this country's public holidays (ISO code: BE, GB, US)."
    )
    holiday_subdivision = models.CharField(
        max_length=10, blank=True, help_text="Optional region of that country (GB: SCT; US: CA)."
    )
    closed_dates = models.TextField(blank=True, help_text="Extra closed days, one YYYY-MM-DD per line.")

    class Meta:
        verbose_name = "SLA calendar"
        ordering = ["-builtin", "name"]

    def __str__(self) -> str:
        return self.name

    def hours(self) -> dict[str, list[str]]:
        return {
            day: [span.strip() for span in str(getattr(self, day)).split(",") if span.strip()]
            for day in WEEKDAYS
            if str(getattr(self, day)).strip()
        }

    def closed_date_list(self) -> list[date]:
        found = []
        for line in self.closed_dates.replace(",", "\n").splitlines():
            if line.strip():
                try:
                    found.append(date.fromisoformat(line.strip()))
                except ValueError:
                    raise CalendarError(f"Not a date (YYYY-MM-DD): {line.strip()!r}.") from None
        return sorted(set(found))

    def business_calendar(self) -> BusinessCalendar:
        """The pure calendar; CalendarError when it cannot be used."""
        return BusinessCalendar.from_hours(
            self.time_zone.strip(),
            self.hours(),
            holiday_country=self.holiday_country.strip().upper() or None,
            holiday_subdivision=self.holiday_subdivision.strip().upper() or None,
            closed_dates=self.closed_date_list(),
        )

    def clean(self) -> None:
        try:
            self.business_calendar()
        except CalendarError as error:
            raise ValidationError(error.detail) from None


class SlaPolicy(models.Model):
    """Targets for a plan's cases, optionally narrowed to a case type and/or a priority.

    For each metric the most specific policy that sets it wins (type and priority, then priority, then
    type, then the plan's general policy); the default table (`sla.targets`) fills what none sets. The
    calendar and the warning share are looked up the same way (24/7 and SUPPORTAL_SLA_WARNING_PERCENT).
    """

    plan = models.ForeignKey("orgs.SupportPlan", on_delete=models.CASCADE, related_name="sla_policies")
    case_type = models.ForeignKey(
        "cases.CaseType",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Empty: every case type.",
    )
    priority = models.CharField(
        max_length=2, choices=Priority.choices, blank=True, help_text="Empty: every priority."
    )
    calendar = models.ForeignKey(
        SlaCalendar,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="policies",
        help_text="Empty: the calendar of a less specific policy of the plan, else 24/7.",
    )
    warning_percent = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Warn at this percentage of a target (1-99). Empty: a less specific policy's, or 75.",
    )

    class Meta:
        verbose_name = "SLA policy"
        verbose_name_plural = "SLA policies"
        ordering = ["plan", "case_type", "priority"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "case_type", "priority"],
                condition=Q(case_type__isnull=False),
                name="sla_policy_plan_type_priority",
            ),
            models.UniqueConstraint(
                fields=["plan", "priority"],
                condition=Q(case_type__isnull=True),
                name="sla_policy_plan_priority",
            ),
            models.CheckConstraint(
                condition=Q(warning_percent__isnull=True)
                | Q(warning_percent__gte=1, warning_percent__lte=99),
                name="sla_policy_warning_percent",
            ),
        ]

    def __str__(self) -> str:
        scope = " ".join(part for part in (str(self.case_type or ""), self.priority) if part) or "all cases"
        return f"{self.plan}: {scope}"

    @property
    def specificity(self) -> int:
        return (2 if self.case_type_id else 0) + (3 if self.priority else 0)

    def clean(self) -> None:
        clash = SlaPolicy.objects.filter(
            plan_id=self.plan_id, case_type_id=self.case_type_id, priority=self.priority
        ).exclude(pk=self.pk)
        if self.plan_id is not None and clash.exists():
            raise ValidationError("The plan already has a policy for this type and priority.")


class SlaTarget(models.Model):
    """One target of a policy: a length (minutes of open time plus business days) and its calendar."""

    policy = models.ForeignKey(SlaPolicy, on_delete=models.CASCADE, related_name="targets")
    metric = models.CharField(max_length=10, choices=MetricChoices.choices)
    minutes = models.PositiveIntegerField(default=0, help_text="Open time on the calendar.")
    days = models.PositiveIntegerField(default=0, help_text="Business days of the calendar (24 h on 24/7).")
    calendar = models.ForeignKey(
        SlaCalendar,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="targets",
        help_text="Empty: the policy's calendar.",
    )

    class Meta:
        verbose_name = "SLA target"
        constraints = [models.UniqueConstraint(fields=["policy", "metric"], name="sla_target_one_per_metric")]

    def __str__(self) -> str:
        return f"{self.policy} {self.metric}"

    def clean(self) -> None:
        if not self.minutes and not self.days:
            raise ValidationError("A target needs minutes or days.")


class ClockPhase(models.TextChoices):
    RUNNING = "running", "Running"
    PAUSED = "paused", "Paused"
    STOPPED = "stopped", "Stopped"


class SlaClock(models.Model):
    """One metric's clock of one case. Written only by `sla.services`; read through `sla.display`.

    `targets`: every target in force, oldest first: `{"at", "seconds", "label", "warn", "calendar",
    "reason", "policy"}` (the first at the start); `pauses`: `[[start, end or null], ...]`; all ISO
    instants in UTC.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="sla_clocks")
    metric = models.CharField(max_length=10, choices=MetricChoices.choices)
    phase = models.CharField(max_length=8, choices=ClockPhase.choices, default=ClockPhase.RUNNING)
    started_at = models.DateTimeField()
    targets: models.JSONField[Any] = models.JSONField(default=list)
    pauses: models.JSONField[Any] = models.JSONField(default=list)
    stopped_at = models.DateTimeField(null=True, blank=True)
    stopped_by = models.CharField(max_length=12, blank=True, help_text="reply, workaround, resolved, closed")
    due_at = models.DateTimeField(null=True, blank=True, help_text="NULL while paused or stopped.")
    warn_at = models.DateTimeField(null=True, blank=True, help_text="NULL while paused or stopped.")
    warned_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True, help_text="When it became due (not when seen).")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "SLA clock"
        constraints = [models.UniqueConstraint(fields=["case", "metric"], name="sla_clock_one_per_metric")]
        indexes = [
            # The sweep's two reads: only clocks still to breach (or to warn), by the moment they do.
            models.Index(
                fields=["due_at"],
                name="sla_clock_to_breach",
                condition=Q(breached_at__isnull=True, due_at__isnull=False),
            ),
            models.Index(
                fields=["warn_at"],
                name="sla_clock_to_warn",
                condition=Q(warned_at__isnull=True, warn_at__isnull=False),
            ),
            # "Breaching soon" (sla/reports.py): the clocks already breached and still running, by due time
            # (those still to breach it reads through sla_clock_to_breach, as the sweep does).
            models.Index(
                fields=["due_at"],
                name="sla_clock_overdue",
                condition=Q(breached_at__isnull=False, due_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.metric} ({self.phase})"
