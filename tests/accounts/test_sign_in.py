"""Signing in and out: the sign-in page, the staff entrance, the admin's way in, throttling, the audit."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from supportal import settings as production_settings
from supportal.orgs.models import Organisation
from tests.accounts.helpers import audits
from tests.conftest import PASSWORD

LOGIN = "/accounts/login/"
STAFF_LOGIN = "/accounts/staff/login/"


def test_argon2_is_the_production_password_hasher() -> None:
    assert production_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_sign_in_page_shows_every_way_in(client: Client, story, django_assert_num_queries) -> None:
    client.get(LOGIN)  # the first request caches the Site row; count a page as every later visitor gets it
    # configured identity-provider apps; is self-registration open anywhere?
    with django_assert_num_queries(2):
        response = client.get(LOGIN)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="login"' in html and 'name="password"' in html
    assert reverse("account_reset_password") in html and "Forgot password?" in html
    assert reverse("account_register") in html and "Register now" in html
    assert reverse("staff_login") in html and "I am an agent" in html
    assert "Sign up with your company email" not in html  # no organisation allows it
    assert 'data-testid="identity-providers"' not in html  # none configured


def test_sign_up_link_appears_when_an_organisation_allows_self_registration(client: Client, story) -> None:
    Organisation.objects.filter(pk=story.acme.pk).update(self_registration=True)
    html = client.get(LOGIN).content.decode()
    assert "Sign up with your company email" in html and reverse("account_signup") in html


def test_customer_signs_in_and_out_with_audit(client: Client, story) -> None:
    response = client.post(LOGIN, {"login": "alice@acme.example", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == settings.LOGIN_REDIRECT_URL
    assert client.get("/").context["user"] == story.alice
    [signed_in] = audits("auth.signed_in")
    assert signed_in.actor_id == story.alice.pk
    assert signed_in.ip == "127.0.0.1"
    assert signed_in.organisation_id == story.acme.pk

    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert not client.get(LOGIN).context["user"].is_authenticated
    [signed_out] = audits("auth.signed_out")
    assert signed_out.actor_id == story.alice.pk


def test_wrong_password_is_refused_clearly_and_audited_without_the_password(client: Client, story) -> None:
    response = client.post(LOGIN, {"login": "alice@acme.example", "password": "not-my-password"})
    assert response.status_code == 200
    assert "The email address and/or password you specified are not correct." in response.content.decode()
    [failed] = audits("auth.sign_in_failed")
    assert (failed.new or {})["email"] == "alice@acme.example"
    assert failed.actor_id is None and failed.ip == "127.0.0.1"
    assert "not-my-password" not in str(failed.new) and "not-my-password" not in failed.actor_label


@pytest.mark.parametrize(
    "data",
    [{}, {"login": "", "password": ""}, {"login": "not an email", "password": "x"}, {"login": "a@b.c" * 100}],
)
def test_bad_sign_in_input_gets_a_message_never_a_500(client: Client, story, data) -> None:
    response = client.post(LOGIN, data)
    assert response.status_code == 200
    assert "invalid-feedback" in response.content.decode() or "form-error" in response.content.decode()


def test_failed_sign_ins_are_throttled(client: Client, story) -> None:
    # settings: "10/m/ip,5/5m/key": five failures for one address, then even the right password is refused
    for _ in range(5):
        client.post(LOGIN, {"login": "bob@acme.example", "password": "guess"})
    response = client.post(LOGIN, {"login": "bob@acme.example", "password": PASSWORD})
    assert response.status_code == 200
    assert "Too many failed login attempts. Try again later." in response.content.decode()
    assert not response.context["user"].is_authenticated
    assert not audits("auth.signed_in")
    # another address from the same network still gets in
    response = client.post(LOGIN, {"login": "alice@acme.example", "password": PASSWORD})
    assert response.status_code == 302


def test_agents_may_use_the_regular_sign_in(client: Client, story) -> None:
    response = client.post(LOGIN, {"login": "dana@provider.example", "password": PASSWORD})
    assert response.status_code == 302


def test_staff_sign_in_lets_agents_in(client: Client, story) -> None:
    page = client.get(STAFF_LOGIN).content.decode()
    assert "Staff sign-in" in page and f'action="{STAFF_LOGIN}"' in page
    response = client.post(STAFF_LOGIN, {"login": "frank@provider.example", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/notifications/").context["user"] == story.frank


def test_staff_sign_in_refuses_customers_and_does_not_sign_them_in(client: Client, story) -> None:
    response = client.post(STAFF_LOGIN, {"login": "alice@acme.example", "password": PASSWORD})
    assert response.status_code == 200
    assert "this account is not an agent" in response.content.decode()
    assert not client.get(LOGIN).context["user"].is_authenticated
    assert "_auth_user_id" not in client.session
    assert not audits("auth.signed_in")
    [failed] = audits("auth.sign_in_failed")
    assert (failed.new or {})["reason"].startswith("not an agent")


def test_admin_login_goes_through_the_sign_in_page(client: Client, story) -> None:
    response = client.get("/admin/")
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=%2Fadmin%2F"

    response = client.post(
        response["Location"], {"login": "erin@provider.example", "password": PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/login/?next=/admin/")["Location"] == "/admin/"


def test_admin_login_refuses_a_signed_in_non_admin_without_a_loop(client: Client, story) -> None:
    client.force_login(story.alice)
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 403
    assert "not an admin account" in response.content.decode()


def test_admin_login_ignores_foreign_next(client: Client, story) -> None:
    response = client.get("/admin/login/?next=https://evil.example/")
    assert response["Location"] == f"{LOGIN}?next=%2Fadmin%2F"
