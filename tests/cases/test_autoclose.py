"""Resolved cases close by themselves after the configured number of days (7 by default)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from django.test import override_settings

from supportal.accounts.models import UserKind
from supportal.cases import services
from supportal.cases.lifecycle import Action, State
from supportal.cases.models import Case, CaseEvent, CloseReason
from tests.cases.conftest import CaseMaker, move, reply
from tests.conftest import Story

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


def resolved(story: Story, cases: CaseMaker, days_ago: float) -> Case:
    with time_machine.travel(NOW - timedelta(days=days_ago), tick=False):
        case = cases()
        move(case, story.dana, Action.TAKE)
        move(case, story.dana, Action.RESOLVE)
    return case


def state_of(case: Case) -> tuple[str, str]:
    case.refresh_from_db()
    return case.state, case.close_reason


def test_a_case_resolved_more_than_a_week_ago_closes(story: Story, cases: CaseMaker) -> None:
    old, recent = resolved(story, cases, 8), resolved(story, cases, 2)
    with time_machine.travel(NOW, tick=False):
        assert services.close_resolved_cases() == 1
    assert state_of(old) == (State.CLOSED, CloseReason.AUTO)
    assert state_of(recent) == (State.RESOLVED, "")
    event = CaseEvent.objects.select_related("actor").filter(case=old, kind="state_changed").latest("id")
    assert event.actor is not None
    assert (event.data["action"], event.channel, event.actor.kind) == (
        "auto-close",
        "system",
        UserKind.SYSTEM,
    )  # type: ignore[union-attr]
    assert event.at == NOW


def test_the_job_is_idempotent(story: Story, cases: CaseMaker) -> None:
    old = resolved(story, cases, 8)
    with time_machine.travel(NOW, tick=False):
        assert services.close_resolved_cases() == 1
        events = CaseEvent.objects.filter(case=old).count()
        assert services.close_resolved_cases() == 0
    assert CaseEvent.objects.filter(case=old).count() == events


def test_the_number_of_days_is_configurable(story: Story, cases: CaseMaker) -> None:
    two_days, half_day = resolved(story, cases, 2), resolved(story, cases, 0.5)
    with override_settings(SUPPORTAL_AUTO_CLOSE_DAYS=1), time_machine.travel(NOW, tick=False):
        assert services.close_resolved_cases() == 1
    assert state_of(two_days)[0] == State.CLOSED
    assert state_of(half_day)[0] == State.RESOLVED


def test_a_case_reopened_by_a_reply_or_resolved_again_recently_stays(story: Story, cases: CaseMaker) -> None:
    reopened, again = resolved(story, cases, 9), resolved(story, cases, 9)
    with time_machine.travel(NOW - timedelta(days=5), tick=False):
        reply(reopened, story.alice, "It is not fixed.")
        move(again, story.alice, Action.REJECT, reason="Not fixed.")
    with time_machine.travel(NOW - timedelta(days=3), tick=False):
        move(again, story.dana, Action.RESOLVE)
    with time_machine.travel(NOW, tick=False):
        assert services.close_resolved_cases() == 0
    assert (state_of(reopened)[0], state_of(again)[0]) == (State.OPEN, State.RESOLVED)
