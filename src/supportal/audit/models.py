"""The append-only, hash-chained audit record. Rows are only ever inserted (see audit.services)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditRecord(models.Model):
    """Who did what, when, through which channel, to which object, with the old and new values.

    `position` counts 1, 2, 3 ... with no gaps; `hash` covers this row's content and the previous row's
    hash, so an altered, inserted or deleted row breaks the chain (`supportal audit verify`). Database
    triggers refuse UPDATE and DELETE on this table.
    """

    position = models.BigIntegerField(unique=True)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField(max_length=300, blank=True)
    channel = models.CharField(max_length=16)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    organisation_id = models.BigIntegerField(null=True, blank=True)
    old = models.JSONField(null=True, blank=True)
    new = models.JSONField(null=True, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["position"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "position"], name="audit_object"),
            models.Index(fields=["organisation_id", "position"], name="audit_organisation"),
            models.Index(fields=["actor", "position"], name="audit_actor"),
            models.Index(fields=["action", "position"], name="audit_action"),
        ]

    def __str__(self) -> str:
        return f"#{self.position} {self.action} by {self.actor_label} at {self.at:%Y-%m-%d %H:%M:%S}"
