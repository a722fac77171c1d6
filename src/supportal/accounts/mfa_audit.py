"""The audit record of second factors: allauth.mfa does the work and tells us through its signals.

An authenticator app (or security key) added or removed is "auth.mfa_activated" /
"auth.mfa_deactivated"; a wrong code at sign-in is a failed sign-in. Recovery codes come and go with
the authenticator app, so they are not recorded on their own. Imported from AccountsConfig.ready().
"""

from __future__ import annotations

from typing import Any

from allauth.mfa import signals
from allauth.mfa.models import Authenticator
from django.dispatch import receiver
from django.http import HttpRequest

from supportal.audit.services import AuditChannel, audit_record
from supportal.core.http import client_ip
from supportal.orgs import policies


def _record(action: str, user: Any, authenticator: Authenticator, request: HttpRequest | None) -> None:
    audit_record(
        actor=user,
        action=action,
        channel=AuditChannel.WEB,
        target=user,
        organisation_id=policies.organisation_id_of(user),
        new={"type": authenticator.type},
        ip=client_ip(request),
    )


@receiver(signals.authenticator_added, dispatch_uid="supportal.mfa_activated")
def mfa_activated(
    sender: Any, request: HttpRequest | None, user: Any, authenticator: Authenticator, **kw: Any
) -> None:
    if authenticator.type != Authenticator.Type.RECOVERY_CODES:
        _record("auth.mfa_activated", user, authenticator, request)


@receiver(signals.authenticator_removed, dispatch_uid="supportal.mfa_deactivated")
def mfa_deactivated(
    sender: Any, request: HttpRequest | None, user: Any, authenticator: Authenticator, **kw: Any
) -> None:
    if authenticator.type != Authenticator.Type.RECOVERY_CODES:
        _record("auth.mfa_deactivated", user, authenticator, request)


@receiver(signals.authentication_failed, dispatch_uid="supportal.mfa_failed")
def mfa_failed(
    sender: Any, request: HttpRequest | None, user: Any, authenticator: Authenticator, **kw: Any
) -> None:
    audit_record(
        actor=None,
        action="auth.sign_in_failed",
        channel=AuditChannel.WEB,
        target=user,
        organisation_id=policies.organisation_id_of(user),
        new={"email": user.email, "reason": "wrong second-factor code", "type": authenticator.type},
        ip=client_ip(request),
    )
