"""Outbound webhooks: what a subscriber wants (Webhook) and every message sent to it (Delivery).

Written only by webhooks.services and webhooks.delivery.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Webhook(models.Model):
    """A subscription: POST these events to this URL, signed with this secret.

    `organisation` None is a provider-wide webhook (admins only; it sees what agents see). The secret is
    kept in the clear because every signature needs it; it is shown when made and when rotated.
    """

    organisation = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="webhooks"
    )
    url = models.URLField(max_length=2000)
    secret = models.CharField(max_length=100)
    event_types = models.JSONField(default=list, help_text="The event names delivered (webhooks.events).")
    description = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    consecutive_failures = models.PositiveIntegerField(
        default=0, help_text="Deliveries given up in a row since the last success."
    )
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [models.Index(fields=["organisation", "is_active"], name="webhooks_org_active")]

    def __str__(self) -> str:
        return f"{self.url} ({self.description})" if self.description else self.url


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"  # not tried yet
    FAILED = "failed", "Failed, will retry"  # the last try failed; next_attempt_at says when again
    SUCCEEDED = "succeeded", "Delivered"
    GIVEN_UP = "given_up", "Given up"


RETRYABLE = (DeliveryStatus.PENDING, DeliveryStatus.FAILED)


class Delivery(models.Model):
    """One event for one webhook, and what happened when it was sent (the last try's answer)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False, help_text="X-Supportal-Delivery")
    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40)
    payload = models.JSONField(default=dict, help_text="The body's `data`, as the subscriber may see it.")
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(
        null=True, blank=True, help_text="When to try (again); empty once delivered or given up."
    )
    response_code = models.PositiveIntegerField(null=True, blank=True)
    response_excerpt = models.TextField(blank=True, help_text="The start of the last answer (2 KB).")
    error = models.CharField(max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "deliveries"
        indexes = [
            models.Index(fields=["webhook", "-id"], name="webhooks_delivery_log"),
            models.Index(
                fields=["next_attempt_at"],
                name="webhooks_delivery_due",
                condition=Q(next_attempt_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.webhook_id} ({self.status})"
