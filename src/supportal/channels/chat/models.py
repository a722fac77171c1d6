"""A conversation between one customer and the support team, its messages and its shared files.

Every conversation and message is kept (closing one only changes its status), so the transcript stays
readable by the customer and searchable by agents whether or not it became a case.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Status(models.TextChoices):
    WAITING = "waiting", "Waiting for an agent"
    ACTIVE = "active", "With an agent"
    CLOSED = "closed", "Closed"


OPEN_STATUSES = (Status.WAITING, Status.ACTIVE)


class Conversation(models.Model):
    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="chat_conversations"
    )
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="chat_conversations"
    )
    customer_name = models.CharField(max_length=200, help_text="The customer's name when it started.")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.WAITING)
    topic = models.CharField(max_length=250, help_text="The customer's first message, shortened.")
    team = models.ForeignKey(
        "orgs.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The team it was transferred to; any agent may accept it when empty.",
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="chat_conversations"
    )
    transcript_upto = models.BigIntegerField(
        default=0, help_text="The last message already copied onto the case's history."
    )
    created_at = models.DateTimeField(default=timezone.now)
    waiting_since = models.DateTimeField(default=timezone.now, help_text="When it last joined the queue.")
    accepted_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    last_message_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(
                fields=["waiting_since", "id"], name="chat_conv_waiting", condition=Q(status="waiting")
            ),
            models.Index(fields=["agent", "status"], name="chat_conv_agent"),
            models.Index(fields=["customer", "-created_at"], name="chat_conv_customer"),
            models.Index(fields=["-last_message_at", "-id"], name="chat_conv_recent"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(status__in=["waiting", "active"]),
                name="chat_one_open_conversation_per_customer",
            )
        ]

    def __str__(self) -> str:
        return f"Chat {self.pk} with {self.customer_name}"

    @property
    def is_open(self) -> bool:
        return self.status != Status.CLOSED


class MessageKind(models.TextChoices):
    MESSAGE = "message", "Message"
    EVENT = "event", "What happened"  # "Dana joined", "Case 2612000001 opened", "Closed"


class ChatFile(models.Model):
    """A file shared in a conversation: checked and stored like a case attachment."""

    conversation = models.ForeignKey(Conversation, on_delete=models.PROTECT, related_name="files")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    storage_path = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.filename


class ChatMessage(models.Model):
    """One line of a conversation; never changed or deleted."""

    conversation = models.ForeignKey(Conversation, on_delete=models.PROTECT, related_name="messages")
    kind = models.CharField(max_length=8, choices=MessageKind.choices, default=MessageKind.MESSAGE)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    author_name = models.CharField(max_length=200)
    from_agent = models.BooleanField(default=False)
    body = models.TextField(blank=True)
    file = models.ForeignKey(ChatFile, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["conversation", "id"], name="chat_message_conversation")]

    def __str__(self) -> str:
        return f"{self.author_name}: {self.body[:40]}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise RuntimeError("Chat messages are append-only.")
        super().save(*args, **kwargs)
