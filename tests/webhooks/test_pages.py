"""The portal's webhook pages (/organisation/webhooks/) per role, and the admin's."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from tests.conftest import Story
from tests.webhooks.conftest import Receiver, make_webhook

from supportal.accounts.models import User
from supportal.cases import services as case_services
from supportal.cases.models import Visibility
from supportal.webhooks.models import Delivery, Webhook

LIST = "/organisation/webhooks/"
SECRET = re.compile(r'id="new-webhook-secret" value="(whsec_[^"]+)"')


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def detail(hook: Webhook, action: str = "") -> str:
    return f"/organisation/webhooks/{hook.pk}/" + (f"{action}/" if action else "")


def test_a_user_manager_adds_a_webhook_and_sees_its_secret_once(story: Story) -> None:
    alice = client_for(story.alice)
    page = alice.get(LIST)
    assert page.status_code == 200 and b"No webhooks yet." in page.content
    bad = alice.post(LIST, {"url": "http://127.0.0.1/x", "event_types": ["case.created"]})
    assert bad.status_code == 422 and b"private or local address" in bad.content
    none = alice.post(LIST, {"url": "https://hooks.acme.example/in"})
    assert none.status_code == 422 and b"Choose at least one event." in none.content
    made = alice.post(
        LIST,
        {"url": "https://hooks.acme.example/in", "event_types": ["case.created", "case.commented"],
         "description": "Our ITSM"},
    )  # fmt: skip
    assert made.status_code == 200
    [secret] = SECRET.findall(made.content.decode())
    hook = Webhook.objects.get()
    assert hook.secret == secret and hook.organisation == story.acme and hook.created_by == story.alice
    assert hook.event_types == ["case.created", "case.commented"]
    again = alice.get(LIST)
    assert secret.encode() not in again.content and b"https://hooks.acme.example/in" in again.content
    assert made["Cache-Control"].startswith("max-age=0") or "no-cache" in made["Cache-Control"]


def test_the_detail_page_shows_the_log_and_its_buttons_work(
    story: Story, receiver: Receiver, run: Callable[..., Any]
) -> None:
    hook = make_webhook(story.alice, receiver.url, organisation=story.acme)
    receiver.answer(503)
    run(
        case_services.case_create, actor=story.alice, organisation=story.acme, subject="Down",
        channel="portal", visibility=Visibility.ORGANIZATION,
    )  # fmt: skip
    alice = client_for(story.alice)
    page = alice.get(detail(hook))
    assert page.status_code == 200
    text = page.content.decode()
    assert "case.created" in text and "<code>503</code>" in text and "Failed, will retry" in text
    # Send a test: the answer shows in the log.
    pinged = run(alice.post, detail(hook, "ping"))
    assert pinged.status_code == 302 and receiver.events()[-1] == "ping"
    assert "<code>200</code>" in alice.get(detail(hook)).content.decode()
    # Disable, enable.
    assert alice.post(detail(hook, "disable")).status_code == 302
    hook.refresh_from_db()
    assert not hook.is_active
    disabled_page = alice.get(detail(hook)).content.decode()
    assert "Disabled by Alice Acme." in disabled_page and 'data-testid="webhook-enable"' in disabled_page
    alice.post(detail(hook, "enable"))
    hook.refresh_from_db()
    assert hook.is_active
    # Settings.
    saved = alice.post(
        detail(hook), {"url": receiver.url, "event_types": ["case.commented"], "description": "x"}
    )
    assert saved.status_code == 302
    hook.refresh_from_db()
    assert hook.event_types == ["case.commented"] and hook.description == "x"
    refused = alice.post(detail(hook), {"url": "gopher://x", "event_types": ["case.commented"]})
    assert refused.status_code == 422 and b"http:// or https://" in refused.content
    # A new secret, shown in that one response.
    old = hook.secret
    rotated = alice.post(detail(hook, "rotate-secret"))
    [secret] = SECRET.findall(rotated.content.decode())
    hook.refresh_from_db()
    assert secret == hook.secret != old
    assert secret.encode() not in alice.get(detail(hook)).content
    # Send a past delivery again.
    first = Delivery.objects.filter(webhook=hook, event="case.created").get()
    Delivery.objects.filter(pk=first.pk).update(status="given_up", next_attempt_at=None)
    redelivered = run(alice.post, detail(hook, f"deliveries/{first.uuid}/redeliver"))
    assert redelivered.status_code == 302
    assert Delivery.objects.filter(webhook=hook, event="case.created").count() == 2
    # Delete.
    gone = alice.post(detail(hook, "delete"))
    assert gone.status_code == 302 and gone["Location"] == LIST
    assert not Webhook.objects.exists()


def test_people_without_the_right_are_refused(story: Story) -> None:
    hook = make_webhook(story.alice, "https://hooks.acme.example/acme-secret-path", organisation=story.acme)
    anonymous = Client()
    assert anonymous.get(LIST).status_code == 302
    assert anonymous.get(detail(hook)).status_code == 302
    bob = client_for(story.bob)
    assert bob.get(LIST).status_code == 403
    for who in (story.bob, story.charlie, story.dana):
        client = client_for(who)
        for action in ("", "ping", "disable", "enable", "rotate-secret", "delete"):
            response = client.post(detail(hook, action), {"url": "https://evil.example/"})
            assert response.status_code == 404, (who, action)
            assert b"acme-secret-path" not in response.content
        assert client.get(detail(hook)).status_code == 404
    charlie_list = client_for(story.charlie).get(LIST)
    assert charlie_list.status_code == 200 and b"acme-secret-path" not in charlie_list.content
    assert client_for(story.charlie).get(f"{LIST}?organisation={story.acme.pk}").status_code == 404
    hook.refresh_from_db()
    assert hook.is_active and hook.url.endswith("acme-secret-path")


def test_the_csm_manages_acmes_webhooks_from_the_organisation_page(story: Story) -> None:
    hook = make_webhook(story.alice, "https://hooks.acme.example/in", organisation=story.acme)
    frank = client_for(story.frank)
    assert frank.get(LIST).status_code == 404  # agents choose the organisation
    page = frank.get(f"{LIST}?organisation={story.acme.pk}")
    assert page.status_code == 200 and b"https://hooks.acme.example/in" in page.content
    assert frank.get(f"{LIST}?organisation={story.globex.pk}").status_code == 403
    assert frank.get(detail(hook)).status_code == 200
    gone = frank.post(detail(hook, "delete"))
    assert gone["Location"] == f"{LIST}?organisation={story.acme.pk}"


def test_the_list_page_costs_the_same_for_one_webhook_or_many(story: Story) -> None:
    alice = client_for(story.alice)
    make_webhook(story.alice, "https://hooks.acme.example/0", organisation=story.acme)
    alice.get(LIST)  # warm the session and caches
    with CaptureQueriesContext(connection) as one:
        assert alice.get(LIST).status_code == 200
    for n in range(1, 6):
        make_webhook(story.alice, f"https://hooks.acme.example/{n}", organisation=story.acme)
    with CaptureQueriesContext(connection) as six:
        page = alice.get(LIST)
    assert len(re.findall(rb'data-testid="webhook-\d+"', page.content)) == 6
    assert len(six.captured_queries) == len(one.captured_queries)


def test_the_account_menu_and_users_page_link_to_the_webhooks(story: Story) -> None:
    alice = client_for(story.alice)
    assert b'href="/organisation/webhooks/"' in alice.get(reverse("web:account")).content
    assert b'data-testid="people-link-webhooks"' in alice.get(reverse("web:people")).content
    assert b"/organisation/webhooks/" not in client_for(story.bob).get(reverse("web:account")).content


def test_admins_manage_every_webhook_in_the_admin(story: Story) -> None:
    erin = client_for(story.erin)
    added = erin.post(
        reverse("admin:webhooks_webhook_add"),
        {"organisation": "", "url": "http://10.0.0.9/bus", "event_types": ["case.created", "sla.breached"],
         "description": "Provider bus"},
    )  # fmt: skip
    assert added.status_code == 302, added.content.decode()[:2000]
    hook = Webhook.objects.get()
    assert hook.organisation is None and hook.created_by == story.erin
    shown = erin.get(added["Location"]).content.decode()
    assert hook.secret in shown  # in the confirmation message, once
    refused = erin.post(
        reverse("admin:webhooks_webhook_add"),
        {"organisation": story.acme.pk, "url": "http://10.0.0.9/bus", "event_types": ["case.created"]},
    )
    assert refused.status_code == 200 and b"private or local address" in refused.content
    change = erin.get(reverse("admin:webhooks_webhook_change", args=[hook.pk]))
    assert change.status_code == 200 and hook.secret.encode() not in change.content
    rotate = erin.post(
        reverse("admin:webhooks_webhook_changelist"),
        {"action": "rotate_secret", "_selected_action": [hook.pk]},
        follow=True,
    )
    hook.refresh_from_db()
    assert hook.secret in rotate.content.decode()
    # (Queued only: its job runs after a commit this test never makes, so nothing calls 10.0.0.9.)
    erin.post(
        reverse("admin:webhooks_webhook_changelist"), {"action": "send_test", "_selected_action": [hook.pk]}
    )
    delivery = Delivery.objects.get()
    assert erin.get(reverse("admin:webhooks_delivery_change", args=[delivery.pk])).status_code == 200
    assert erin.get(reverse("admin:webhooks_delivery_add")).status_code == 403
    assert client_for(story.frank).get(reverse("admin:webhooks_webhook_changelist")).status_code == 302
