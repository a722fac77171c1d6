"""The "Register now" requests a CSM (or an admin) decides."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from supportal.accounts import services
from supportal.accounts.models import RegistrationStatus
from supportal.agent.forms import ApproveRegistrationForm, DeclineRegistrationForm
from supportal.agent.guards import agent_required
from supportal.audit.services import AuditChannel
from supportal.core.errors import DomainError, Forbidden, NotFound
from supportal.core.http import client_ip
from supportal.orgs import access, policies, selectors
from supportal.orgs.models import Organisation


@agent_required
def registrations(request: HttpRequest) -> HttpResponse:
    pending = list(selectors.pending_registration_requests_for(request.user))
    decided = list(
        selectors.registration_requests_visible_to(request.user)
        .exclude(status=RegistrationStatus.PENDING)
        .select_related("organisation", "decided_by")
        .order_by("-decided_at")[:20]
    )
    return render(request, "agent/registrations.html", {"pending": pending, "decided": decided})


def _organisations_for(actor: Any) -> QuerySet[Organisation]:
    """The organisations the actor may place a new user in."""
    organisations = selectors.organisations_visible_to(actor).filter(is_active=True).order_by("name")
    return organisations if policies.is_admin(actor) else organisations.filter(csm_id=actor.pk)


@agent_required
def registration(request: HttpRequest, request_id: int) -> HttpResponse:
    try:
        registration_request = access.registration_request_for(request.user, request_id)
    except (NotFound, Forbidden) as error:
        raise Http404(error.detail) from None
    pending = registration_request.status == RegistrationStatus.PENDING
    data = request.POST if request.method == "POST" else None
    action = request.POST.get("action") if data is not None else None
    approve_form = ApproveRegistrationForm(
        data if action == "approve" else None,
        organisations=_organisations_for(request.user),
        needs_organisation=registration_request.organisation_id is None,
    )
    decline_form = DeclineRegistrationForm(data if action == "decline" else None)
    status = 200
    if action is not None:
        if action not in {"approve", "decline"}:
            raise Http404("No such action.")
        if not pending:
            messages.error(request, "This request has been decided already.")
            return redirect("agent:registration", request_id=registration_request.pk)
        try:
            if action == "approve" and approve_form.is_valid():
                user = services.registration_approve(
                    actor=request.user,  # type: ignore[arg-type]
                    channel=AuditChannel.WEB,
                    request=registration_request,
                    organisation=approve_form.cleaned_data.get("organisation"),
                    groups=approve_form.cleaned_data["groups"],
                    ip=client_ip(request),
                )
                messages.success(request, f"Approved: {user.email} has been sent a link to set a password.")
                return redirect("agent:registrations")
            if action == "decline" and decline_form.is_valid():
                services.registration_decline(
                    actor=request.user,  # type: ignore[arg-type]
                    channel=AuditChannel.WEB,
                    request=registration_request,
                    reason=decline_form.cleaned_data["reason"],
                    ip=client_ip(request),
                )
                messages.success(request, f"Declined: {registration_request.email} has been told why.")
                return redirect("agent:registrations")
        except DomainError as error:
            form = approve_form if action == "approve" else decline_form
            form.add_error(None, error.detail)
            for field, problems in error.fields.items():
                if field in form.fields:
                    form.add_error(field, problems)
            status = error.status
    return render(
        request,
        "agent/registration.html",
        {
            "registration": registration_request,
            "pending": pending,
            "approve_form": approve_form,
            "decline_form": decline_form,
        },
        status=status,
    )
