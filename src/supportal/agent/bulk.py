"""POST /agent/bulk/: one action on the cases selected in a queue, then back to the queue with a summary.

Fields: `case` (repeatable case numbers, at most MAX_CASES), `action` and what it needs:
- `assign`: `assignee` (an agent's id) and/or `team` (a team's id);
- `move`: `move` (take, ask-info, hold, resume or resolve);
- `priority`: `priority` and a `reason` (required);
- `note`: `note`, an internal note.
`next` is the queue page to return to (a workspace address of this site; else /agent/).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from supportal.accounts.models import User, UserKind
from supportal.agent import bulk_actions
from supportal.agent.guards import agent_required
from supportal.agent.queue_links import safe_next
from supportal.cases import selectors
from supportal.cases.lifecycle import Action
from supportal.cases.models import Priority
from supportal.cases.services.comments import BODY_MAX
from supportal.cases.services.transitions import REASON_MAX
from supportal.orgs.models import Team

MAX_CASES = 100
ACTIONS = [
    ("assign", "Assign"),
    ("move", "Change state"),
    ("priority", "Change priority"),
    ("note", "Add a note"),
]


class BulkForm(forms.Form):
    action = forms.ChoiceField(label="Action", choices=ACTIONS)
    assignee = forms.ModelChoiceField(
        label="Agent", queryset=User.objects.filter(kind=UserKind.AGENT, is_active=True), required=False
    )
    team = forms.ModelChoiceField(label="Team", queryset=Team.objects.all(), required=False)
    move = forms.ChoiceField(
        choices=[("", "")] + [(m.value, m.label) for m in bulk_actions.BULK_MOVES], required=False
    )
    priority = forms.ChoiceField(label="Priority", choices=[("", ""), *Priority.choices], required=False)
    reason = forms.CharField(label="Reason for the new priority", max_length=REASON_MAX, required=False)
    note = forms.CharField(label="Internal note", max_length=BODY_MAX, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        action = data.get("action")
        needed = {"move": ["move"], "priority": ["priority", "reason"], "note": ["note"]}.get(str(action), [])
        for name in needed:
            if not str(data.get(name) or "").strip():
                self.add_error(name, "Required for this action.")
        if action == "assign" and not (data.get("assignee") or data.get("team")):
            self.add_error("assignee", "Choose an agent or a team.")
        return data


@agent_required
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    back = redirect(safe_next(request, reverse("agent:home")))
    numbers = list(dict.fromkeys(n for n in request.POST.getlist("case") if n.isdigit() and len(n) == 10))
    if not numbers:
        messages.error(request, "Select at least one case first.")
        return back
    if len(numbers) > MAX_CASES:
        messages.error(request, f"At most {MAX_CASES} cases at a time: nothing was changed.")
        return back
    form = BulkForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Nothing was changed. {_problems(form)}")
        return back
    found = {c.number: c for c in selectors.cases_visible_to(request.user).filter(number__in=numbers)}
    change, what = _change(request.user, form.cleaned_data)
    outcome = bulk_actions.apply_each([found[n] for n in numbers if n in found], change)
    outcome.refused += [(n, "not found") for n in numbers if n not in found]
    level = messages.SUCCESS if not outcome.refused else messages.WARNING if outcome.done else messages.ERROR
    messages.add_message(request, level, outcome.summary(what))
    return back


def _problems(form: BulkForm) -> str:
    """Every bad field and why, as in "Reason for the new priority: Required for this action."."""
    return "; ".join(
        f"{form.fields[name].label if name in form.fields else 'Form'}: " + " ".join(str(e) for e in errors)
        for name, errors in form.errors.items()
    )


def _change(actor: Any, data: dict[str, Any]) -> tuple[bulk_actions.Change, str]:
    """The change to make to each case, and how the summary says it ("assigned to Dana Agent")."""
    action = data["action"]
    if action == "assign":
        assignee, team = data.get("assignee"), data.get("team")
        whom = " in ".join(
            x for x in (assignee.display_name if assignee else "", team.name if team else "") if x
        )
        return bulk_actions.assign(actor, assignee, team), f"assigned to {whom}"
    if action == "move":
        move = Action(data["move"])
        return bulk_actions.move(actor, move), bulk_actions.MOVE_DONE[move]
    if action == "priority":
        priority = Priority(data["priority"])
        return bulk_actions.set_priority(actor, priority, data["reason"].strip()), f"set to {priority.label}"
    return bulk_actions.add_note(actor, data["note"].strip()), "given an internal note"
