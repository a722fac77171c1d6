"""A case's history (/events) and each person's in-app notifications (/notifications)."""

from __future__ import annotations

from typing import Any

from supportal.cases import services
from supportal.notifications.models import Notification
from tests.api.cases.conftest import open_case
from tests.api.conftest import Api, error_of
from tests.conftest import Story


def test_the_history(story: Story, alice: Api, dana: Api, charlie: Api) -> None:
    case = open_case(story.alice)
    services.case_transition(actor=story.dana, case=case, action="take", channel="api")
    services.comment_add(actor=story.dana, case=case, body="internal", channel="api", public=False)
    services.case_update(actor=story.dana, case=case, channel="api", subject="Renamed")
    events = dana.get(f"cases/{case.number}/events").json()["items"]
    assert [e["kind"] for e in events] == [
        "created",
        "state_changed",
        "assigned",
        "commented",
        "field_changed",
    ]
    first = events[0]
    assert first["actor"]["email"] == "alice@acme.example" and first["actor_label"] == "Alice Acme"
    assert first["channel"] == "portal" and first["public"] is True and first["data"]["state"] == "new"
    assert events[1]["data"] == {"old": "new", "new": "open", "action": "take", "reason": ""}
    assert set(first) == {
        "id",
        "kind",
        "actor",
        "actor_label",
        "on_behalf_of",
        "channel",
        "public",
        "data",
        "at",
    }
    customer = alice.get(f"cases/{case.number}/events").json()["items"]
    assert all(e["public"] for e in customer)
    assert "commented" not in [e["kind"] for e in customer]
    assert charlie.get(f"cases/{case.number}/events").status_code == 404


def test_the_history_pages_by_id(story: Story, dana: Api) -> None:
    case = open_case(story.alice)
    for n in range(4):
        services.comment_add(actor=story.dana, case=case, body=f"note {n}", channel="api", public=False)
    page = dana.get(f"cases/{case.number}/events", limit=2).json()
    rest = dana.get(f"cases/{case.number}/events", limit=10, cursor=page["next_cursor"]).json()
    ids = [e["id"] for e in page["items"] + rest["items"]]
    assert len(ids) == 5 and ids == sorted(ids) and rest["next_cursor"] is None


def _notified(story: Story, capture: Any) -> str:
    """Each change commits on its own, as requests do, and tells people after it has."""
    with capture(execute=True):
        case = open_case(story.alice)
    with capture(execute=True):
        services.case_transition(actor=story.dana, case=case, action="take", channel="api")
    with capture(execute=True):
        services.comment_add(actor=story.dana, case=case, body="On it", channel="api")
    with capture(execute=True):
        services.comment_add(actor=story.dana, case=case, body="note", channel="api", public=False)
    return case.number


def test_notifications(story: Story, alice: Api, dana: Api, django_capture_on_commit_callbacks: Any) -> None:
    number = _notified(story, django_capture_on_commit_callbacks)
    items = alice.get("notifications").json()["items"]
    # Newest first; nothing of the internal note.
    assert [n["verb"] for n in items] == ["commented", "assigned", "state_changed"]
    assert all(n["case"] == number and n["read_at"] is None for n in items)
    assert items[0]["text"].startswith("Dana Agent commented on")
    assert dana.get("notifications").json()["items"] == []  # nobody hears of their own actions
    response = alice.post("notifications/read", {"ids": [items[1]["id"]]})
    assert response.status_code == 200 and response.json() == {"marked": 1}
    unread = [n["id"] for n in alice.get("notifications", unread=True).json()["items"]]
    assert unread == [items[0]["id"], items[2]["id"]]
    assert [n["id"] for n in alice.get("notifications", unread=False).json()["items"]] == [items[1]["id"]]
    assert alice.post("notifications/read", {"all": True}).json() == {"marked": 2}
    assert alice.get("notifications", unread=True).json()["items"] == []


def test_nobody_reads_or_marks_anothers_notifications(
    story: Story, alice: Api, bob: Api, django_capture_on_commit_callbacks: Any
) -> None:
    _notified(story, django_capture_on_commit_callbacks)
    ids = list(Notification.objects.filter(user=story.alice).values_list("id", flat=True))
    assert bob.get("notifications").json()["items"] == []
    assert bob.post("notifications/read", {"ids": ids}).json() == {"marked": 0}
    assert bob.post("notifications/read", {"all": True}).json() == {"marked": 0}
    assert not Notification.objects.filter(read_at__isnull=False).exists()
    for payload in ({}, {"ids": [], "all": False}, {"ids": ids, "all": True}, {"ids": [0]}):
        response = alice.post("notifications/read", payload)
        assert response.status_code == 422, payload
        assert error_of(response)["fields"]
