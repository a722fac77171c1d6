"""API tokens: the service, the `supportal token` command, and /api/v1/tokens."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from supportal.accounts import tokens
from supportal.accounts.models import ApiToken
from supportal.audit.models import AuditRecord
from supportal.core.errors import Forbidden, InvalidInput
from tests.api.conftest import Api, api_as, error_of, integration_user, secret_for
from tests.conftest import Story


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("token", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue().strip()


def test_create_keeps_only_a_hash_and_audits(story: Story) -> None:
    token, secret = tokens.token_create(actor=story.dana, channel="api", user=story.dana, name="laptop")
    assert secret.startswith(f"sp_{token.prefix}_") and len(secret) > 40
    assert token.key_hash == tokens.hash_secret(secret) and secret not in token.key_hash
    assert not ApiToken.objects.filter(key_hash=secret).exists()
    record = AuditRecord.objects.get(action="token.created")
    assert record.actor_id == story.dana.pk and record.new == {
        "user": "dana@provider.example",
        "name": "laptop",
        "prefix": token.prefix,
        "scope": "write",
        "expires_at": None,
    }
    assert secret not in str(record.new)
    assert tokens.token_authenticate(secret) == story.dana


def test_refused_secrets(story: Story) -> None:
    token, secret = tokens.token_create(actor=story.erin, channel="api", user=story.dana, name="x")
    assert tokens.token_authenticate(secret + "x") is None
    assert tokens.token_authenticate("sp_nothing_here") is None
    assert tokens.token_authenticate("") is None
    tokens.token_revoke(actor=story.dana, channel="api", token=token)
    assert tokens.token_authenticate(secret) is None
    assert AuditRecord.objects.filter(action="token.revoked", object_id=str(token.pk)).count() == 1
    tokens.token_revoke(actor=story.dana, channel="api", token=token)  # again: nothing more happens
    assert AuditRecord.objects.filter(action="token.revoked").count() == 1


def test_expired_and_inactive_users_are_refused(story: Story) -> None:
    soon = timezone.now() + timedelta(hours=1)
    token, secret = tokens.token_create(
        actor=story.dana, channel="api", user=story.dana, name="x", expires_at=soon
    )
    assert tokens.token_authenticate(secret) == story.dana
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert tokens.token_authenticate(secret) is None
    secret = secret_for(story.frank)
    story.frank.is_active = False
    story.frank.save()
    assert tokens.token_authenticate(secret) is None


def test_last_used_is_written_at_most_once_a_minute(story: Story) -> None:
    token, secret = tokens.token_create(actor=story.dana, channel="api", user=story.dana, name="x")
    assert token.last_used_at is None
    tokens.token_authenticate(secret)
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None
    tokens.token_authenticate(secret)
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first
    earlier = first - timedelta(minutes=2)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=earlier)
    tokens.token_authenticate(secret)
    later = ApiToken.objects.get(pk=token.pk).last_used_at
    assert later is not None and later > earlier


def test_who_may_hold_and_manage_tokens(story: Story) -> None:
    with pytest.raises(InvalidInput):  # customers use the portal
        tokens.token_create(actor=story.erin, channel="api", user=story.alice, name="x")
    with pytest.raises(Forbidden):  # an agent may not make tokens for another agent
        tokens.token_create(actor=story.dana, channel="api", user=story.frank, name="x")
    monitoring = integration_user(story)
    for manager in (story.alice, story.frank, story.erin):  # user manager, CSM, admin
        tokens.token_create(actor=manager, channel="api", user=monitoring, name=f"by {manager.name}")
    for outsider in (story.bob, story.charlie, story.dana):
        with pytest.raises(Forbidden):
            tokens.token_create(actor=outsider, channel="api", user=monitoring, name="x")
    with pytest.raises(InvalidInput) as problem:
        tokens.token_create(actor=story.dana, channel="api", user=story.dana, name=" ", scope="admin")
    assert set(problem.value.fields) == {"name", "scope"}


def test_command_prints_a_working_token_once(story: Story) -> None:
    out, err = run("create", "--user", "DANA@provider.example", "--name", "Alertmanager")
    assert out.startswith("sp_") and "\n" not in out
    assert "not shown again" in err
    response = Api(out).get(f"users/{story.dana.pk}")
    assert response.status_code == 200 and response.json()["email"] == "dana@provider.example"
    record = AuditRecord.objects.get(action="token.created")
    assert record.channel == "cli" and record.actor_id is None and "operator" in record.actor_label

    listed, _ = run("list", "--user", "dana@provider.example")
    prefix = ApiToken.objects.get().prefix
    assert prefix in listed and "write" in listed and "active" in listed and out not in listed

    revoked, _ = run("revoke", "--prefix", prefix)
    assert "Revoked" in revoked
    assert Api(out).get(f"users/{story.dana.pk}").status_code == 401
    assert "revoked" in run("list", "--user", "dana@provider.example")[0]


def test_command_read_scope_and_errors(story: Story) -> None:
    out, _ = run("create", "--user", "erin@provider.example", "--name", "reports", "--scope", "read")
    assert ApiToken.objects.get().scope == "read"
    assert Api(out).get("organizations").status_code == 200
    with pytest.raises(CommandError, match=r"No user with the email address 'nobody@example\.com'"):
        run("create", "--user", "nobody@example.com", "--name", "x")
    with pytest.raises(CommandError, match="agents and integration users"):
        run("create", "--user", "alice@acme.example", "--name", "x")
    with pytest.raises(CommandError, match="No token with the prefix"):
        run("revoke", "--prefix", "deadbeef")
    with pytest.raises(CommandError, match="No user"):
        run("list", "--user", "nobody@example.com")


# --- /api/v1/tokens


def test_api_create_list_revoke(story: Story, dana_api: Api) -> None:
    created = dana_api.post("tokens", {"name": "script", "scope": "read"})
    assert created.status_code == 201
    body = created.json()
    assert body["token"].startswith(f"sp_{body['prefix']}_") and body["scope"] == "read"
    assert body["user"] == story.dana.pk and body["revoked_at"] is None

    listed = dana_api.get("tokens").json()
    assert [t["name"] for t in listed["items"]] == ["script", "tests"] and listed["next_cursor"] is None
    assert all("token" not in t for t in listed["items"])

    assert Api(body["token"]).get("tokens").status_code == 200
    assert dana_api.delete(f"tokens/{body['id']}").status_code == 204
    assert Api(body["token"]).get("tokens").status_code == 401
    assert dana_api.get("tokens").json()["items"][0]["revoked_at"] is not None


def test_api_tokens_of_others(story: Story, dana_api: Api, erin_api: Api) -> None:
    frank_secret = secret_for(story.frank)
    frank_token = ApiToken.objects.get(user=story.frank)
    # agents may look at someone's tokens, but only the owner and admins revoke them
    assert [t["id"] for t in dana_api.get("tokens", user=story.frank.pk).json()["items"]] == [frank_token.pk]
    assert error_of(dana_api.delete(f"tokens/{frank_token.pk}"))["error"] == "forbidden"
    assert erin_api.delete(f"tokens/{frank_token.pk}").status_code == 204
    assert Api(frank_secret).get("tokens").status_code == 401
    # customers: an integration user of their organisation, when they manage its users
    monitoring = integration_user(story)
    alice = api_as(story.alice)
    created = alice.post("tokens", {"name": "alerts", "user": monitoring.pk})
    assert created.status_code == 201
    assert Api(created.json()["token"]).get(f"users/{monitoring.pk}").json()["kind"] == "integration"
    assert alice.get("tokens", user=monitoring.pk).json()["items"][0]["name"] == "alerts"
    bob = api_as(story.bob)
    assert error_of(bob.get("tokens", user=monitoring.pk))["error"] == "not_found"
    assert error_of(bob.post("tokens", {"name": "mine"}))["error"] == "invalid"
    charlie = api_as(story.charlie)
    assert charlie.get("tokens", user=monitoring.pk).status_code == 404
    assert charlie.delete(f"tokens/{frank_token.pk}").status_code == 404
    assert dana_api.delete("tokens/999999").status_code == 404


def test_api_token_validation(story: Story, dana_api: Api) -> None:
    response = dana_api.post("tokens", {"name": "", "scope": "root"})
    assert response.status_code == 422
    assert set(error_of(response)["fields"]) == {"name", "scope"}
    past = (timezone.now() - timedelta(days=1)).isoformat()
    response = dana_api.post("tokens", {"name": "old", "expires_at": past})
    assert response.status_code == 422 and "expires_at" in error_of(response)["fields"]
