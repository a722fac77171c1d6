"""The profile page (/account/): name and time zone, saved through accounts.profile.profile_update, and
the time zone every page then shows times in."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from supportal.accounts.models import User
from supportal.accounts.profile import profile_update
from supportal.audit.models import AuditRecord
from supportal.core.errors import InvalidInput
from supportal.notifications.models import Notification
from tests.conftest import Story

URL = "/account/"


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def field_error(body: str, field: str) -> str:
    """The messages shown in the field's own block, under its input (its invalid-feedback), or ''."""
    block = next(b for b in body.split('<div class="mb-3">') if f'id="id_{field}"' in b)
    return " ".join(re.findall(r'<div class="invalid-feedback d-block">([^<]*)</div>', block))


def test_urls_are_named() -> None:
    assert reverse("web:account") == URL
    assert reverse("web:account_notifications") == "/account/notifications/"


@pytest.mark.parametrize("url", [URL, "/account/notifications/"])
def test_anonymous_visitors_are_sent_to_sign_in(db: None, url: str) -> None:
    for response in (Client().get(url), Client().post(url, {"name": "Mallory"})):
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={url}"


def test_page_shows_the_profile_and_links_to_the_other_account_pages(story: Story) -> None:
    page = client_for(story.alice).get(URL)
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-testid="profile-form"' in body
    assert 'value="Alice Acme"' in body
    assert f'<option value="{settings.TIME_ZONE}" selected>' in body
    assert '<option value="Europe/Berlin">Europe/Berlin</option>' in body
    for name in ("web:account_notifications", "account_change_password", "account_email", "mfa_index"):
        assert f'href="{reverse(name)}"' in body, name
    assert "alice@acme.example" in body


def test_saving_the_profile_changes_name_and_time_zone_and_is_audited(story: Story) -> None:
    client = client_for(story.alice)
    response = client.post(URL, {"name": "  Alice A. Acme ", "time_zone": "Europe/Berlin"}, follow=True)
    assert response.redirect_chain == [(URL, 302)]
    assert "Your profile is saved." in response.content.decode()
    alice = User.objects.get(pk=story.alice.pk)
    assert (alice.name, alice.time_zone) == ("Alice A. Acme", "Europe/Berlin")
    assert '<option value="Europe/Berlin" selected>' in response.content.decode()

    record = AuditRecord.objects.get(action="profile.updated")
    assert record.actor_id == alice.pk
    assert record.channel == "web"
    assert record.organisation_id == story.acme.pk
    assert record.old == {"name": "Alice Acme", "time_zone": ""}
    assert record.new == {"name": "Alice A. Acme", "time_zone": "Europe/Berlin"}


def test_an_unknown_time_zone_is_refused_next_to_the_field_and_the_name_is_kept(story: Story) -> None:
    response = client_for(story.alice).post(URL, {"name": "Alice Renamed", "time_zone": "Mars/Olympus_Mons"})
    assert response.status_code == 422
    body = response.content.decode()
    assert "is not a time zone we know" in field_error(body, "time_zone")
    assert field_error(body, "name") == ""
    assert 'value="Alice Renamed"' in body
    assert 'class="form-select is-invalid"' in body
    alice = User.objects.get(pk=story.alice.pk)
    assert (alice.name, alice.time_zone) == ("Alice Acme", "")
    assert not AuditRecord.objects.filter(action="profile.updated").exists()


def test_a_blank_or_too_long_name_is_refused_next_to_the_field(story: Story) -> None:
    client = client_for(story.alice)
    blank = client.post(URL, {"name": "   ", "time_zone": "Europe/Berlin"})
    assert blank.status_code == 422
    assert "Enter your name." in field_error(blank.content.decode(), "name")
    long = client.post(URL, {"name": "A" * 201, "time_zone": "Europe/Berlin"})
    assert long.status_code == 422
    assert "at most 200 characters" in field_error(long.content.decode(), "name")
    assert User.objects.get(pk=story.alice.pk).name == "Alice Acme"


def test_profile_update_service_checks_its_input(story: Story) -> None:
    with pytest.raises(InvalidInput) as error:
        profile_update(actor=story.bob, name="B" * 201, time_zone="Nowhere/Town")
    assert set(error.value.fields) == {"name", "time_zone"}
    # "" is the site's time zone; saving what is already saved writes no audit row.
    profile_update(actor=story.bob, name="Bob Acme", time_zone="")
    assert not AuditRecord.objects.filter(action="profile.updated").exists()


def notification_at(user: User, when: datetime) -> Notification:
    return Notification.objects.create(user=user, verb="commented", text="Dana replied", created_at=when)


def test_times_show_in_the_signed_in_persons_time_zone(story: Story) -> None:
    notification_at(story.alice, datetime(2026, 1, 15, 12, 0, tzinfo=UTC))
    client = client_for(story.alice)
    assert "2026-01-15 12:00" in client.get("/notifications/").content.decode()

    client.post(URL, {"name": "Alice Acme", "time_zone": "Asia/Tokyo"})
    body = client.get("/notifications/").content.decode()
    assert "2026-01-15 21:00" in body
    assert "2026-01-15 12:00" not in body
    assert "(Asia/Tokyo)" in client.get(URL).content.decode()
    # The zone is the request's only: afterwards the site's is current again.
    assert timezone.get_current_timezone_name() == settings.TIME_ZONE

    # Bob keeps the site's time zone.
    notification_at(story.bob, datetime(2026, 1, 15, 12, 0, tzinfo=UTC))
    assert "2026-01-15 12:00" in client_for(story.bob).get("/notifications/").content.decode()


def test_a_time_zone_no_longer_known_falls_back_to_the_sites(story: Story) -> None:
    User.objects.filter(pk=story.alice.pk).update(time_zone="Gone/Away")
    notification_at(story.alice, datetime(2026, 1, 15, 12, 0, tzinfo=UTC))
    response = client_for(story.alice).get("/notifications/")
    assert response.status_code == 200
    assert "2026-01-15 12:00" in response.content.decode()


def test_the_page_runs_a_fixed_number_of_queries(story: Story, django_assert_num_queries: object) -> None:
    client = client_for(story.alice)
    client.get(URL)
    # session, user, Alice's membership and groups (the menu)
    with django_assert_num_queries(4):  # type: ignore[operator]
        assert client.get(URL).status_code == 200
    for n in range(30):
        notification_at(story.alice, datetime(2026, 1, 1, tzinfo=UTC))
        profile_update(actor=story.alice, name=f"Alice {n}", time_zone="Europe/Berlin")
    with django_assert_num_queries(4):  # type: ignore[operator]
        assert client.get(URL).status_code == 200
