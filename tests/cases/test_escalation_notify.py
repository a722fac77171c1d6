"""Who is told of an escalation: the contacts of the level reached, the assignee and the CSM, in-app
where they are users and by email (`case_escalated`); never the person who escalated."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.core import mail

from supportal.cases import services
from supportal.cases.lifecycle import Action
from supportal.cases.models import Case
from supportal.notifications.models import Notification
from supportal.orgs.models import EscalationContact, EscalationLevel
from tests.cases import conftest as case_fixtures
from tests.cases.conftest import CaseMaker, move
from tests.conftest import Story

Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]
cases = case_fixtures.cases
BOSS = "boss@acme.example"  # a level-2 contact who is not a user


@pytest.fixture
def taken(story: Story, cases: CaseMaker, django_capture_on_commit_callbacks: Capture) -> Case:
    """Alice's case taken by Dana; Acme's matrix: level 1 Erin (a user), level 2 a plain address."""
    one = EscalationLevel.objects.create(organisation=story.acme, level=1, name="Duty manager")
    two = EscalationLevel.objects.create(organisation=story.acme, level=2, name="Director")
    EscalationContact.objects.create(level=one, name="Erin", role="Manager", email="ERIN@provider.example")
    EscalationContact.objects.create(level=two, name="The boss", role="Director", email=BOSS)
    with django_capture_on_commit_callbacks(execute=True):
        case = cases()
        move(case, story.dana, Action.TAKE)
    Notification.objects.all().delete()
    mail.outbox.clear()
    return case


def escalated_mails() -> dict[str, str]:
    """Each recipient of a `case_escalated` email → its plain text."""
    return {to: m.body for m in mail.outbox if "Escalated to level" in m.subject for to in m.to}


def test_a_customers_escalation_tells_the_levels_contacts_the_assignee_and_the_csm(
    story: Story, taken: Case, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.case_escalate(actor=story.alice, case=taken, reason="Payroll runs tonight", channel="portal")
    sent = escalated_mails()
    assert sorted(sent) == ["dana@provider.example", "erin@provider.example", "frank@provider.example"]
    body = sent["erin@provider.example"]
    assert "Alice Acme escalated case" in body and "level 1 (Duty manager)" in body
    assert "Reason: Payroll runs tonight" in body and f"/agent/cases/{taken.number}/" in body
    (message,) = [m for m in mail.outbox if "Escalated to level 1" in m.subject]
    assert message.subject.startswith(f"[#{taken.number}]")
    in_app = Notification.objects.filter(case=taken, verb="escalated").values_list("user__email", flat=True)
    assert sorted(in_app) == [
        "dana@provider.example",
        "erin@provider.example",
        "frank@provider.example",
    ]  # fmt: skip  (Alice escalated: she is not told)


def test_a_plain_address_contact_gets_the_portal_link_and_the_actor_is_not_told(
    story: Story, taken: Case, django_capture_on_commit_callbacks: Capture
) -> None:
    services.case_escalate(actor=story.dana, case=taken, reason="First step", channel="portal")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.case_escalate(actor=story.dana, case=taken, reason="Still down", channel="portal")
    sent = escalated_mails()
    assert sorted(sent) == [BOSS, "frank@provider.example"]  # Dana escalated: not told
    assert f"/cases/{taken.number}/" in sent[BOSS] and "/agent/" not in sent[BOSS]
    assert "level 2 (Director)" in sent[BOSS]
    assert not Notification.objects.filter(user=story.dana, verb="escalated").exists()
    told = Notification.objects.filter(verb="escalated").values_list("user__email", flat=True)
    assert sorted(told) == ["alice@acme.example", "frank@provider.example"]  # the requester sees it in-app


def test_customer_emails_carry_the_escalate_link(
    story: Story, taken: Case, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_add(actor=story.dana, case=taken, body="Please restart.", channel="portal")
    (reply,) = [m for m in mail.outbox if story.alice.email in m.to]
    assert f"/cases/{taken.number}/#escalate" in reply.body
    html = str(reply.alternatives[0][0])  # type: ignore[attr-defined]
    assert f'/cases/{taken.number}/#escalate">Escalate the case</a>' in html
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_add(actor=story.alice, case=taken, body="Done.", channel="portal")
    (to_agent,) = [m for m in mail.outbox if story.dana.email in m.to]
    assert "#escalate" not in to_agent.body  # agents escalate in the workspace
