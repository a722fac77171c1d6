"""Forms of the agent workspace."""

from __future__ import annotations

from typing import Any

from django import forms

from supportal.orgs.models import Organisation, PermissionGroup


class ApproveRegistrationForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        help_text="The request matched no organisation by its email domain: choose one.",
    )
    groups = forms.ModelMultipleChoiceField(
        queryset=PermissionGroup.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Permission groups",
    )

    def __init__(self, *args: Any, organisations: Any, needs_organisation: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if needs_organisation:
            field = self.fields["organisation"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = organisations
            field.required = True
        else:
            del self.fields["organisation"]


class DeclineRegistrationForm(forms.Form):
    reason = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The requester receives this in a polite email.",
    )
