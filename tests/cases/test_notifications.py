"""Domain events after commit turn into in-app notifications for the people who care."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.db import transaction

from supportal.accounts.models import User
from supportal.cases.lifecycle import Action
from supportal.cases.models import Case
from supportal.notifications.models import Notification
from tests.cases.conftest import CaseMaker, move, reply
from tests.conftest import Story

Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


def told(user: User, case: Case | None = None) -> list[str]:
    rows = Notification.objects.filter(user=user).order_by("id")
    return [n.verb for n in (rows.filter(case=case) if case else rows)]


@pytest.fixture
def taken(story: Story, cases: CaseMaker, django_capture_on_commit_callbacks: Capture) -> Case:
    """Alice's case, watched by Bob, taken by Dana; nobody's notifications so far."""
    with django_capture_on_commit_callbacks(execute=True):
        case = cases(watchers=[story.bob])
        move(case, story.dana, Action.TAKE)
    Notification.objects.all().delete()
    return case


def test_the_requester_and_watchers_hear_of_an_agents_reply(
    story: Story, taken: Case, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        reply(taken, story.dana, "Please restart the client.")
    assert told(story.alice, taken) == ["commented"]
    assert told(story.bob, taken) == ["commented"]
    note = Notification.objects.get(user=story.alice)
    assert "Dana Agent commented on" in note.text and taken.number in note.text
    assert told(story.dana) == []  # the actor is never told of their own action


def test_internal_notes_tell_nobody_on_the_customer_side(
    story: Story, taken: Case, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        reply(taken, story.erin, "Looks like the firewall again.", public=False)
    assert told(story.alice) == told(story.bob) == []
    assert told(story.dana, taken) == ["commented"]  # the assignee hears of every event


def test_the_customers_reply_tells_the_assignee_not_themselves(
    story: Story, taken: Case, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        reply(taken, story.alice, "Restarted, still broken.")
    assert told(story.dana, taken) == ["commented"]
    assert told(story.alice) == []
    assert told(story.bob, taken) == ["commented"]


def test_state_changes_are_told_with_old_and_new(
    story: Story, taken: Case, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        move(taken, story.dana, Action.RESOLVE)
    note = Notification.objects.get(user=story.alice)
    assert note.verb == "state_changed" and "(open → resolved)" in note.text


def test_a_new_unassigned_case_tells_its_teams_agents(
    story: Story, cases: CaseMaker, django_capture_on_commit_callbacks: Capture
) -> None:
    from supportal.cases.models import RoutingRule

    RoutingRule.objects.create(name="all", team=story.service_desk)
    with django_capture_on_commit_callbacks(execute=True):
        case = cases()
    assert "created" in told(story.dana, case)
    assert told(story.alice) == []


def test_a_rolled_back_change_publishes_nothing(
    story: Story, taken: Case, django_capture_on_commit_callbacks: Capture
) -> None:
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        reply(taken, story.dana, "This reply is rolled back.")
        move(taken, story.dana, Action.RESOLVE)
        raise RuntimeError("the request failed after the services ran")
    assert callbacks == []
    assert not Notification.objects.exists()
    assert not taken.comments.exists()
