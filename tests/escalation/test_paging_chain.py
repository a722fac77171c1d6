"""An unacknowledged page is passed on after the timeout, then to the lead; acknowledging ends the chain.

The clock is frozen on Tuesday 5 May 2026, 12:00 UTC: Gus's week on the Service Desk rota (Dana is next,
Lena leads). Acknowledgement links are the tokens the page's email carries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core import mail

from supportal.cases import services as case_services
from supportal.cases.models import Case, CaseEvent, CaseType, EventKind, Priority
from supportal.core.errors import Conflict, Forbidden, NotFound
from supportal.escalation.models import Page, PageStatus, Rota
from supportal.escalation.services.paging import page_acknowledge, page_by_token, page_sweep
from supportal.notifications.models import Notification
from tests.conftest import Story
from tests.escalation.conftest import OnCall

Capture = Callable[..., Any]
pytestmark = pytest.mark.django_db
NOON = datetime(2026, 5, 5, 12, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOON, tick=False):
        yield


@pytest.fixture
def capture(django_capture_on_commit_callbacks: Capture) -> Capture:
    return django_capture_on_commit_callbacks


def file_incident(story: Story, capture: Capture) -> Case:
    with capture(execute=True):
        return case_services.case_create(
            actor=story.charlie, organisation=story.globex, subject="The payment gateway is down",
            channel="portal", case_type=CaseType.objects.get(code="incident"), priority=Priority.P1,
        )  # fmt: skip


def chain(case: Case) -> list[tuple[str, str, int, str]]:
    return [
        (p.person.email.split("@")[0], p.role, p.step, p.status)
        for p in Page.objects.filter(case=case).select_related("person").order_by("id")
    ]


def token_sent_to(email: str) -> str:
    """The acknowledgement token of the last page email sent to `email`."""
    message = [m for m in mail.outbox if m.to == [email] and "/pages/" in m.body][-1]
    link = next(word for word in message.body.split() if "/pages/" in word)
    return link.rstrip("/").rsplit("/", 1)[-1]


def sweep(capture: Capture, at: datetime) -> int:
    with capture(execute=True):
        return page_sweep(now=at)


def acknowledge_by_link(capture: Capture, token: str) -> Page:
    with capture(execute=True):
        page = page_by_token(token)
        return page_acknowledge(actor=AnonymousUser(), page=page, channel="portal", by_link=True)


def events(case: Case, kind: str) -> list[CaseEvent]:
    return list(CaseEvent.objects.filter(case=case, kind=kind).order_by("id"))


def test_an_unanswered_page_goes_to_the_next_person_then_the_lead_then_is_unanswered(
    story: Story, on_call: OnCall, capture: Capture
) -> None:
    mail.outbox.clear()
    case = file_incident(story, capture)
    assert chain(case) == [("gus", "on_call", 1, "pending")]
    assert sweep(capture, NOON + 14 * MINUTE) == 0  # not yet
    assert sweep(capture, NOON + 15 * MINUTE) == 1
    assert chain(case) == [("gus", "on_call", 1, "passed_on"), ("dana", "next", 2, "pending")]
    assert Page.objects.get(case=case, step=2).deadline == NOON + 30 * MINUTE
    assert token_sent_to(on_call.dana.email)
    assert sweep(capture, NOON + 30 * MINUTE) == 1
    assert chain(case)[-1] == ("lena", "lead", 3, "pending")
    assert sweep(capture, NOON + 45 * MINUTE) == 1
    assert chain(case) == [
        ("gus", "on_call", 1, "passed_on"),
        ("dana", "next", 2, "passed_on"),
        ("lena", "lead", 3, "unanswered"),
    ]
    [unanswered] = events(case, EventKind.PAGE_UNANSWERED)
    assert unanswered.public is False and "3" in unanswered.data["reason"]
    assert [e.data["person"] for e in events(case, EventKind.PAGED)] == [
        "Gus Agent",
        "Dana Agent",
        "Lena Lead",
    ]
    told = [m for m in mail.outbox if m.to == [on_call.lena.email] and "/pages/" not in m.body]
    assert len(told) == 1 and case.number in told[0].subject
    assert Notification.objects.filter(user=on_call.lena, event=unanswered).exists()
    # Nothing is left waiting: later sweeps do nothing.
    assert sweep(capture, NOON + 3 * 60 * MINUTE) == 0
    assert len(chain(case)) == 3


def test_acknowledging_by_link_ends_the_chain(story: Story, on_call: OnCall, capture: Capture) -> None:
    mail.outbox.clear()
    case = file_incident(story, capture)
    page = acknowledge_by_link(capture, token_sent_to(on_call.gus.email))
    assert page.status == PageStatus.ACKNOWLEDGED and page.acknowledged_by == on_call.gus
    assert page.acknowledged_at == NOON
    [event] = events(case, EventKind.PAGE_ACKNOWLEDGED)
    assert event.public is True and event.actor == on_call.gus
    assert "phone" not in str(event.data) and on_call.gus.email not in str(event.data)
    assert sweep(capture, NOON + 60 * MINUTE) == 0
    assert chain(case) == [("gus", "on_call", 1, "acknowledged")]


def test_a_late_acknowledgement_of_a_passed_on_page_counts_and_cancels_the_waiting_one(
    story: Story, on_call: OnCall, capture: Capture
) -> None:
    mail.outbox.clear()
    case = file_incident(story, capture)
    gus_token = token_sent_to(on_call.gus.email)
    sweep(capture, NOON + 15 * MINUTE)
    acknowledge_by_link(capture, gus_token)
    assert chain(case) == [("gus", "on_call", 1, "acknowledged"), ("dana", "next", 2, "cancelled")]
    assert sweep(capture, NOON + 60 * MINUTE) == 0


def test_acknowledging_twice_is_idempotent(story: Story, on_call: OnCall, capture: Capture) -> None:
    mail.outbox.clear()
    case = file_incident(story, capture)
    token = token_sent_to(on_call.gus.email)
    acknowledge_by_link(capture, token)
    again = acknowledge_by_link(capture, token)
    assert again.status == PageStatus.ACKNOWLEDGED
    with capture(execute=True):
        page_acknowledge(actor=on_call.gus, page=again, channel="portal")
    assert len(events(case, EventKind.PAGE_ACKNOWLEDGED)) == 1


def test_a_second_person_acknowledging_gets_a_conflict(
    story: Story, on_call: OnCall, capture: Capture
) -> None:
    mail.outbox.clear()
    case = file_incident(story, capture)
    gus_token = token_sent_to(on_call.gus.email)
    sweep(capture, NOON + 15 * MINUTE)
    acknowledge_by_link(capture, token_sent_to(on_call.dana.email))
    with pytest.raises(Conflict, match="Dana Agent acknowledged"):
        acknowledge_by_link(capture, gus_token)
    # The lead acknowledging the page Dana acknowledged is a conflict too, not a silent no-op.
    dana_page = Page.objects.get(case=case, person=on_call.dana)
    with pytest.raises(Conflict, match="Dana Agent acknowledged"):
        page_acknowledge(actor=on_call.lena, page=dana_page, channel="portal")
    assert len(events(case, EventKind.PAGE_ACKNOWLEDGED)) == 1
    assert Page.objects.get(case=case, person=on_call.gus).status == PageStatus.PASSED_ON


def test_who_may_acknowledge_in_the_workspace(story: Story, on_call: OnCall, capture: Capture) -> None:
    case = file_incident(story, capture)
    page = Page.objects.get(case=case)
    for outsider in (story.charlie, story.alice, story.dana):  # customers, and an agent not paged
        with pytest.raises(Forbidden):
            page_acknowledge(actor=outsider, page=page, channel="portal")
    assert Page.objects.get(pk=page.pk).status == PageStatus.PENDING
    with capture(execute=True):
        acknowledged = page_acknowledge(actor=on_call.lena, page=page, channel="portal")  # the lead
    assert acknowledged.acknowledged_by == on_call.lena


def test_an_unknown_token_is_not_found(on_call: OnCall) -> None:
    with pytest.raises(NotFound):
        page_by_token("not-a-real-token")


def test_a_cancelled_page_cannot_be_acknowledged(story: Story, on_call: OnCall, capture: Capture) -> None:
    mail.outbox.clear()
    case = file_incident(story, capture)
    token = token_sent_to(on_call.gus.email)
    with capture(execute=True):
        case_services.case_update(
            actor=story.dana, case=case, channel="portal", priority=Priority.P3, reason="Minor"
        )
    with pytest.raises(Conflict, match="cancelled"):
        acknowledge_by_link(capture, token)


def test_without_a_rota_the_case_records_page_unanswered_and_admins_hear_of_it(
    story: Story, on_call: OnCall, capture: Capture
) -> None:
    Rota.objects.all().delete()
    mail.outbox.clear()
    case = file_incident(story, capture)
    assert chain(case) == []
    [event] = events(case, EventKind.PAGE_UNANSWERED)
    assert event.data["reason"] == "no on-call rota" and event.public is False
    assert any(m.to == [story.erin.email] for m in mail.outbox)  # no team leads: the admins
    assert Notification.objects.filter(user=story.erin, event=event).exists()


def test_a_rota_with_nobody_to_page_records_page_unanswered(
    story: Story, on_call: OnCall, capture: Capture
) -> None:
    on_call.rota.members.all().delete()
    on_call.lena.is_active = False
    on_call.lena.save()
    case = file_incident(story, capture)
    assert chain(case) == []
    [event] = events(case, EventKind.PAGE_UNANSWERED)
    assert event.data["reason"] == "nobody is on call"


def test_an_inactive_member_is_skipped(story: Story, on_call: OnCall, capture: Capture) -> None:
    on_call.gus.is_active = False
    on_call.gus.save()
    case = file_incident(story, capture)
    assert chain(case) == [("dana", "on_call", 1, "pending")]
    sweep(capture, NOON + 15 * MINUTE)
    assert chain(case)[-1] == ("lena", "lead", 2, "pending")


def test_an_incident_raised_again_after_a_cancelled_page_pages_anew(
    story: Story, on_call: OnCall, capture: Capture
) -> None:
    case = file_incident(story, capture)
    for priority in (Priority.P3, Priority.P1):
        with capture(execute=True):
            case_services.case_update(
                actor=story.dana, case=case, channel="portal", priority=priority, reason="x"
            )
    assert chain(case) == [("gus", "on_call", 1, "cancelled"), ("gus", "on_call", 1, "pending")]
