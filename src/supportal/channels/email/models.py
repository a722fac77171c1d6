"""Every message received (raw, before anything else), the Message-IDs of each case's thread, the
automatic answers sent per address, and the IMAP mailboxes polled."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Source(models.TextChoices):
    PIPE = "pipe", "Pipe delivery (ingest-email)"
    LMTP = "lmtp", "LMTP"
    IMAP = "imap", "IMAP mailbox"


class Status(models.TextChoices):
    RECEIVED = "received", "Received, not yet processed"
    DONE = "done", "Done"
    HELD = "held", "Held for an agent"
    IGNORED = "ignored", "Ignored (automatic or bulk mail)"
    FAILED = "failed", "Failed"
    DISCARDED = "discarded", "Discarded by an agent"


class Outcome(models.TextChoices):
    CREATED = "created", "Case opened"
    COMMENTED = "commented", "Comment added"
    HELD = "held", "Held"
    IGNORED = "ignored", "Ignored"


class InboundMessage(models.Model):
    """One message as it arrived, stored before it is parsed. Idempotent on Message-ID + content hash."""

    received_at = models.DateTimeField(default=timezone.now)
    source = models.CharField(max_length=8, choices=Source.choices)
    mailbox = models.CharField(max_length=200, blank=True, help_text="IMAP mailbox or LMTP recipient.")
    envelope_from = models.CharField(max_length=320, blank=True)
    envelope_to = models.JSONField(default=list, blank=True)
    raw = models.BinaryField(help_text="The message byte for byte.")
    size = models.PositiveIntegerField(default=0)
    content_hash = models.CharField(max_length=64)
    message_id = models.CharField(max_length=998, blank=True)
    from_address = models.CharField(max_length=320, blank=True)
    subject = models.CharField(max_length=250, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RECEIVED)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    reason_code = models.CharField(max_length=40, blank=True)
    reason = models.TextField(blank=True)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="inbound_emails"
    )
    comment = models.ForeignKey(
        "cases.Comment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    visible_text = models.TextField(blank=True, help_text="The reply as added, quotes and signature removed.")
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message_id", "content_hash"], name="mail_inbound_once"),
        ]
        indexes = [
            models.Index(fields=["status", "-received_at"], name="mail_inbound_status"),
            models.Index(fields=["-received_at", "-id"], name="mail_inbound_received"),
            models.Index(fields=["from_address", "-received_at"], name="mail_inbound_sender"),
        ]

    def __str__(self) -> str:
        return f"{self.message_id or self.content_hash[:12]} from {self.from_address} ({self.status})"


class Direction(models.TextChoices):
    IN = "in", "Received"
    OUT = "out", "Sent"


class ThreadMessage(models.Model):
    """A Message-ID that belongs to a case's thread: every message sent about it, every one received."""

    message_id = models.CharField(max_length=998)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    direction = models.CharField(max_length=3, choices=Direction.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["message_id"], name="mail_thread_message"),
            models.Index(fields=["case", "created_at"], name="mail_thread_case"),
        ]

    def __str__(self) -> str:
        return f"{self.message_id} → {self.case_id}"


class AutoAnswer(models.Model):
    """An automatic message sent to an address (confirmation, "please register"): the daily cap counts
    these."""

    address = models.CharField(max_length=320)
    kind = models.CharField(max_length=40)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["address", "kind", "-sent_at"], name="mail_autoanswer_recent")]

    def __str__(self) -> str:
        return f"{self.kind} to {self.address}"


class Security(models.TextChoices):
    SSL = "ssl", "TLS from the start (IMAPS, port 993)"
    STARTTLS = "starttls", "STARTTLS"
    NONE = "none", "None (loopback and tests only)"


class AfterFetch(models.TextChoices):
    SEEN = "seen", "Mark as read"
    DELETE = "delete", "Delete"
    MOVE = "move", "Move to a folder"


class ImapMailbox(models.Model):
    """A mailbox the IMAP poller reads. Messages are stored first, then marked, moved or deleted."""

    name = models.SlugField(max_length=60, unique=True)
    host = models.CharField(max_length=253)
    port = models.PositiveIntegerField(default=993)
    security = models.CharField(max_length=8, choices=Security.choices, default=Security.SSL)
    username = models.CharField(max_length=320)
    password = models.CharField(max_length=500)
    folder = models.CharField(max_length=200, default="INBOX")
    after_fetch = models.CharField(max_length=6, choices=AfterFetch.choices, default=AfterFetch.SEEN)
    move_to = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    uid_validity = models.BigIntegerField(null=True, blank=True)
    last_uid = models.BigIntegerField(default=0)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.name
