"""The outbox: every email is written here in the sender's transaction, then a job delivers it."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class OutboundStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class OutboundEmail(models.Model):
    created_at = models.DateTimeField(default=timezone.now)
    recipients = models.JSONField(default=list)
    subject = models.CharField(max_length=998)
    message = models.BinaryField(help_text="The whole RFC 5322 message as it will be sent.")
    status = models.CharField(max_length=8, choices=OutboundStatus.choices, default=OutboundStatus.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "created_at"], name="notif_outbox_queue")]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.recipients)} ({self.status})"
