"""Canned replies (macros): a Markdown text with placeholders that may also set fields and the state."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from supportal.cases.lifecycle import Action
from supportal.cases.models.config import Priority

# The moves a macro may make after its text is added: the agents' own.
MACRO_ACTIONS = [
    (Action.TAKE.value, Action.TAKE.label),
    (Action.ASK_INFO.value, Action.ASK_INFO.label),
    (Action.HOLD.value, Action.HOLD.label),
    (Action.RESUME.value, Action.RESUME.label),
    (Action.RESOLVE.value, Action.RESOLVE.label),
]


class Macro(models.Model):
    """Shared by everyone (no owner, no team), by one team's agents (`for_team`), or one agent's own."""

    name = models.CharField(max_length=100)
    body = models.TextField(
        blank=True,
        help_text="Markdown. Placeholders: {{ requester.first_name }}, {{ requester.name }}, "
        "{{ case.number }}, {{ case.subject }}, {{ case.priority }}, {{ case.url }}, "
        "{{ organisation.name }}, {{ agent.name }}, {{ agent.first_name }}.",
    )
    public = models.BooleanField(default=True, help_text="A public reply; otherwise an internal note.")
    set_action = models.CharField(max_length=16, choices=MACRO_ACTIONS, blank=True)
    set_priority = models.CharField(max_length=2, choices=Priority.choices, blank=True)
    set_team = models.ForeignKey(
        "orgs.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="macros"
    )
    for_team = models.ForeignKey(
        "orgs.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="macros"
    )
    is_active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner__isnull=True) | Q(for_team__isnull=True), name="cases_macro_one_scope"
            )
        ]

    def __str__(self) -> str:
        return self.name
