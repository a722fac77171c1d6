"""Rendering the case page (/cases/<number>/): the header, the history, and the forms the person may use.

Every form's POST view re-renders this page through `render_case_page` with its bound form when the
service refuses, so that the message sits next to the field and nothing typed is lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import TemplateDoesNotExist
from django.template.loader import select_template

from supportal.accounts.models import User
from supportal.cases import policies, selectors
from supportal.cases.lifecycle import Action, Role, State, actions_available
from supportal.cases.models import Case, CaseLink, ExtraField, FieldKind, Kind, LinkKind
from supportal.cases.services.escalation import top_level
from supportal.cases.services.priority import severity_definitions, state_labels
from supportal.cmdb.models import ConfigItem
from supportal.core.files import human_size
from supportal.core.markdown import render_markdown
from supportal.orgs import selectors as org_selectors
from supportal.orgs.models import Team
from supportal.orgs.policies import Actor, is_agent
from supportal.web.cases import detail_history
from supportal.web.cases.detail_forms import (
    ACTION_BUTTONS,
    COMMENT_ACTIONS,
    REASON_ACTIONS,
    ActionForm,
    CommentForm,
    EscalateForm,
    PriorityForm,
    WatcherForm,
)
from supportal.web.catalog_order import order_context

STATE_CLASSES: dict[str, str] = {
    State.NEW: "info",
    State.OPEN: "primary",
    State.AWAITING_INFO: "warning",
    State.ON_HOLD: "secondary",
    State.RESOLVED: "success",
    State.CLOSED: "dark",
}
NEXT_STEPS_TEMPLATE = "web/cases/create_next_steps.html"
COLLEAGUES_SHOWN = 200


@dataclass
class Bound:
    """The form a POST filled in, to show again with its errors; the others start empty."""

    action: Action | None = None
    action_form: ActionForm | None = None
    comment: CommentForm | None = None
    priority: PriorityForm | None = None
    watcher: WatcherForm | None = None
    escalate: EscalateForm | None = None
    watcher_remove_error: str = ""


@dataclass
class ActionChoice:
    action: Action
    label: str
    form: ActionForm
    asks_reason: bool
    offers_comment: bool
    open: bool = False
    errors: list[str] = field(default_factory=list)


@dataclass
class LinkedCase:
    label: str
    number: str
    subject: str
    state: str
    visible: bool


def render_case_page(
    request: HttpRequest, case: Case, bound: Bound | None = None, status: int = 200
) -> HttpResponse:
    return render(
        request, "web/cases/detail_page.html", case_page_context(request, case, bound), status=status
    )


def case_page_context(request: HttpRequest, case: Case, bound: Bound | None = None) -> dict[str, Any]:
    actor = request.user
    bound = bound or Bound()
    agent = is_agent(actor)
    watchers = list(case.watchers.select_related("user").order_by("email"))
    case.watcher_user_ids = {w.user_id for w in watchers if w.user_id}  # type: ignore[attr-defined]
    labels = state_labels()
    activity, extra = activity_and_extra(actor, case, labels)
    closed = case.state == State.CLOSED
    may_comment = policies.can_comment(actor, case)
    as_customer = policies.can_act_as_customer(actor, case)
    links = linked_cases(actor, case, labels)
    actions = _actions(actor, case, bound, as_customer) if not closed else []
    context: dict[str, Any] = {
        "case": case,
        "is_agent": agent,
        "state_label": labels.get(case.state, case.get_state_display()),
        "state_class": STATE_CLASSES.get(case.state, "secondary"),
        "requester": case.requester_name or case.requester.display_name,
        "shared_login_of": case.requester.display_name if case.requester_name else "",
        "description": render_markdown(case.description) if case.description.strip() else "",
        "extra": extra,
        "links": [link for link in links if link.label != "Merged into"],
        "follow_ups": [link for link in links if link.label == "Follow-up"],
        "merged_into": next((link for link in links if link.label == "Merged into"), None),
        "entries": activity.entries,
        "files": activity.files,
        "watchers": watchers,
        "closed": closed,
        "actions": actions,
        "action_error": _action_error(bound, actions),
        "show_comment_form": may_comment and (not closed or (as_customer and not agent)),
        "follow_up_form": closed,
        "comment_form": bound.comment or CommentForm(auto_id="comment-%s"),
        "show_priority_form": not closed and (agent or as_customer),
        "priority_form": bound.priority
        or PriorityForm(
            auto_id="priority-%s", initial={"urgency": case.urgency, "impact": case.impact, "priority": ""}
        ),
        "show_watcher_form": not closed and may_comment,
        "may_change_visibility": not closed and policies.can_change_visibility(actor, case),
        "watcher_form": bound.watcher or WatcherForm(auto_id="watcher-%s"),
        "watcher_remove_error": bound.watcher_remove_error,
        "own_email": getattr(actor, "email", ""),
        "max_upload": human_size(settings.SUPPORTAL_MAX_ATTACHMENT_BYTES),
        "next_steps": request.GET.get("created") == "1" and _template_exists(NEXT_STEPS_TEMPLATE),
    }
    may_escalate = not closed and case.escalation_level < top_level(case)
    context["show_escalate_form"] = as_customer and not agent and (may_escalate or bound.escalate is not None)
    context["escalate_form"] = bound.escalate or EscalateForm(auto_id="escalate-%s")
    if context["show_priority_form"]:
        context["severities"] = sorted(severity_definitions().items())
    if context["show_watcher_form"]:
        context["colleagues"] = colleagues_of(case)
    if case.kind == Kind.ORDER or case.request_type_id is not None:  # an order, or a change to approve
        context.update(order_context(actor, case))
    return context


def activity_and_extra(
    actor: Actor, case: Case, labels: dict[str, str]
) -> tuple[detail_history.Activity, list[tuple[str, str]]]:
    """The history as the actor may read it and the request type's filled-in fields, with the people
    and teams they name fetched once (a fixed number of queries however long the history is). Shared
    with the agent workspace's case page."""
    events = detail_history.load_events(actor, case)
    extra_fields = _extra_fields(case)
    user_ids = detail_history.user_ids_named(events) | {
        int(case.extra[f.key]) for f in extra_fields if f.kind == FieldKind.USER and _is_id(case.extra, f.key)
    }
    users = {u.pk: u.display_name for u in User.objects.filter(pk__in=user_ids)} if user_ids else {}
    team_ids = detail_history.team_ids_named(events)
    teams = dict(Team.objects.filter(pk__in=team_ids).values_list("pk", "name")) if team_ids else {}
    activity = detail_history.build_activity(
        actor=actor, case=case, events=events, state_labels=labels, user_names=users, team_names=teams
    )
    return activity, _extra_values(case, extra_fields, users)


def _is_id(values: dict[str, Any], key: str) -> bool:
    value = values.get(key)
    return isinstance(value, int) and not isinstance(value, bool)


def _template_exists(name: str) -> bool:
    try:
        select_template([name])
    except TemplateDoesNotExist:
        return False
    return True


def _extra_fields(case: Case) -> list[ExtraField]:
    if case.request_type_id is None or not case.extra:
        return []
    return list(ExtraField.objects.filter(request_type_id=case.request_type_id).order_by("position", "id"))


def _extra_values(case: Case, fields: list[ExtraField], users: dict[int, str]) -> list[tuple[str, str]]:
    """(label, value) for each filled-in field of the request type's form, in the form's order."""
    items = _config_item_names(case, fields)
    rows: list[tuple[str, str]] = []
    for extra_field in fields:
        value = case.extra.get(extra_field.key)
        if value is None or value in ("", []):
            continue
        if extra_field.kind == FieldKind.USER and _is_id(case.extra, extra_field.key):
            shown = users.get(value, f"User {value}")
        elif extra_field.kind == FieldKind.CONFIG_ITEM and _is_id(case.extra, extra_field.key):
            shown = items.get(value, f"Item {value}")
        elif isinstance(value, list):
            shown = ", ".join(map(str, value))
        else:
            shown = str(value)
        rows.append((extra_field.label, shown))
    return rows


def _config_item_names(case: Case, fields: list[ExtraField]) -> dict[int, str]:
    ids = {case.extra[f.key] for f in fields if f.kind == FieldKind.CONFIG_ITEM and _is_id(case.extra, f.key)}
    if not ids:
        return {}
    found = ConfigItem.objects.filter(pk__in=ids, organisation_id=case.organisation_id)
    return dict(found.values_list("pk", "name"))


def linked_cases(actor: Actor, case: Case, labels: dict[str, str]) -> list[LinkedCase]:
    """The cases linked to this one (one query), each said from this case's side; customers see only
    those they may open (a merged case still names the case it went into)."""
    visible = selectors.cases_visible_to(actor)
    rows = (
        CaseLink.objects.filter(Q(source=case) | Q(target=case))
        .select_related("source", "target")
        .annotate(
            source_visible=Exists(visible.filter(pk=OuterRef("source_id"))),
            target_visible=Exists(visible.filter(pk=OuterRef("target_id"))),
        )
        .order_by("created_at", "id")
    )
    links: list[LinkedCase] = []
    for row in rows:
        outgoing = row.source_id == case.pk
        other: Case = row.target if outgoing else row.source
        may_see = bool(row.target_visible if outgoing else row.source_visible)  # type: ignore[attr-defined]
        label = _LINK_LABELS[(row.kind, outgoing)]
        if may_see or label == "Merged into":
            subject = other.subject if may_see else ""
            state = labels.get(other.state, other.state) if may_see else ""
            links.append(LinkedCase(label, other.number, subject, state, may_see))
    return links


_LINK_LABELS: dict[tuple[str, bool], str] = {
    (LinkKind.RELATED, True): "Related",
    (LinkKind.RELATED, False): "Related",
    (LinkKind.FOLLOW_UP, True): "Follow-up of",
    (LinkKind.FOLLOW_UP, False): "Follow-up",
    (LinkKind.DUPLICATE, True): "Merged into",
    (LinkKind.DUPLICATE, False): "Merged from",
}


def _actions(actor: Actor, case: Case, bound: Bound, as_customer: bool) -> list[ActionChoice]:
    role = policies.role_of(actor)
    if role is None or role == Role.SYSTEM or (role == Role.CUSTOMER and not as_customer):
        return []
    choices = []
    for action in actions_available(State(case.state), role):
        mine = bound.action == action and bound.action_form is not None
        form = bound.action_form if mine and bound.action_form else ActionForm(auto_id=f"{action.value}-%s")
        choices.append(
            ActionChoice(
                action=action,
                label=ACTION_BUTTONS.get(action, str(action.label)),
                form=form,
                asks_reason=action in REASON_ACTIONS,
                offers_comment=action in COMMENT_ACTIONS,
                open=mine,
                errors=[str(e) for e in form.non_field_errors()] if mine else [],
            )
        )
    return choices


def _action_error(bound: Bound, actions: list[ActionChoice]) -> str:
    """The refusal of a move the page does not offer (any more), shown on top of the page."""
    if bound.action is None or bound.action_form is None or any(c.open for c in actions):
        return ""
    form = bound.action_form
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def colleagues_of(case: Case) -> list[User]:
    """The organisation's people, offered as watchers (the list is a suggestion: any address works)."""
    people = org_selectors.people_of(case.organisation_id).only("id", "name", "email")
    return list(people[:COLLEAGUES_SHOWN])
