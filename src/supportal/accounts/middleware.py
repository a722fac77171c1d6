"""Agents must set up a second factor before working when SUPPORTAL_REQUIRE_AGENT_MFA is on.

A signed-in agent without an authenticator app is sent to its set-up page (allauth's
``mfa_activate_totp``, under /accounts/2fa/) from every page except the ones needed to get there or
away: the two-factor pages, re-authentication (set-up asks for the password again after a few
minutes), sign-out, identity-provider sign-in, static files, the health check and the API (which
authenticates by token, not by session).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from supportal.accounts.models import UserKind

REQUIRED_PARAM = "required"


@cache
def exempt_prefixes() -> tuple[str, ...]:
    return (
        reverse("mfa_index"),
        reverse("account_logout"),
        reverse("account_reauthenticate"),
        "/accounts/oidc/",
        settings.STATIC_URL,
        "/healthz",
        "/api/",
    )


def needs_totp_setup(request: HttpRequest) -> bool:
    user = request.user
    if not (
        settings.SUPPORTAL_REQUIRE_AGENT_MFA
        and user.is_authenticated
        and getattr(user, "kind", "") == UserKind.AGENT
        and not request.path.startswith(exempt_prefixes())
    ):
        return False
    from allauth.mfa.models import Authenticator

    return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class AgentMfaMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if needs_totp_setup(request):
            target = f"{reverse('mfa_activate_totp')}?{REQUIRED_PARAM}=1"
            if request.headers.get("HX-Request"):  # htmx would swap the page into a fragment
                response = HttpResponse(status=204)
                response["HX-Redirect"] = target
                return response
            return HttpResponseRedirect(target)
        return self.get_response(request)
