"""On-call rotas (per team, with overrides) and the pages sent for urgent incidents.

A rota hands the pager from one member to the next every `shift_days` days at `handoff_time` in its time
zone; an override puts someone else on call for a while. A page asks one person to acknowledge an
urgent incident before its deadline; unacknowledged, it is passed on (escalation.services.paging).
"""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Rota(models.Model):
    team = models.OneToOneField("orgs.Team", on_delete=models.CASCADE, related_name="rota")
    time_zone = models.CharField(max_length=64, default="UTC", help_text="IANA zone of the hand-over time.")
    handoff_time = models.TimeField(default=time(9, 0), help_text="When the pager passes on, local time.")
    shift_days = models.PositiveSmallIntegerField(default=7, help_text="Days each member stays on call.")
    starts_on = models.DateField(
        default=timezone.localdate, help_text="The first member's first shift begins on this day."
    )
    ack_timeout_minutes = models.PositiveSmallIntegerField(
        default=15, help_text="Minutes a page waits for its acknowledgement before it is passed on."
    )
    is_default = models.BooleanField(
        default=False, help_text="Also pages for urgent incidents of no team, or of a team without a rota."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="escalation_one_default_rota"
            ),
            models.CheckConstraint(condition=Q(shift_days__gte=1), name="escalation_rota_shift_days"),
            models.CheckConstraint(
                condition=Q(ack_timeout_minutes__gte=1), name="escalation_rota_ack_timeout"
            ),
        ]

    def __str__(self) -> str:
        return f"On-call rota of {self.team}"


class RotaMember(models.Model):
    rota = models.ForeignKey(Rota, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["rota", "user"], name="escalation_rota_member_unique")]

    def __str__(self) -> str:
        return f"{self.position}. {self.user}"


class RotaOverride(models.Model):
    """Someone on call instead of the scheduled member, from `starts_at` until `ends_at`."""

    rota = models.ForeignKey(Rota, on_delete=models.CASCADE, related_name="overrides")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reason = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["rota", "ends_at"], name="escalation_override_rota_end")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="escalation_override_span"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} on call {self.starts_at:%Y-%m-%d %H:%M} to {self.ends_at:%Y-%m-%d %H:%M}"


class PageStatus(models.TextChoices):
    PENDING = "pending", "Waiting for acknowledgement"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    PASSED_ON = "passed_on", "Not acknowledged in time, passed on"
    UNANSWERED = "unanswered", "Nobody acknowledged"
    CANCELLED = "cancelled", "Cancelled"


class PageRole(models.TextChoices):
    ON_CALL = "on_call", "On call"
    NEXT = "next", "Next on the rota"
    LEAD = "lead", "Team lead"


class Page(models.Model):
    """One person asked to acknowledge an urgent incident. A case has at most one page waiting."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="pages")
    rota = models.ForeignKey(Rota, null=True, on_delete=models.SET_NULL, related_name="pages")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="pages")
    role = models.CharField(max_length=8, choices=PageRole.choices)
    step = models.PositiveSmallIntegerField(
        help_text="1 for the on-call engineer, then one more per hand-on."
    )
    chain_started_at = models.DateTimeField(help_text="When the first page of this chain went out.")
    status = models.CharField(max_length=12, choices=PageStatus.choices, default=PageStatus.PENDING)
    token_hash = models.CharField(
        max_length=64, unique=True, help_text="SHA-256 of the acknowledgement link's token."
    )
    sent_at = models.DateTimeField(default=timezone.now)
    deadline = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["deadline"], condition=Q(status="pending"), name="escalation_page_due"),
            models.Index(fields=["case", "id"], name="escalation_page_case"),
            models.Index(fields=["person", "status"], name="escalation_page_person"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(status="pending"), name="escalation_one_pending_page"
            )
        ]

    def __str__(self) -> str:
        return f"Page {self.pk} of case {self.case_id} to {self.person_id} ({self.status})"
