"""The forms of the workspace's case page. They only parse what the agent typed; the services decide,
and their refusals land next to the fields (`web.cases.detail_forms.add_errors`).

The priority and watcher forms are the portal's own (`PriorityForm`, `WatcherForm`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet

from supportal.accounts.models import User, UserKind
from supportal.cases.lifecycle import Action
from supportal.cases.models import Case, CaseType, RequestType
from supportal.cmdb.models import ConfigItem
from supportal.orgs.models import Team
from supportal.web.cases.detail_forms import REASON_MAX

PUBLIC, NOTE = "public", "note"
CASE_NUMBER_MAX = 10

# What each agent move's button says, the label of its text for the customer, and whether it needs one.
AGENT_ACTIONS: dict[Action, tuple[str, str, bool]] = {
    Action.TAKE: ("Assign to me", "", False),
    Action.ASK_INFO: ("Ask for information", "Message to the customer", True),
    Action.HOLD: ("Put on hold", "Comment for the customer", False),
    Action.RESUME: ("Resume", "", False),
    Action.RESOLVE: ("Resolve", "Solution (the customer sees it)", False),
}


class ComposerForm(forms.Form):
    """A public reply or an internal note, possibly from a macro (whose text the agent may have edited)."""

    # Not sent while a macro is chosen (the macro decides): a missing mode is a public reply.
    mode = forms.ChoiceField(
        choices=[(PUBLIC, "Public reply"), (NOTE, "Internal note")],
        initial=PUBLIC,
        required=False,
        widget=forms.RadioSelect,
    )
    body = forms.CharField(label="Message", required=False, widget=forms.Textarea(attrs={"rows": 6}))
    macro = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    # Rendered by hand (several files); here so that upload errors have a place next to the input.
    attachments = forms.Field(label="Attach files", required=False)


class CaseActionForm(forms.Form):
    """One lifecycle move, with the text for the customer some moves carry (required to ask for info)."""

    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, action: Action, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{action.value}-%s")
        super().__init__(*args, **kwargs)
        _button, label, required = AGENT_ACTIONS[action]
        self.fields["comment"].label = label or "Comment"
        self.fields["comment"].required = required
        self.fields["comment"].error_messages["required"] = "Write what the customer should send."


class EscalateForm(forms.Form):
    reason = forms.CharField(
        label="Why does the case need escalating?",
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why the case needs escalating."},
    )


class DeescalateForm(forms.Form):
    reason = forms.CharField(
        label="Why may the case come down a level?",
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why the case may be de-escalated."},
    )


class ClassificationForm(forms.Form):
    """The case type and request type (a request type brings its own case type)."""

    case_type = forms.ModelChoiceField(
        label="Case type", queryset=CaseType.objects.filter(is_active=True).order_by("position", "name")
    )
    request_type = forms.ModelChoiceField(
        label="Request type",
        required=False,
        empty_label="None",
        queryset=RequestType.objects.filter(is_active=True)
        .select_related("category")
        .order_by("category__position", "position", "name"),
    )


class ConfigItemForm(forms.Form):
    config_item = forms.ModelChoiceField(
        label="Configuration item", required=False, queryset=ConfigItem.objects.none()
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "ci-%s")
        super().__init__(*args, **kwargs)
        field = self.fields["config_item"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = config_items_of(case)


def config_items_of(case: Case) -> QuerySet[ConfigItem]:
    """The organisation's active items, and the case's own even when retired."""
    items = ConfigItem.objects.filter(organisation_id=case.organisation_id)
    if case.config_item_id:
        return items.filter(Q(is_active=True) | Q(pk=case.config_item_id))
    return items.filter(is_active=True)


class AssignForm(forms.Form):
    """A team and/or an agent; "Assign to me" posts the agent's own id."""

    team = forms.ModelChoiceField(
        label="Team", required=False, empty_label="Keep the team", queryset=Team.objects.order_by("name")
    )
    assignee = forms.ModelChoiceField(
        label="Assigned agent",
        required=False,
        empty_label="Keep the agent",
        queryset=User.objects.filter(kind=UserKind.AGENT, is_active=True),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and data.get("team") is None and data.get("assignee") is None:
            raise forms.ValidationError("Choose a team or an agent.")
        return data


class CaseNumberField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", CASE_NUMBER_MAX)
        kwargs.setdefault("error_messages", {"required": "Give the other case's number."})
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        number = "".join(str(super().clean(value)).split())
        if not (len(number) == CASE_NUMBER_MAX and number.isdigit()):
            raise forms.ValidationError("A case number has ten digits, like 2601000042.")
        return number


class LinkForm(forms.Form):
    number = CaseNumberField(label="Number of the related case")


class MergeForm(forms.Form):
    number = CaseNumberField(label="Merge into case number")
    reason = forms.CharField(
        label="Why is this case a duplicate?",
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why this case is a duplicate."},
    )
    confirm = forms.BooleanField(
        label="Yes: close this case as merged into that one (this cannot be undone)",
        error_messages={"required": "Tick the box to confirm the merge."},
    )


class FollowUpForm(forms.Form):
    body = forms.CharField(
        label="What still needs doing?",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Write what the follow-up is about."},
    )
