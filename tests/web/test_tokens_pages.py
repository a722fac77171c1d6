"""The API token pages: an agent's own tokens (/account/tokens/) and an organisation's integrations
(/organisation/tokens/). A token is shown once, works against the API, shows when it was last used and
stops working when revoked; nobody reaches another organisation's tokens."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from supportal.accounts import tokens
from supportal.accounts.models import ApiToken, TokenScope, User, UserKind
from supportal.audit.models import AuditRecord
from supportal.orgs import services
from tests.authz_walk import routes
from tests.conftest import Story

MINE = "/account/tokens/"
ORGANISATION = "/organisation/tokens/"
NEW_INTEGRATION = "/organisation/tokens/integrations/"
SECRET = re.compile(r'id="new-token-secret" value="(sp_[^"]+)"')


@pytest.fixture(autouse=True)
def _fresh_throttles(db: None) -> None:
    cache.clear()


def client_for(user: User, **kwargs: Any) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def secret_in(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    [secret] = SECRET.findall(response.content.decode())
    return secret


def api_cases(secret: str) -> int:
    status: int = Client().get("/api/v1/cases", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code
    return status


def monitoring(story: Story, organisation: Any = None, email: str = "monitor@acme.example") -> User:
    return services.customer_user_create(
        actor=story.erin,
        channel="cli",
        organisation=organisation or story.acme,
        email=email,
        name="Monitoring",
        kind=UserKind.INTEGRATION,
    )


def test_urls_are_named_and_in_the_authorization_walk() -> None:
    assert reverse("web:account_tokens") == MINE
    assert reverse("web:organisation_tokens") == ORGANISATION
    assert reverse("web:organisation_integration_create") == NEW_INTEGRATION
    assert reverse("web:account_token_revoke", args=[7]) == "/account/tokens/7/revoke/"
    assert reverse("web:organisation_token_revoke", args=[7]) == "/organisation/tokens/7/revoke/"
    walked = {route.name for route in routes()}
    assert {
        "web:account_tokens",
        "web:account_token_revoke",
        "web:organisation_tokens",
        "web:organisation_integration_create",
        "web:organisation_token_revoke",
    } <= walked


# --- Personal tokens


def test_an_agent_creates_a_token_that_is_shown_once_and_works(story: Story) -> None:
    dana = client_for(story.dana)
    page = dana.get(MINE).content.decode()
    assert 'data-testid="account-link-tokens"' in page and "No tokens yet." in page

    secret = secret_in(dana.post(MINE, {"name": "Reporting script", "scope": "read", "expires": ""}))
    token = ApiToken.objects.get(user=story.dana)
    assert (token.name, token.scope, token.expires_at) == ("Reporting script", "read", None)
    assert token.key_hash == tokens.hash_secret(secret) and secret not in token.key_hash
    assert secret.startswith(f"sp_{token.prefix}_")
    record = AuditRecord.objects.get(action="token.created")
    assert (record.actor_id, record.channel) == (story.dana.pk, "web")

    reloaded = dana.get(MINE)
    body = reloaded.content.decode()
    assert secret not in body and 'data-testid="new-token"' not in body
    assert f"sp_{token.prefix}_" in body and "Reporting script" in body
    assert "no-store" in reloaded["Cache-Control"]
    assert re.search(r'data-testid="last-used"><span class="text-muted">Never', body)

    assert api_cases(secret) == 200
    used = dana.get(MINE).content.decode()
    assert not re.search(r'data-testid="last-used"><span class="text-muted">Never', used)
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert timezone.localtime(token.last_used_at).strftime("%Y-%m-%d %H:%M") in used


def test_revoking_makes_the_token_fail(story: Story) -> None:
    dana = client_for(story.dana)
    secret = secret_in(dana.post(MINE, {"name": "CI", "scope": "write"}))
    token = ApiToken.objects.get(user=story.dana)
    assert api_cases(secret) == 200

    response = dana.post(f"/account/tokens/{token.pk}/revoke/", follow=True)
    assert response.redirect_chain == [(MINE, 302)]
    body = response.content.decode()
    assert "is revoked: it no longer works" in body and ">Revoked</span>" in body
    assert api_cases(secret) == 401
    assert AuditRecord.objects.get(action="token.revoked").channel == "web"


def test_an_agent_cannot_revoke_someone_elses_token_from_their_page(story: Story) -> None:
    erins, secret = tokens.token_create(actor=story.erin, channel="cli", user=story.erin, name="Erin's")
    assert client_for(story.dana).post(f"/account/tokens/{erins.pk}/revoke/").status_code == 404
    assert api_cases(secret) == 200
    assert f"sp_{erins.prefix}_" not in client_for(story.dana).get(MINE).content.decode()


def test_a_token_that_expired_says_so_and_fails(story: Story) -> None:
    dana = client_for(story.dana)
    secret = secret_in(dana.post(MINE, {"name": "Short-lived", "scope": "read", "expires": "30"}))
    expires_at = ApiToken.objects.get(user=story.dana).expires_at
    assert expires_at is not None and expires_at - timezone.now() > timedelta(days=29)
    with time_machine.travel(timezone.now() + timedelta(days=31), tick=False):
        dana.force_login(story.dana)  # the session has expired too
        assert ">Expired</span>" in dana.get(MINE).content.decode()
        assert api_cases(secret) == 401


def test_a_bad_form_keeps_what_was_typed_and_creates_nothing(story: Story) -> None:
    response = client_for(story.dana).post(MINE, {"name": "", "scope": "everything"})
    assert response.status_code == 422
    body = response.content.decode()
    assert "Give the token a name." in body and "Select a valid choice." in body
    assert not ApiToken.objects.exists() and not SECRET.search(body)


def test_scopes_offered_are_the_token_scopes_admin_only_for_admins(story: Story) -> None:
    def offered(user: User) -> set[str]:
        return set(re.findall(r'name="scope" value="(\w+)"', client_for(user).get(MINE).content.decode()))

    everyday = {s for s in TokenScope.values if s != "admin"}
    assert offered(story.dana) == everyday
    assert offered(story.erin) == set(TokenScope.values)


def test_customers_hold_no_personal_tokens(story: Story) -> None:
    alice = client_for(story.alice)
    assert alice.get(MINE).status_code == 403
    assert alice.post(MINE, {"name": "x", "scope": "read"}).status_code == 403
    menu = alice.get("/account/").content.decode()
    assert 'data-testid="account-link-tokens"' not in menu
    assert 'data-testid="account-link-organisation-tokens"' in menu
    assert not ApiToken.objects.exists()


# --- The organisation's integrations


def test_a_user_manager_adds_an_integration_with_its_token_in_one_step(story: Story) -> None:
    alice = client_for(story.alice)
    people = alice.get("/organisation/users/").content.decode()
    assert f'href="{ORGANISATION}"' in people
    assert 'data-testid="no-integrations"' in alice.get(ORGANISATION).content.decode()

    form = {"name": "Monitoring", "email": "Monitoring@acme.example", "scope": "write", "expires": ""}
    secret = secret_in(alice.post(NEW_INTEGRATION, form))
    integration = User.objects.get(email="monitoring@acme.example")
    assert integration.kind == UserKind.INTEGRATION
    assert integration.membership.organisation == story.acme
    [token] = integration.api_tokens.all()
    assert token.name == "Monitoring" and token.key_hash == tokens.hash_secret(secret)
    assert {r.action for r in AuditRecord.objects.filter(actor_id=story.alice.pk)} >= {
        "user.created",
        "token.created",
    }

    assert api_cases(secret) == 200
    page = alice.get(ORGANISATION).content.decode()
    assert secret not in page
    assert (
        'data-testid="integration" data-email="monitoring@acme.example"' in page
        and f"sp_{token.prefix}_" in page
    )
    assert not re.search(r'data-testid="last-used"><span class="text-muted">Never', page)


def test_a_taken_email_address_creates_neither_user_nor_token(story: Story) -> None:
    form = {"name": "Monitoring", "email": "bob@acme.example", "scope": "read"}
    response = client_for(story.alice).post(NEW_INTEGRATION, form)
    assert response.status_code == 409
    assert "exists already" in response.content.decode()
    assert not ApiToken.objects.exists()
    assert not User.objects.filter(kind=UserKind.INTEGRATION).exists()


def test_a_user_manager_adds_and_revokes_a_token_of_an_existing_integration(story: Story) -> None:
    integration = monitoring(story)
    alice = client_for(story.alice)
    form = {"holder": integration.pk, "name": "Grafana", "scope": "read", "expires": "90"}
    secret = secret_in(alice.post(ORGANISATION, form))
    token = ApiToken.objects.get(user=integration)
    assert (token.name, token.scope) == ("Grafana", "read")
    assert api_cases(secret) == 200

    response = alice.post(f"/organisation/tokens/{token.pk}/revoke/", follow=True)
    assert response.redirect_chain == [(ORGANISATION, 302)]
    assert ">Revoked</span>" in response.content.decode()
    assert api_cases(secret) == 401


def test_the_csm_and_admins_manage_an_organisation_by_its_id(story: Story) -> None:
    token, _ = tokens.token_create(actor=story.erin, channel="cli", user=monitoring(story), name="alerts")
    query = f"?organisation={story.acme.pk}"
    for staff in (story.frank, story.erin):
        page = client_for(staff).get(ORGANISATION + query).content.decode()
        assert f"sp_{token.prefix}_" in page
        assert f'action="/organisation/tokens/{token.pk}/revoke/{query}"' in page
    assert client_for(story.dana).get(ORGANISATION + query).status_code == 403
    assert client_for(story.frank).get(ORGANISATION).status_code == 404  # which organisation?

    response = client_for(story.frank).post(f"/organisation/tokens/{token.pk}/revoke/{query}")
    assert response.status_code == 302 and response["Location"] == ORGANISATION + query


def test_bob_may_not_manage_acmes_integrations(story: Story) -> None:
    token, secret = tokens.token_create(actor=story.erin, channel="cli", user=monitoring(story), name="x")
    bob = client_for(story.bob)
    assert bob.get(ORGANISATION).status_code == 403
    assert bob.post(ORGANISATION, {"holder": token.user_id, "name": "y", "scope": "write"}).status_code == 403
    assert (
        bob.post(NEW_INTEGRATION, {"name": "y", "email": "y@acme.example", "scope": "write"}).status_code
        == 403
    )
    assert bob.post(f"/organisation/tokens/{token.pk}/revoke/").status_code == 403
    assert 'data-testid="account-link-organisation-tokens"' not in bob.get("/account/").content.decode()
    assert ApiToken.objects.count() == 1 and api_cases(secret) == 200


def test_charlie_cannot_see_or_touch_acmes_tokens(story: Story) -> None:
    acme_token, secret = tokens.token_create(
        actor=story.erin, channel="cli", user=monitoring(story), name="acme-alerts"
    )
    monitoring(story, story.globex, email="monitor@globex.example")
    charlie = client_for(story.charlie)
    page = charlie.get(ORGANISATION).content.decode()
    assert "monitor@globex.example" in page
    assert "monitor@acme.example" not in page and acme_token.prefix not in page and "acme-alerts" not in page
    assert charlie.get(f"{ORGANISATION}?organisation={story.acme.pk}").status_code == 404
    assert charlie.post(f"/organisation/tokens/{acme_token.pk}/revoke/").status_code == 404
    refused = charlie.post(ORGANISATION, {"holder": acme_token.user_id, "name": "mine now", "scope": "write"})
    assert refused.status_code == 422 and not SECRET.search(refused.content.decode())
    assert ApiToken.objects.count() == 1 and api_cases(secret) == 200


def test_forms_need_the_csrf_token(story: Story) -> None:
    integration = monitoring(story)
    strict = client_for(story.alice, enforce_csrf_checks=True)
    form = {"holder": integration.pk, "name": "Grafana", "scope": "read"}
    assert strict.post(ORGANISATION, form).status_code == 403
    assert (
        strict.post(NEW_INTEGRATION, {"name": "a", "email": "a@acme.example", "scope": "read"}).status_code
        == 403
    )
    assert not ApiToken.objects.exists()

    strict.get(ORGANISATION)
    csrf = strict.cookies["csrftoken"].value
    secret_in(strict.post(ORGANISATION, {**form, "csrfmiddlewaretoken": csrf}))
    token = ApiToken.objects.get()
    assert strict.post(f"/organisation/tokens/{token.pk}/revoke/").status_code == 403
    assert ApiToken.objects.get().revoked_at is None

    agent = client_for(story.dana, enforce_csrf_checks=True)
    assert agent.post(MINE, {"name": "CI", "scope": "read"}).status_code == 403
    assert not ApiToken.objects.filter(user=story.dana).exists()


def test_the_organisation_page_runs_a_fixed_number_of_queries(
    story: Story, django_assert_num_queries: Any
) -> None:
    first = monitoring(story)
    tokens.token_create(actor=story.erin, channel="cli", user=first, name="one")
    alice = client_for(story.alice)
    alice.get(ORGANISATION)
    with django_assert_num_queries(7) as few:
        assert alice.get(ORGANISATION).status_code == 200
    for n in range(3):
        more = monitoring(story, email=f"tool{n}@acme.example")
        for name in ("a", "b"):
            tokens.token_create(actor=story.erin, channel="cli", user=more, name=name)
    with django_assert_num_queries(len(few.captured_queries)):
        body = alice.get(ORGANISATION).content.decode()
    assert body.count('data-testid="integration"') == 4


def test_user_managers_may_give_an_integration_admin_scope_and_a_rate(story: Story) -> None:
    """Admin scope is offered to those who may grant it: on the organisation's page, its user managers
    (and CSM, admins); a token's own rate may be set, but only admins may go above the default."""
    integration = monitoring(story)
    alice = client_for(story.alice)
    page = alice.get(ORGANISATION).content.decode()
    assert set(re.findall(r'name="scope" value="(\w+)"', page)) == set(TokenScope.values)
    assert 'name="rate_limit"' in page
    form = {"holder": integration.pk, "name": "Ops", "scope": "admin", "rate_limit": "60/m"}
    secret = secret_in(alice.post(ORGANISATION, form))
    token = ApiToken.objects.get(user=integration)
    assert (token.scope, token.rate_limit) == ("admin", "60/min")
    assert tokens.token_verify(secret) == token
    shown = alice.get(ORGANISATION).content.decode()
    assert re.search(r'data-testid="rate-limit">60/min<', shown)

    too_fast = alice.post(ORGANISATION, {**form, "name": "Faster", "rate_limit": "100/s"})
    assert too_fast.status_code == 422 and "ask an admin" in too_fast.content.decode()
    garbled = alice.post(
        NEW_INTEGRATION, {"name": "X", "email": "x@acme.example", "scope": "read", "rate_limit": "often"}
    )
    assert garbled.status_code == 422 and "1 to 10000 requests" in garbled.content.decode()
    assert ApiToken.objects.count() == 1 and not User.objects.filter(email="x@acme.example").exists()


def test_an_agent_who_is_no_admin_cannot_post_admin_scope(story: Story) -> None:
    response = client_for(story.dana).post(MINE, {"name": "sneaky", "scope": "admin"})
    assert response.status_code == 422 and "Select a valid choice." in response.content.decode()
    erin = client_for(story.erin)
    secret_in(erin.post(MINE, {"name": "ops", "scope": "admin", "rate_limit": "1000/min"}))
    assert ApiToken.objects.get(user=story.erin).rate_limit == "1000/min"
    assert not ApiToken.objects.filter(user=story.dana).exists()
