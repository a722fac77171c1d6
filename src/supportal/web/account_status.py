"""The organisation's account status: its current value, its history, and the form to raise or lower it.

Every member of the organisation sees the page; people allowed by orgs.policies.can_change_account_status
also get the form. The change itself is orgs.services.account_status_change (history, audit, CSM email).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from supportal.audit.services import AuditChannel
from supportal.core.errors import DomainError
from supportal.core.http import client_ip
from supportal.orgs import access, policies, services
from supportal.orgs.models import AccountStatus, AccountStatusChange, Organisation


class AccountStatusForm(forms.Form):
    status = forms.ChoiceField(label="New account status", choices=AccountStatus.choices)
    reason = forms.CharField(
        label="Reason",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Say why: your customer success manager reads this.",
        error_messages={"required": "Say why the account status changes."},
    )


@login_required
@require_http_methods(["GET", "POST"])
def account_status(request: HttpRequest) -> HttpResponse:
    organisation = _own_organisation(request)
    may_change = policies.can_change_account_status(request.user, organisation)
    form = AccountStatusForm(
        request.POST if request.method == "POST" else None, initial={"status": organisation.account_status}
    )
    status = 200
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied("You may not change this organisation's account status.")
        if form.is_valid():
            try:
                change = services.account_status_change(
                    actor=request.user,  # type: ignore[arg-type]
                    channel=AuditChannel.WEB,
                    organisation=organisation,
                    status=form.cleaned_data["status"],
                    reason=form.cleaned_data["reason"],
                    ip=client_ip(request),
                )
            except DomainError as error:
                for field, errors in error.fields.items():
                    for message in errors:
                        form.add_error(field if field in form.fields else None, message)
                if not error.fields:
                    form.add_error(None, error.detail)
                status = error.status
            else:
                messages.success(
                    request,
                    f"The account status is now {change.get_new_status_display()}. "
                    "Your customer success manager has been told.",
                )
                return redirect("web:account_status")
        else:
            status = 422
    context = {
        "organisation": organisation,
        "history": _history(organisation),
        "form": form if may_change else None,
    }
    return render(request, "web/account_status.html", context, status=status)


def _own_organisation(request: HttpRequest) -> Organisation:
    organisation_id = policies.organisation_id_of(request.user)
    if organisation_id is None:
        raise Http404("Only customer users have an organisation's account status page.")
    return access.organisation_for(request.user, organisation_id)


def _history(organisation: Organisation) -> QuerySet[AccountStatusChange]:
    return (
        AccountStatusChange.objects.filter(organisation=organisation)
        .select_related("changed_by")
        .order_by("-changed_at", "-pk")
    )
