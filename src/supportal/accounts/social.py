"""Sign-in through an external identity provider (Google / OpenID Connect) with django-allauth."""

from __future__ import annotations

from typing import Any

from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.http import HttpRequest


class SocialAccountAdapter(DefaultSocialAccountAdapter):  # type: ignore[misc]
    def is_open_for_signup(self, request: HttpRequest, sociallogin: Any) -> bool:
        """An identity provider signs in people Supportal already knows; it does not create accounts."""
        return False
