"""The sign-in and onboarding journeys in a real Chromium: sign in and out, register now → CSM approves
→ set password, invitation, password reset."""

from __future__ import annotations

import os
import re

import pytest
from django.core import mail

from tests.accounts.helpers import links_in, path_of
from tests.conftest import PASSWORD

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "a-brand-new-long-passphrase"


def sign_in(page, live_server, email: str, password: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill('input[name="login"]', email)
    page.fill('input[name="password"]', password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_test_id("signed-in-as").wait_for()


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))


def link_to(live_server, address: str, fragment: str) -> str:
    messages = [m for m in mail.outbox if address in m.to]
    assert messages, [(m.to, m.subject) for m in mail.outbox]
    [link] = [u for u in links_in(messages[-1]) if fragment in u]
    return f"{live_server.url}{path_of(link)}"


def set_password(page) -> None:
    page.fill('input[name="new_password1"]', NEW_PASSWORD)
    page.fill('input[name="new_password2"]', NEW_PASSWORD)
    page.get_by_role("button", name="Set password and sign in").click()


def test_sign_in_and_sign_out(page, live_server, story) -> None:
    sign_in(page, live_server, "alice@acme.example", PASSWORD)
    assert page.get_by_test_id("signed-in-as").inner_text() == "Alice Acme"
    sign_out(page)
    assert page.get_by_test_id("signed-in-as").count() == 0

    page.fill('input[name="login"]', "alice@acme.example")
    page.fill('input[name="password"]', "wrong-password")
    page.get_by_role("button", name="Sign in", exact=True).click()
    assert "not correct" in page.get_by_test_id("form-error").inner_text()


def test_register_now_then_csm_approves_then_set_password(page, live_server, story) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Register now").click()
    page.get_by_label("Email address").fill("gina@acme.example")
    page.get_by_label("Your name").fill("Gina Acme")
    page.fill('input[name="phone"]', "+41 44 000 00 00")
    page.get_by_label("Phone", exact=True).check()  # preferred contact
    page.get_by_label("Company").fill("Acme")
    page.get_by_role("button", name="Send my request").click()
    page.get_by_test_id("register-done").wait_for()

    sign_in(page, live_server, "frank@provider.example", PASSWORD)
    page.get_by_role("link", name="Agent workspace").click()
    page.get_by_role("link", name=re.compile("Registration requests")).click()
    page.get_by_role("link", name="Review").click()
    page.get_by_label("Case reporter").check()
    page.get_by_role("button", name="Approve").click()
    page.wait_for_url(re.compile(r"/agent/registrations/$"))
    assert "gina@acme.example has been sent a link" in page.content()
    sign_out(page)

    page.goto(link_to(live_server, "gina@acme.example", "/accounts/invitation/"))
    set_password(page)
    assert page.get_by_test_id("signed-in-as").inner_text() == "Gina Acme"
    sign_out(page)
    sign_in(page, live_server, "gina@acme.example", NEW_PASSWORD)


def test_invitation_from_user_management(page, live_server, story) -> None:
    sign_in(page, live_server, "alice@acme.example", PASSWORD)
    page.get_by_test_id("nav-organisation").get_by_role("button", name="Organisation").click()
    page.get_by_role("link", name="Users").click()
    form = page.get_by_test_id("invite-form")
    form.get_by_label("Email address").fill("carol@acme.example")
    form.get_by_label("Name").fill("Carol Acme")
    form.get_by_label("Case reporter").check()
    form.get_by_role("button", name="Send invitation").click()
    page.get_by_text("Invitation sent to carol@acme.example.").wait_for()
    assert page.get_by_test_id("user-carol@acme.example").get_by_text("Invitation pending").count() == 1
    sign_out(page)

    link = link_to(live_server, "carol@acme.example", "/accounts/invitation/")
    page.goto(link)
    set_password(page)
    assert page.get_by_test_id("signed-in-as").inner_text() == "Carol Acme"
    page.goto(link)
    assert page.get_by_test_id("link-invalid").is_visible()


def test_password_reset(page, live_server, story) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Forgot password?").click()
    page.fill('input[name="email"]', "bob@acme.example")
    page.get_by_role("button", name="Send the link").click()
    page.get_by_test_id("reset-sent").wait_for()

    page.goto(link_to(live_server, "bob@acme.example", "/accounts/password/reset/key/"))
    page.fill('input[name="password1"]', NEW_PASSWORD)
    page.fill('input[name="password2"]', NEW_PASSWORD)
    page.get_by_role("button", name="Set password").click()
    page.get_by_test_id("reset-done").wait_for()
    sign_in(page, live_server, "bob@acme.example", NEW_PASSWORD)
