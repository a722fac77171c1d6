"""The Approve / Reject form (the case page, the approvals list's link page): a decision and a comment,
required to reject (the service says so; the form only keeps the typed text)."""

from __future__ import annotations

from django import forms

from supportal.catalog.models import Decision
from supportal.catalog.services.approvals import COMMENT_MAX


class ApprovalForm(forms.Form):
    decision = forms.ChoiceField(choices=Decision.choices, error_messages={"required": "Approve or reject."})
    comment = forms.CharField(
        label="Comment",
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea({"rows": 3, "class": "form-control"}),
        help_text="Optional to approve; a reason is required to reject. The requester reads it.",
    )

    def full_clean(self) -> None:
        super().full_clean()
        if "comment" in self.errors:
            attrs = self.fields["comment"].widget.attrs
            attrs["class"] = "form-control is-invalid"
            attrs["aria-invalid"] = "true"
            attrs["aria-describedby"] = "approval-comment-error"
