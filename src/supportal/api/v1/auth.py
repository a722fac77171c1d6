"""Who is calling: a signed-in session (CSRF-checked on unsafe methods) or `Authorization: Bearer <token>`.

Scopes: a read token may only read; a write token also works cases and everything else but administration;
administration (people, organisations' settings, other people's tokens, webhooks) needs an admin-scope
token (`require_admin_scope`, called by those operations). A session acts with its person's own rights.

Failed attempts count against the caller's address, and every caller against its own budget (a token's own
`rate_limit`, else settings.API_RATE_LIMIT), so a token cannot be guessed or the API flooded; over budget
the answer is 429 with Retry-After.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, Throttled
from ninja.security import APIKeyCookie, HttpBearer
from ninja.throttling import SimpleRateThrottle
from ninja.utils import check_csrf

from supportal.accounts.models import ApiToken, TokenScope, User, UserKind
from supportal.accounts.tokens import token_verify
from supportal.core.http import client_ip

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class BearerTokenAuth(HttpBearer):
    """`Authorization: Bearer sp_...`. A wrong, revoked or expired token is refused outright (401)."""

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get(self.header, "")
        scheme, _, raw = header.partition(" ")
        if not header or scheme.lower() != self.openapi_scheme:
            return None
        return self.authenticate(request, raw)

    def authenticate(self, request: HttpRequest, token: str) -> User:
        api_token = token_verify(token)
        if api_token is None:
            FailedAuthThrottle().check(request)
            raise AuthenticationError(401, "The API token is not valid, or was revoked or has expired.")
        if api_token.scope == TokenScope.READ and request.method not in SAFE_METHODS:
            raise AuthorizationError(403, "This token may only read; use a read-and-write token.")
        request.user = api_token.user
        request.api_token = api_token  # type: ignore[attr-defined]
        return api_token.user


class SessionAuth(APIKeyCookie):
    """The portal's signed-in session. Unsafe methods need the CSRF token, as forms do."""

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> Any:
        user = request.user
        if not (user.is_authenticated and user.is_active):
            FailedAuthThrottle().check(request)
            return None
        if _totp_setup_pending(user):
            raise AuthorizationError(
                403, "Set up two-factor sign-in in the portal first, or use an API token."
            )
        unsafe = request.method not in SAFE_METHODS and not getattr(request, "_ninja_csrf_exempt", False)
        if unsafe and check_csrf(request) is not None:
            raise HttpError(403, "CSRF check failed: send the X-CSRFToken header with a session.")
        return user

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:  # pragma: no cover - unused
        return None


def _totp_setup_pending(user: Any) -> bool:
    """The portal sends agents without a second factor to set one up (when required); the API, which
    the middleware leaves alone, refuses their session until they have."""
    if not (settings.SUPPORTAL_REQUIRE_AGENT_MFA and getattr(user, "kind", "") == UserKind.AGENT):
        return False
    from allauth.mfa.models import Authenticator

    return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def actor_of(request: HttpRequest) -> User:
    """The authenticated caller of an operation (ninja has run the auth callbacks before the view)."""
    user: User = request.auth  # type: ignore[attr-defined]
    return user


def ip_of(request: HttpRequest) -> str | None:
    return client_ip(request)


def api_token_of(request: HttpRequest) -> ApiToken | None:
    token: ApiToken | None = getattr(request, "api_token", None)
    return token


def require_admin_scope(request: HttpRequest) -> None:
    """Administration (people, organisations, tokens, webhooks) through a token needs an admin-scope
    token (403 otherwise); a session acts with its person's own rights. The caller's rights are checked
    as ever after this: the scope only caps what a token may do."""
    token = api_token_of(request)
    if token is not None and token.scope != TokenScope.ADMIN:
        raise AuthorizationError(
            403, "This needs an admin-scope token (people, organisations, others' tokens, webhooks)."
        )


class ApiRateThrottle(SimpleRateThrottle):
    """Per token (or per signed-in user for sessions), at the token's own rate or settings.API_RATE_LIMIT.
    The rate is read on every request, and nothing about one request is kept on the (shared) instance but
    the last suggested wait."""

    scope = "api"
    setting = "API_RATE_LIMIT"

    def __init__(self) -> None:
        super().__init__(rate=self.current_rate())
        self._last_wait: float | None = None

    def current_rate(self, request: HttpRequest | None = None) -> str:
        token = api_token_of(request) if request is not None else None
        if token is not None and token.rate_limit:
            return token.rate_limit
        return str(getattr(settings, self.setting))

    def get_cache_key(self, request: HttpRequest) -> str | None:
        token = api_token_of(request)
        if token is not None:
            ident = f"token-{token.pk}"
        elif request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"ip-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def allow_request(self, request: HttpRequest) -> bool:
        allowed, duration = self.parse_rate(self.current_rate(request))
        key = self.get_cache_key(request)
        if key is None or allowed is None or duration is None:
            return True
        now = time.time()
        history = [at for at in self.cache.get(key, []) if at > now - duration]
        if len(history) >= allowed:
            self._last_wait = duration - (now - history[-1])
            return False
        history.insert(0, now)
        self.cache.set(key, history, duration)
        return True

    def wait(self) -> float | None:
        return self._last_wait


class FailedAuthThrottle(ApiRateThrottle):
    """Anonymous callers and wrong tokens, per address: answered 429 once over the rate."""

    scope = "anon"
    setting = "API_ANON_RATE_LIMIT"

    def current_rate(self, request: HttpRequest | None = None) -> str:
        return str(getattr(settings, self.setting, None) or settings.API_RATE_LIMIT)

    def get_cache_key(self, request: HttpRequest) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": f"ip-{self.get_ident(request)}"}

    def check(self, request: HttpRequest) -> None:
        if not self.allow_request(request):
            raise Throttled(wait=int(self.wait() or 1))
