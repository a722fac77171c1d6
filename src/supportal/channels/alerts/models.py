"""Monitoring alerts: each integration's settings and rules, every payload as it arrived, and the state
of each deduplicated alert (which case it lives on, how often it fired, when it recovered).

See docs/alerts.md for what the settings mean.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from supportal.cases.models import Priority

SEVERITY_PRIORITIES: dict[str, str] = {
    "critical": Priority.P1,
    "page": Priority.P1,
    "major": Priority.P2,
    "high": Priority.P2,
    "error": Priority.P2,
    "warning": Priority.P3,
    "info": Priority.P4,
    "low": Priority.P4,
    "none": Priority.P4,
}
UNKNOWN_SEVERITY_PRIORITY = Priority.P3


def default_priorities() -> dict[str, str]:
    return dict(SEVERITY_PRIORITIES)


class Source(models.TextChoices):
    ALERTMANAGER = "alertmanager", "Prometheus Alertmanager"
    GRAFANA = "grafana", "Grafana alerting"
    GENERIC = "generic", "Generic JSON"


class DedupBy(models.TextChoices):
    ALERT = "alert", "Each alert (its fingerprint)"
    GROUP = "group", "Each notification group (its group key)"


class AlertIntegration(models.Model):
    """How one integration user's alerts become cases. Made with the defaults on its first alert."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="alert_integration",
        limit_choices_to={"kind": "integration"},
        help_text="The organisation's integration user whose token the monitoring system sends.",
    )
    is_active = models.BooleanField(default=True, help_text="Switched off, its alerts are refused (403).")
    case_type = models.ForeignKey(
        "cases.CaseType",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty: Incident.",
    )
    team = models.ForeignKey(
        "orgs.Team",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty: the routing rules choose.",
    )
    severity_label = models.CharField(max_length=100, default="severity")
    priorities = models.JSONField(
        default=default_priorities,
        blank=True,
        help_text='Severity (lower case) → priority, e.g. {"critical": "P1"}. Unknown severities: P3.',
    )
    config_item_label = models.CharField(
        max_length=100,
        default="instance",
        blank=True,
        help_text="The label whose value names a configuration item's identifier (also tried without "
        "its :port). Empty: no matching.",
    )
    dedup_by = models.CharField(max_length=5, choices=DedupBy.choices, default=DedupBy.ALERT)
    flap_window_minutes = models.PositiveIntegerField(
        default=10,
        help_text="Repeats and flaps within this many minutes only update the counts; a firing this soon "
        "after a recovery reopens the case instead of opening a new one.",
    )
    resolve_on_recovery = models.BooleanField(
        default=False, help_text="Resolve the case when the alert recovers (unless it is flapping)."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "alert integration"

    def __str__(self) -> str:
        return f"Alerts of {self.user}"

    def clean(self) -> None:
        problems = [
            f"{severity}: {value!r}"
            for severity, value in (self.priorities or {}).items()
            if value not in Priority.values
        ]
        if not isinstance(self.priorities, dict) or problems:
            raise ValidationError({"priorities": f"Use P1 to P4 for each severity ({', '.join(problems)})."})


class AlertRule(models.Model):
    """The first rule (by position) whose every matcher holds for an alert's labels overrides the
    integration's settings for that alert."""

    integration = models.ForeignKey(AlertIntegration, on_delete=models.CASCADE, related_name="rules")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=100)
    matchers = models.TextField(
        help_text='One per line, as in Alertmanager: label="value", label!="value", label=~"regex", '
        'label!~"regex". Every line must hold. Empty: every alert.',
        blank=True,
    )
    case_type = models.ForeignKey(
        "cases.CaseType", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    priority = models.CharField(max_length=2, choices=Priority.choices, blank=True)
    team = models.ForeignKey("orgs.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    resolve_on_recovery = models.BooleanField(
        null=True, blank=True, help_text="Empty: as the integration says."
    )

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from supportal.channels.alerts.rules import MatcherError, parse_matchers

        try:
            parse_matchers(self.matchers)
        except MatcherError as error:
            raise ValidationError({"matchers": str(error)}) from None


class Outcome(models.TextChoices):
    RECEIVED = "received", "Received, not yet processed"
    PROCESSED = "processed", "Processed"
    PARTIAL = "partial", "Processed, some alerts failed"
    REJECTED = "rejected", "Rejected (malformed or refused)"
    FAILED = "failed", "Failed"


class AlertPayload(models.Model):
    """One webhook delivery exactly as it arrived, stored before it is parsed, and what became of it."""

    received_at = models.DateTimeField(default=timezone.now)
    source = models.CharField(max_length=12, choices=Source.choices)
    integration = models.ForeignKey(AlertIntegration, on_delete=models.CASCADE, related_name="payloads")
    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="+")
    body = models.BinaryField(help_text="The request body byte for byte.")
    size = models.PositiveIntegerField(default=0)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.RECEIVED)
    error = models.TextField(blank=True, help_text="Why it was rejected, or what failed.")
    alerts = models.PositiveIntegerField(default=0, help_text="Alerts in the payload.")
    results = models.JSONField(
        default=list, blank=True, help_text="Per alert (or group): the outcome and the case touched."
    )
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "alert payload"
        indexes = [
            models.Index(fields=["integration", "-received_at"], name="alerts_payload_integration"),
            models.Index(fields=["-received_at", "-id"], name="alerts_payload_received"),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} payload {self.pk} ({self.outcome})"


class AlertStatus(models.TextChoices):
    FIRING = "firing", "Firing"
    RESOLVED = "resolved", "Resolved"


class AlertState(models.Model):
    """One deduplicated alert (a fingerprint or a group key) of an organisation and the case it lives on.

    At most one *open* state per organisation and key: that is the case a firing adds to. A state is
    closed (`is_open` False) when its case is done with and a later firing opens a new case.
    """

    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="+")
    integration = models.ForeignKey(AlertIntegration, on_delete=models.CASCADE, related_name="states")
    key_hash = models.CharField(max_length=64, help_text="SHA-256 of the key.")
    key = models.TextField(help_text="The fingerprint or group key, prefixed by what it is.")
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="alert_states"
    )
    is_open = models.BooleanField(default=True)
    status = models.CharField(max_length=8, choices=AlertStatus.choices, default=AlertStatus.FIRING)
    firing_count = models.PositiveIntegerField(default=1, help_text="Firing notifications received.")
    flap_count = models.PositiveIntegerField(
        default=0, help_text="Firings within the flap window after a recovery."
    )
    unrecorded = models.PositiveIntegerField(
        default=0, help_text="Notifications counted since the last event on the case."
    )
    first_seen = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now)
    last_event_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "alert state"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "key_hash"], condition=Q(is_open=True), name="alerts_state_one_open"
            )
        ]
        indexes = [models.Index(fields=["organisation", "key_hash"], name="alerts_state_key")]

    def __str__(self) -> str:
        return f"{self.key[:80]} ({self.status})"
