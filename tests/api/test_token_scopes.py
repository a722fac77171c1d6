"""Token scopes and per-token rates: read, write and admin, who may grant admin scope, and each token's own
budget of requests (429 with Retry-After once it is spent)."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from supportal.accounts import tokens
from supportal.accounts.models import ApiToken, User
from supportal.audit.models import AuditRecord
from supportal.core.errors import InvalidInput
from tests.api.conftest import Api, api_as, error_of, integration_user, secret_for
from tests.conftest import Story

SCOPE_NEEDED = "This needs an admin-scope token (people, organisations, others' tokens, webhooks)."


def admin_operations(story: Story, integration: User) -> list[tuple[str, str, dict[str, Any] | None]]:
    """Every administering operation of users.py, organizations.py and tokens.py, with a body that works."""
    others_token = ApiToken.objects.filter(user=integration).get()
    return [
        ("POST", "users", {"email": "new@acme.example", "organization": story.acme.pk}),
        ("PATCH", f"users/{story.bob.pk}", {"groups": ["case-reporter", "organisation-cases"]}),
        ("POST", "organizations", {"name": "Initech", "plan": "free"}),
        ("POST", f"organizations/{story.acme.pk}/account-status", {"status": "amber", "reason": "Outage"}),
        ("POST", "tokens", {"name": "for the integration", "user": integration.pk}),
        ("DELETE", f"tokens/{others_token.pk}", None),
    ]


@pytest.fixture
def integration(story: Story) -> User:
    monitoring = integration_user(story)
    tokens.token_create(actor=story.erin, channel="cli", user=monitoring, name="alerts")
    return monitoring


def call(api: Api, method: str, path: str, body: dict[str, Any] | None) -> Any:
    return api.request(method, path, body)


@pytest.mark.parametrize("scope", ["read", "write"])
def test_administration_needs_an_admin_scope_token(story: Story, integration: User, scope: str) -> None:
    api = Api(secret_for(story.erin, scope=scope))
    for method, path, body in admin_operations(story, integration):
        response = call(api, method, path, body)
        assert response.status_code == 403, (method, path, response.content)
        if scope == "write":
            assert error_of(response)["detail"] == SCOPE_NEEDED, (method, path)
    assert not User.objects.filter(email="new@acme.example").exists()
    assert ApiToken.objects.filter(user=integration, revoked_at=None).count() == 1


def test_an_admin_scope_token_administers_as_far_as_its_holders_rights_go(
    story: Story, integration: User
) -> None:
    erin = Api(secret_for(story.erin, scope="admin"))
    for method, path, body in admin_operations(story, integration):
        response = call(erin, method, path, body)
        assert 200 <= response.status_code < 300, (method, path, response.content)
    # Scope is a cap, not a right: Acme's integration with an admin token is no admin.
    acme_bot = Api(secret_for(integration, scope="admin", name="admin"))
    response = acme_bot.post("organizations", {"name": "Initech 2", "plan": "free"})
    assert response.status_code == 403 and "Only admins" in error_of(response)["detail"]
    assert (
        acme_bot.post("users", {"email": "x@acme.example", "organization": story.acme.pk}).status_code == 403
    )


def test_sessions_administer_with_their_persons_rights(story: Story, integration: User) -> None:
    """The portal's session is no token: an admin signed in needs no scope."""
    erin = api_as(story.erin)
    for method, path, body in admin_operations(story, integration):
        assert 200 <= call(erin, method, path, body).status_code < 300, (method, path)


def test_case_work_and_reading_need_no_admin_scope(story: Story) -> None:
    writer = Api(secret_for(story.dana, scope="write"))
    created = writer.post("cases", {"organization": story.acme.pk, "subject": "Printer on fire"})
    assert created.status_code == 201, created.content
    number = created.json()["number"]
    assert writer.post(f"cases/{number}/comments", {"body": "On it."}).status_code == 201
    assert writer.post(f"cases/{number}/actions/take", {}).status_code == 200
    assert writer.get("users").status_code == 200 and writer.get("organizations").status_code == 200


def test_own_tokens_with_a_write_token_but_never_a_higher_scope(story: Story) -> None:
    erin_write = Api(secret_for(story.erin, scope="write"))
    made = erin_write.post("tokens", {"name": "mine", "scope": "write"})
    assert made.status_code == 201
    assert erin_write.delete(f"tokens/{made.json()['id']}").status_code == 204  # one's own: no admin scope
    refused = erin_write.post("tokens", {"name": "escalate", "scope": "admin"})
    assert refused.status_code == 403 and set(error_of(refused)["fields"]) == {"scope"}
    erin_admin = Api(secret_for(story.erin, scope="admin"))
    assert erin_admin.post("tokens", {"name": "admin too", "scope": "admin"}).status_code == 201
    assert not ApiToken.objects.filter(name="escalate").exists()


def test_who_may_grant_admin_scope(story: Story) -> None:
    monitoring = integration_user(story)
    # admins' own tokens; integrations', by whoever manages their organisation's users; the operator
    for actor, holder in ((story.erin, story.erin), (story.alice, monitoring), (story.frank, monitoring)):
        token, _ = tokens.token_create(actor=actor, channel="api", user=holder, name="a", scope="admin")
        assert token.scope == "admin"
    tokens.token_create(actor=tokens.OPERATOR, channel="cli", user=story.dana, name="a", scope="admin")
    # not an agent who is no admin, not even by an admin's hand
    for actor, holder in ((story.dana, story.dana), (story.erin, story.frank)):
        with pytest.raises(InvalidInput) as refused:
            tokens.token_create(actor=actor, channel="api", user=holder, name="a", scope="admin")
        assert set(refused.value.fields) == {"scope"}


def test_the_api_tells_a_token_its_scope_and_rate(story: Story, dana_api: Api) -> None:
    made = dana_api.post("tokens", {"name": "slow", "scope": "read", "rate_limit": "30/m"})
    assert made.status_code == 201, made.content
    assert (made.json()["scope"], made.json()["rate_limit"]) == ("read", "30/min")
    listed = {t["name"]: t["rate_limit"] for t in dana_api.get("tokens").json()["items"]}
    assert listed == {"slow": "30/min", "tests": None}
    record = AuditRecord.objects.filter(action="token.created").latest("id")
    assert record.new["rate_limit"] == "30/min"


# --- Per-token rates


@pytest.mark.parametrize(
    ("rate", "stored"),
    [("600/m", "600/min"), ("5/s", "5/s"), ("100/hour", "100/hour"), ("10000/day", "10000/day")],
)
def test_rates_are_stored_in_one_form(story: Story, rate: str, stored: str) -> None:
    token, _ = tokens.token_create(
        actor=story.dana, channel="api", user=story.dana, name="r", rate_limit=rate
    )
    assert token.rate_limit == stored


@pytest.mark.parametrize("rate", ["600", "0/m", "10001/m", "5/week", "-1/s", "1/5min", "lots"])
def test_a_rate_that_is_not_one_is_refused(story: Story, dana_api: Api, rate: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        tokens.token_create(actor=story.dana, channel="api", user=story.dana, name="r", rate_limit=rate)
    assert set(refused.value.fields) == {"rate_limit"}
    response = dana_api.post("tokens", {"name": "r", "rate_limit": rate})
    assert response.status_code == 422 and set(error_of(response)["fields"]) == {"rate_limit"}


def test_only_admins_let_a_token_run_faster_than_the_default(story: Story, settings: Any) -> None:
    settings.API_RATE_LIMIT = "600/m"
    monitoring = integration_user(story)
    for actor, holder in ((story.dana, story.dana), (story.alice, monitoring)):
        with pytest.raises(InvalidInput) as refused:
            tokens.token_create(actor=actor, channel="api", user=holder, name="r", rate_limit="11/s")
        assert refused.value.fields == {"rate_limit": ["At most the server's default, 600/m; ask an admin."]}
        slower, _ = tokens.token_create(actor=actor, channel="api", user=holder, name="r", rate_limit="10/s")
        assert slower.rate_limit == "10/s"
    faster, _ = tokens.token_create(
        actor=story.erin, channel="api", user=monitoring, name="r", rate_limit="50/s"
    )
    assert faster.rate_limit == "50/s"


def test_a_tokens_own_rate_replaces_the_default(story: Story, settings: Any) -> None:
    settings.API_RATE_LIMIT = "5/m"
    slow = Api(
        tokens.token_create(actor=story.erin, channel="cli", user=story.dana, name="s", rate_limit="2/min")[1]
    )
    fast = Api(
        tokens.token_create(actor=story.erin, channel="cli", user=story.dana, name="f", rate_limit="8/min")[1]
    )
    plain = Api(secret_for(story.dana))  # the default
    assert [slow.get("users").status_code for _ in range(3)] == [200, 200, 429]
    throttled = slow.get("users")
    assert throttled.status_code == 429 and error_of(throttled)["error"] == "throttled"
    assert 1 <= int(throttled["Retry-After"]) <= 60
    assert [fast.get("users").status_code for _ in range(9)] == [200] * 8 + [429]
    assert [plain.get("users").status_code for _ in range(6)] == [200] * 5 + [429]  # each its own budget


# --- The command line


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("token", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue().strip()


def test_command_makes_admin_tokens_and_sets_rates(story: Story) -> None:
    out, err = run(
        "create", "--user", "erin@provider.example", "--name", "ops", "--scope", "admin", "--rate", "120/m"
    )
    token = ApiToken.objects.get(name="ops")
    assert (token.scope, token.rate_limit) == ("admin", "120/min")
    assert "admin token" in err and "at most 120/min" in err
    assert Api(out).post("organizations", {"name": "Initech", "plan": "free"}).status_code == 201
    listed, _ = run("list", "--user", "erin@provider.example")
    assert f"{token.prefix}\tadmin\t120/min\tactive" in listed
    plain, _ = run("create", "--user", "dana@provider.example", "--name", "plain")
    assert ApiToken.objects.get(name="plain").scope == "write"  # INTERFACES.md's form keeps working
    assert Api(plain).post("organizations", {"name": "Initech 2", "plan": "free"}).status_code == 403
    with pytest.raises(CommandError, match="rate_limit: 1 to 10000 requests"):
        run("create", "--user", "dana@provider.example", "--name", "x", "--rate", "fast")
    with pytest.raises(CommandError):
        run("create", "--user", "dana@provider.example", "--name", "x", "--scope", "root")
