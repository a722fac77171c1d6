"""What the workspace keeps for agents: their saved queue views, and who is on which case right now."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class SavedView(models.Model):
    """A queue with filters, saved under a name: an agent's own (`owner`) or a team's (`team`)."""

    name = models.CharField(max_length=100)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="saved_views"
    )
    team = models.ForeignKey(
        "orgs.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="saved_views"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    queue = models.CharField(max_length=16, default="all", help_text="The queue the filters narrow.")
    query = models.CharField(max_length=2000, blank=True, help_text="The filters, URL-encoded.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(owner__isnull=False) & Q(team__isnull=True))
                | (Q(owner__isnull=True) & Q(team__isnull=False)),
                name="agent_savedview_one_scope",
            )
        ]

    def __str__(self) -> str:
        return self.name


class CaseViewer(models.Model):
    """An agent with the case open (and whether they are writing), refreshed by the page's heartbeat."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    replying = models.BooleanField(default=False)
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="agent_caseviewer_unique")]
        indexes = [models.Index(fields=["case", "-seen_at"], name="agent_caseviewer_seen")]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.case_id}"
