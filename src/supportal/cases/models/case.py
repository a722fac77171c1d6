"""The case record and its watchlist."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from supportal.cases.lifecycle import State
from supportal.cases.models.config import CaseType, Kind, Level, Priority, RequestType

# The conditions of the queues' partial indexes: a queue's predicate must be written the same way.
NOT_CLOSED_CASES = ~Q(state=State.CLOSED)
NEW_UNASSIGNED_CASES = Q(state=State.NEW, assignee__isnull=True)


class Channel(models.TextChoices):
    """Where a case, comment or move came from."""

    PORTAL = "portal", "Portal"
    EMAIL = "email", "Email"
    CHAT = "chat", "Chat"
    API = "api", "API"
    PHONE = "phone", "Phone"
    WALK_IN = "walk-in", "In person"
    ALERT = "alert", "Monitoring alert"
    SYSTEM = "system", "System"


class Visibility(models.TextChoices):
    PRIVATE = "private", "Private"
    ORGANIZATION = "organization", "Shared with the organisation"


class CloseReason(models.TextChoices):
    ACCEPTED = "accepted", "Solution accepted"
    WITHDRAWN = "withdrawn", "Closed by the customer"
    AUTO = "auto", "Closed automatically after resolution"
    MERGED = "merged", "Merged into another case"
    REJECTED = "rejected", "Rejected by an approver"


class CaseNumberCounter(models.Model):
    """The last sequence number given out in a month (`YYMM`); see services/numbers.py."""

    period = models.CharField(max_length=4, primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.period}: {self.last}"


class Case(models.Model):
    number = models.CharField(max_length=10, unique=True)
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.CASE)
    case_type = models.ForeignKey(CaseType, on_delete=models.PROTECT, related_name="cases")
    request_type = models.ForeignKey(
        RequestType, null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="cases")
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cases_requested"
    )
    requester_name = models.CharField(
        max_length=200, blank=True, help_text="The person's own name, for organisations with a shared login."
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases_filed",
        help_text="Who really filed it when not the requester (an agent, an integration).",
    )
    filed_reason = models.CharField(max_length=300, blank=True)
    config_item = models.ForeignKey(
        "cmdb.ConfigItem", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    urgency = models.CharField(max_length=6, choices=Level.choices, default=Level.MEDIUM)
    impact = models.CharField(max_length=6, choices=Level.choices, default=Level.LOW)
    priority = models.CharField(max_length=2, choices=Priority.choices, default=Priority.P3)
    subject = models.CharField(max_length=250)
    description = models.TextField(blank=True)
    reference = models.CharField(max_length=100, blank=True, help_text="The customer's own reference.")
    visibility = models.CharField(max_length=12, choices=Visibility.choices, default=Visibility.PRIVATE)
    team = models.ForeignKey(
        "orgs.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases_assigned",
    )
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.PORTAL)
    state = models.CharField(max_length=16, choices=State.choices, default=State.NEW)
    escalation_level = models.PositiveSmallIntegerField(default=0)
    extra = models.JSONField(default=dict, blank=True)
    reject_count = models.PositiveSmallIntegerField(default=0)
    close_reason = models.CharField(max_length=10, choices=CloseReason.choices, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_cases"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["config_item", "-created_at", "-id"], name="cases_item_created"),
            models.Index(fields=["-updated_at", "-id"], name="cases_updated"),
            models.Index(fields=["organisation", "-updated_at", "-id"], name="cases_org_updated"),
            models.Index(fields=["requester", "-updated_at", "-id"], name="cases_requester_updated"),
            models.Index(fields=["state", "-updated_at", "-id"], name="cases_state_updated"),
            models.Index(fields=["assignee", "state"], name="cases_assignee_state"),
            models.Index(fields=["team", "state"], name="cases_team_state"),
            models.Index(fields=["priority", "state"], name="cases_priority_state"),
            models.Index(fields=["state", "resolved_at"], name="cases_state_resolved"),
            # The portal's other sort orders: by creation and by priority, per scope.
            models.Index(fields=["-created_at", "-id"], name="cases_created"),
            models.Index(fields=["organisation", "-created_at", "-id"], name="cases_org_created"),
            models.Index(fields=["requester", "-created_at", "-id"], name="cases_requester_created"),
            models.Index(fields=["priority", "-updated_at", "-id"], name="cases_priority_updated"),
            models.Index(
                fields=["organisation", "priority", "-updated_at", "-id"], name="cases_org_priority"
            ),
            models.Index(
                fields=["requester", "priority", "-updated_at", "-id"], name="cases_requester_priority"
            ),
            # The agent workspace's queues (agent/queues.py) in each of their sort orders: priority then
            # oldest, oldest (or, read backwards, newest), last activity. New and unassigned, Mine and My
            # teams use partial indexes (over few rows: most cases are closed); the other state queues
            # lead with the state.
            *(
                models.Index(fields=[*scope, *order], name=f"cases_{prefix}_{suffix}", condition=condition)
                for prefix, scope, condition in (
                    ("new_unassigned", [], NEW_UNASSIGNED_CASES),
                    ("open_assignee", ["assignee"], NOT_CLOSED_CASES),
                    ("open_team", ["team"], NOT_CLOSED_CASES),
                )
                for suffix, order in (
                    ("priority", ["priority", "created_at", "id"]),
                    ("created", ["created_at", "id"]),
                    ("updated", ["-updated_at", "-id"]),
                )
            ),
            models.Index(
                fields=["state", "priority", "created_at", "id"], name="cases_state_priority_created"
            ),
            models.Index(fields=["state", "created_at", "id"], name="cases_state_created"),
            models.Index(fields=["priority", "created_at", "id"], name="cases_priority_created"),
            # All cases of one organisation by priority (the other orders have theirs above).
            models.Index(
                fields=["organisation", "priority", "created_at", "id"], name="cases_org_priority_created"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"


class Watcher(models.Model):
    """Someone who gets every public update: a user, or a plain email address."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="watchers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="watching"
    )
    email = models.EmailField()
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "email"], name="cases_watcher_unique")]
        indexes = [models.Index(fields=["user", "case"], name="cases_watcher_user")]

    def __str__(self) -> str:
        return f"{self.email} watches {self.case_id}"
