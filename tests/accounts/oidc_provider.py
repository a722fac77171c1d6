"""A small but real OpenID Connect identity provider on 127.0.0.1, for the sign-in tests.

It implements the authorization-code flow the way Google does: discovery document, /authorize (which
approves at once as `provider.person`, as if that person had signed in there), /token (client
credentials, one-time codes, PKCE S256), RS256 ID tokens signed with a key made for this run, /jwks
and /userinfo. Tests can make it misbehave (`id_token_audience`, `id_token_issuer`) to check that
Supportal refuses what it must refuse.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

CLIENT_ID = "supportal-test-client"
CLIENT_SECRET = "supportal-test-secret"
PROVIDER_ID = "loopback"
PROVIDER_NAME = "Loopback ID"


@dataclass
class Person:
    """Who is signed in at the identity provider."""

    email: str
    name: str = "Someone"
    email_verified: bool = True

    @property
    def sub(self) -> str:
        return hashlib.sha256(self.email.encode()).hexdigest()[:24]


@dataclass
class Grant:
    client_id: str
    redirect_uri: str
    person: Person
    nonce: str | None
    code_challenge: str | None


@dataclass
class IdentityProvider:
    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET
    person: Person = field(default_factory=lambda: Person("alice@acme.example", "Alice Acme"))
    require_pkce: bool = True
    # Set to make the provider issue ID tokens Supportal must refuse.
    id_token_audience: str | None = None
    id_token_issuer: str | None = None
    requests: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = secrets.token_hex(8)
        self._grants: dict[str, Grant] = {}
        self._access_tokens: dict[str, Person] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="oidc-idp", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def app_settings(self) -> dict[str, Any]:
        """SOCIALACCOUNT_PROVIDERS as settings.py builds it from SUPPORTAL_OIDC_PROVIDERS."""
        return {
            "openid_connect": {
                "OAUTH_PKCE_ENABLED": True,
                "APPS": [
                    {
                        "provider_id": PROVIDER_ID,
                        "name": PROVIDER_NAME,
                        "client_id": self.client_id,
                        "secret": self.client_secret,
                        "settings": {"server_url": self.url},
                    }
                ],
            }
        }

    # --- The endpoints' logic (called by the request handler)

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.url,
            "authorization_endpoint": f"{self.url}/authorize",
            "token_endpoint": f"{self.url}/token",
            "userinfo_endpoint": f"{self.url}/userinfo",
            "jwks_uri": f"{self.url}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": ["sub", "email", "email_verified", "name"],
        }

    def jwks(self) -> dict[str, Any]:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        jwk.update(kid=self.kid, use="sig", alg="RS256")
        return {"keys": [jwk]}

    def authorize(self, query: dict[str, str]) -> tuple[HTTPStatus, str]:
        """Approve at once: returns the redirect back to the client, or an error text."""
        if query.get("client_id") != self.client_id:
            return HTTPStatus.BAD_REQUEST, "unknown client_id"
        if query.get("response_type") != "code" or "openid" not in query.get("scope", "").split():
            return HTTPStatus.BAD_REQUEST, "only the code flow with the openid scope"
        redirect_uri = query.get("redirect_uri", "")
        if not redirect_uri.startswith(("http://127.0.0.1", "http://localhost", "http://testserver")):
            return HTTPStatus.BAD_REQUEST, "redirect_uri not allowed"
        challenge = query.get("code_challenge")
        if challenge is not None and query.get("code_challenge_method") != "S256":
            return HTTPStatus.BAD_REQUEST, "only code_challenge_method=S256"
        if challenge is None and self.require_pkce:
            return HTTPStatus.BAD_REQUEST, "PKCE required"
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._grants[code] = Grant(
                self.client_id, redirect_uri, self.person, query.get("nonce"), challenge
            )
        back = {"code": code}
        if "state" in query:
            back["state"] = query["state"]
        separator = "&" if "?" in redirect_uri else "?"
        return HTTPStatus.FOUND, f"{redirect_uri}{separator}{urlencode(back)}"

    def token(self, form: dict[str, str], basic: tuple[str, str] | None) -> tuple[HTTPStatus, dict[str, Any]]:
        client_id, secret = basic or (form.get("client_id", ""), form.get("client_secret", ""))
        if client_id != self.client_id or not secrets.compare_digest(secret, self.client_secret):
            return HTTPStatus.UNAUTHORIZED, {"error": "invalid_client"}
        if form.get("grant_type") != "authorization_code":
            return HTTPStatus.BAD_REQUEST, {"error": "unsupported_grant_type"}
        with self._lock:
            grant = self._grants.pop(form.get("code", ""), None)  # a code works once
        if grant is None or grant.client_id != client_id or grant.redirect_uri != form.get("redirect_uri"):
            return HTTPStatus.BAD_REQUEST, {"error": "invalid_grant"}
        if grant.code_challenge is not None:
            verifier = form.get("code_verifier", "")
            digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
            expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
            if not verifier or not secrets.compare_digest(expected, grant.code_challenge):
                return HTTPStatus.BAD_REQUEST, {"error": "invalid_grant", "error_description": "PKCE"}
        access_token = secrets.token_urlsafe(24)
        with self._lock:
            self._access_tokens[access_token] = grant.person
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.id_token_issuer or self.url,
            "aud": self.id_token_audience or client_id,
            "sub": grant.person.sub,
            "email": grant.person.email,
            "email_verified": grant.person.email_verified,
            "name": grant.person.name,
            "iat": now,
            "exp": now + 300,
            "jti": secrets.token_hex(8),
        }
        if grant.nonce:
            claims["nonce"] = grant.nonce
        id_token = jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": self.kid})
        body = {"access_token": access_token, "token_type": "Bearer", "expires_in": 300, "id_token": id_token}
        return HTTPStatus.OK, body

    def userinfo(self, authorization: str) -> tuple[HTTPStatus, dict[str, Any]]:
        scheme, _, token = authorization.partition(" ")
        with self._lock:
            person = self._access_tokens.get(token) if scheme.lower() == "bearer" else None
        if person is None:
            return HTTPStatus.UNAUTHORIZED, {"error": "invalid_token"}
        return HTTPStatus.OK, {
            "sub": person.sub,
            "email": person.email,
            "email_verified": person.email_verified,
            "name": person.name,
        }


def _handler_for(idp: IdentityProvider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            idp.requests.append(f"{self.command} {self.path}")

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            if parts.path == "/.well-known/openid-configuration":
                self._json(HTTPStatus.OK, idp.discovery())
            elif parts.path == "/jwks":
                self._json(HTTPStatus.OK, idp.jwks())
            elif parts.path == "/authorize":
                status, target = idp.authorize(query)
                if status == HTTPStatus.FOUND:
                    self.send_response(status)
                    self.send_header("Location", target)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                else:
                    self._json(status, {"error": target})
            elif parts.path == "/userinfo":
                self._json(*idp.userinfo(self.headers.get("Authorization", "")))
            else:
                self._json(HTTPStatus.NOT_FOUND, {"error": "not found"})

        def do_POST(self) -> None:
            length = min(int(self.headers.get("Content-Length") or 0), 64_000)
            body = self.rfile.read(length).decode()
            form = {k: v[0] for k, v in parse_qs(body).items()}
            if urlsplit(self.path).path != "/token":
                self._json(HTTPStatus.NOT_FOUND, {"error": "not found"})
                return
            self._json(*idp.token(form, self._basic_auth()))

        def _basic_auth(self) -> tuple[str, str] | None:
            scheme, _, value = self.headers.get("Authorization", "").partition(" ")
            if scheme.lower() != "basic":
                return None
            user, _, password = base64.b64decode(value).decode().partition(":")
            return user, password

        def _json(self, status: HTTPStatus, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(data)

    return Handler


@pytest.fixture(name="identity_provider")
def identity_provider_fixture(settings: Any) -> Iterator[IdentityProvider]:
    """A running identity provider, configured in Supportal as SUPPORTAL_OIDC_PROVIDERS would do it."""
    idp = IdentityProvider()
    idp.start()
    settings.SOCIALACCOUNT_PROVIDERS = idp.app_settings()
    # As settings.py does for SUPPORTAL_OIDC_PROVIDERS: the sign-in form may redirect to the provider.
    csp = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    csp["DIRECTIVES"]["form-action"].append(idp.url)
    settings.CONTENT_SECURITY_POLICY = csp
    try:
        yield idp
    finally:
        idp.stop()
