"""The account status page: a customer with the right raises the status, the CSM hears of it."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from supportal.audit.models import AuditRecord
from supportal.notifications.models import Notification
from supportal.orgs.models import AccountStatus, AccountStatusChange, Organisation
from tests.conftest import Story

URL = "/organisation/status/"


def client_for(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_url_is_named() -> None:
    assert reverse("web:account_status") == URL


def test_alice_raises_acme_to_amber(story: Story, django_capture_on_commit_callbacks: Any) -> None:
    alice = client_for(story.alice)
    page = alice.get(URL)
    assert page.status_code == 200
    assert b'data-testid="account-status-form"' in page.content
    assert b"The account status has not changed yet." in page.content

    reason = "Our payroll run fails every night and nobody has called back."
    with django_capture_on_commit_callbacks(execute=True):
        response = alice.post(URL, {"status": "amber", "reason": reason}, follow=True)

    assert response.redirect_chain == [(URL, 302)]
    assert Organisation.objects.get(pk=story.acme.pk).account_status == AccountStatus.AMBER
    body = response.content.decode()
    assert "The account status is now Amber." in body
    assert "Green → Amber" in body
    assert reason in body
    assert "Alice Acme" in body

    [email] = mail.outbox  # the CSM and provider management (the admins)
    assert email.to == ["erin@provider.example", "frank@provider.example"]
    told = Notification.objects.filter(verb="account_status").values_list("user__email", flat=True)
    assert sorted(told) == ["erin@provider.example", "frank@provider.example"]
    assert email.subject == "Account status of Acme Corp: Green → Amber"
    assert "changed the account status of Acme Corp from Green to Amber" in email.body
    assert reason in email.body

    record = AuditRecord.objects.get(action="organisation.account_status_changed")
    assert record.actor_id == story.alice.pk
    assert record.channel == "web"
    assert record.organisation_id == story.acme.pk
    assert record.old == {"account_status": "green"}
    assert record.new == {"account_status": "amber", "reason": reason}


def test_history_lists_newest_first(story: Story) -> None:
    alice = client_for(story.alice)
    alice.post(URL, {"status": "amber", "reason": "first"})
    alice.post(URL, {"status": "red", "reason": "second"})
    body = alice.get(URL).content.decode()
    assert body.index("Amber → Red") < body.index("Green → Amber")


def test_bob_sees_the_status_but_may_not_change_it(
    story: Story, django_capture_on_commit_callbacks: Any
) -> None:
    bob = client_for(story.bob)
    page = bob.get(URL)
    assert page.status_code == 200
    assert b'data-testid="account-status-form"' not in page.content
    assert b'data-testid="account-status-no-rights"' in page.content

    with django_capture_on_commit_callbacks(execute=True):
        response = bob.post(URL, {"status": "red", "reason": "I am cross"})

    assert response.status_code == 403
    assert Organisation.objects.get(pk=story.acme.pk).account_status == AccountStatus.GREEN
    assert not AccountStatusChange.objects.exists()
    assert mail.outbox == []


def test_charlie_sees_only_globex(story: Story) -> None:
    client_for(story.alice).post(URL, {"status": "red", "reason": "Acme's secret trouble"})
    mail.outbox.clear()

    charlie = client_for(story.charlie)
    page = charlie.get(URL)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Account status of Globex" in body
    assert "Acme" not in body
    assert "secret trouble" not in body

    # Charlie's form changes Globex, never Acme.
    charlie.post(URL, {"status": "amber", "reason": "ours"})
    assert Organisation.objects.get(pk=story.acme.pk).account_status == AccountStatus.RED
    assert Organisation.objects.get(pk=story.globex.pk).account_status == AccountStatus.AMBER


@pytest.mark.parametrize("user", ["frank", "dana"])
def test_agents_have_no_organisation_page(story: Story, user: str) -> None:
    assert client_for(getattr(story, user)).get(URL).status_code == 404


def test_anonymous_is_sent_to_sign_in(story: Story) -> None:
    response = Client().get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_empty_reason_is_refused_clearly(story: Story, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(story.alice).post(URL, {"status": "red", "reason": "   "})

    assert response.status_code == 422
    assert "Say why the account status changes." in response.content.decode()
    assert Organisation.objects.get(pk=story.acme.pk).account_status == AccountStatus.GREEN
    assert not AccountStatusChange.objects.exists()
    assert not AuditRecord.objects.filter(action="organisation.account_status_changed").exists()
    assert mail.outbox == []


def test_unknown_status_and_unchanged_status_are_refused(story: Story) -> None:
    alice = client_for(story.alice)

    unknown = alice.post(URL, {"status": "purple", "reason": "because"})
    assert unknown.status_code == 422
    assert "Select a valid choice." in unknown.content.decode()

    same = alice.post(URL, {"status": "green", "reason": "because"})
    assert same.status_code == 409
    assert "The account status is already Green." in same.content.decode()
    assert not AccountStatusChange.objects.exists()


def test_home_links_to_the_page(story: Story) -> None:
    assert f'href="{URL}"'.encode() in client_for(story.bob).get("/").content
