"""Agents must set up a second factor before working when SUPPORTAL_REQUIRE_AGENT_MFA is on."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

EXEMPT_PREFIXES = ("/accounts/", "/static/", "/healthz", "/api/")


class AgentMfaMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            settings.SUPPORTAL_REQUIRE_AGENT_MFA
            and request.user.is_authenticated
            and getattr(request.user, "kind", "") == "agent"
            and not request.path.startswith(EXEMPT_PREFIXES)
        ):
            from allauth.mfa.models import Authenticator

            if not Authenticator.objects.filter(user=request.user, type=Authenticator.Type.TOTP).exists():
                return redirect("mfa_activate_totp")
        return self.get_response(request)
