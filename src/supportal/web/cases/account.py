"""The signed-in person's account pages: the profile (/account/) and notification preferences
(/account/notifications/). Password, email addresses and the second factor are allauth's own pages,
linked from here and styled in templates/account/ and templates/mfa/.

Each form saves through one service (accounts.profile.profile_update,
notifications.preferences.preferences_update); a domain error becomes messages next to the fields and
the page keeps what the person typed.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from supportal.accounts.profile import NAME_MAX_LENGTH, profile_update
from supportal.accounts.timezone import available_time_zones
from supportal.audit.services import AuditChannel
from supportal.cases.policies import can_list_organisation_cases
from supportal.core.errors import DomainError
from supportal.core.http import client_ip
from supportal.notifications.models import Digest
from supportal.notifications.preferences import (
    preferences_for,
    preferences_update,
)


@cache
def time_zone_choices() -> tuple[tuple[str, str], ...]:
    return tuple((name, name.replace("_", " ")) for name in sorted(available_time_zones()))


class ProfileForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=NAME_MAX_LENGTH,
        help_text="Shown on your cases and comments.",
        error_messages={"required": "Enter your name."},
    )
    # A CharField: the service decides what a valid zone is (one rule for the web and the API).
    time_zone = forms.CharField(
        label="Time zone", help_text="The portal shows dates and times in this time zone."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].widget = forms.Select(choices=time_zone_choices())


class PreferencesForm(forms.Form):
    email_on_comment = forms.BooleanField(
        label="Email me when someone comments on a case I follow", required=False
    )
    email_on_state_change = forms.BooleanField(
        label="Email me when a case I follow changes state (for example when it is resolved)", required=False
    )
    email_on_new_case_in_organisation = forms.BooleanField(
        label="Email me when someone in my organisation opens a case shared with the organisation",
        required=False,
    )
    in_app = forms.BooleanField(
        label="Show notifications in the portal (the Notifications page)", required=False
    )
    digest = forms.ChoiceField(label="Digest", choices=Digest.choices, widget=forms.RadioSelect)

    def __init__(self, *args: Any, organisation_cases: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not organisation_cases:
            del self.fields["email_on_new_case_in_organisation"]


@login_required
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    status = 200
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            try:
                profile_update(
                    actor=user,
                    name=form.cleaned_data["name"],
                    time_zone=form.cleaned_data["time_zone"],
                    channel=AuditChannel.WEB,
                    ip=client_ip(request),
                )
            except DomainError as error:
                _add_errors(form, error)
                status = error.status
            else:
                messages.success(request, "Your profile is saved.")
                return redirect("web:account")
        else:
            status = 422
    else:
        form = ProfileForm(initial={"name": user.name, "time_zone": user.time_zone or settings.TIME_ZONE})
    context = {"form": form, "time_zone_name": timezone.get_current_timezone_name()}
    return render(request, "web/cases/account_profile.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def notification_preferences(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    organisation_cases = can_list_organisation_cases(user)
    status = 200
    if request.method == "POST":
        form = PreferencesForm(request.POST, organisation_cases=organisation_cases)
        if form.is_valid():
            data = form.cleaned_data
            try:
                preferences_update(
                    actor=user,
                    email_on_comment=data["email_on_comment"],
                    email_on_state_change=data["email_on_state_change"],
                    email_on_new_case_in_organisation=data.get("email_on_new_case_in_organisation", False),
                    in_app=data["in_app"],
                    digest=data["digest"],
                    channel=AuditChannel.WEB,
                    ip=client_ip(request),
                )
            except DomainError as error:
                _add_errors(form, error)
                status = error.status
            else:
                messages.success(request, "Your notification preferences are saved.")
                return redirect("web:account_notifications")
        else:
            status = 422
    else:
        saved = preferences_for(user)
        initial = {field: getattr(saved, field) for field in PreferencesForm.base_fields}
        form = PreferencesForm(initial=initial, organisation_cases=organisation_cases)
    return render(request, "web/cases/account_notifications.html", {"form": form}, status=status)


def _add_errors(form: forms.Form, error: DomainError) -> None:
    """The service's messages next to their fields (or above the form when no field is named)."""
    for field, problems in error.fields.items():
        for problem in problems:
            form.add_error(field if field in form.fields else None, problem)
    if not error.fields:
        form.add_error(None, error.detail)
