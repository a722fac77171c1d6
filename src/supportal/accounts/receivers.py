"""The audit record of signing in and out: Django tells us through its auth signals, which allauth's
flows (password, invitation link, identity provider, after a second factor) all end in.

An adapter to a library's events, nothing more: each receiver writes one audit row. Connected from
AccountsConfig.ready().
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from supportal.audit.services import AuditChannel, audit_record
from supportal.core.http import client_ip
from supportal.orgs import policies


def _channel(request: HttpRequest | None) -> str:
    return AuditChannel.API if request is not None and request.path.startswith("/api/") else AuditChannel.WEB


@receiver(user_logged_in, dispatch_uid="supportal.signed_in")
def signed_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    audit_record(
        actor=user,
        action="auth.signed_in",
        channel=_channel(request),
        target=user,
        organisation_id=policies.organisation_id_of(user),
        new={"email": user.email},
        ip=client_ip(request),
    )


@receiver(user_logged_out, dispatch_uid="supportal.signed_out")
def signed_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is None:  # signing out without being signed in
        return
    audit_record(
        actor=user,
        action="auth.signed_out",
        channel=_channel(request),
        target=user,
        organisation_id=policies.organisation_id_of(user),
        new={"email": user.email},
        ip=client_ip(request),
    )


@receiver(user_login_failed, dispatch_uid="supportal.sign_in_failed")
def sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """Records the address tried, never the password (Django has already masked it anyway)."""
    attempted = credentials.get("email") or credentials.get("username") or ""
    audit_record(
        actor=None,
        action="auth.sign_in_failed",
        channel=_channel(request),
        new={"email": str(attempted)[:254], "reason": "wrong email or password"},
        ip=client_ip(request),
        actor_label=str(attempted)[:254] or "anonymous",
    )
