"""The TOTP second factor (allauth.mfa): activation, sign-in with a code or a recovery code, and the
rule that agents must set one up when SUPPORTAL_REQUIRE_AGENT_MFA is on.

Codes are computed here as an authenticator app would (RFC 6238, with allauth's own HOTP function);
nothing in the check is mocked.
"""

from __future__ import annotations

import os
import time
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.test import Client, TestCase

from supportal.accounts.models import User
from supportal.audit.models import AuditRecord
from tests.conftest import PASSWORD, Story

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ACTIVATE_URL = "/accounts/2fa/totp/activate/"
AUTHENTICATE_URL = "/accounts/2fa/authenticate/"


@pytest.fixture(autouse=True)
def _one_period_of_tolerance(settings: Any) -> None:
    """Accept the previous and next 30-second code as well, so a test never fails on a period boundary
    and successive sign-ins can use different codes (each code works only once)."""
    settings.MFA_TOTP_TOLERANCE = 1


def totp(secret: str, step: int = 0) -> str:
    """The code an authenticator app shows now (step=0), or one period later (step=1)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + step))


def signed_in_user(client: Client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def sign_in_with_password(client: Client, email: str) -> Any:
    return client.post("/accounts/login/", {"login": email, "password": PASSWORD})


def activate_totp(client: Client) -> str:
    page = client.get(ACTIVATE_URL)
    # Setting up a second factor asks for the password again first.
    assert page.status_code == 302
    assert page["Location"].startswith("/accounts/reauthenticate/?next=")
    confirmed = client.post(page["Location"], {"password": PASSWORD})
    assert confirmed.status_code == 302
    page = client.get(ACTIVATE_URL)
    assert page.status_code == 200
    secret: str = page.context["form"].secret
    assert page.context["totp_svg_data_uri"].startswith("data:image/svg+xml;base64,")
    assert secret in page.content.decode()
    # allauth announces the new authenticator (and we audit it) once the activation has committed.
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(ACTIVATE_URL, {"code": totp(secret, -1)})
    assert response.status_code == 302, response.content.decode()
    assert response["Location"] == "/accounts/2fa/recovery-codes/"
    return secret


def wrong_code(secret: str) -> str:
    valid = {totp(secret, step) for step in (-1, 0, 1)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in valid)


def test_alice_activates_totp_and_then_signing_in_asks_for_a_code(client: Client, story: Story) -> None:
    sign_in_with_password(client, story.alice.email)
    secret = activate_totp(client)
    assert Authenticator.objects.filter(user=story.alice, type=Authenticator.Type.TOTP).exists()
    activated = AuditRecord.objects.get(action="auth.mfa_activated")
    assert (activated.actor_id, activated.channel, activated.new) == (story.alice.pk, "web", {"type": "totp"})
    client.post("/accounts/logout/")

    response = sign_in_with_password(client, story.alice.email)
    assert response.status_code == 302
    assert response["Location"] == AUTHENTICATE_URL
    assert signed_in_user(client) is None  # the password alone is not enough now
    page = client.get(AUTHENTICATE_URL)
    assert "Two-factor authentication" in page.content.decode()

    refused = client.post(AUTHENTICATE_URL, {"code": wrong_code(secret)})
    assert refused.status_code == 200
    assert "Incorrect code" in refused.content.decode()
    assert signed_in_user(client) is None
    failed = AuditRecord.objects.get(action="auth.sign_in_failed")
    assert failed.new["reason"] == "wrong second-factor code"

    accepted = client.post(AUTHENTICATE_URL, {"code": totp(secret)})
    assert accepted.status_code == 302
    assert signed_in_user(client) == story.alice


def test_a_code_works_only_once(client: Client, story: Story) -> None:
    sign_in_with_password(client, story.alice.email)
    secret = activate_totp(client)
    code = totp(secret, 1)
    for expect_success in (True, False):
        client.post("/accounts/logout/")
        sign_in_with_password(client, story.alice.email)
        client.post(AUTHENTICATE_URL, {"code": code})
        assert (signed_in_user(client) == story.alice) is expect_success


def test_a_recovery_code_works_once(client: Client, story: Story) -> None:
    sign_in_with_password(client, story.alice.email)
    activate_totp(client)
    codes_page = client.get("/accounts/2fa/recovery-codes/")
    codes: list[str] = codes_page.context["unused_codes"]
    assert len(codes) == 10
    assert codes[0] in codes_page.content.decode()

    for expect_success in (True, False):
        client.post("/accounts/logout/")
        sign_in_with_password(client, story.alice.email)
        response = client.post(AUTHENTICATE_URL, {"code": codes[0]})
        assert (signed_in_user(client) == story.alice) is expect_success
        if not expect_success:
            assert "Incorrect code" in response.content.decode()
    # The others still work.
    client.post(AUTHENTICATE_URL, {"code": codes[1]})
    assert signed_in_user(client) == story.alice


def test_deactivating_is_recorded(client: Client, story: Story) -> None:
    sign_in_with_password(client, story.bob.email)
    activate_totp(client)
    assert client.get("/accounts/2fa/totp/deactivate/").status_code == 200
    response = client.post("/accounts/2fa/totp/deactivate/")
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=story.bob).exists()
    record = AuditRecord.objects.get(action="auth.mfa_deactivated")
    assert (record.actor_id, record.new) == (story.bob.pk, {"type": "totp"})
    assert client.get("/accounts/2fa/").status_code == 200


def test_the_two_factor_pages_use_the_portal_layout(client: Client, story: Story) -> None:
    sign_in_with_password(client, story.alice.email)
    page = client.get("/accounts/2fa/").content.decode()
    assert 'data-testid="signed-in-as"' in page
    assert "Not set up." in page
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    activate = client.get(ACTIVATE_URL).content.decode()
    assert 'data-testid="totp-qr"' in activate
    assert "<style" not in activate
    assert "<script>" not in activate


def test_agents_must_set_up_totp_when_required(client: Client, story: Story, settings: Any) -> None:
    settings.SUPPORTAL_REQUIRE_AGENT_MFA = True
    sign_in_with_password(client, story.dana.email)
    for path in ("/", "/admin/", "/accounts/email/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == f"{ACTIVATE_URL}?required=1"
    reauthenticate = client.get(f"{ACTIVATE_URL}?required=1")["Location"]
    assert client.get(reauthenticate).status_code == 200  # not sent round in circles
    client.post(reauthenticate, {"password": PASSWORD})
    setup = client.get(f"{ACTIVATE_URL}?required=1")
    assert setup.status_code == 200
    assert "Agents must protect their account" in setup.content.decode()
    assert client.get("/healthz").status_code == 200
    # She can always sign out instead.
    assert client.post("/accounts/logout/").status_code == 302
    assert signed_in_user(client) is None

    sign_in_with_password(client, story.dana.email)
    activate_totp(client)
    assert client.get("/notifications/").status_code == 200


def test_htmx_requests_are_sent_to_the_setup_page_as_a_whole(
    client: Client, story: Story, settings: Any
) -> None:
    settings.SUPPORTAL_REQUIRE_AGENT_MFA = True
    sign_in_with_password(client, story.dana.email)
    response = client.get("/", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"] == f"{ACTIVATE_URL}?required=1"


def test_customers_and_optional_mode_are_not_redirected(client: Client, story: Story, settings: Any) -> None:
    settings.SUPPORTAL_REQUIRE_AGENT_MFA = True
    sign_in_with_password(client, story.alice.email)
    assert client.get("/").status_code == 200
    client.post("/accounts/logout/")
    settings.SUPPORTAL_REQUIRE_AGENT_MFA = False
    sign_in_with_password(client, story.dana.email)
    assert client.get("/notifications/").status_code == 200


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_browser_activate_totp_then_sign_in_with_a_code(page: Any, live_server: Any, story: Story) -> None:
    def sign_in() -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        form = page.locator("form").filter(has=page.locator("input[name=password]"))
        form.locator("input[name=login]").fill(story.alice.email)
        form.locator("input[name=password]").fill(PASSWORD)
        form.locator("button[type=submit]").first.click()

    csp_violations: list[str] = []
    page.on(
        "console", lambda msg: csp_violations.append(msg.text) if "Content Security" in msg.text else None
    )
    sign_in()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}{ACTIVATE_URL}")
    page.locator("input[name=password]").fill(PASSWORD)  # confirm it is her
    page.locator("form").filter(has=page.locator("input[name=password]")).locator(
        "button[type=submit]"
    ).click()
    page.wait_for_url(f"{live_server.url}{ACTIVATE_URL}")
    qr = page.get_by_test_id("totp-qr")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")  # the data: URL renders under the CSP
    secret = page.get_by_test_id("totp-secret").input_value()
    # Now's code (a period boundary on the way is within the tolerance); the sign-in below uses the next
    # period's, which is never the same code (each works once).
    page.locator("input[name=code]").fill(totp(secret))
    page.get_by_role("button", name="Activate").click()
    page.wait_for_url(f"{live_server.url}/accounts/2fa/recovery-codes/")
    assert page.get_by_test_id("recovery-codes").locator("li").count() == 10
    page.locator("nav").get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{live_server.url}/accounts/login/")

    sign_in()
    page.wait_for_url(f"{live_server.url}{AUTHENTICATE_URL}")
    page.locator("input[name=code]").fill(totp(secret, 1))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_test_id("signed-in-as").inner_text() == "Alice Acme"
    # The QR code (a data: URL) is allowed by img-src; nothing on these pages needs more.
    assert [v for v in csp_violations if "img-src" in v or "script-src" in v] == []
