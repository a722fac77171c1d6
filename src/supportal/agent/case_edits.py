"""The case page's edits: case type and request type, configuration item, priority (with a reason) and
the watchlist. Each is a small form posting to one service (`case_update`, `watcher_add`,
`watcher_remove`); only what the agent changed is passed on, so nothing else is recorded."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from supportal.agent.case_forms import ClassificationForm, ConfigItemForm
from supportal.agent.case_page import Bound, back, invalid, load_case, refused
from supportal.agent.guards import agent_required
from supportal.cases import services
from supportal.cases.models import Case, Channel
from supportal.cases.services.updates import UNSET
from supportal.core.errors import DomainError
from supportal.web.cases.detail_forms import PriorityForm, WatcherForm

NOTHING_TO_CHANGE = "Nothing to change: choose another value first."


@agent_required
@require_POST
def case_classification(request: HttpRequest, number: str) -> HttpResponse:
    case = load_case(request, number)
    form = ClassificationForm(request.POST, auto_id="classify-%s")
    bound = Bound(name="classification", form=form)
    if not form.is_valid():
        return invalid(request, case, bound)
    request_type = form.cleaned_data["request_type"]
    changes: dict[str, Any] = {}
    if request_type is not None and request_type.pk != case.request_type_id:
        changes["request_type"] = request_type  # it brings its case type along
    elif request_type is None and case.request_type_id is not None:
        changes["request_type"] = None
    if "request_type" not in changes or request_type is None:
        case_type = form.cleaned_data["case_type"]
        if case_type.pk != case.case_type_id:
            changes["case_type"] = case_type
    return _update(request, case, bound, changes, "The type is changed.")


@agent_required
@require_POST
def case_config_item(request: HttpRequest, number: str) -> HttpResponse:
    case = load_case(request, number)
    form = ConfigItemForm(request.POST, case=case)
    bound = Bound(name="config_item", form=form)
    if not form.is_valid():
        return invalid(request, case, bound)
    item = form.cleaned_data["config_item"]
    changes = {"config_item": item} if (item.pk if item else None) != case.config_item_id else {}
    done = f"The configuration item is now {item.name}." if item else "The configuration item is removed."
    return _update(request, case, bound, changes, done)


@agent_required
@require_POST
def case_priority(request: HttpRequest, number: str) -> HttpResponse:
    """Urgency and impact (the priority follows the matrix) or the priority itself, with a reason."""
    case = load_case(request, number)
    form = PriorityForm(request.POST, auto_id="priority-%s")
    bound = Bound(name="priority", form=form)
    if not form.is_valid():
        return invalid(request, case, bound)
    data = form.cleaned_data
    # Only what the agent changed: an untouched urgency must not re-derive a priority set by hand.
    changes = {
        name: data[name]
        for name in ("urgency", "impact", "priority")
        if data[name] and data[name] != getattr(case, name)
    }
    before = case.priority
    response = _update(request, case, bound, changes, "", reason=data["reason"])
    if response.status_code == 302:
        if case.priority != before:
            messages.success(request, f"The priority is now {case.get_priority_display()}.")
        else:
            messages.success(request, f"Urgency and impact saved; the priority stays {case.priority}.")
    return response


@agent_required
@require_POST
def case_watcher_add(request: HttpRequest, number: str) -> HttpResponse:
    case = load_case(request, number)
    form = WatcherForm(request.POST, auto_id="watcher-%s")
    bound = Bound(name="watcher", form=form)
    if not form.is_valid():
        return invalid(request, case, bound)
    try:
        services.watcher_add(
            actor=request.user, case=case, watcher=form.cleaned_data["watcher"], channel=Channel.PORTAL
        )
    except DomainError as error:
        return refused(request, case, bound, error, {"watchers": "watcher"})
    messages.success(request, f"{form.cleaned_data['watcher']} now watches this case.")
    return back(case, "watchers")


@agent_required
@require_POST
def case_watcher_remove(request: HttpRequest, number: str) -> HttpResponse:
    case = load_case(request, number)
    email = str(request.POST.get("email", "")).strip()
    try:
        services.watcher_remove(actor=request.user, case=case, email=email, channel=Channel.PORTAL)
    except DomainError as error:
        return refused(request, case, Bound(name="watcher"), error)
    messages.success(request, f"{email} no longer watches this case.")
    return back(case, "watchers")


def _update(
    request: HttpRequest, case: Case, bound: Bound, changes: dict[str, Any], done: str, reason: str = ""
) -> HttpResponse:
    """`services.case_update` with the changed fields; nothing changed is a 422 with a word why."""
    if not changes:
        assert bound.form is not None
        bound.form.add_error(None, NOTHING_TO_CHANGE)
        return invalid(request, case, bound)
    fields = {name: changes.get(name, UNSET) for name in ("case_type", "request_type", "config_item")}
    levels = {name: changes.get(name, UNSET) for name in ("urgency", "impact", "priority")}
    try:
        services.case_update(
            actor=request.user, case=case, channel=Channel.PORTAL, reason=reason, **fields, **levels
        )
    except DomainError as error:
        return refused(request, case, bound, error)
    if done:
        messages.success(request, done)
    return back(case)
