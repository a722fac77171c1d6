"""Notification preferences (/account/notifications/): defaults without a saved row, saving them through
notifications.preferences.preferences_update, and the organisation option only for those who may see the
organisation's cases."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from supportal.accounts.models import User
from supportal.audit.models import AuditRecord
from supportal.core.errors import InvalidInput
from supportal.notifications.models import Digest, NotificationPreference
from supportal.notifications.preferences import (
    preferences_for,
    preferences_for_users,
    preferences_update,
)
from tests.conftest import Story
from tests.web.cases.test_account_profile import field_error

URL = "/account/notifications/"
ORG = "email_on_new_case_in_organisation"


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def everything_off(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "email_on_comment": False,
        "email_on_state_change": False,
        ORG: False,
        "in_app": False,
        "digest": Digest.NONE,
    }
    return {**values, **changes}


def test_defaults_hold_until_someone_saves(story: Story, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1):
        defaults = preferences_for(story.bob)
    assert defaults.pk is None
    assert (defaults.email_on_comment, defaults.email_on_state_change, defaults.in_app) == (True, True, True)
    assert (getattr(defaults, ORG), defaults.digest) == (False, Digest.NONE)

    page = client_for(story.bob).get(URL)
    assert page.status_code == 200
    body = page.content.decode()
    assert 'name="email_on_comment" checked' in body
    assert 'name="in_app" checked' in body
    assert 'value="none" checked' in body
    assert not NotificationPreference.objects.exists()  # looking writes nothing


def test_only_people_who_see_the_organisations_cases_are_offered_its_new_cases(story: Story) -> None:
    assert f'name="{ORG}"' in client_for(story.alice).get(URL).content.decode()
    assert f'name="{ORG}"' not in client_for(story.bob).get(URL).content.decode()
    assert f'name="{ORG}"' not in client_for(story.dana).get(URL).content.decode()
    with pytest.raises(InvalidInput) as error:
        preferences_update(actor=story.bob, **everything_off(**{ORG: True}))
    assert list(error.value.fields) == [ORG]


def test_saving_the_preferences(story: Story) -> None:
    client = client_for(story.alice)
    response = client.post(URL, {"email_on_state_change": "on", ORG: "on", "digest": "daily"}, follow=True)
    assert response.redirect_chain == [(URL, 302)]
    body = response.content.decode()
    assert "Your notification preferences are saved." in body
    assert 'name="email_on_comment">' in body  # no longer checked
    assert f'name="{ORG}" checked' in body
    assert 'value="daily" checked' in body

    saved = preferences_for(story.alice)
    assert (saved.email_on_comment, saved.email_on_state_change, saved.in_app) == (False, True, False)
    assert (getattr(saved, ORG), saved.digest) == (True, Digest.DAILY)
    record = AuditRecord.objects.get(action="notification_preferences.updated")
    assert record.actor_id == story.alice.pk
    assert record.organisation_id == story.acme.pk
    assert record.old == {"email_on_comment": True, ORG: False, "in_app": True, "digest": "none"}
    assert record.new == {"email_on_comment": False, ORG: True, "in_app": False, "digest": "daily"}

    # Saving the same again changes nothing and writes no second audit row.
    client.post(URL, {"email_on_state_change": "on", ORG: "on", "digest": "daily"})
    assert AuditRecord.objects.filter(action="notification_preferences.updated").count() == 1


def test_a_field_bob_is_not_offered_is_ignored(story: Story) -> None:
    response = client_for(story.bob).post(URL, {"in_app": "on", ORG: "on", "digest": "none"})
    assert response.status_code == 302
    saved = preferences_for(story.bob)
    assert (saved.in_app, getattr(saved, ORG)) == (True, False)


def test_an_unknown_digest_is_refused_next_to_the_field(story: Story) -> None:
    response = client_for(story.alice).post(URL, {"email_on_comment": "on", "digest": "hourly"})
    assert response.status_code == 422
    body = response.content.decode()
    assert "Select a valid choice" in field_error(body, "digest_0")
    assert 'name="email_on_comment" checked' in body  # what was chosen is kept
    assert 'name="in_app">' in body
    assert not NotificationPreference.objects.exists()
    with pytest.raises(InvalidInput) as error:
        preferences_update(actor=story.alice, **everything_off(digest="hourly"))
    assert list(error.value.fields) == ["digest"]


def test_preferences_of_many_people_in_one_query(story: Story, django_assert_num_queries: Any) -> None:
    preferences_update(actor=story.alice, **everything_off(in_app=True))
    with django_assert_num_queries(1):
        found = preferences_for_users([story.alice.pk, story.bob.pk])
    assert found[story.alice.pk].pk is not None
    assert not found[story.alice.pk].email_on_comment
    assert found[story.bob.pk].pk is None
    assert found[story.bob.pk].email_on_comment


def test_the_page_runs_a_fixed_number_of_queries(story: Story, django_assert_num_queries: Any) -> None:
    client = client_for(story.alice)
    client.get(URL)
    # session, user, Alice's membership and groups, her preferences
    with django_assert_num_queries(5):
        assert client.get(URL).status_code == 200
    for person in (story.alice, story.bob, story.charlie, story.dana, story.frank):
        preferences_update(actor=person, **everything_off(digest="daily"))
    with django_assert_num_queries(5):
        assert client.get(URL).status_code == 200
