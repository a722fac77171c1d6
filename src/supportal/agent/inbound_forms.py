"""The forms of a held email's page: attach it to a case, create a case for a customer, discard it."""

from __future__ import annotations

from django import forms

from supportal.cases.services.create import SUBJECT_MAX
from supportal.channels.email.held import REASON_MAX


class AttachForm(forms.Form):
    case = forms.CharField(
        label="Case number",
        max_length=20,
        help_text="The 10-digit number of the case the email belongs to.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def clean_case(self) -> str:
        number = "".join(str(self.cleaned_data["case"]).split()).lstrip("#")
        if not (len(number) == 10 and number.isdigit()):
            raise forms.ValidationError("A case number has 10 digits.")
        return number


class CreateCaseForm(forms.Form):
    """The customer comes from the picker's radio buttons (`requester`), read by the view."""

    subject = forms.CharField(
        label="Subject",
        max_length=SUBJECT_MAX,
        required=False,
        help_text="Leave empty to use the email's subject.",
    )


class DiscardForm(forms.Form):
    reason = forms.CharField(
        label="Why discard it?",
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept with the email, which stays listed under “Discarded”.",
    )
