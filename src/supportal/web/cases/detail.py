"""The case page and its forms: /cases/<number>/ and the POSTs it makes.

Each POST loads the case through `access.case_for` (`case_http.case_or_404`: a case the person may not
see is a 404), calls one service, and redirects back with a message (POST/redirect/GET). When the
service refuses, the page is shown again with the filled-in form, the message next to the field and the
error's status (422, 409, ...).
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
from supportal.core.errors import DomainError, NotFound
from supportal.core.files import CheckedFile, check_upload
from supportal.orgs.policies import is_agent
from supportal.web.cases.case_http import case_or_404, redirect_to_case
from supportal.web.cases.detail_forms import (
    ACTION_DONE,
    ActionForm,
    CommentForm,
    EscalateForm,
    PriorityForm,
    WatcherForm,
    add_errors,
    priority_changes,
    priority_saved,
)
from supportal.web.cases.detail_page import Bound, render_case_page
from supportal.web.cases.watchlist import WATCHER_ERRORS, add_watcher, remove_watcher


def _back(case: Case, anchor: str = "") -> HttpResponseRedirect:
    return redirect_to_case("web:case_detail", case, anchor)


@login_required
@require_safe
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    """The case page; agents (following a link in an email, say) work cases in the workspace instead."""
    if is_agent(request.user):
        return HttpResponseRedirect(reverse("agent:case", args=[number]))
    return render_case_page(request, case_or_404(request, number))


@login_required
@require_POST
def case_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    """Accept, reject (with a reason), close, and the agents' moves: `services.case_transition`."""
    case = case_or_404(request, number)
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
    case = case_or_404(request, number)
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
    case = case_or_404(request, number)
    form = PriorityForm(request.POST, auto_id="priority-%s")
    if not form.is_valid():
        return render_case_page(request, case, Bound(priority=form), 422)
    changes = priority_changes(case, form.cleaned_data)
    if not changes:
        form.add_error(None, "Nothing to change: choose another urgency, impact or priority.")
        return render_case_page(request, case, Bound(priority=form), 422)
    before = case.priority
    try:
        services.case_update(
            actor=request.user,
            case=case,
            channel=Channel.PORTAL,
            reason=form.cleaned_data["reason"],
            **changes,
        )
    except DomainError as error:
        add_errors(form, error)
        return render_case_page(request, case, Bound(priority=form), error.status)
    messages.success(request, priority_saved(case, before))
    return _back(case)


@login_required
@require_POST
def case_escalate(request: HttpRequest, number: str) -> HttpResponse:
    """One level up the organisation's escalation matrix, with a reason (`services.case_escalate`)."""
    case = case_or_404(request, number)
    form = EscalateForm(request.POST, auto_id="escalate-%s")
    if not form.is_valid():
        return render_case_page(request, case, Bound(escalate=form), 422)
    try:
        services.case_escalate(
            actor=request.user, case=case, reason=form.cleaned_data["reason"], channel=Channel.PORTAL
        )
    except DomainError as error:
        add_errors(form, error)
        return render_case_page(request, case, Bound(escalate=form), error.status)
    messages.success(request, f"Case {case.number} is now at escalation level {case.escalation_level}.")
    return _back(case)


@login_required
@require_POST
def case_watchers(request: HttpRequest, number: str) -> HttpResponse:
    """Add a colleague or an email address to the watchlist."""
    case = case_or_404(request, number)
    form = WatcherForm(request.POST, auto_id="watcher-%s")
    if form.is_valid():
        try:
            add_watcher(request, case, form)
        except DomainError as error:
            add_errors(form, error, aliases=WATCHER_ERRORS)
            return render_case_page(request, case, Bound(watcher=form), error.status)
        return _back(case, "watchers")
    return render_case_page(request, case, Bound(watcher=form), 422)


@login_required
@require_POST
def case_watcher_remove(request: HttpRequest, number: str) -> HttpResponse:
    """Take an address off the watchlist (anyone who may comment; a watcher may always leave)."""
    case = case_or_404(request, number)
    try:
        remove_watcher(request, case)
    except DomainError as error:
        return render_case_page(request, case, Bound(watcher_remove_error=error.detail), error.status)
    try:
        case_for(request.user, number)
    except NotFound:  # they watched it and are gone: the case is no longer theirs to see
        return HttpResponseRedirect(reverse("web:home"))
    return _back(case, "watchers")


@login_required
@require_POST
def case_visibility(request: HttpRequest, number: str) -> HttpResponse:
    """Share the case with the organisation, or make it private again (the requester or an agent)."""
    case = case_or_404(request, number)
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
