"""What a held email's page posts: attach it to a case, create a case from it for a customer, discard
it, or retry a failed one. Each is one call to channels.email.held; a refusal brings the page back with
the form's errors (422, or 409 when someone else handled the email first)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from supportal.agent.guards import agent_required
from supportal.agent.inbound_forms import AttachForm, CreateCaseForm, DiscardForm
from supportal.agent.inbound_users import NAME, QUERY_NAME, user_picker
from supportal.agent.inbound_views import detail_page, message_for
from supportal.agent.queue_links import case_url
from supportal.cases import access
from supportal.channels.email import held
from supportal.channels.email.models import Status
from supportal.core.errors import DomainError, NotFound
from supportal.core.http import client_ip
from supportal.orgs.selectors import users_visible_to

CHOOSE_CUSTOMER = "Choose the customer the case is for."


@agent_required
@require_POST
def inbound_attach(request: HttpRequest, message_id: int) -> HttpResponse:
    message = message_for(request, message_id)
    form = AttachForm(request.POST)
    if not form.is_valid():
        return detail_page(request, message, attach=form, status=422)
    try:
        case = access.case_for(request.user, form.cleaned_data["case"])
    except NotFound:
        form.add_error("case", "No case has this number.")
        return detail_page(request, message, attach=form, status=422)
    try:
        comment = held.held_attach(actor=request.user, message=message, case=case, ip=client_ip(request))
    except DomainError as error:
        return detail_page(request, message, attach=form, error=error.detail, status=error.status)
    how = "as a reply from the sender" if comment.public else "as an internal note"
    messages.success(request, f"The email from {message.from_address or 'the sender'} was added {how}.")
    return redirect(case_url(comment.case.number))


@agent_required
@require_POST
def inbound_create_case(request: HttpRequest, message_id: int) -> HttpResponse:
    message = message_for(request, message_id)
    form = CreateCaseForm(request.POST)
    chosen = request.POST.get(NAME, "")
    query = request.POST.get(QUERY_NAME, "")
    requester = (
        users_visible_to(request.user)
        .select_related("membership__organisation")
        .filter(pk=int(chosen))
        .first()
        if chosen.isdigit() and len(chosen) < 19
        else None
    )
    if not form.is_valid() or requester is None:
        picker = user_picker(request.user, query, chosen, errors=[] if requester else [CHOOSE_CUSTOMER])
        return detail_page(request, message, create=form, picker=picker, status=422)
    try:
        case = held.held_create_case(
            actor=request.user, message=message, requester=requester,
            subject=form.cleaned_data["subject"], ip=client_ip(request),
        )  # fmt: skip
    except DomainError as error:
        problems = error.fields.get("requester", [])
        for field in ("subject", "description"):
            for problem in error.fields.get(field, []):
                form.add_error("subject" if field == "subject" else None, problem)
        picker = user_picker(request.user, query, chosen, errors=problems)
        return detail_page(
            request, message, create=form, picker=picker, error=error.detail, status=error.status
        )
    messages.success(
        request, f"Case {case.number} opened for {requester.display_name}, who was sent the confirmation."
    )
    return redirect(case_url(case.number))


@agent_required
@require_POST
def inbound_discard(request: HttpRequest, message_id: int) -> HttpResponse:
    message = message_for(request, message_id)
    form = DiscardForm(request.POST)
    if not form.is_valid():
        return detail_page(request, message, discard=form, status=422)
    try:
        held.held_discard(
            actor=request.user, message=message, reason=form.cleaned_data["reason"], ip=client_ip(request)
        )
    except DomainError as error:
        return detail_page(request, message, discard=form, error=error.detail, status=error.status)
    messages.success(request, f"The email from {message.from_address or 'an unknown sender'} was discarded.")
    return redirect("agent:inbound_list")


@agent_required
@require_POST
def inbound_retry(request: HttpRequest, message_id: int) -> HttpResponse:
    message = message_for(request, message_id)
    try:
        held.held_retry(actor=request.user, message=message, ip=client_ip(request))
    except DomainError as error:
        return detail_page(request, message, error=error.detail, status=error.status)
    if message.status == Status.FAILED:
        messages.error(request, f"It failed again: {message.last_error}")
    else:
        messages.success(
            request, f"Processed again: {Status(message.status).label}. {message.reason}".strip()
        )
    return redirect("agent:inbound", message_id=message.pk)
