"""How django-allauth fits Supportal's rules: who may sign up, and what a sign-up creates.

Self-registration (``/accounts/signup/``) is open only to addresses whose domain belongs to an
organisation that allows it; the new person becomes a customer user of that organisation
(accounts.services.self_registration_complete) and must verify their address before signing in
(ACCOUNT_EMAIL_VERIFICATION = "mandatory"). The signup form (forms.SelfRegistrationForm) refuses
other addresses with a clear message.
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.http import HttpRequest

from supportal.accounts import selectors, services
from supportal.accounts.models import User
from supportal.core.http import client_ip

NOT_SELF_REGISTRATION = (
    "Self-registration is only open to email addresses of organisations that allow it. "
    "Use “Register now” to ask for an account instead."
)


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Self-registration exists only for organisations that allow their email domain."""
        return selectors.self_registration_open()

    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> User:
        saved: User = super().save_user(request, user, form, commit=False)
        saved.name = str(form.cleaned_data.get("name") or "").strip()[:200]
        organisation = selectors.self_registration_organisation(saved.email)
        if organisation is None:  # clean_email refused it already; never create a stray user
            raise forms.ValidationError(NOT_SELF_REGISTRATION)
        return services.self_registration_complete(
            user=saved, organisation=organisation, ip=client_ip(request)
        )
