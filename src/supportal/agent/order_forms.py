"""The forms of the order panel and the tasks list: they parse what the agent chose; the task services
decide (catalog.services.tasks)."""

from __future__ import annotations

from django import forms

from supportal.accounts.models import User, UserKind


class TaskCompleteForm(forms.Form):
    """Done, or Skip ("not needed") when `skip` is set."""

    skip = forms.BooleanField(required=False)


class TaskAssignForm(forms.Form):
    """An agent for the task; none takes it off whoever has it (the service checks the agent is active)."""

    assignee = forms.ModelChoiceField(
        label="Assigned agent",
        required=False,
        empty_label="Nobody",
        queryset=User.objects.filter(kind=UserKind.AGENT),
        error_messages={"invalid_choice": "Choose one of the agents."},
    )


class TaskListForm(forms.Form):
    """The tasks list's filter: the open tasks of my teams (and mine), or only those assigned to me."""

    TEAMS, MINE = "teams", "mine"
    show = forms.ChoiceField(
        choices=[(TEAMS, "My teams"), (MINE, "Assigned to me")], required=False, initial=TEAMS
    )

    def scope(self) -> str:
        return str(self.cleaned_data.get("show") or self.TEAMS) if self.is_valid() else self.TEAMS
