"""Sign-in with an identity provider (OpenID Connect, as Google does it), against a real one on loopback.

The Django test client plays the browser for Supportal; `requests` plays it for the identity provider,
so every redirect of the authorization-code flow is followed by hand.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.test import Client

from supportal.accounts.models import User
from supportal.audit.models import AuditRecord
from supportal.orgs import services
from tests.accounts.oidc_provider import (  # noqa: F401  (the fixture "identity_provider")
    PROVIDER_ID,
    PROVIDER_NAME,
    IdentityProvider,
    Person,
    identity_provider_fixture,
)
from tests.conftest import Story, groups

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

LOGIN_URL = f"/accounts/oidc/{PROVIDER_ID}/login/"


def go_to_provider(client: Client, idp: IdentityProvider) -> str:
    """Start the flow in Supportal and come back from the provider: returns the callback URL."""
    assert client.get(LOGIN_URL).status_code == 200  # "continue to Loopback ID?" (no sign-in on GET)
    to_idp = client.post(LOGIN_URL)
    assert to_idp.status_code == 302
    location = to_idp["Location"]
    assert location.startswith(f"{idp.url}/authorize?")
    query = parse_qs(urlsplit(location).query)
    assert query["code_challenge_method"] == ["S256"]
    at_idp = requests.get(location, allow_redirects=False, timeout=10)
    assert at_idp.status_code == 302, at_idp.text
    back = urlsplit(at_idp.headers["Location"])
    assert back.path == f"{LOGIN_URL}callback/"
    return f"{back.path}?{back.query}"


def sign_in_with_provider(client: Client, idp: IdentityProvider) -> Any:
    return client.get(go_to_provider(client, idp))


def signed_in_user(client: Client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def actions() -> list[str]:
    return list(AuditRecord.objects.order_by("position").values_list("action", flat=True))


def test_a_known_person_signs_in_and_the_provider_account_is_connected(
    client: Client, story: Story, identity_provider: IdentityProvider
) -> None:
    identity_provider.person = Person("Alice@Acme.example", "Alice A.")
    response = sign_in_with_provider(client, identity_provider)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert signed_in_user(client) == story.alice
    assert SocialAccount.objects.filter(user=story.alice, provider=PROVIDER_ID).exists()
    assert client.get("/").status_code == 200
    # The next time, the connected account is found by the provider's subject, not the address.
    client.logout()
    assert sign_in_with_provider(client, identity_provider).status_code == 302
    assert signed_in_user(client) == story.alice
    assert User.objects.filter(email__iexact="alice@acme.example").count() == 1


def test_an_agent_signs_in_too(client: Client, story: Story, identity_provider: IdentityProvider) -> None:
    identity_provider.person = Person("dana@provider.example", "Dana")
    assert sign_in_with_provider(client, identity_provider).status_code == 302
    assert signed_in_user(client) == story.dana


@pytest.mark.parametrize(
    "email",
    [
        "zoe@nowhere.example",  # nobody knows this domain
        "zoe@acme.example",  # Acme's domain, but Acme onboards its people itself
    ],
)
def test_an_unknown_address_is_refused_with_a_clear_page(
    client: Client, story: Story, identity_provider: IdentityProvider, email: str
) -> None:
    identity_provider.person = Person(email, "Zoe")
    users_before = User.objects.count()
    response = sign_in_with_provider(client, identity_provider)
    assert response.status_code == 403
    page = response.content.decode()
    assert "No account for this address" in page
    assert email in page
    assert "administrator" in page
    assert "Register now" in page
    assert signed_in_user(client) is None
    assert User.objects.count() == users_before
    record = AuditRecord.objects.filter(action="auth.sign_in_failed").get()
    assert record.channel == "web"
    assert record.new == {"identity_provider": PROVIDER_ID, "email": email, "reason": "no account"}


def test_an_address_the_provider_did_not_verify_matches_nobody(
    client: Client, story: Story, identity_provider: IdentityProvider
) -> None:
    identity_provider.person = Person("alice@acme.example", "Not Alice", email_verified=False)
    response = sign_in_with_provider(client, identity_provider)
    assert response.status_code == 403
    assert "did not confirm an email address" in response.content.decode()
    assert signed_in_user(client) is None
    assert not SocialAccount.objects.exists()


def test_a_virtual_user_never_signs_in_through_a_provider(
    client: Client, story: Story, identity_provider: IdentityProvider
) -> None:
    virtual = story.acme.virtual_user
    assert virtual is not None
    identity_provider.person = Person(virtual.email, "Acme alias")
    EmailAddress.objects.create(user=virtual, email=virtual.email, verified=True, primary=True)
    assert sign_in_with_provider(client, identity_provider).status_code == 403
    assert signed_in_user(client) is None


def test_someone_from_a_self_registration_domain_joins_the_organisation(
    client: Client, story: Story, identity_provider: IdentityProvider
) -> None:
    initech = services.organisation_create(
        actor=story.erin,
        channel="cli",
        name="Initech",
        plan=story.free,
        domains=["initech.example"],
        self_registration=True,
    )
    initech.default_groups.set(groups("case-reporter"))
    identity_provider.person = Person("Peter@Initech.example", "Peter Gibbons")
    response = sign_in_with_provider(client, identity_provider)
    assert response.status_code == 302, response.content.decode()
    peter = signed_in_user(client)
    assert peter is not None
    assert (peter.email, peter.name, peter.kind) == ("peter@initech.example", "Peter Gibbons", "customer")
    assert not peter.has_usable_password()
    assert peter.membership.organisation == initech
    assert sorted(g.code for g in peter.membership.groups.all()) == ["case-reporter"]
    assert EmailAddress.objects.get(user=peter).verified
    record = AuditRecord.objects.get(action="user.self_registered")
    assert (record.actor_id, record.organisation_id, record.channel) == (peter.pk, initech.pk, "web")
    assert record.new["identity_provider"] == PROVIDER_ID


def test_a_forged_state_is_refused(client: Client, story: Story, identity_provider: IdentityProvider) -> None:
    callback = urlsplit(go_to_provider(client, identity_provider))
    query = parse_qs(callback.query)
    forged = urlencode({"code": query["code"][0], "state": "forged-state"})
    response = client.get(f"{callback.path}?{forged}")
    assert response.status_code == 401
    assert "error occurred while attempting to login" in response.content.decode()
    assert signed_in_user(client) is None


@pytest.mark.parametrize("tamper", ["audience", "issuer", "code", "replay"])
def test_a_tampered_token_or_code_is_refused(
    client: Client, story: Story, identity_provider: IdentityProvider, tamper: str
) -> None:
    if tamper == "audience":
        identity_provider.id_token_audience = "another-client"
    elif tamper == "issuer":
        identity_provider.id_token_issuer = "https://evil.example"
    callback = go_to_provider(client, identity_provider)
    if tamper == "code":
        callback = callback.replace("code=", "code=x", 1)
    elif tamper == "replay":
        # The code is spent once already (as if an eavesdropper used it first).
        path, _, query = callback.partition("?")
        params = parse_qs(query)
        requests.post(
            f"{identity_provider.url}/token",
            data={
                "grant_type": "authorization_code",
                "code": params["code"][0],
                "client_id": identity_provider.client_id,
                "client_secret": identity_provider.client_secret,
                "redirect_uri": f"http://testserver{path}",
            },
            timeout=10,
        )
    response = client.get(callback)
    assert response.status_code == 401
    assert "error occurred while attempting to login" in response.content.decode()
    assert signed_in_user(client) is None
    assert not SocialAccount.objects.exists()


def test_the_provider_refuses_a_wrong_pkce_verifier(identity_provider: IdentityProvider) -> None:
    """PKCE is real: a code is only redeemed with the verifier it was issued for."""
    authorize = requests.get(
        f"{identity_provider.url}/authorize",
        params={
            "client_id": identity_provider.client_id,
            "redirect_uri": "http://testserver/cb",
            "response_type": "code",
            "scope": "openid email",
            "state": "s",
            "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            "code_challenge_method": "S256",
        },
        allow_redirects=False,
        timeout=10,
    )
    code = parse_qs(urlsplit(authorize.headers["Location"]).query)["code"][0]
    token = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": "http://testserver/cb",
        "client_id": identity_provider.client_id,
        "client_secret": identity_provider.client_secret,
        "code_verifier": "not-the-verifier",
    }
    assert requests.post(f"{identity_provider.url}/token", data=token, timeout=10).status_code == 400


def test_the_sign_in_page_offers_the_provider(
    client: Client, db: None, identity_provider: IdentityProvider
) -> None:
    page = client.get("/accounts/login/").content.decode()
    assert PROVIDER_NAME in page
    assert LOGIN_URL in page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_browser_sign_in_with_the_provider(
    page: Any, live_server: Any, story: Story, identity_provider: IdentityProvider
) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    # The button posts straight to Supportal, which sends the browser on to the provider and back.
    page.get_by_test_id("identity-providers").get_by_role(
        "button", name=f"Sign in with {PROVIDER_NAME}"
    ).click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_test_id("signed-in-as").inner_text() == "Alice Acme"


def test_providers_come_from_the_environment() -> None:
    """SUPPORTAL_OIDC_PROVIDERS (Google here) becomes allauth's apps, and its origin a form target."""
    google = {
        "id": "google",
        "name": "Google",
        "server_url": "https://accounts.google.com",
        "client_id": "abc.apps.googleusercontent.com",
        "secret": "s3cret",
    }
    code = (
        "import json; from supportal import settings as s; "
        "csp = s.CONTENT_SECURITY_POLICY['DIRECTIVES']; "
        "print(json.dumps([s.SOCIALACCOUNT_PROVIDERS, csp['form-action']]))"
    )
    env = {**os.environ, "SUPPORTAL_OIDC_PROVIDERS": json.dumps([google])}  # same data dir as the tests
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    providers, form_action = json.loads(out.stdout)
    assert providers["openid_connect"]["APPS"] == [
        {
            "provider_id": "google",
            "name": "Google",
            "client_id": "abc.apps.googleusercontent.com",
            "secret": "s3cret",
            "settings": {"server_url": "https://accounts.google.com"},
        }
    ]
    assert form_action == ["'self'", "https://accounts.google.com"]
