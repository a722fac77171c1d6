"""How django-allauth fits Supportal's rules: who may sign up, who may sign in with an identity provider."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Self-registration exists only for organisations that allow their email domain."""
        from supportal.orgs.models import Organisation

        return Organisation.objects.filter(self_registration=True, is_active=True).exists()
