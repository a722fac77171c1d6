"""Domain self-registration (allauth's signup, verified email first) and password reset."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from supportal.accounts.models import User
from supportal.orgs.models import Organisation, PermissionGroup
from tests.accounts.helpers import audits, links_in, only_mail_to, path_of
from tests.conftest import PASSWORD

SIGNUP = "/accounts/signup/"
NEW_PASSWORD = "a-brand-new-long-passphrase"


@pytest.fixture
def acme_open(story):
    Organisation.objects.filter(pk=story.acme.pk).update(self_registration=True)
    story.acme.refresh_from_db()
    return story


def signup(client: Client, committed, **overrides: str):
    data = {
        "name": "Jo Acme",
        "email": "jo@acme.example",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    data.update(overrides)
    with committed():
        return client.post(SIGNUP, data)


def test_signup_is_closed_when_no_organisation_allows_it(client: Client, story, committed) -> None:
    page = client.get(SIGNUP)
    assert "Self-registration is not open" in page.content.decode()
    signup(client, committed)
    assert not User.objects.filter(email="jo@acme.example").exists()


def test_self_registration_with_verification(client: Client, acme_open, committed) -> None:
    story = acme_open
    story.acme.default_groups.set(PermissionGroup.objects.filter(code__in=["case-reporter", "viewer"]))
    response = signup(client, committed)
    assert response.status_code == 302 and response["Location"] == "/accounts/confirm-email/"
    jo = User.objects.get(email="jo@acme.example")
    assert jo.name == "Jo Acme" and jo.kind == "customer"
    assert jo.membership.organisation == story.acme
    assert sorted(g.code for g in jo.membership.groups.all()) == ["case-reporter", "viewer"]
    [registered] = audits("user.self_registered")
    assert registered.organisation_id == story.acme.pk and (registered.new or {})["groups"] == [
        "case-reporter",
        "viewer",
    ]
    assert not client.get("/accounts/login/").context["user"].is_authenticated  # not before verifying

    refused = Client().post("/accounts/login/", {"login": "jo@acme.example", "password": NEW_PASSWORD})
    assert refused.status_code == 302 and refused["Location"] == "/accounts/confirm-email/"

    message = only_mail_to("jo@acme.example")
    [link] = [u for u in links_in(message) if "/accounts/confirm-email/" in u]
    confirm = client.get(path_of(link))
    assert confirm.status_code == 200 and "jo@acme.example" in confirm.content.decode()
    with committed():
        done = client.post(path_of(link))
    assert done.status_code == 302
    assert client.get("/").context["user"] == jo
    assert audits("auth.signed_in")[-1].actor_id == jo.pk


def test_default_group_is_case_reporter(client: Client, acme_open, committed) -> None:
    signup(client, committed)
    jo = User.objects.get(email="jo@acme.example")
    assert [g.code for g in jo.membership.groups.all()] == ["case-reporter"]


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"email": "jo@globex.example"}, "Self-registration is only open to email addresses"),
        ({"email": "jo@elsewhere.example"}, "Self-registration is only open to email addresses"),
        ({"name": ""}, "This field is required."),
        ({"password2": "different-passphrase"}, "You must type the same password each time."),
        ({"password1": "short", "password2": "short"}, "too short"),
        ({"email": "nope"}, "Enter a valid email address."),
    ],
)
def test_signup_errors_are_clear(client: Client, acme_open, committed, overrides, message) -> None:
    response = signup(client, committed, **overrides)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not audits("user.self_registered")


def test_signup_with_an_existing_address_reveals_nothing(client: Client, acme_open, committed) -> None:
    response = signup(client, committed, email="bob@acme.example")
    assert response.status_code == 302 and response["Location"] == "/accounts/confirm-email/"
    assert User.objects.filter(email="bob@acme.example").count() == 1
    assert not audits("user.self_registered")


def test_password_reset(client: Client, story, committed) -> None:
    page = client.get("/accounts/password/reset/")
    assert page.status_code == 200
    with committed():
        response = client.post("/accounts/password/reset/", {"email": "bob@acme.example"})
    assert response.status_code == 302 and response["Location"] == "/accounts/password/reset/done/"
    assert "Check your email" in client.get(response["Location"]).content.decode()
    message = only_mail_to("bob@acme.example")
    [link] = [u for u in links_in(message) if "/accounts/password/reset/key/" in u]

    form_page = client.get(path_of(link), follow=True)
    assert "Choose a new password" in form_page.content.decode()
    action = form_page.redirect_chain[-1][0] if form_page.redirect_chain else path_of(link)
    done = client.post(action, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == "/accounts/password/reset/key/done/"
    assert "Your password is changed" in client.get(done["Location"]).content.decode()

    reused = Client().get(path_of(link), follow=True)
    assert "This link has been used or has expired" in reused.content.decode()
    assert (
        Client().post("/accounts/login/", {"login": "bob@acme.example", "password": PASSWORD}).status_code
        == 200
    )
    assert (
        Client().post("/accounts/login/", {"login": "bob@acme.example", "password": NEW_PASSWORD}).status_code
        == 302
    )


def test_password_reset_for_an_unknown_address_looks_the_same(client: Client, story, committed) -> None:
    with committed():
        response = client.post("/accounts/password/reset/", {"email": "nobody@nowhere.example"})
    assert response.status_code == 302 and response["Location"] == "/accounts/password/reset/done/"
    bad = client.post("/accounts/password/reset/", {"email": "not an email"})
    assert bad.status_code == 200 and "Enter a valid email address." in bad.content.decode()
    assert all("reset/key" not in m.body for m in mail.outbox)
