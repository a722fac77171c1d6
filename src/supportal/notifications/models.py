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
    message_id = models.CharField(max_length=998, blank=True, help_text="The Message-ID replies thread on.")
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=40, blank=True, help_text="The template it was made from.")

    class Meta:
        indexes = [
            models.Index(fields=["status", "created_at"], name="notif_outbox_queue"),
            models.Index(fields=["case", "created_at"], name="notif_outbox_case"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.recipients)} ({self.status})"


class Notification(models.Model):
    """One line of a person's in-app notification list ("Dana replied on 2612000042")."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="notifications")
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey(
        "cases.CaseEvent", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    verb = models.CharField(max_length=40)
    text = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "-id"], name="notif_user_list")]
        constraints = [models.UniqueConstraint(fields=["user", "event"], name="notif_one_per_user_event")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.text}"


class Digest(models.TextChoices):
    NONE = "none", "No digest"
    DAILY = "daily", "A daily digest"


class NotificationPreference(models.Model):
    """What a person wants to be told, and how. Missing row: the defaults (notifications.preferences)."""

    user = models.OneToOneField(
        "accounts.User", on_delete=models.CASCADE, related_name="notification_preference"
    )
    email_on_comment = models.BooleanField(default=True)
    email_on_state_change = models.BooleanField(default=True)
    email_on_new_case_in_organisation = models.BooleanField(
        default=False, help_text="Only for people who may see the organisation's cases."
    )
    in_app = models.BooleanField(default=True)
    digest = models.CharField(max_length=8, choices=Digest.choices, default=Digest.NONE)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Notification preferences of {self.user_id}"
