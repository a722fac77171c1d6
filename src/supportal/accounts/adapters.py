"""How django-allauth fits Supportal's rules: who may sign up, who may sign in with an identity provider."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Self-registration exists only for organisations that allow their email domain."""
        from supportal.orgs.models import Organisation

        return Organisation.objects.filter(self_registration=True, is_active=True).exists()


class SocialAccountAdapter(DefaultSocialAccountAdapter):  # type: ignore[misc]
    def is_open_for_signup(self, request: HttpRequest, sociallogin: Any) -> bool:
        """An identity provider signs in people Supportal already knows; it does not create accounts."""
        return False
