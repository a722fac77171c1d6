"""allauth's own account pages (password, email addresses, re-authentication, two-factor) in the portal's
layout, with the account menu, and still working."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.test import Client

from supportal.accounts.models import User
from tests.conftest import PASSWORD, Story

NEW_PASSWORD = "a-much-longer-new-passphrase-42"


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def in_portal_layout(body: str) -> bool:
    return all(
        marker in body
        for marker in ('data-testid="signed-in-as"', 'data-testid="account-menu"', "bootstrap.min.css")
    )


def sign_in(client: Client, email: str, password: str) -> bool:
    client.post("/accounts/login/", {"login": email, "password": password})
    return "_auth_user_id" in client.session


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/password/change/",
        "/accounts/email/",
        "/accounts/2fa/",
        "/account/",
        "/account/notifications/",
    ],
)
def test_account_pages_share_the_portal_layout_and_menu(story: Story, url: str) -> None:
    page = client_for(story.alice).get(url)
    assert page.status_code == 200
    assert in_portal_layout(page.content.decode())


def test_changing_the_password_then_signing_in_with_the_new_one(story: Story) -> None:
    client = client_for(story.alice)
    page = client.get("/accounts/password/change/").content.decode()
    assert 'data-testid="password-change-form"' in page
    for name in ("oldpassword", "password1", "password2"):
        assert f'name="{name}"' in page
    assert 'class="form-control"' in page

    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        follow=True,
    )
    assert response.status_code == 200
    assert "Password successfully changed." in response.content.decode()

    client.post("/accounts/logout/")
    assert not sign_in(Client(), "alice@acme.example", PASSWORD)
    assert sign_in(Client(), "alice@acme.example", NEW_PASSWORD)


def test_a_wrong_current_password_is_refused_next_to_the_field(story: Story) -> None:
    response = client_for(story.alice).post(
        "/accounts/password/change/",
        {"oldpassword": "not-my-password", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    body = response.content.decode()
    assert 'id="id_oldpassword"' in body
    assert "Please type your current password." in body
    assert 'class="form-control is-invalid" type="password" id="id_oldpassword"' in body
    assert User.objects.get(pk=story.alice.pk).check_password(PASSWORD)


def test_someone_without_a_password_is_offered_to_set_one(story: Story) -> None:
    story.bob.set_unusable_password()
    story.bob.save()
    client = client_for(story.bob)
    menu = client.get("/account/").content.decode()
    assert 'href="/accounts/password/set/"' in menu
    page = client.get("/accounts/password/set/")
    assert page.status_code == 200
    assert 'data-testid="password-set-form"' in page.content.decode()
    assert in_portal_layout(page.content.decode())


def test_email_addresses_listed_added_and_removed(
    story: Story, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(story.alice)
    page = client.get("/accounts/email/").content.decode()
    assert page.count('data-testid="email-address"') == 1
    assert "Primary" in page
    assert 'data-testid="email-add-form"' in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/email/", {"email": "alice.private@acme.example", "action_add": ""}, follow=True
        )
    body = response.content.decode()
    assert body.count('data-testid="email-address"') == 2
    assert "Not verified" in body
    assert EmailAddress.objects.filter(user=story.alice, email="alice.private@acme.example").exists()

    client.post("/accounts/email/", {"email": "alice.private@acme.example", "action_remove": ""})
    assert not EmailAddress.objects.filter(email="alice.private@acme.example").exists()


def test_the_email_page_runs_a_fixed_number_of_queries(story: Story, django_assert_num_queries: Any) -> None:
    client = client_for(story.alice)
    client.get("/accounts/email/")
    with django_assert_num_queries(6) as small:
        client.get("/accounts/email/")
    for n in range(5):
        EmailAddress.objects.create(user=story.alice, email=f"alice{n}@acme.example", verified=False)
    with django_assert_num_queries(len(small.captured_queries)):
        body = client.get("/accounts/email/").content.decode()
    assert body.count('data-testid="email-address"') == 6


def test_reauthentication_page_in_the_portal_layout(story: Story) -> None:
    page = client_for(story.alice).get("/accounts/reauthenticate/")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-testid="reauthenticate-form"' in body
    assert 'class="form-control" type="password" id="id_password"' in body
    assert 'data-testid="signed-in-as"' in body


@pytest.mark.parametrize("url", ["/accounts/password/change/", "/accounts/email/", "/accounts/2fa/"])
def test_anonymous_visitors_are_sent_to_sign_in(db: None, url: str) -> None:
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
