"""The case page and its forms: /cases/<number>/ and the POSTs it makes.

Each POST loads the case through `access.case_for` (a case the person may not see is a 404), calls one
service, and redirects back with a message (POST/redirect/GET). When the service refuses, the page is
shown again with the filled-in form, the message next to the field and the error's status (422, 409, ...).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from supportal.cases import services
from supportal.cases.access import case_for
from supportal.cases.lifecycle import PUBLIC_ACTIONS, Action
from supportal.cases.models import Case, Channel
from supportal.cases.services.updates import UNSET
from supportal.core.errors import DomainError, NotFound
from supportal.core.files import CheckedFile, check_upload
from supportal.orgs.policies import is_agent
from supportal.web.cases.detail_forms import (
    ACTION_DONE,
    ActionForm,
    CommentForm,
    PriorityForm,
    WatcherForm,
    add_errors,
)
from supportal.web.cases.detail_page import Bound, render_case_page


def _case(request: HttpRequest, number: str) -> Case:
    try:
        return case_for(request.user, number)
    except NotFound:
        raise Http404("No such case.") from None


def _back(case: Case, anchor: str = "") -> HttpResponseRedirect:
    url = reverse("web:case_detail", args=[case.number])
    return HttpResponseRedirect(f"{url}#{anchor}" if anchor else url)


@login_required
@require_safe
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    """The case page; agents (following a link in an email, say) work cases in the workspace instead."""
    if is_agent(request.user):
        return HttpResponseRedirect(reverse("agent:case", args=[number]))
    return render_case_page(request, _case(request, number))


@login_required
@require_POST
def case_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    """Accept, reject (with a reason), close, and the agents' moves: `services.case_transition`."""
    case = _case(request, number)
    if action not in PUBLIC_ACTIONS:
        raise Http404("No such action.")
    move = Action(action)
    form = ActionForm(request.POST, auto_id=f"{move.value}-%s")
    if form.is_valid():
        try:
            services.case_transition(
                actor=request.user,
                case=case,
                action=move,
                channel=Channel.PORTAL,
                comment=form.cleaned_data["comment"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            add_errors(form, error)
            return render_case_page(request, case, Bound(action=move, action_form=form), error.status)
        messages.success(request, ACTION_DONE[move].format(number=case.number))
        return _back(case)
    return render_case_page(request, case, Bound(action=move, action_form=form), 422)


@login_required
@require_POST
def case_comment(request: HttpRequest, number: str) -> HttpResponse:
    """A reply (with files) or an agent's internal note; on a Closed case a customer's reply opens a
    follow-up case, where the person is sent."""
    case = _case(request, number)
    form = CommentForm(request.POST, auto_id="comment-%s")
    if not form.is_valid():
        return render_case_page(request, case, Bound(comment=form), 422)
    public = bool(form.cleaned_data["public"]) if is_agent(request.user) else True
    checked: list[CheckedFile] = []
    try:
        for upload in request.FILES.getlist("files"):
            checked.append(check_upload(name=upload.name or "attachment", stream=upload, field="files"))
        comment = services.comment_add(
            actor=request.user,
            case=case,
            body=form.cleaned_data["body"],
            channel=Channel.PORTAL,
            public=public,
            files=checked,
        )
    except DomainError as error:
        add_errors(form, error, aliases={"file": "attachments", "files": "attachments"})
        if checked or request.FILES:
            form.add_error("attachments", "Choose the files again: they were not kept.")
        return render_case_page(request, case, Bound(comment=form), error.status)
    finally:
        for file in checked:
            file.content.close()
    if comment.case_id != case.pk:
        follow_up = comment.case
        messages.success(request, f"Your reply opened follow-up case {follow_up.number}.")
        return _back(follow_up)
    messages.success(request, "Your reply was added." if public else "Your internal note was added.")
    return _back(case, f"comment-{comment.pk}")


@login_required
@require_POST
def case_priority(request: HttpRequest, number: str) -> HttpResponse:
    """Urgency and impact (the priority follows the matrix) or the priority itself, with a reason."""
    case = _case(request, number)
    form = PriorityForm(request.POST, auto_id="priority-%s")
    if not form.is_valid():
        return render_case_page(request, case, Bound(priority=form), 422)
    data = form.cleaned_data
    before = case.priority
    # Only what the person changed: an untouched urgency must not re-derive a priority set by hand.
    urgency = data["urgency"] if data["urgency"] != case.urgency else UNSET
    impact = data["impact"] if data["impact"] != case.impact else UNSET
    priority = data["priority"] if data["priority"] and data["priority"] != case.priority else UNSET
    if urgency is UNSET and impact is UNSET and priority is UNSET:
        form.add_error(None, "Nothing to change: choose another urgency, impact or priority.")
        return render_case_page(request, case, Bound(priority=form), 422)
    try:
        services.case_update(
            actor=request.user,
            case=case,
            channel=Channel.PORTAL,
            reason=data["reason"],
            urgency=urgency,
            impact=impact,
            priority=priority,
        )
    except DomainError as error:
        add_errors(form, error)
        return render_case_page(request, case, Bound(priority=form), error.status)
    if case.priority != before:
        messages.success(request, f"The priority is now {case.get_priority_display()}.")
    else:
        messages.success(
            request, f"Urgency and impact saved; the priority stays {case.get_priority_display()}."
        )
    return _back(case)


@login_required
@require_POST
def case_watchers(request: HttpRequest, number: str) -> HttpResponse:
    """Add a colleague or an email address to the watchlist."""
    case = _case(request, number)
    form = WatcherForm(request.POST, auto_id="watcher-%s")
    if form.is_valid():
        try:
            services.watcher_add(
                actor=request.user, case=case, watcher=form.cleaned_data["watcher"], channel=Channel.PORTAL
            )
        except DomainError as error:
            add_errors(form, error, aliases={"watchers": "watcher"})
            return render_case_page(request, case, Bound(watcher=form), error.status)
        messages.success(request, f"{form.cleaned_data['watcher']} now watches this case.")
        return _back(case, "watchers")
    return render_case_page(request, case, Bound(watcher=form), 422)


@login_required
@require_POST
def case_watcher_remove(request: HttpRequest, number: str) -> HttpResponse:
    """Take an address off the watchlist (anyone who may comment; a watcher may always leave)."""
    case = _case(request, number)
    email = str(request.POST.get("email", "")).strip()
    try:
        services.watcher_remove(actor=request.user, case=case, email=email, channel=Channel.PORTAL)
    except DomainError as error:
        return render_case_page(request, case, Bound(watcher_remove_error=error.detail), error.status)
    messages.success(request, f"{email} no longer watches this case.")
    try:
        case_for(request.user, number)
    except NotFound:  # they watched it and are gone: the case is no longer theirs to see
        return HttpResponseRedirect(reverse("web:home"))
    return _back(case, "watchers")


@login_required
@require_POST
def case_visibility(request: HttpRequest, number: str) -> HttpResponse:
    """Share the case with the organisation, or make it private again (the requester or an agent)."""
    case = _case(request, number)
    visibility = str(request.POST.get("visibility", ""))
    try:
        services.case_update(actor=request.user, case=case, visibility=visibility, channel=Channel.PORTAL)
    except DomainError as error:
        messages.error(request, error.fields.get("visibility", [error.detail])[0])
        return _back(case)
    shared = case.visibility == "organization"
    messages.success(
        request, "Shared with your organisation." if shared else "Only you and the watchers see it now."
    )
    return _back(case)
