"""The authorization walk: every URL pattern and API operation, asked by people who must be refused.

The routes are read from the URL configuration and the OpenAPI document when the test runs, so a route
added later is covered without touching this file — unless it takes a URL keyword the walk does not
know, in which case the test fails and says which name to add to KWARGS (tests/authz_walk.py).

- Anonymous visitors are sent to sign in (302 to /accounts/login/ or the admin's login, which leads
  there) or refused (401/403/404/405/429), except on the PUBLIC routes, each with its reason.
- Charlie (Globex) never gets a 2xx on a URL built with Acme's objects, never gets into staff pages, and
  no answer to him (or to anonymous visitors) contains Acme's private data.
- Bob (Acme, case reporter only) is refused on management pages and on every API write.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from supportal.accounts.models import RegistrationRequest, User, UserKind
from supportal.orgs import services
from supportal.orgs.models import EscalationContact, EscalationLevel
from tests.authz_walk import ApiCall, Route, World, api_calls, build, routes
from tests.conftest import Story

# Routes anonymous visitors may open (by URL name, or by path prefix for unnamed ones), and why.
PUBLIC: dict[str, str] = {
    "healthz": "health probe for load balancers and monitoring; shows no data",
    "account_login": "the sign-in page",
    "staff_login": 'the agents\' entry to sign-in ("I am an agent")',
    "admin_login_redirect": "the admin's login only forwards to the sign-in page",
    "account_signup": "domain self-registration (verified by email before anything is granted)",
    "account_register": 'the public "Register now" form; the CSM decides',
    "account_register_done": 'thanks page after "Register now"',
    "account_inactive": "tells a disabled person their account is inactive",
    "account_reset_password": "asking for a password-reset email",
    "account_reset_password_done": '"check your email" after asking for a reset',
    "account_reset_password_from_key": "the one-time link in the reset email (an invalid key shows an error)",
    "account_reset_password_from_key_done": '"your password is set" after a reset',
    "account_email_verification_sent": '"check your email" after sign-up',
    "account_confirm_email": "the one-time link in the verification email",
    "account_confirm_login_code": "second step of a sign-in in progress (redirects without one)",
    "account_invitation": "the one-time link in an invitation email (an invalid key shows an error)",
    "mfa_authenticate": "the TOTP step of a sign-in in progress (redirects without one)",
    "socialaccount_login_cancelled": "where an identity provider sends someone who cancelled",
    "socialaccount_login_error": "where an identity provider sends someone after an error",
    "socialaccount_signup": "completes a sign-in with an identity provider in progress",
    "openid_connect_login": "starts a sign-in with an identity provider",
    "openid_connect_callback": "an identity provider's answer to a sign-in",
    "escalation:page_link": "a page's acknowledgement link: the unguessable token is the proof (bad: 404)",
    "web:approval_link": "an approval email's signed link: the token names the approver (bad: 404)",
    "api-v1:openapi-json": "the API's OpenAPI document: the published contract, no data",
    "api-v1:openapi-view": "the API's browsable documentation",
    "/accounts/social/": "allauth's old third-party URLs, redirecting to /accounts/3rdparty/",
}
# Pages only provider staff may open: customers are always refused there.
STAFF_PREFIXES = ("/admin/", "/agent/")
# Management pages a customer without rights (Bob) must be refused on.
MANAGEMENT_PREFIXES = (
    *STAFF_PREFIXES,
    "/organisation/users/",
    "/organisation/tokens/",
    "/account/tokens/",
    "/organisation/webhooks/",
)
SIGN_IN_PREFIXES = ("/accounts/login/", "/admin/login/")
# The admin sends non-admins from its logout to its index, which sends them to sign in.
SIGN_IN_HOPS = {"/admin/"}
REFUSED = {401, 403, 404, 405, 429}


def public_reason(route: Route) -> str | None:
    if route.name and route.name in PUBLIC:
        return PUBLIC[route.name]
    return next((why for key, why in PUBLIC.items() if key.startswith("/") and route.path_hint(key)), None)


@pytest.fixture
def world(story: Story, django_capture_on_commit_callbacks: Any) -> World:
    from supportal.accounts.tokens import token_create

    acme = story.acme
    with django_capture_on_commit_callbacks(execute=True):
        registration = RegistrationRequest.objects.create(
            email="zed@acme.example", name="Zed Pending", organisation=acme, company="Acme Corp"
        )
        integration = services.customer_user_create(
            actor=story.erin,
            channel="cli",
            organisation=acme,
            email="monitor@acme.example",
            name="Acme monitoring",
            kind=UserKind.INTEGRATION,
        )
        token, _secret = token_create(actor=story.erin, channel="cli", user=integration, name="alerts")
        level = EscalationLevel.objects.create(organisation=acme, level=1, name="Acme duty manager")
        EscalationContact.objects.create(
            level=level, name="Acme Boss", role="CTO", email="boss@acme.example", phone="+1 555 0100"
        )
        status_change = services.account_status_change(
            actor=story.alice,
            channel="web",
            organisation=acme,
            status="amber",
            reason="acme-private-reason-for-the-walk",
        )
    assert acme.virtual_user is not None
    secrets = [
        "Acme Corp",
        story.alice.email,
        story.bob.email,
        acme.virtual_user.email,
        integration.email,
        registration.email,
        "boss@acme.example",
        "acme-private-reason-for-the-walk",
        token.prefix,
    ]
    return World(story, registration, integration, token, level, status_change, secrets)


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _leaks(world: World, response: Any) -> list[str]:
    content = getattr(response, "content", b"").decode("utf-8", "replace")
    return [secret for secret in world.secrets if secret in content]


def _to_sign_in(response: Any) -> bool:
    if response.status_code != 302:
        return False
    location = response["Location"]
    return location.startswith(SIGN_IN_PREFIXES) or location in SIGN_IN_HOPS


def _call(client: Client, call: ApiCall) -> Any:
    data = json.dumps(call.body) if call.body is not None else None
    return getattr(client, call.method.lower())(call.url, data=data, content_type="application/json")


def _report(problems: list[str], checked: int) -> None:
    assert checked > 0
    assert not problems, f"{len(problems)} of {checked} requests broke the rules:\n" + "\n".join(problems)


def test_every_route_is_known(world: World) -> None:
    """Every pattern can be built (fails on an unknown URL keyword) and the walk sees all the areas."""
    urls = [build(world, route)[0] for route in routes()]
    for area in ("/admin/", "/accounts/login/", "/api/v1/", "/organisation/status/"):
        assert any(url.startswith(area) for url in urls), area
    assert len(list(api_calls(world))) >= 10
    names = {route.name for route in routes()}
    stale = [key for key in PUBLIC if not key.startswith("/") and key not in names]
    assert not stale, f"PUBLIC names routes that no longer exist: {stale}"


def test_anonymous_visitors_are_sent_to_sign_in(world: World) -> None:
    client, problems, checked = client_for(None), [], 0
    for route in routes():
        url, _ = build(world, route)
        response = client.get(url)
        checked += 1
        if leaks := _leaks(world, response):
            problems.append(f"GET {url} ({route.name}) shows {leaks} to anonymous visitors")
        if public_reason(route) is None and not (_to_sign_in(response) or response.status_code in REFUSED):
            problems.append(f"GET {url} ({route.name}) answers anonymous visitors {response.status_code}")
    for call in api_calls(world):
        response = _call(client, call)
        checked += 1
        if response.status_code not in REFUSED or _leaks(world, response):
            problems.append(f"{call.label} answers anonymous callers {response.status_code}")
    _report(problems, checked)


def test_charlie_sees_nothing_of_acme(world: World) -> None:
    client, problems, checked = client_for(world.story.charlie), [], 0
    for route in routes():
        url, acme_bound = build(world, route)
        staff = route.path_hint(STAFF_PREFIXES[0]) or route.path_hint(STAFF_PREFIXES[1])
        methods = ["GET", "POST"] if (acme_bound or staff) and public_reason(route) is None else ["GET"]
        for method in methods:
            response = client.get(url) if method == "GET" else client.post(url, {})
            checked += 1
            status = response.status_code
            if leaks := _leaks(world, response):
                problems.append(f"{method} {url} ({route.name}) shows {leaks} to Charlie")
            if public_reason(route) is not None:
                continue
            if acme_bound and 200 <= status < 300:
                problems.append(f"{method} {url} ({route.name}) answers Charlie {status} on Acme's object")
            if staff and not (_to_sign_in(response) or status in REFUSED):
                problems.append(f"{method} {url} ({route.name}) lets Charlie into a staff page ({status})")
            if method == "POST" and status == 302 and not _to_sign_in(response):
                problems.append(f"POST {url} ({route.name}) accepted Charlie's form ({response['Location']})")
    for call in api_calls(world):
        response = _call(client, call)
        checked += 1
        status = response.status_code
        if leaks := _leaks(world, response):
            problems.append(f"{call.label} shows {leaks} to Charlie")
        if (call.acme_bound or call.method != "GET") and 200 <= status < 300:
            problems.append(f"{call.label} answers Charlie {status} with Acme's objects: {call.body}")
    _report(problems, checked)


def test_bob_is_refused_on_management_routes(world: World) -> None:
    client, problems, checked = client_for(world.story.bob), [], 0
    for route in routes():
        if public_reason(route) is not None or not any(route.path_hint(p) for p in MANAGEMENT_PREFIXES):
            continue
        url, _ = build(world, route)
        for method in ("GET", "POST"):
            response = client.get(url) if method == "GET" else client.post(url, {})
            checked += 1
            if not (_to_sign_in(response) or response.status_code in REFUSED):
                problems.append(f"{method} {url} ({route.name}) answers Bob {response.status_code}")
    for call in api_calls(world):
        if call.method == "GET":
            continue
        response = _call(client, call)
        checked += 1
        if 200 <= response.status_code < 300:
            problems.append(f"{call.label} answers Bob {response.status_code}: {call.body}")
    _report(problems, checked)


def test_an_unknown_url_keyword_fails_with_advice(world: World) -> None:
    from django.http import HttpResponse
    from django.urls import path

    pattern = path("widgets/<int:widget_id>/", lambda request, widget_id: HttpResponse())
    route = Route("widgets/<int:widget_id>/", None, ["widget_id"], pattern)
    with pytest.raises(pytest.fail.Exception, match=r"\['widget_id'\].*add each to KWARGS"):
        build(world, route)
