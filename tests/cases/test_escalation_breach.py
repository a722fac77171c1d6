"""Escalation on SLA breach: when the case's plan says so, a breached clock escalates the case one level
(as the SLA system user, "SLA breached: <target>"), once per clock; other plans are left alone."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine

from supportal.cases.lifecycle import Action
from supportal.cases.models import Case, CaseEvent, EventKind
from supportal.cases.services.escalation import escalate_on_breach
from supportal.sla.services import sla_sweep
from tests.cases import conftest as case_fixtures
from tests.cases.conftest import CaseMaker, move
from tests.conftest import Story

Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]
cases = case_fixtures.cases
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday morning
HOUR = timedelta(hours=1)


@pytest.fixture
def taken(story: Story, cases: CaseMaker, django_capture_on_commit_callbacks: Capture) -> Case:
    """Alice's P3 case (4 h response target), taken by Dana at T0."""
    with time_machine.travel(T0, tick=False), django_capture_on_commit_callbacks(execute=True):
        case = cases(urgency="medium", impact="low")
        move(case, story.dana, Action.TAKE)
    return case


def sweep(at: datetime, capture: Capture) -> None:
    with time_machine.travel(at, tick=False), capture(execute=True):
        sla_sweep(at)


def escalations(case: Case) -> list[CaseEvent]:
    return list(CaseEvent.objects.filter(case=case, kind=EventKind.ESCALATED).order_by("id"))


def test_a_breach_escalates_once_when_the_plan_says_so(
    story: Story, taken: Case, django_capture_on_commit_callbacks: Capture
) -> None:
    story.standard.escalate_on_sla_breach = True
    story.standard.save()
    for hours in (3, 4, 5, 6):
        sweep(T0 + hours * HOUR, django_capture_on_commit_callbacks)
    (event,) = escalations(taken)
    assert (event.actor_label, event.channel, event.data["reason"]) == (
        "SLA", "system", "SLA breached: first response",
    )  # fmt: skip
    breach = CaseEvent.objects.get(case=taken, kind=EventKind.SLA_BREACHED)
    assert event.data["sla_breach_event"] == breach.pk
    taken.refresh_from_db()
    assert taken.escalation_level == 1
    # the same breach told again (a redelivered event) does not escalate a second time
    assert escalate_on_breach(case_id=taken.pk, breach_event_id=breach.pk, metric="response") is None
    assert len(escalations(taken)) == 1


def test_other_plans_do_not_escalate_on_breach(
    story: Story, taken: Case, django_capture_on_commit_callbacks: Capture
) -> None:
    sweep(T0 + 5 * HOUR, django_capture_on_commit_callbacks)
    assert CaseEvent.objects.filter(case=taken, kind=EventKind.SLA_BREACHED).exists()
    assert escalations(taken) == []


def test_no_escalation_beyond_the_top_level(
    story: Story, taken: Case, django_capture_on_commit_callbacks: Capture
) -> None:
    story.standard.escalate_on_sla_breach = True
    story.standard.save()
    Case.objects.filter(pk=taken.pk).update(escalation_level=3)  # the default matrix has 3 levels
    sweep(T0 + 5 * HOUR, django_capture_on_commit_callbacks)
    assert escalations(taken) == []
