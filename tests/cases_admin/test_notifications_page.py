"""/notifications/: a person's own in-app notifications, newest first, a page at a time; mark all as read."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from supportal.notifications.models import Notification
from supportal.web import notifications as page
from tests.cases_admin.conftest import client_for, open_case, reply
from tests.conftest import Story

URL = "/notifications/"


def test_the_url_is_the_bookmarked_one() -> None:
    assert reverse("web:notifications") == URL


def test_anonymous_visitors_are_sent_to_sign_in(
    story: Story, django_capture_on_commit_callbacks: Any
) -> None:
    reply(story, open_case(story), "On it.", django_capture_on_commit_callbacks)
    for response in (Client().get(URL), Client().post(URL)):
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=/notifications/")
    assert Notification.objects.filter(user=story.bob, read_at__isnull=True).count() == 1


def test_people_see_only_their_own_newest_first(
    story: Story, django_capture_on_commit_callbacks: Any
) -> None:
    bobs = open_case(story, "Printer on fire")
    alices = open_case(story, "Secret merger plans", requester=story.alice)
    reply(story, bobs, "We are on our way.", django_capture_on_commit_callbacks)
    reply(story, alices, "Noted.", django_capture_on_commit_callbacks)
    reply(story, bobs, "Fixed, please check.", django_capture_on_commit_callbacks)

    response = client_for(story.bob).get(URL)
    assert response.status_code == 200
    shown = response.context["notifications"]
    assert [n.user_id for n in shown] == [story.bob.pk, story.bob.pk]
    assert shown[0].pk > shown[1].pk
    html = response.content.decode()
    assert "Secret merger plans" not in html
    assert f'href="/cases/{bobs.number}/"' in html
    assert html.count('data-unread="true"') == 2
    assert "Mark all as read" in html
    assert 'href="/notifications/"' in html  # the nav link

    alice_page = client_for(story.alice).get(URL).content.decode()
    assert "Secret merger plans" in alice_page and "Printer on fire" not in alice_page


def test_mark_all_as_read(story: Story, django_capture_on_commit_callbacks: Any) -> None:
    bobs = open_case(story, "Printer on fire")
    alices = open_case(story, "Projector", requester=story.alice)
    for body in ("One", "Two"):
        reply(story, bobs, body, django_capture_on_commit_callbacks)
    reply(story, alices, "Three", django_capture_on_commit_callbacks)
    bob = client_for(story.bob)
    up_to = bob.get(URL).context["up_to"]
    reply(story, bobs, "Arrived while Bob was reading", django_capture_on_commit_callbacks)

    response = bob.post(URL, {"up_to": str(up_to)}, follow=True)
    assert response.redirect_chain == [(URL, 302)]
    assert "Marked 2 notifications as read." in response.content.decode()
    unread = Notification.objects.filter(read_at__isnull=True)
    assert sorted(unread.values_list("user_id", "text")) == sorted(
        [
            (story.alice.pk, f"Dana Agent commented on {alices.number}: Projector"),
            (story.bob.pk, f"Dana Agent commented on {bobs.number}: Printer on fire"),
        ]
    )
    assert response.content.decode().count('data-unread="true"') == 1

    bob.post(URL)  # without up_to: everything
    assert not Notification.objects.filter(user=story.bob, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=story.alice, read_at__isnull=True).count() == 1


def test_mark_all_as_read_needs_the_csrf_token(story: Story, django_capture_on_commit_callbacks: Any) -> None:
    reply(story, open_case(story), "On it.", django_capture_on_commit_callbacks)
    client = Client(enforce_csrf_checks=True)
    client.force_login(story.bob)
    assert client.post(URL).status_code == 403
    assert Notification.objects.filter(user=story.bob, read_at__isnull=True).exists()
    token = client.get(URL).context["csrf_token"]
    assert client.post(URL, {"csrfmiddlewaretoken": str(token)}).status_code == 302
    assert not Notification.objects.filter(user=story.bob, read_at__isnull=True).exists()


def test_older_pages_follow_the_last_id(
    story: Story, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(page, "PAGE_SIZE", 3)
    case = open_case(story)
    for i in range(5):
        reply(story, case, f"Update {i}", django_capture_on_commit_callbacks)
    ids = list(Notification.objects.filter(user=story.bob).order_by("-id").values_list("id", flat=True))
    bob = client_for(story.bob)

    first = bob.get(URL)
    assert [n.pk for n in first.context["notifications"]] == ids[:3]
    assert f'href="/notifications/?before={ids[2]}"' in first.content.decode()
    older = bob.get(URL, {"before": str(ids[2])})
    assert [n.pk for n in older.context["notifications"]] == ids[3:]
    assert older.context["older"] is None
    assert "Newest" in older.content.decode() and "?before=" not in older.content.decode()
    for junk in ("abc", "-1", "0", "²", "9" * 40):
        assert [n.pk for n in bob.get(URL, {"before": junk}).context["notifications"]] == ids[:3], junk


def test_query_count_does_not_grow(
    story: Story, django_capture_on_commit_callbacks: Any, django_assert_num_queries: Any
) -> None:
    case = open_case(story)
    other = open_case(story, "Another one")
    bob = client_for(story.bob)

    def notify(count: int) -> None:
        for i in range(count):
            reply(story, case if i % 2 else other, f"Update {i}", django_capture_on_commit_callbacks)

    notify(3)
    bob.get(URL)  # warm the session
    # Session, user, the notifications with their cases' numbers, and the nav's two (membership, groups).
    with django_assert_num_queries(5) as three:
        assert len(bob.get(URL).context["notifications"]) == 3
    notify(17)
    with django_assert_num_queries(len(three.captured_queries)):
        assert len(bob.get(URL).context["notifications"]) == 20
