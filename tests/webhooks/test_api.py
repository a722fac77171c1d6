"""/api/v1/webhooks per role: who lists, creates, changes and tests which webhooks, the secret answered
once, the delivery log, and organisation-bound tokens that never reach another organisation's."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from tests.api.conftest import Api, api_as, error_of, integration_user, secret_for
from tests.conftest import Story, groups
from tests.webhooks.conftest import Receiver, make_webhook

from supportal.audit.models import AuditRecord
from supportal.cases import services as case_services
from supportal.cases.models import Visibility
from supportal.orgs import services as org_services
from supportal.webhooks.models import Delivery, Webhook

HOOK = {"url": "https://hooks.acme.example/in", "event_types": ["case.created", "case.commented"]}


@pytest.fixture(autouse=True)
def _fresh_throttles(db: None) -> None:
    cache.clear()


def admin_api(user: Any) -> Api:
    return Api(secret_for(user, scope="admin"))


def test_a_user_manager_creates_lists_reads_changes_and_deletes_their_organisations_webhook(
    story: Story,
) -> None:
    alice = api_as(story.alice)
    created = alice.post("webhooks", {**HOOK, "description": "Our ITSM"})
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["organization"] == story.acme.pk and body["active"] is True
    assert body["secret"].startswith("whsec_") and body["event_types"] == HOOK["event_types"]
    webhook_id = body["id"]
    listed = alice.get("webhooks").json()
    assert [w["id"] for w in listed["items"]] == [webhook_id] and "secret" not in listed["items"][0]
    read = alice.get(f"webhooks/{webhook_id}").json()
    assert read["description"] == "Our ITSM" and "secret" not in read
    changed = alice.patch(f"webhooks/{webhook_id}", {"event_types": ["case.state_changed"], "active": False})
    assert changed.status_code == 200
    assert changed.json()["event_types"] == ["case.state_changed"] and changed.json()["active"] is False
    assert changed.json()["disabled_reason"] == "Disabled by Alice Acme."
    enabled = alice.post(f"webhooks/{webhook_id}/enable").json()
    assert enabled["active"] is True and enabled["disabled_at"] is None
    rotated = alice.post(f"webhooks/{webhook_id}/rotate-secret").json()
    assert rotated["secret"].startswith("whsec_") and rotated["secret"] != body["secret"]
    assert alice.delete(f"webhooks/{webhook_id}").status_code == 204
    assert alice.get(f"webhooks/{webhook_id}").status_code == 404
    actions = list(AuditRecord.objects.filter(action__startswith="webhook.").values_list("action", flat=True))
    assert actions == [
        "webhook.created", "webhook.updated", "webhook.disabled", "webhook.enabled", "webhook.secret_rotated",
        "webhook.deleted",
    ]  # fmt: skip
    assert not any(body["secret"] in str(r.new) for r in AuditRecord.objects.all())


def test_errors_name_the_fields(story: Story) -> None:
    alice = api_as(story.alice)
    bad = alice.post("webhooks", {"url": "ftp://x.example/", "event_types": ["case.eaten"]})
    assert bad.status_code == 422
    fields = error_of(bad)["fields"]
    assert "http:// or https://" in fields["url"][0] and "case.eaten" in fields["event_types"][0]
    private = alice.post("webhooks", {**HOOK, "url": "http://169.254.169.254/latest/"})
    assert private.status_code == 422 and "private or local" in error_of(private)["fields"]["url"][0]
    none = alice.post("webhooks", {**HOOK, "event_types": []})
    assert none.status_code == 422 and "event_types" in error_of(none)["fields"]
    hook = make_webhook(story.alice, HOOK["url"], organisation=story.acme)
    null = alice.patch(f"webhooks/{hook.pk}", {"url": None})
    assert null.status_code == 422 and "url" in error_of(null)["fields"]


@pytest.mark.parametrize("who", ["bob", "charlie", "dana"])
def test_people_who_do_not_manage_acme_cannot_reach_its_webhooks(story: Story, who: str) -> None:
    hook = make_webhook(story.alice, HOOK["url"], organisation=story.acme)
    api = api_as(getattr(story, who))
    assert api.get("webhooks").json()["items"] == []
    for method, path in [
        ("GET", f"webhooks/{hook.pk}"),
        ("PATCH", f"webhooks/{hook.pk}"),
        ("DELETE", f"webhooks/{hook.pk}"),
        ("POST", f"webhooks/{hook.pk}/ping"),
        ("POST", f"webhooks/{hook.pk}/rotate-secret"),
        ("POST", f"webhooks/{hook.pk}/enable"),
        ("GET", f"webhooks/{hook.pk}/deliveries"),
    ]:
        response = api.request(method, path, {"description": "mine now"} if method == "PATCH" else None)
        assert response.status_code == 404, (method, path, response.status_code)
        assert hook.secret not in response.content.decode()
    refused = api.post("webhooks", {**HOOK, "organization": story.acme.pk})
    assert refused.status_code in {403, 422}
    hook.refresh_from_db()
    assert hook.description == "" and Webhook.objects.count() == 1


def test_admins_and_the_csm(story: Story) -> None:
    acme_hook = make_webhook(story.alice, HOOK["url"], organisation=story.acme)
    globex_hook = make_webhook(story.charlie, "https://hooks.globex.example/", organisation=story.globex)
    erin = admin_api(story.erin)
    provider = erin.post("webhooks", {**HOOK, "url": "http://10.0.0.5/internal-bus"})
    assert provider.status_code == 201 and provider.json()["organization"] is None
    assert {w["id"] for w in erin.get("webhooks").json()["items"]} == {
        acme_hook.pk, globex_hook.pk, provider.json()["id"],
    }  # fmt: skip
    # Frank looks after Acme: Acme's only; no provider-wide ones.
    frank = admin_api(story.frank)
    assert [w["id"] for w in frank.get("webhooks").json()["items"]] == [acme_hook.pk]
    assert frank.post("webhooks", HOOK).status_code == 403
    made = frank.post("webhooks", {**HOOK, "organization": story.acme.pk})
    assert made.status_code == 201 and made.json()["organization"] == story.acme.pk
    assert frank.post("webhooks", {**HOOK, "organization": story.globex.pk}).status_code == 403
    assert frank.get(f"webhooks/{globex_hook.pk}").status_code == 404


def test_writes_through_a_token_need_an_admin_scope_token(story: Story) -> None:
    hook = make_webhook(story.erin, HOOK["url"], organisation=None)
    write = Api(secret_for(story.erin, scope="write"))
    assert write.get(f"webhooks/{hook.pk}").status_code == 200
    refused = write.post("webhooks", HOOK)
    assert refused.status_code == 403 and "admin-scope" in error_of(refused)["detail"]
    assert write.post(f"webhooks/{hook.pk}/rotate-secret").status_code == 403
    assert write.delete(f"webhooks/{hook.pk}").status_code == 403
    assert Webhook.objects.count() == 1


def test_an_organisation_bound_token_sees_only_its_organisation(story: Story) -> None:
    acme_hook = make_webhook(story.alice, HOOK["url"], organisation=story.acme)
    globex_hook = make_webhook(story.charlie, "https://hooks.globex.example/", organisation=story.globex)
    monitoring = integration_user(story)
    plain = Api(secret_for(monitoring, scope="admin"))
    assert plain.get("webhooks").json()["items"] == []  # an integration that manages nothing
    assert plain.post("webhooks", HOOK).status_code == 403
    # Given the right to manage Acme's users, it manages Acme's webhooks, and only those.
    org_services.membership_groups_set(
        actor=story.erin, channel="cli", user=monitoring, groups=groups("user-manager")
    )
    token = Api(secret_for(monitoring, scope="admin", name="managing"))
    assert [w["id"] for w in token.get("webhooks").json()["items"]] == [acme_hook.pk]
    assert token.get(f"webhooks/{globex_hook.pk}").status_code == 404
    assert token.get(f"webhooks/{globex_hook.pk}/deliveries").status_code == 404
    assert token.patch(f"webhooks/{globex_hook.pk}", {"description": "x"}).status_code == 404
    assert token.post("webhooks", {**HOOK, "organization": story.globex.pk}).status_code == 422
    own = token.post("webhooks", HOOK)
    assert own.status_code == 201 and own.json()["organization"] == story.acme.pk
    globex_hook.refresh_from_db()
    assert globex_hook.description == ""


def test_the_delivery_log_newest_first_with_codes_and_redelivery(
    story: Story, receiver: Receiver, run: Callable[..., Any]
) -> None:
    alice = api_as(story.alice)
    hook_id = alice.post("webhooks", {**HOOK, "url": receiver.url}).json()["id"]
    receiver.answer(500)
    for subject in ("One", "Two", "Three"):
        run(
            case_services.case_create, actor=story.alice, organisation=story.acme, subject=subject,
            channel="portal", visibility=Visibility.ORGANIZATION,
        )  # fmt: skip
    page = alice.get(f"webhooks/{hook_id}/deliveries", limit=2).json()
    assert [d["event"] for d in page["items"]] == ["case.created", "case.created"]
    rest = alice.get(f"webhooks/{hook_id}/deliveries", limit=2, cursor=page["next_cursor"]).json()
    items = page["items"] + rest["items"]
    assert rest["next_cursor"] is None and len(items) == 3
    assert [d["response_code"] for d in items] == [200, 200, 500]  # newest first; the first failed
    assert items[2]["status"] == "failed" and items[2]["next_attempt_at"] is not None
    detail = alice.get(f"webhooks/deliveries/{items[0]['id']}").json()
    assert detail["payload"]["case"]["subject"] == "Three"
    again = run(alice.post, f"webhooks/deliveries/{items[0]['id']}/redeliver")
    assert again.status_code == 202 and again.json()["id"] != items[0]["id"]
    assert receiver.requests[-1].json["data"]["case"]["subject"] == "Three"
    assert Delivery.objects.get(uuid=again.json()["id"]).status == "succeeded"
    ping = run(alice.post, f"webhooks/{hook_id}/ping")
    assert ping.status_code == 202 and ping.json()["event"] == "ping"
    assert receiver.events()[-1] == "ping"
    # Charlie cannot read or redeliver it.
    charlie = api_as(story.charlie)
    assert charlie.get(f"webhooks/deliveries/{items[0]['id']}").status_code == 404
    assert charlie.post(f"webhooks/deliveries/{items[0]['id']}/redeliver").status_code == 404
    assert charlie.get("webhooks/deliveries/not-a-uuid").status_code == 404
