"""The SLA sweep: a warning before the breach and a breach at the due time, each marked once, recorded
on the case, published for webhooks and told to the right people (in-app and by email)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail

from supportal.accounts.models import User
from supportal.cases.lifecycle import Action
from supportal.cases.models import Case, CaseEvent, EventKind
from supportal.core import domain_events
from supportal.core.domain_events import DomainEvent
from supportal.notifications.models import Notification
from supportal.orgs import services as org_services
from supportal.sla.models import SlaClock
from supportal.sla.services import sla_sweep
from tests.cases.conftest import CaseMaker, move, reply
from tests.conftest import Story

Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
MIN = timedelta(minutes=1)
HOUR = timedelta(hours=1)


@pytest.fixture
def grace(story: Story) -> User:
    """The Service Desk's lead; the team writes to desk@provider.example."""
    story.service_desk.email = "desk@provider.example"
    story.service_desk.save()
    return org_services.agent_create(
        actor=story.erin, channel="cli", email="grace@provider.example", name="Grace Lead",
        teams=[story.service_desk], lead_of=[story.service_desk],
    )  # fmt: skip


@pytest.fixture
def published(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[DomainEvent]]:
    """The sla.* domain events delivered (next to the real subscribers)."""
    seen: list[DomainEvent] = []
    for name in ("sla.warning", "sla.breached"):
        monkeypatch.setitem(
            domain_events._subscribers, name, [*domain_events._subscribers[name], seen.append]
        )
    yield seen


@pytest.fixture
def taken(story: Story, cases: CaseMaker, grace: User, django_capture_on_commit_callbacks: Capture) -> Case:
    """Alice's P3 case (4 h response, warning at 3 h), taken by Dana of the Service Desk at T0."""
    with time_machine.travel(T0, tick=False), django_capture_on_commit_callbacks(execute=True):
        case = cases(urgency="medium", impact="low")
        move(case, story.dana, Action.TAKE)
    Notification.objects.all().delete()
    mail.outbox.clear()
    return case


def sweep(at: datetime, capture: Capture) -> tuple[int, int]:
    with time_machine.travel(at, tick=False), capture(execute=True):
        result = sla_sweep(at)
    return result.breached, result.warned


def told(kind: str) -> dict[str, list[str]]:
    """Who got an in-app line and who an email, for one kind of SLA event."""
    lines = Notification.objects.filter(verb=kind).select_related("user").order_by("user__email")
    subject = {"sla_warning": "SLA warning:", "sla_breached": "SLA breached:"}[kind]
    mails = [m for m in mail.outbox if m.subject.startswith(subject)]
    return {"in_app": [n.user.email for n in lines], "email": sorted(a for m in mails for a in m.to)}


def test_a_warning_then_a_breach_each_once(
    story: Story, taken: Case, django_capture_on_commit_callbacks: Capture, published: list[DomainEvent]
) -> None:
    assert sweep(T0 + 3 * HOUR - MIN, django_capture_on_commit_callbacks) == (0, 0)
    assert sweep(T0 + 3 * HOUR, django_capture_on_commit_callbacks) == (0, 1)
    assert sweep(T0 + 3 * HOUR + MIN, django_capture_on_commit_callbacks) == (0, 0)
    warning = CaseEvent.objects.get(case=taken, kind=EventKind.SLA_WARNING)
    assert (warning.public, warning.data["metric"], warning.data["due_at"]) == (
        False, "response", (T0 + 4 * HOUR).isoformat()
    )  # fmt: skip
    assert told("sla_warning") == {
        "in_app": ["dana@provider.example", "grace@provider.example"],  # the assignee and the team
        "email": ["dana@provider.example"],
    }
    assert sweep(T0 + 4 * HOUR, django_capture_on_commit_callbacks) == (1, 0)
    assert sweep(T0 + 5 * HOUR, django_capture_on_commit_callbacks) == (0, 0)
    breach = CaseEvent.objects.get(case=taken, kind=EventKind.SLA_BREACHED)
    assert breach.public and breach.actor_label == "SLA"
    assert told("sla_breached") == {
        "in_app": ["dana@provider.example", "frank@provider.example", "grace@provider.example"],
        "email": ["dana@provider.example", "desk@provider.example", "frank@provider.example",
                  "grace@provider.example"],
    }  # fmt: skip
    assert [(e.name, e.data["metric"], e.data["due_at"]) for e in published] == [
        ("sla.warning", "response", (T0 + 4 * HOUR).isoformat()),
        ("sla.breached", "response", (T0 + 4 * HOUR).isoformat()),
    ]
    assert published[1].data["number"] == taken.number
    assert not Notification.objects.filter(user__in=[story.alice, story.bob]).exists()
    (breach_mail,) = [m for m in mail.outbox if m.subject.startswith("SLA breached:")]
    assert f"case {taken.number}" in breach_mail.subject and "[#" not in breach_mail.subject
    assert f"/agent/cases/{taken.number}/" in breach_mail.body


def test_a_clock_that_breaches_before_the_sweep_warned_is_not_warned_after(
    taken: Case, django_capture_on_commit_callbacks: Capture
) -> None:
    assert sweep(T0 + 6 * HOUR, django_capture_on_commit_callbacks) == (1, 0)
    assert not CaseEvent.objects.filter(kind=EventKind.SLA_WARNING).exists()
    assert told("sla_warning") == {"in_app": [], "email": []}


def test_an_unassigned_case_warns_the_team_by_its_address(
    story: Story, cases: CaseMaker, grace: User, django_capture_on_commit_callbacks: Capture
) -> None:
    with time_machine.travel(T0, tick=False):
        case = cases(urgency="medium", impact="low", team=story.service_desk)
    assert case.assignee is None
    sweep(T0 + 3 * HOUR, django_capture_on_commit_callbacks)
    assert told("sla_warning") == {
        "in_app": ["dana@provider.example", "grace@provider.example"],
        "email": ["desk@provider.example"],
    }


def test_clocks_met_paused_or_stopped_are_never_marked(
    story: Story, taken: Case, django_capture_on_commit_callbacks: Capture
) -> None:
    with time_machine.travel(T0 + HOUR, tick=False):
        move(taken, story.dana, Action.HOLD)
    assert sweep(T0 + 10 * HOUR, django_capture_on_commit_callbacks) == (0, 0)
    with time_machine.travel(T0 + 10 * HOUR, tick=False):
        move(taken, story.dana, Action.RESUME)
        reply(taken, story.dana, "Back on it.")
    # Response met; the 5-day targets had 1 h before the hold: warned 3.75 days after resuming.
    assert sweep(T0 + 10 * HOUR + timedelta(days=3.75) - HOUR - MIN, django_capture_on_commit_callbacks) == (
        0,
        0,
    )
    assert sweep(T0 + 10 * HOUR + timedelta(days=3.75) - HOUR, django_capture_on_commit_callbacks) == (0, 2)


def test_lowering_the_priority_of_a_breached_case_lets_it_breach_again_later(
    story: Story, taken: Case, django_capture_on_commit_callbacks: Capture
) -> None:
    from supportal.cases import services

    assert sweep(T0 + 4 * HOUR, django_capture_on_commit_callbacks) == (1, 0)
    with time_machine.travel(T0 + 5 * HOUR, tick=False):
        services.case_update(actor=story.dana, case=taken, channel="portal", priority="P4")  # 24 h
    response = SlaClock.objects.get(case=taken, metric="response")
    assert (response.breached_at, response.due_at) == (None, T0 + 24 * HOUR)
    assert sweep(T0 + 24 * HOUR - MIN, django_capture_on_commit_callbacks) == (0, 1)  # P4's warning at 18 h
    assert sweep(T0 + 24 * HOUR, django_capture_on_commit_callbacks) == (1, 0)
    assert CaseEvent.objects.filter(case=taken, kind=EventKind.SLA_BREACHED).count() == 2  # both kept


def test_a_reply_after_the_due_time_the_sweep_missed_records_the_breach_once(
    story: Story, taken: Case, django_capture_on_commit_callbacks: Capture, published: list[DomainEvent]
) -> None:
    """The worker was down at the due time: the late reply itself records the missed target."""
    with (
        time_machine.travel(T0 + 4 * HOUR + 5 * MIN, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        reply(taken, story.dana, "Sorry for the wait.")
    breach = CaseEvent.objects.get(case=taken, kind=EventKind.SLA_BREACHED)
    assert (breach.public, breach.data["metric"], breach.data["at"]) == (
        True, "response", (T0 + 4 * HOUR).isoformat()
    )  # fmt: skip
    assert [e.name for e in published] == ["sla.breached"]
    assert told("sla_breached")["in_app"] == [  # as for a breach the sweep marks
        "dana@provider.example", "frank@provider.example", "grace@provider.example"
    ]  # fmt: skip
    assert sweep(T0 + 5 * HOUR, django_capture_on_commit_callbacks) == (0, 0)  # not marked twice
