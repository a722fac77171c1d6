"""The case page's edits: case type and request type, configuration item, priority (with a reason) and
the watchlist. Each is a small form posting to one service (`case_update`, `watcher_add`,
`watcher_remove`); only what the agent changed is passed on, so nothing else is recorded."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from supportal.agent.case_config_picker import REFRESH
from supportal.agent.case_forms import ClassificationForm, ConfigItemForm
from supportal.agent.case_page import Bound, back, invalid, refused, render_case
from supportal.agent.guards import agent_required
from supportal.cases import services
from supportal.cases.models import Case, Channel
from supportal.cases.services.updates import UNSET
from supportal.core.errors import DomainError
from supportal.web.cases.case_http import case_or_404
from supportal.web.cases.detail_forms import PriorityForm, WatcherForm, priority_changes, priority_saved
from supportal.web.cases.watchlist import WATCHER_ERRORS, add_watcher, remove_watcher

NOTHING_TO_CHANGE = "Nothing to change: choose another value first."


@agent_required
@require_POST
def case_classification(request: HttpRequest, number: str) -> HttpResponse:
    case = case_or_404(request, number)
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
    case = case_or_404(request, number)
    form = ConfigItemForm(request.POST, case=case)
    bound = Bound(name="config_item", form=form)
    if REFRESH in request.POST:  # the picker's search without JavaScript: the matches, nothing changed
        return render_case(request, case, bound)
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
    case = case_or_404(request, number)
    form = PriorityForm(request.POST, auto_id="priority-%s")
    bound = Bound(name="priority", form=form)
    if not form.is_valid():
        return invalid(request, case, bound)
    before = case.priority
    changes = priority_changes(case, form.cleaned_data)
    response = _update(request, case, bound, changes, "", reason=form.cleaned_data["reason"])
    if response.status_code == 302:
        messages.success(request, priority_saved(case, before))
    return response


@agent_required
@require_POST
def case_watcher_add(request: HttpRequest, number: str) -> HttpResponse:
    case = case_or_404(request, number)
    form = WatcherForm(request.POST, auto_id="watcher-%s")
    bound = Bound(name="watcher", form=form)
    if not form.is_valid():
        return invalid(request, case, bound)
    try:
        add_watcher(request, case, form)
    except DomainError as error:
        return refused(request, case, bound, error, WATCHER_ERRORS)
    return back(case, "watchers")


@agent_required
@require_POST
def case_watcher_remove(request: HttpRequest, number: str) -> HttpResponse:
    case = case_or_404(request, number)
    try:
        remove_watcher(request, case)
    except DomainError as error:
        return refused(request, case, Bound(name="watcher"), error)
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
