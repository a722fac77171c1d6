"""The on-call page's override form: who takes the pager, from when until when (in the agent's own time
zone, as the browser's date-time fields give it), and why. The rules are services.rotas'."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from supportal.accounts.models import User, UserKind
from supportal.escalation.models import Rota
from supportal.escalation.services.rotas import REASON_MAX

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"
SMALL = {"class": "form-control form-control-sm"}


def agents_to_choose() -> list[User]:
    """The people an override may name (read once per page, shared by every rota's form)."""
    return list(
        User.objects.filter(kind=UserKind.AGENT, is_active=True)
        .order_by("name", "id")
        .only("id", "name", "email")
    )


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(SMALL, format=LOCAL_FORMAT)


class OverrideForm(forms.Form):
    rota = forms.ModelChoiceField(queryset=Rota.objects.select_related("team"), widget=forms.HiddenInput)
    user = forms.TypedChoiceField(
        label="Who", coerce=int, widget=forms.Select(attrs={"class": "form-select form-select-sm"})
    )
    starts_at = forms.DateTimeField(label="From", widget=LocalDateTimeInput(), input_formats=[LOCAL_FORMAT])
    ends_at = forms.DateTimeField(label="To", widget=LocalDateTimeInput(), input_formats=[LOCAL_FORMAT])
    reason = forms.CharField(
        label="Reason", required=False, max_length=REASON_MAX, widget=forms.TextInput(attrs=SMALL)
    )

    def __init__(self, *args: Any, agents: Sequence[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agents = {agent.pk: agent for agent in agents}
        user_field = self.fields["user"]
        assert isinstance(user_field, forms.TypedChoiceField)
        user_field.choices = [(agent.pk, agent.display_name) for agent in agents]

    def chosen_user(self) -> User:
        return self.agents[self.cleaned_data["user"]]
