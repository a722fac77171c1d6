"""API tokens: who may hold and manage them, which ones a person sees, and the only code that writes them.

A token's secret (`sp_<prefix>_<random>`) is shown once, when it is created; only its SHA-256 is kept.
The prefix is stored in the clear so people can tell their tokens apart and revoke one by name.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from supportal.accounts.models import ApiToken, TokenScope, User, UserKind
from supportal.audit.services import audit_record
from supportal.core.errors import Conflict, Forbidden, InvalidInput
from supportal.orgs import policies
from supportal.orgs.policies import Actor

SECRET_PREFIX = "sp"  # noqa: S105 - the visible start of every secret, not a secret
# The actor for the operator at the server's command line (`supportal token ...`): trusted, no user.
OPERATOR: None = None
OPERATOR_LABEL = "operator (command line)"
# last_used_at is written at most this often, so an API call does not write on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)
TOKEN_HOLDER_KINDS = frozenset({UserKind.AGENT, UserKind.INTEGRATION})
# What each scope allows, in rising order: a token never makes a token of a higher scope than its own.
SCOPE_RANK = {TokenScope.READ: 0, TokenScope.WRITE: 1, TokenScope.ADMIN: 2}
# A token's own rate: "<requests>/<period>", the period a second, minute, hour or day. At most 10,000 per
# period: the throttle keeps one timestamp per request in the window.
RATE_PATTERN = r"^([1-9][0-9]{0,3}|10000)/(s|sec|m|min|h|hour|d|day)$"
RATE_PERIODS = {"s": ("s", 1), "sec": ("s", 1), "m": ("min", 60), "min": ("min", 60)}
RATE_PERIODS |= {"h": ("hour", 3600), "hour": ("hour", 3600), "d": ("day", 86400), "day": ("day", 86400)}


# --- Rules (pure)


def may_hold_token(user: User) -> bool:
    """Agents (admins included) and organisations' integration users; customers use the portal."""
    return user.is_active and user.kind in TOKEN_HOLDER_KINDS


def can_manage_tokens_of(actor: Actor, owner: User) -> bool:
    """Create and revoke `owner`'s tokens: the owner, an admin, or whoever manages the integration's
    organisation (its CSM, or a customer user with the right to manage its users)."""
    if not policies.is_signed_in(actor):
        return False
    if actor.pk == owner.pk or policies.is_admin(actor):
        return True
    if owner.kind != UserKind.INTEGRATION:
        return False
    membership = getattr(owner, "membership", None)
    return membership is not None and policies.can_manage_users(actor, membership.organisation)


def can_view_tokens_of(actor: Actor, owner: User) -> bool:
    return policies.is_agent(actor) or can_manage_tokens_of(actor, owner)


def can_grant_admin_scope(actor: Actor | None, holder: User) -> bool:
    """Admin scope lets a token administer (people, organisations, others' tokens, webhooks) as far as its
    holder's rights go. An agent's token may have it when the agent is an admin; an integration's when
    the person making it manages the integration's organisation's users. The operator always may."""
    if actor is OPERATOR:
        return True
    if holder.kind == UserKind.AGENT:
        return policies.is_admin(holder)
    membership = getattr(holder, "membership", None)
    return membership is not None and policies.can_manage_users(actor, membership.organisation)


def can_set_rate(actor: Actor | None, rate: str) -> bool:
    """Anyone who may make a token may slow it down; only admins and the operator may let it run faster
    than the server's default (settings.API_RATE_LIMIT), which protects everyone else."""
    if actor is OPERATOR or policies.is_admin(actor):
        return True
    return per_second(rate) <= per_second(settings.API_RATE_LIMIT)


def normalize_rate(rate: str) -> str | None:
    """ "600/m" as "600/min" (also "/s", "/hour", "/day"); None when it is not a rate."""
    match = re.match(RATE_PATTERN, rate.strip())
    return f"{int(match[1])}/{RATE_PERIODS[match[2]][0]}" if match else None


def per_second(rate: str) -> float:
    """Requests per second of a rate in ninja's form ("600/m", "10/5min", "600/min")."""
    count, _, period = rate.partition("/")
    match = re.match(r"^([0-9]*)([a-z]+)$", period.strip())
    if match is None or match[2] not in RATE_PERIODS:
        raise ValueError(f"Not a rate: {rate!r}")
    seconds = (int(match[1]) if match[1] else 1) * RATE_PERIODS[match[2]][1]
    return int(count) / seconds


# --- Reads


def tokens_visible_to(actor: Actor, *, owner: User | None = None) -> QuerySet[ApiToken]:
    """The actor's own tokens, or `owner`'s when the actor may see them (else none)."""
    if not policies.is_signed_in(actor):
        return ApiToken.objects.none()
    if owner is not None and not can_view_tokens_of(actor, owner):
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user_id=owner.pk if owner is not None else int(actor.pk or 0))


def token_for(actor: Actor, token_id: int) -> ApiToken | None:
    """One token the actor may see (their own, or one they may view), with its holder; else None."""
    token = ApiToken.objects.select_related("user").filter(pk=token_id).first()
    if token is None or not (token.user_id == actor.pk or can_view_tokens_of(actor, token.user)):
        return None
    return token


def hash_secret(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_verify(raw: str) -> ApiToken | None:
    """The live token for a presented secret (with its user loaded), or None.

    Looks the token up by the hash of the whole secret, so nothing about the stored secret leaks through
    timing; revoked and expired tokens and inactive users are refused. Marks the token used, at most once
    a minute.
    """
    raw = raw.strip()
    if not raw.startswith(f"{SECRET_PREFIX}_") or len(raw) > 200:
        return None
    digest = hash_secret(raw)
    token = ApiToken.objects.select_related("user").filter(key_hash=digest).first()
    if token is None or not hmac.compare_digest(token.key_hash, digest):
        return None
    now = timezone.now()
    if token.revoked_at is not None or (token.expires_at is not None and token.expires_at <= now):
        return None
    if not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def token_authenticate(raw: str) -> User | None:
    token = token_verify(raw)
    return token.user if token is not None else None


# --- Writes


def token_create(
    *,
    actor: Actor | None,
    channel: str,
    user: User,
    name: str,
    scope: str = TokenScope.WRITE,
    expires_at: datetime | None = None,
    rate_limit: str = "",
    ip: str | None = None,
) -> tuple[ApiToken, str]:
    """Create a token for `user`; returns it with its secret, which is never available again.

    `actor` is the person asking, or OPERATOR (None) for the command line. `rate_limit` ("600/min";
    blank: the server's default) is the token's own budget of requests."""
    if actor is not OPERATOR and not can_manage_tokens_of(actor, user):
        raise Forbidden("You may not create API tokens for this user.")
    if not may_hold_token(user):
        raise InvalidInput(
            "API tokens are for agents and integration users.",
            fields={"user": ["This user may not hold an API token."]},
        )
    name = name.strip()
    problems: dict[str, list[str]] = {}
    if not name:
        problems["name"] = ["This field is required."]
    elif len(name) > ApiToken._meta.get_field("name").max_length:  # type: ignore[operator]
        problems["name"] = ["At most 100 characters."]
    if scope not in TokenScope.values:
        problems["scope"] = [f"Choose one of {', '.join(TokenScope.values)}."]
    elif scope == TokenScope.ADMIN and not can_grant_admin_scope(actor, user):
        problems["scope"] = [
            "Admin scope is for admins' tokens and for integrations of organisations whose users you manage."
        ]
    rate = normalize_rate(rate_limit) if rate_limit.strip() else ""
    if rate is None:
        problems["rate_limit"] = ['1 to 10000 requests per s, min, hour or day, e.g. "600/min".']
    elif rate and not can_set_rate(actor, rate):
        problems["rate_limit"] = [f"At most the server's default, {settings.API_RATE_LIMIT}; ask an admin."]
    if expires_at is not None and expires_at <= timezone.now():
        problems["expires_at"] = ["Must be in the future."]
    if problems:
        raise InvalidInput("The token could not be created.", fields=problems)
    prefix = secrets.token_hex(4)
    secret = f"{SECRET_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    try:
        with transaction.atomic():
            token = ApiToken.objects.create(
                user=user,
                name=name,
                prefix=prefix,
                key_hash=hash_secret(secret),
                scope=scope,
                expires_at=expires_at,
                rate_limit=rate or "",
            )
            audit_record(
                actor=actor,
                action="token.created",
                channel=channel,
                target=token,
                organisation_id=policies.organisation_id_of(user),
                new={
                    "user": user.email,
                    "name": name,
                    "prefix": prefix,
                    "scope": scope,
                    "expires_at": expires_at,
                    **({"rate_limit": rate} if rate else {}),
                },
                ip=ip,
                actor_label=OPERATOR_LABEL if actor is OPERATOR else "",
            )
    except IntegrityError as error:  # a prefix clash: 1 in 4 billion; ask to try again
        raise Conflict("Could not create a unique token; try again.") from error
    return token, secret


def token_revoke(*, actor: Actor | None, channel: str, token: ApiToken, ip: str | None = None) -> ApiToken:
    """Revoke a token for good; revoking a revoked token changes nothing. OPERATOR: the command line."""
    if actor is not OPERATOR and not can_manage_tokens_of(actor, token.user):
        raise Forbidden("You may not revoke this token.")
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at"])
            audit_record(
                actor=actor,
                action="token.revoked",
                channel=channel,
                target=locked,
                organisation_id=policies.organisation_id_of(token.user),
                old={"prefix": locked.prefix, "name": locked.name},
                new={"revoked_at": locked.revoked_at},
                ip=ip,
                actor_label=OPERATOR_LABEL if actor is OPERATOR else "",
            )
    token.revoked_at = locked.revoked_at
    return token
