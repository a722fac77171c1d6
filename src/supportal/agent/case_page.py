"""The workspace's case page (/agent/cases/<number>/): the header, the timeline with internal notes set
apart, the composer, the moves and edits an agent makes, links, the context column and who else is on
the case.

Every POST view of the page re-renders it through `render_case` with its bound form (`Bound`) when the
form or the service refuses, with the refusal's status; on success they redirect back (`back`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import SafeString
from django.views.decorators.http import require_safe

from supportal.accounts.models import User, UserKind
from supportal.agent import case_context, presence
from supportal.agent.case_config_picker import config_picker
from supportal.agent.case_forms import (
    AGENT_ACTIONS,
    AssignForm,
    CaseActionForm,
    ClassificationForm,
    ComposerForm,
    ConfigItemForm,
    DeescalateForm,
    EscalateForm,
    FollowUpForm,
    LinkForm,
    MergeForm,
)
from supportal.agent.case_macros import MacroChoice, describe, filled_composer, macro_for
from supportal.agent.guards import agent_required
from supportal.agent.order_panel import order_panel
from supportal.cases.lifecycle import Action, Role, State, actions_available
from supportal.cases.models import Case
from supportal.cases.services.macros import macros_available_to
from supportal.cases.services.priority import severity_definitions, state_labels
from supportal.channels.email.models import InboundMessage, Outcome
from supportal.core.errors import DomainError
from supportal.core.files import human_size
from supportal.core.markdown import render_markdown
from supportal.orgs.models import Team
from supportal.web.cases.case_http import case_or_404, redirect_to_case
from supportal.web.cases.detail_forms import PriorityForm, WatcherForm, add_errors
from supportal.web.cases.detail_history import Entry
from supportal.web.cases.detail_page import activity_and_extra, colleagues_of, linked_cases

AGENTS_SHOWN = 500


@dataclass
class Bound:
    """What a refused POST brings back: its form (by name: "composer", "escalate", "action", ...) to
    show again with its errors, the move it was, a preview, or a refusal that has no form."""

    name: str = ""
    form: forms.Form | None = None
    action: Action | None = None
    preview: SafeString | None = None
    preview_errors: list[str] = field(default_factory=list)
    error: str = ""


@dataclass
class MoveChoice:
    action: Action
    label: str
    form: CaseActionForm
    open: bool
    shortcut: str
    asks_text: bool


def back(case: Case, anchor: str = "") -> HttpResponseRedirect:
    return redirect_to_case("agent:case", case, anchor)


@agent_required
@require_safe
def case_page(request: HttpRequest, number: str) -> HttpResponse:
    """The page; `?macro=<id>` fills the composer with a macro (the picker's path without JavaScript)."""
    case = case_or_404(request, number)
    actor: User = request.user  # type: ignore[assignment]
    macro = macro_for(actor, request.GET["macro"]) if request.GET.get("macro") else None
    if macro is None:
        return render_case(request, case)
    return render_case(request, case, Bound(name="composer", form=filled_composer(macro, case, actor)))


def render_case(
    request: HttpRequest, case: Case, bound: Bound | None = None, status: int = 200
) -> HttpResponse:
    return render(
        request, "agent/case_page.html", page_context(request, case, bound or Bound()), status=status
    )


def link_original_emails(case: Case, entries: list[Entry]) -> None:
    """Point the timeline's entries that came in by email at the stored message (one query)."""
    originals = InboundMessage.objects.filter(case=case, outcome__in=[Outcome.CREATED, Outcome.COMMENTED])
    by_anchor = {
        f"comment-{comment_id}" if comment_id else "created": pk
        for pk, comment_id in originals.values_list("pk", "comment_id")
    }
    for entry in entries:
        key = entry.anchor if entry.kind == "commented" else entry.kind
        if key in by_anchor:
            entry.original_url = reverse("agent:inbound", args=[by_anchor[key]])


def page_context(request: HttpRequest, case: Case, bound: Bound) -> dict[str, Any]:
    actor: User = request.user  # type: ignore[assignment]
    labels = state_labels()
    activity, extra = activity_and_extra(actor, case, labels)
    link_original_emails(case, activity.entries)
    links = linked_cases(actor, case, labels)
    closed = case.state == State.CLOSED
    agents = list(
        User.objects.filter(kind=UserKind.AGENT, is_active=True)
        .order_by("name", "id")
        .only("id", "name", "email")[:AGENTS_SHOWN]
    )
    viewers = presence.other_viewers(case, actor)
    around = case_context.case_context(actor, case, labels)
    moves = [] if closed else _moves(case, bound)
    context: dict[str, Any] = {
        "case": case,
        "state_label": labels.get(case.state, case.get_state_display()),
        "requester": case.requester_name or case.requester.display_name,
        "description": render_markdown(case.description) if case.description.strip() else "",
        "extra": extra,
        "entries": activity.entries,
        "links": [link for link in links if link.label != "Merged into"],
        "follow_ups": [link for link in links if link.label == "Follow-up"],
        "merged_into": next((link for link in links if link.label == "Merged into"), None),
        "closed": closed,
        "mine": case.assignee_id == actor.pk,
        "open_panel": bound.name,
        "page_error": bound.error,
        "moves": moves,
        "escalate_form": _form(bound, "escalate") or EscalateForm(auto_id="escalate-%s"),
        "deescalate_form": _form(bound, "deescalate") or DeescalateForm(auto_id="deescalate-%s"),
        "link_form": _form(bound, "link") or LinkForm(auto_id="link-%s"),
        "merge_form": _form(bound, "merge") or MergeForm(auto_id="merge-%s"),
        "follow_up_form": _form(bound, "follow_up") or FollowUpForm(auto_id="followup-%s"),
        "watchers": list(case.watchers.select_related("user").order_by("email")),
        "show_watcher_form": not closed,
        "watcher_form": _form(bound, "watcher") or WatcherForm(auto_id="watcher-%s"),
        "agents": agents,
        "viewers": viewers,
        "presence_signature": presence.signature(viewers),
        "heartbeat_seconds": presence.HEARTBEAT_SECONDS,
        "context": around,
        "order_panel": order_panel(case),
        "max_upload": human_size(settings.SUPPORTAL_MAX_ATTACHMENT_BYTES),
    }
    if not closed:
        context |= _composer(actor, case, bound)
        context |= _edits(actor, case, bound, around)
    if not bound.error and bound.name not in _forms_shown(context):
        context["page_error"] = _all_errors(bound.form)
    return context


def _forms_shown(context: dict[str, Any]) -> set[str]:
    """The page's forms shown now (a refused form whose part the page no longer shows, such as a move
    the state no longer allows, has its errors shown on top of the page instead)."""
    if context["closed"]:
        return {"link", "follow_up"}
    shown = {"composer", "classification", "config_item", "assign", "priority", "watcher", "link", "merge"}
    if context["may_escalate"]:
        shown.add("escalate")
    if context["may_deescalate"]:
        shown.add("deescalate")
    if any(choice.open for choice in context["moves"]):
        shown.add("action")
    return shown


def _all_errors(form: forms.Form | None) -> str:
    if form is None:
        return ""
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def _form(bound: Bound, name: str) -> Any:
    return bound.form if bound.name == name else None


def _moves(case: Case, bound: Bound) -> list[MoveChoice]:
    choices = []
    for action in actions_available(State(case.state), Role.AGENT):
        if action not in AGENT_ACTIONS:
            continue
        mine = bound.name == "action" and bound.action == action and isinstance(bound.form, CaseActionForm)
        form = bound.form if mine else CaseActionForm(action=action)
        assert isinstance(form, CaseActionForm)
        shortcut = {Action.TAKE: "take", Action.RESOLVE: "resolve"}.get(action, "")
        label, text_label, _required = AGENT_ACTIONS[action]
        choices.append(MoveChoice(action, label, form, mine, shortcut, bool(text_label)))
    return choices


def _composer(actor: User, case: Case, bound: Bound) -> dict[str, Any]:
    form = _form(bound, "composer") or ComposerForm(auto_id="composer-%s")
    chosen: MacroChoice | None = None
    macro_id = form.data.get("macro") if form.is_bound else form.initial.get("macro")
    if macro_id:
        macro = macro_for(actor, macro_id)
        chosen = describe(macro, case) if macro is not None else None
    return {
        "composer": form,
        "macros": list(macros_available_to(actor)),
        "chosen_macro": chosen,
        "preview": bound.preview,
        "preview_errors": bound.preview_errors,
    }


def _edits(actor: User, case: Case, bound: Bound, around: case_context.CaseContext) -> dict[str, Any]:
    initial = {"case_type": case.case_type_id, "request_type": case.request_type_id}
    ci_form = _form(bound, "config_item") or ConfigItemForm(
        case=case, initial={"config_item": case.config_item_id}
    )
    top = case_context.top_level(case, around)
    return {
        "classification_form": _form(bound, "classification")
        or ClassificationForm(auto_id="classify-%s", initial=initial),
        "config_item_form": ci_form,
        "config_picker": config_picker(actor, case, ci_form),
        "assign_form": _form(bound, "assign") or AssignForm(auto_id="assign-%s"),
        "teams": list(Team.objects.order_by("name")),
        "priority_form": _form(bound, "priority")
        or PriorityForm(
            auto_id="priority-%s", initial={"urgency": case.urgency, "impact": case.impact, "priority": ""}
        ),
        "severities": sorted(severity_definitions().items()),
        "colleagues": colleagues_of(case),
        "top_level": top,
        "may_escalate": case.escalation_level < top,
        "may_deescalate": case.escalation_level > 0,
    }


def refused(
    request: HttpRequest,
    case: Case,
    bound: Bound,
    error: DomainError,
    aliases: dict[str, str] | None = None,
) -> HttpResponse:
    """The page again with the service's refusal next to the bound form's fields, and its status."""
    if bound.form is not None:
        add_errors(bound.form, error, aliases)
    else:
        bound.error = error.detail
    return render_case(request, case, bound, error.status)


def invalid(request: HttpRequest, case: Case, bound: Bound) -> HttpResponse:
    """The page again with a form that did not validate: 422."""
    return render_case(request, case, bound, 422)
