"""The emails a case sends: who gets which message, what it says, and how it threads.

Everything runs the real way: the services change the case, the domain events reach the email subscriber
after commit, each message goes through the outbox and a delivery job, and the test reads the bytes that
were delivered (the locmem delivery backend keeps them in `mail.outbox`).
"""

from __future__ import annotations

import email
import email.policy
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from supportal.accounts.models import User
from supportal.cases import services
from supportal.cases.lifecycle import Action, State
from supportal.cases.models import Case, CaseEvent, EventKind
from supportal.channels.email.models import ThreadMessage
from supportal.channels.email.threads import reference_token
from supportal.core.domain_events import DomainEvent
from supportal.notifications.case_emails import email_people, send_case_confirmation, send_inbound_answer
from supportal.notifications.models import OutboundEmail
from supportal.notifications.preferences import preferences_update
from tests.cases import conftest as case_fixtures
from tests.cases.conftest import CaseMaker, move, reply
from tests.cases.test_attachments import upload
from tests.conftest import Story

Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]
cases = case_fixtures.cases
OPS = "ops@acme.example"  # a plain-address watcher
BASE = "http://127.0.0.1:8000"


@dataclass
class Sent:
    to: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def text(self) -> str:
        return str(self.message.get_body(("plain",)).get_content())  # type: ignore[union-attr]

    @property
    def html(self) -> str:
        return str(self.message.get_body(("html",)).get_content())  # type: ignore[union-attr]


def delivered() -> list[Sent]:
    """Every message delivered so far, parsed from the bytes that went out."""
    found = []
    for sent in mail.outbox:
        raw = sent.message().as_bytes()
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        found.append(Sent(sorted(sent.to), parsed))  # type: ignore[arg-type]
    return found


def to_(*people: User | str) -> list[str]:
    return sorted(p if isinstance(p, str) else p.email for p in people)


def recipients() -> list[list[str]]:
    return sorted(s.to for s in delivered())


@pytest.fixture(autouse=True)
def through_the_outbox(settings: Any) -> None:
    """pytest-django swaps EMAIL_BACKEND for locmem; put the real outbox back (delivery stays locmem)."""
    settings.EMAIL_BACKEND = "supportal.notifications.backends.OutboxBackend"
    settings.BASE_URL = BASE


@pytest.fixture
def run(django_capture_on_commit_callbacks: Capture) -> Callable[..., Any]:
    """`run(fn, ...)`: call a service and let its after-commit work (events, emails) happen."""

    def call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return call


@pytest.fixture
def taken(story: Story, cases: CaseMaker, run: Callable[..., Any]) -> Case:
    """Alice's case, watched by Bob and a plain address, taken by Dana; no email delivered so far."""
    case: Case = run(cases, watchers=[story.bob, OPS])
    run(move, case, story.dana, Action.TAKE)
    mail.outbox.clear()
    return case


def choose(user: User, *, comments: bool = True, state_changes: bool = True, new_cases: bool = False) -> None:
    """Save the person's notification preferences through the account page's service."""
    preferences_update(
        actor=user, email_on_comment=comments, email_on_state_change=state_changes,
        email_on_new_case_in_organisation=new_cases, in_app=True, digest="none",
    )  # fmt: skip


# --- The confirmation


def test_a_new_case_is_confirmed_with_number_priority_link_and_token(
    story: Story, cases: CaseMaker, run: Callable[..., Any]
) -> None:
    case: Case = run(cases, watchers=[story.bob, OPS], description="It started **on Monday**.")

    confirmation, copy = sorted(delivered(), key=lambda s: len(s.to))
    assert confirmation.to == to_(story.alice)
    assert confirmation.subject == f"[#{case.number}] The VPN drops every ten minutes"
    token = reference_token(case.number)
    link = f"{BASE}/cases/{case.number}/"
    for body in (confirmation.text, confirmation.html):
        assert f"Reference: {token}" in body
        assert case.number in body and "P3 Medium" in body and link in body
        assert "reply to this email" in body
    assert "<strong>on Monday</strong>" in confirmation.html
    assert "**" not in confirmation.text
    assert confirmation.message["Auto-Submitted"] == "auto-generated"
    assert confirmation.message["Message-ID"]

    assert copy.to == to_(story.bob, OPS)  # the watchlist copy: one message for both
    assert "you are on its watchlist" in copy.text and f"Reference: {token}" in copy.html


def test_an_agent_filing_for_a_customer_is_not_emailed_but_the_customer_is(
    story: Story, cases: CaseMaker, run: Callable[..., Any]
) -> None:
    run(cases, actor=story.dana, requester=story.bob)
    assert recipients() == [to_(story.bob)]


def test_a_case_for_the_virtual_user_goes_to_the_group_alias_only_when_it_has_one(
    story: Story, cases: CaseMaker, run: Callable[..., Any]
) -> None:
    run(cases, actor=story.dana)  # Acme's virtual user has no alias: acme-corp@virtual.invalid
    assert delivered() == []
    virtual = story.acme.virtual_user
    assert virtual is not None
    virtual.email = "it-team@acme.example"
    virtual.save()
    run(cases, actor=story.dana)
    assert recipients() == [["it-team@acme.example"]]


def test_cases_opened_by_email_are_confirmed_by_the_pipeline_not_the_subscriber(
    story: Story, cases: CaseMaker, run: Callable[..., Any]
) -> None:
    case: Case = run(cases, channel="email")
    assert delivered() == []
    run(send_case_confirmation, case, to=["alice@acme.example"])
    [confirmation] = delivered()
    assert confirmation.subject.startswith(f"[#{case.number}] ")
    assert reference_token(case.number) in confirmation.text


def test_colleagues_who_asked_hear_of_new_shared_cases(
    story: Story, cases: CaseMaker, run: Callable[..., Any]
) -> None:
    choose(story.alice, new_cases=True)
    run(cases, actor=story.bob, subject="Printer on fire")  # private: Alice may not see it
    assert recipients() == [to_(story.bob)]
    mail.outbox.clear()

    case: Case = run(cases, actor=story.bob, subject="Shared printer", visibility="organization")
    told = {tuple(s.to): s for s in delivered()}
    assert sorted(told) == [(story.alice.email,), (story.bob.email,)]
    news = told[(story.alice.email,)]
    assert news.subject == f"[#{case.number}] Shared printer"
    assert "Bob Acme has opened a case for Acme Corp" in news.text


# --- Replies and notes


def test_an_agents_reply_goes_to_the_requester_and_watchers_in_one_message(
    story: Story, taken: Case, run: Callable[..., Any]
) -> None:
    run(reply, taken, story.dana, "Please **restart** the client.", files=[upload("log.png")])

    [message] = delivered()
    assert message.to == to_(story.alice, story.bob, OPS)  # not Dana, who wrote it
    assert message.subject == f"[#{taken.number}] {taken.subject}"
    assert "Please restart the client." in message.text and "Dana Agent wrote" in message.text
    assert "Please <strong>restart</strong> the client." in message.html
    assert "log.png" in message.text and "log.png" in message.html
    assert all(part.get_filename() is None for part in message.message.walk())  # listed, not attached


def test_html_written_in_a_reply_is_shown_as_text_not_markup(
    story: Story, taken: Case, run: Callable[..., Any]
) -> None:
    run(reply, taken, story.dana, "Type <b>ping</b> & wait.")
    [message] = delivered()
    assert "<b>ping</b>" not in message.html
    assert "&lt;b&gt;ping&lt;/b&gt; &amp; wait." in message.html


def test_internal_notes_never_reach_the_customer_side(
    story: Story, taken: Case, run: Callable[..., Any]
) -> None:
    run(reply, taken, story.erin, "The firewall again, I think.", public=False)
    [message] = delivered()
    assert message.to == to_(story.dana)  # the assignee, told by another agent
    assert "internal note" in message.text
    assert f"{BASE}/agent/cases/{taken.number}/" in message.text

    mail.outbox.clear()
    run(reply, taken, story.dana, "Checked: it is the firewall.", public=False)
    assert delivered() == []  # the assignee wrote it: nobody to tell


def test_a_note_right_before_a_move_stays_out_of_the_customers_email(
    story: Story, taken: Case, run: Callable[..., Any], django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # one after the other, as a macro would
        reply(taken, story.erin, "Vendor ticket VX-99, do not tell them yet.", public=False)
        move(taken, story.erin, Action.HOLD, reason="Waiting for the vendor")
    told = {tuple(s.to): s for s in delivered()}
    customers, assignee = told[tuple(to_(story.alice, story.bob, OPS))], told[(story.dana.email,)]
    assert "VX-99" not in customers.text + customers.html
    assert "On Hold" in customers.text
    assert "VX-99" in assignee.text  # the assignee still gets the note


def test_a_customers_reply_goes_to_the_assignee_and_the_other_customers(
    story: Story, taken: Case, run: Callable[..., Any]
) -> None:
    run(reply, taken, story.alice, "Restarted, still broken.")
    assert recipients() == [to_(story.bob, OPS), to_(story.dana)]
    agent_copy = next(s for s in delivered() if s.to == to_(story.dana))
    assert f"{BASE}/agent/cases/{taken.number}/" in agent_copy.html


def test_a_preference_turned_off_is_respected_and_plain_watchers_still_hear(
    story: Story, taken: Case, run: Callable[..., Any]
) -> None:
    choose(story.bob, comments=False)
    run(reply, taken, story.dana, "Please restart the client.")
    assert recipients() == [to_(story.alice, OPS)]

    mail.outbox.clear()
    run(move, taken, story.dana, Action.HOLD, reason="Waiting for the vendor")
    assert recipients() == [to_(story.alice, story.bob, OPS)]  # state changes are another choice


def test_inactive_watchers_are_not_emailed(story: Story, taken: Case, run: Callable[..., Any]) -> None:
    story.bob.is_active = False
    story.bob.save()
    run(reply, taken, story.dana, "Please restart the client.")
    assert recipients() == [to_(story.alice, OPS)]


# --- Moves


def test_asking_for_information_sends_the_question_once(
    story: Story, taken: Case, run: Callable[..., Any]
) -> None:
    run(move, taken, story.dana, Action.ASK_INFO, comment="Which **client version** do you run?")

    [message] = delivered()  # the comment came with the move: one email, not two
    assert message.to == to_(story.alice, story.bob, OPS)
    assert "needs more information" in message.text
    assert "Which client version do you run?" in message.text
    assert "<strong>client version</strong>" in message.html
    assert f"Reference: {reference_token(taken.number)}" in message.text

    mail.outbox.clear()  # Alice answers: her reply reopens the case, and only the reply is told
    run(reply, taken, story.alice, "Version 5.1.")
    taken.refresh_from_db()
    assert taken.state == State.OPEN
    assert recipients() == [to_(story.bob, OPS), to_(story.dana)]
    assert all("Version 5.1." in s.text for s in delivered())


def test_resolving_asks_to_accept_or_reject(
    story: Story, taken: Case, run: Callable[..., Any], settings: Any
) -> None:
    settings.SUPPORTAL_AUTO_CLOSE_DAYS = 5
    choose(story.bob, state_changes=False)
    run(move, taken, story.dana, Action.RESOLVE, comment="Replaced the tunnel config.")

    [message] = delivered()
    assert message.to == to_(story.alice, OPS)
    link = f"{BASE}/cases/{taken.number}/"
    for body in (message.text, message.html):
        assert f"{link}#accept" in body and f"{link}#reject" in body
        assert "Replaced the tunnel config." in body
        assert "closes by itself after 5 days" in body
    assert "Accept the solution" in message.html and "Reject it" in message.html


def test_an_earlier_reply_is_not_repeated_in_a_later_moves_email(
    story: Story, taken: Case, run: Callable[..., Any]
) -> None:
    run(reply, taken, story.dana, "Try the new profile.")
    with time_machine.travel(timezone.now() + timedelta(minutes=10)):
        run(move, taken, story.dana, Action.RESOLVE)
    reply_email, resolved = delivered()
    assert "Try the new profile." in reply_email.text
    assert "has resolved case" in resolved.text and "Try the new profile." not in resolved.text


def test_other_moves_say_the_new_state_and_a_customers_move_tells_the_assignee(
    story: Story, taken: Case, run: Callable[..., Any]
) -> None:
    run(move, taken, story.dana, Action.HOLD, reason="Waiting for the vendor")
    [held] = delivered()
    assert "Open → On Hold" in held.text and "Waiting for the vendor" in held.text

    mail.outbox.clear()
    run(move, taken, story.alice, Action.CLOSE)
    assert recipients() == [to_(story.bob, OPS), to_(story.dana)]  # not Alice, who closed it
    assert all("→ Closed" in s.text for s in delivered())


def test_a_priority_change_names_old_new_and_reason(
    story: Story, taken: Case, run: Callable[..., Any]
) -> None:
    run(
        services.case_update, actor=story.dana, case=taken, channel="portal",
        priority="P1", reason="The whole office is down",
    )  # fmt: skip
    [message] = delivered()
    assert message.to == to_(story.alice, story.bob, OPS)
    assert "P3 Medium → P1 Critical" in message.text and "The whole office is down" in message.html


# --- Threading and the outbox


def test_every_message_is_stored_and_later_ones_thread_under_the_first(
    story: Story, cases: CaseMaker, run: Callable[..., Any]
) -> None:
    case: Case = run(cases)
    run(move, case, story.dana, Action.TAKE)
    run(reply, case, story.dana, "On it.")

    first, second, third = delivered()
    rows = list(OutboundEmail.objects.filter(case=case).order_by("id"))
    assert [r.message_id for r in rows] == [m.message["Message-ID"] for m in (first, second, third)]
    assert [r.kind for r in rows] == ["case_confirmation", "case_state_changed", "case_reply"]
    assert first.message["In-Reply-To"] is None
    origin = str(first.message["Message-ID"])
    assert second.message["In-Reply-To"] == origin
    assert third.message["In-Reply-To"] == second.message["Message-ID"]
    assert str(third.message["References"]).split() == [origin, str(second.message["Message-ID"])]
    assert ThreadMessage.objects.filter(case=case).count() == 3


def test_the_subscriber_does_a_bounded_number_of_queries(
    story: Story, taken: Case, run: Callable[..., Any], django_assert_max_num_queries: Any
) -> None:
    def comment_event() -> DomainEvent:
        run(reply, taken, story.alice, "Still broken.")
        row = CaseEvent.objects.filter(case=taken, kind=EventKind.COMMENTED).latest("id")
        return DomainEvent("case.commented", case_id=taken.pk, event_id=row.pk, actor_id=story.alice.pk)

    event = comment_event()
    with django_assert_max_num_queries(16) as few:  # 14: two messages, each with its thread rows
        email_people(event)
    for n in range(6):  # a longer watchlist costs no more queries
        services.watcher_add(
            actor=story.dana, case=taken, watcher=f"watcher{n}@acme.example", channel="portal"
        )
    services.watcher_add(actor=story.dana, case=taken, watcher=story.frank, channel="portal")
    event = comment_event()
    before = OutboundEmail.objects.count()
    with django_assert_max_num_queries(len(few.captured_queries)):
        email_people(event)
    customers, assignee = OutboundEmail.objects.order_by("id")[before:]
    assert len(customers.recipients) == 9 and assignee.recipients == [story.dana.email]


# --- The pipeline's automatic answers


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("email_register_first", f"{BASE}/accounts/register/"),
        ("email_portal_required", f"{BASE}/cases/new/"),
        ("email_not_allowed", "not added to case 2612000001"),
    ],
)
def test_automatic_answers_thread_under_the_message_they_answer(
    db: None, run: Callable[..., Any], name: str, says: str
) -> None:
    context = {"subject": "Help with <VPN>", "name": "Sam Stranger", "case_number": "2612000001"}
    message_id = run(
        send_inbound_answer,
        name,
        to="stranger@elsewhere.example",
        context=context,
        in_reply_to="<m1@x.example>",
    )
    [answer] = delivered()
    assert answer.to == ["stranger@elsewhere.example"]
    assert answer.message["Message-ID"] == message_id
    assert answer.message["In-Reply-To"] == answer.message["References"] == "<m1@x.example>"
    assert answer.message["Auto-Submitted"] == "auto-generated"
    assert says in answer.text and "has been kept" in answer.text and "Hello Sam Stranger," in answer.html
    assert "Help with <VPN>" in answer.text and "Help with &lt;VPN&gt;" in answer.html
    assert not ThreadMessage.objects.exists()


def test_an_unknown_automatic_answer_is_refused(db: None) -> None:
    with pytest.raises(ValueError, match="Unknown automatic answer"):
        send_inbound_answer("email_whatever", to="a@b.example", context={})
