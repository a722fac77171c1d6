"""Routing rules send a new case to a team; round-robin pointers pick the next agent within a team."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class RoutingRule(models.Model):
    """The first active rule (by position) whose every set condition matches a new case sends it to `team`.

    A condition left empty matches anything; a rule with no conditions is a catch-all.
    """

    name = models.CharField(max_length=100)
    position = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    team = models.ForeignKey("orgs.Team", on_delete=models.CASCADE, related_name="routing_rules")
    case_type = models.ForeignKey("cases.CaseType", null=True, blank=True, on_delete=models.CASCADE)
    request_type = models.ForeignKey("cases.RequestType", null=True, blank=True, on_delete=models.CASCADE)
    config_item_type = models.ForeignKey(
        "cmdb.ConfigItemType", null=True, blank=True, on_delete=models.CASCADE
    )
    organisation = models.ForeignKey("orgs.Organisation", null=True, blank=True, on_delete=models.CASCADE)
    assign_round_robin = models.BooleanField(
        default=False, help_text="Also assign the case to the team's next agent in turn."
    )

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.position}. {self.name} → {self.team}"


class RoundRobinPointer(models.Model):
    """The agent of a team who was given a case last."""

    team = models.OneToOneField("orgs.Team", on_delete=models.CASCADE, primary_key=True, related_name="+")
    last_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.team_id}: {self.last_user_id}"


class CaseSearchText(models.Model):
    """What full-text search reads: public text (subject, description, public comments) and internal
    notes apart, so customers never find a case by words they cannot see. See cases/search.py."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, primary_key=True, related_name="+")
    public_text = models.TextField(default="")
    internal_text = models.TextField(default="")

    def __str__(self) -> str:
        return f"search text of {self.case_id}"
