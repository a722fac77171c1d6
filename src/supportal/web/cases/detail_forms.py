"""The case page's forms: an action, a comment, the priority, the watchlist. They only parse input;
the services decide, and their errors land next to the fields here (`add_errors`)."""

from __future__ import annotations

from typing import Any

from django import forms

from supportal.cases.lifecycle import Action
from supportal.cases.models import Case, Level, Priority
from supportal.core.errors import DomainError

REASON_MAX = 2000

# What each action's button says in the portal, and what the page says once it is done.
ACTION_BUTTONS: dict[Action, str] = {
    Action.TAKE: "Take",
    Action.ASK_INFO: "Ask for information",
    Action.HOLD: "Put on hold",
    Action.RESUME: "Resume",
    Action.RESOLVE: "Resolve",
    Action.ACCEPT: "Accept solution",
    Action.REJECT: "Reject solution",
    Action.CLOSE: "Close case",
}
ACTION_DONE: dict[Action, str] = {
    Action.TAKE: "You took case {number}.",
    Action.ASK_INFO: "Case {number} now awaits the customer's information.",
    Action.HOLD: "Case {number} is on hold.",
    Action.RESUME: "Case {number} is open again.",
    Action.RESOLVE: "Case {number} is resolved; the customer is asked to accept the solution.",
    Action.ACCEPT: "Thank you: you accepted the solution and case {number} is closed.",
    Action.REJECT: "You rejected the solution; case {number} is open again.",
    Action.CLOSE: "Case {number} is closed.",
}
# Actions whose form asks for a reason (required by the lifecycle) or offers a comment.
REASON_ACTIONS = frozenset({Action.REJECT})
COMMENT_ACTIONS = frozenset({Action.ASK_INFO, Action.HOLD, Action.RESOLVE})


class ActionForm(forms.Form):
    reason = forms.CharField(
        label="Why is the problem not solved?",
        required=False,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    comment = forms.CharField(
        label="Comment for the customer", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class CommentForm(forms.Form):
    body = forms.CharField(label="Your reply", required=False, widget=forms.Textarea(attrs={"rows": 5}))
    public = forms.BooleanField(
        label="Public reply (untick for an internal note only agents see)", required=False, initial=True
    )
    # Rendered by hand (several files); here so that upload errors have a place next to the input.
    attachments = forms.Field(label="Attach files", required=False)


class PriorityForm(forms.Form):
    urgency = forms.ChoiceField(label="Urgency", choices=Level.choices)
    impact = forms.ChoiceField(label="Impact", choices=Level.choices)
    priority = forms.ChoiceField(
        label="Priority",
        choices=[("", "From urgency and impact"), *Priority.choices],
        required=False,
    )
    reason = forms.CharField(
        label="Why should the priority change?",
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why the priority should change."},
    )


class EscalateForm(forms.Form):
    reason = forms.CharField(
        label="Why does the case need escalating?",
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why the case needs escalating."},
    )


def priority_changes(case: Case, data: dict[str, Any]) -> dict[str, Any]:
    """What the priority form changes: only the urgency, impact or priority the person changed (an
    untouched urgency must not re-derive a priority set by hand; an empty priority follows the matrix)."""
    return {
        name: data[name]
        for name in ("urgency", "impact", "priority")
        if data[name] and data[name] != getattr(case, name)
    }


def priority_saved(case: Case, before: str) -> str:
    """What the page says once the priority form is saved (`before`: the priority it had)."""
    if case.priority != before:
        return f"The priority is now {case.get_priority_display()}."
    return f"Urgency and impact saved; the priority stays {case.get_priority_display()}."


class WatcherForm(forms.Form):
    watcher = forms.CharField(label="Email address of a colleague or anyone else", max_length=254)


def add_errors(form: forms.Form, error: DomainError, aliases: dict[str, str] | None = None) -> None:
    """Put a service's error next to the fields it names (`aliases` maps its names to the form's);
    whatever names no field of the form goes on top of the form. Call after `form.is_valid()`."""
    placed = False
    for name, messages in error.fields.items():
        field = (aliases or {}).get(name, name)
        for message in messages:
            if field in form.fields:
                form.add_error(field, message)
                placed = True
            elif message != error.detail:
                form.add_error(None, message)
    if not placed:
        form.add_error(None, error.detail)
