"""What happens to a case: the append-only event history, comments, attachments and links."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from supportal.cases.models.case import Case, Channel


class EventKind(models.TextChoices):
    CREATED = "created", "Created"
    COMMENTED = "commented", "Comment"
    STATE_CHANGED = "state_changed", "State changed"
    FIELD_CHANGED = "field_changed", "Field changed"
    PRIORITY_CHANGED = "priority_changed", "Priority changed"
    ASSIGNED = "assigned", "Assigned"
    WATCHER_ADDED = "watcher_added", "Watcher added"
    WATCHER_REMOVED = "watcher_removed", "Watcher removed"
    ATTACHMENT_ADDED = "attachment_added", "Attachment added"
    LINKED = "linked", "Linked"
    MERGED = "merged", "Merged"
    ESCALATED = "escalated", "Escalated"
    DEESCALATED = "deescalated", "De-escalated"
    ALERT = "alert", "Monitoring alert"
    WORKAROUND = "workaround", "Workaround given"
    SLA_WARNING = "sla_warning", "SLA warning"
    SLA_BREACHED = "sla_breached", "SLA breached"
    PAGED = "paged", "On-call paged"
    PAGE_ACKNOWLEDGED = "page_acknowledged", "Page acknowledged"
    PAGE_UNANSWERED = "page_unanswered", "Page unanswered"
    APPROVAL = "approval", "Approval decision"
    TASK_DONE = "task_done", "Fulfilment task done"
    CHAT = "chat", "Chat transcript"


class CaseEvent(models.Model):
    """One entry of a case's activity history. Written only by the services, in the change's transaction,
    and never changed or deleted."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=200, help_text="The actor's name when it happened.")
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(max_length=8, choices=Channel.choices)
    public = models.BooleanField(default=True, help_text="Customers see public events only.")
    data = models.JSONField(default=dict)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["case", "id"], name="cases_event_case")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise RuntimeError("Case events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RuntimeError("Case events are append-only.")


class Comment(models.Model):
    """A public reply or an internal note (agents only). Markdown, rendered when shown."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    author_label = models.CharField(max_length=200)
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField()
    public = models.BooleanField(default=True)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["case", "id"], name="cases_comment_case")]

    def __str__(self) -> str:
        return f"Comment {self.pk} on {self.case_id}"


class Attachment(models.Model):
    """A file on a case (or one of its comments), stored through Django's storage API."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="attachments")
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    storage_path = models.CharField(max_length=500)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(
        max_length=100, help_text="Sniffed from the bytes, not the client's claim."
    )
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    public = models.BooleanField(default=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(max_length=8, choices=Channel.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["case", "id"], name="cases_attachment_case")]

    def __str__(self) -> str:
        return self.filename


class LinkKind(models.TextChoices):
    RELATED = "related", "Related"
    FOLLOW_UP = "follow_up", "Follow-up of"
    DUPLICATE = "duplicate", "Duplicate of (merged into)"


class CaseLink(models.Model):
    """`source` is related to / a follow-up of / a merged duplicate of `target`."""

    source = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="links_out")
    target = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="links_in")
    kind = models.CharField(max_length=10, choices=LinkKind.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "target", "kind"], name="cases_link_unique"),
            models.CheckConstraint(
                condition=~models.Q(source=models.F("target")), name="cases_link_not_self"
            ),
        ]
        indexes = [models.Index(fields=["target", "kind"], name="cases_link_target")]

    def __str__(self) -> str:
        return f"{self.source_id} {self.kind} {self.target_id}"
