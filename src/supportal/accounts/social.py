"""Sign-in through an external identity provider (Google / OpenID Connect) with django-allauth.

Identity providers are configured by the operator in ``SUPPORTAL_OIDC_PROVIDERS`` (settings.py turns
the JSON list into allauth's ``SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"]``). Google is one of
them: it is an OpenID Connect provider like any other, configured with its discovery address::

    SUPPORTAL_OIDC_PROVIDERS='[{"id": "google", "name": "Google",
        "server_url": "https://accounts.google.com",
        "client_id": "<id>.apps.googleusercontent.com", "secret": "<client secret>"}]'

with ``<SUPPORTAL_BASE_URL>/accounts/oidc/google/login/callback/`` as the authorised redirect URI in
Google's console. The sign-in page shows one button per provider.

Who gets in (the rules below, applied before allauth signs anybody in):

- a person Supportal already knows, matched by a *verified* email address (the provider must say
  ``email_verified``); the provider account is then connected to theirs for next time
  (``SOCIALACCOUNT_EMAIL_AUTHENTICATION[_AUTO_CONNECT]``);
- a new person whose email domain belongs to an organisation that allows self-registration: they
  become a customer user of that organisation with its default permission groups, exactly as if they
  had registered themselves (the provider has verified their address);
- nobody else: they see a page saying there is no account for their address, and whom to ask.
  Virtual, integration and system users never sign in through a provider.
"""

from __future__ import annotations

from typing import Any, NoReturn

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.http import HttpRequest
from django.shortcuts import render

from supportal.accounts.models import User, UserKind, normalize_email
from supportal.accounts.services import self_registration_complete
from supportal.audit.services import AuditChannel, audit_record
from supportal.core.http import client_ip
from supportal.orgs.models import Organisation

# Kinds of user who sign in as people; the others act through the system or the API only.
PERSON_KINDS = frozenset({UserKind.CUSTOMER, UserKind.AGENT})

REFUSED_TEMPLATE = "accounts/identity_provider_refused.html"


# --- Rules (pure reads)


def verified_email_of(sociallogin: Any) -> str | None:
    """The first address the identity provider vouches for, or None."""
    for address in sociallogin.email_addresses:
        if address.verified and address.email:
            return normalize_email(address.email)
    return None


def self_registration_organisation(email: str) -> Organisation | None:
    """The active organisation that lets people with this email's domain register themselves."""
    domain = email.rpartition("@")[2]
    if not domain:
        return None
    return (
        Organisation.objects.filter(domains__domain=domain, self_registration=True, is_active=True)
        .prefetch_related("default_groups")
        .first()
    )


# --- The only writer of this flow


def identity_provider_signup(
    *, request: HttpRequest, sociallogin: Any, organisation: Organisation, provider_id: str
) -> User:
    """Create the customer user for a first sign-in through a provider, in a self-registration
    organisation: the same self-registration as the sign-up form, with a verified address and no password."""
    user: User = sociallogin.user
    user.set_unusable_password()
    return self_registration_complete(
        user=user,
        organisation=organisation,
        ip=client_ip(request),
        identity_provider=provider_id,
        save=lambda _user: sociallogin.save(request),  # the user, their provider account, verified address
    )


# --- allauth's hooks


class SocialAccountAdapter(DefaultSocialAccountAdapter):  # type: ignore[misc]
    def pre_social_login(self, request: HttpRequest, sociallogin: Any) -> None:
        """Refuse, with a clear page, everybody the rules above do not let in."""
        super().pre_social_login(request, sociallogin)
        email = verified_email_of(sociallogin)
        if sociallogin.is_existing:
            if sociallogin.user.kind not in PERSON_KINDS:
                self._refuse(request, sociallogin, email, reason="not a person's account")
            return
        if email is None:
            self._refuse(request, sociallogin, None, reason="email not verified by the provider")
        elif self_registration_organisation(email) is None:
            self._refuse(request, sociallogin, email, reason="no account")

    def is_open_for_signup(self, request: HttpRequest, sociallogin: Any) -> bool:
        email = verified_email_of(sociallogin)
        return email is not None and self_registration_organisation(email) is not None

    def is_auto_signup_allowed(self, request: HttpRequest, sociallogin: Any) -> bool:
        """No extra form: the provider has given (and verified) everything a self-registration needs."""
        return True

    def populate_user(self, request: HttpRequest, sociallogin: Any, data: dict[str, Any]) -> Any:
        user = super().populate_user(request, sociallogin, data)
        user.name = (data.get("name") or "").strip()[:200]
        return user

    def save_user(self, request: HttpRequest, sociallogin: Any, form: Any = None) -> User:
        email = verified_email_of(sociallogin)
        organisation = self_registration_organisation(email) if email else None
        if organisation is None:  # is_open_for_signup said yes a moment ago; refuse rather than guess
            self._refuse(request, sociallogin, email, reason="no account")
        return identity_provider_signup(
            request=request,
            sociallogin=sociallogin,
            organisation=organisation,
            provider_id=sociallogin.provider.sub_id,
        )

    def _refuse(self, request: HttpRequest, sociallogin: Any, email: str | None, *, reason: str) -> NoReturn:
        provider = sociallogin.provider
        audit_record(
            actor=None,
            action="auth.sign_in_failed",
            channel=AuditChannel.WEB,
            new={"identity_provider": provider.sub_id, "email": email, "reason": reason},
            ip=client_ip(request),
        )
        response = render(
            request,
            REFUSED_TEMPLATE,
            {"email": email, "identity_provider": provider.name, "verified": email is not None},
            status=403,
        )
        raise ImmediateHttpResponse(response)
