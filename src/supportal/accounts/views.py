"""Sign-in and onboarding pages beyond allauth's own: the staff sign-in, the invitation link,
"Register now", and the admin's way in. Thin: parse, call one service, render."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from allauth.account.utils import perform_login
from allauth.account.views import LoginView
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from supportal.accounts import services
from supportal.accounts.forms import InvitationPasswordForm, RegisterForm
from supportal.accounts.invitation_tokens import INVITATION_VALID_DAYS, user_from_link
from supportal.audit.services import AuditChannel, audit_record
from supportal.core.errors import InvalidInput
from supportal.core.http import client_ip
from supportal.orgs import policies

NOT_AN_AGENT = (
    "This sign-in is for the provider's agents, and this account is not an agent's. "
    "Customers sign in on the regular sign-in page."
)
# "Register now" requests per address per hour: enough for a typo or two, not for a flood.
REGISTER_LIMIT = 5
REGISTER_WINDOW_SECONDS = 3600


class StaffLoginView(LoginView):  # type: ignore[misc]
    """The agents' entrance ("I am an agent"): allauth's sign-in, refusing anyone who is not an agent."""

    template_name = "account/staff_login.html"

    def form_valid(self, form: Any) -> HttpResponse:
        if not policies.is_agent(form.user):
            audit_record(
                actor=None,
                action="auth.sign_in_failed",
                channel=AuditChannel.WEB,
                target=form.user,
                new={"email": form.user.email, "reason": "not an agent (staff sign-in)"},
                ip=client_ip(self.request),
            )
            form.add_error(None, NOT_AN_AGENT)
            response: HttpResponse = self.form_invalid(form)
            return response
        response = super().form_valid(form)
        return response


staff_login = StaffLoginView.as_view()


@never_cache
@sensitive_post_parameters("new_password1", "new_password2")
def invitation(request: HttpRequest, uidb36: str, key: str) -> HttpResponseBase:
    """The one-time link of an invitation or an approved registration: choose a password, get signed in."""
    user = user_from_link(uidb36, key)
    if user is None:
        return render(request, "accounts/invitation_invalid.html", status=410)
    form = InvitationPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.invitation_accept(
            user=user, password=form.cleaned_data["new_password1"], ip=client_ip(request)
        )
        messages.success(request, "Your password is set. Welcome!")
        response: HttpResponseBase = perform_login(
            request, user, email_verification="none", redirect_url=reverse("web:home")
        )
        return response
    return render(
        request,
        "accounts/invitation.html",
        {"form": form, "invited_user": user, "valid_days": INVITATION_VALID_DAYS},
    )


def _register_allowed(request: HttpRequest) -> bool:
    key = f"supportal:register:{client_ip(request) or 'unknown'}"
    cache.add(key, 0, REGISTER_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, REGISTER_WINDOW_SECONDS)
        count = 1
    return count <= REGISTER_LIMIT


@never_cache
def register(request: HttpRequest) -> HttpResponse:
    """ "Register now": ask the provider's customer success manager for an account."""
    form = RegisterForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not _register_allowed(request):
            form.add_error(None, "Too many requests from your network. Please try again in an hour.")
            status = 429
        elif form.is_valid():
            try:
                services.registration_request_submit(**form.cleaned_data, ip=client_ip(request))
            except InvalidInput as error:
                for field, problems in error.fields.items():
                    for problem in problems:
                        form.add_error(field if field in form.fields else None, problem)
                if not error.fields:
                    form.add_error(None, error.detail)
            else:
                return redirect("account_register_done")
    return render(request, "accounts/register.html", {"form": form}, status=status)


def register_done(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/register_done.html")


def admin_login(request: HttpRequest) -> HttpResponse:
    """/admin/login/: admins sign in through allauth like everybody (throttling and two-factor apply)."""
    target = request.GET.get("next") or reverse("admin:index")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("admin:index")
    if policies.is_admin(request.user):
        return HttpResponseRedirect(target)
    if request.user.is_authenticated:
        return render(request, "accounts/admin_refused.html", status=403)
    return HttpResponseRedirect(f"{reverse('account_login')}?{urlencode({'next': target})}")
