"""The inbound pipeline from the sender's side: what each message becomes, stored first and once."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail as sent_mail

from supportal.cases import services
from supportal.cases.lifecycle import Action, State
from supportal.cases.models import Case, Channel, Comment, Priority
from supportal.channels.email.inbound import inbound_receive, inbound_retry_due, inbound_store
from supportal.channels.email.models import InboundMessage, Outcome, Source, Status
from supportal.channels.email.threads import reference_token
from tests.channels.email.mail import mail
from tests.conftest import Story


def receive(raw: bytes) -> Any:
    return inbound_receive(raw, source=Source.PIPE)


def test_a_customer_mail_opens_a_p3_case_and_is_confirmed(story: Story) -> None:
    raw = mail(attachments=(("error.txt", "text/plain", b"paper jam at tray 2\n"),))
    receipt = receive(raw)
    assert receipt.outcome == Outcome.CREATED
    case = Case.objects.get(number=receipt.case)
    assert (case.requester, case.channel, case.priority) == (story.alice, Channel.EMAIL, Priority.P3)
    assert case.subject == "The printer on floor 3 is jammed"
    assert "jams on every page" in case.description
    assert [a.filename for a in case.attachments.all()] == ["error.txt"]
    row = InboundMessage.objects.get()
    assert (row.status, row.case, bytes(row.raw)) == (Status.DONE, case, raw)
    confirmation = [m for m in sent_mail.outbox if m.to == ["alice@acme.example"]]
    assert len(confirmation) == 1
    assert confirmation[0].subject == f"[#{case.number}] {case.subject}"
    assert reference_token(case.number) in confirmation[0].body


def test_the_same_message_twice_is_stored_and_delivered_once(story: Story) -> None:
    raw = mail()
    first, second = receive(raw), receive(raw)
    assert (first.outcome, second.outcome, second.duplicate) == (Outcome.CREATED, Outcome.CREATED, True)
    assert first.case == second.case
    assert (InboundMessage.objects.count(), Case.objects.count()) == (1, 1)


def test_a_message_stored_before_a_crash_is_finished_by_the_next_run(story: Story) -> None:
    row, created = inbound_store(mail(), source=Source.LMTP)  # the process died right after storing
    assert created and row.status == Status.RECEIVED and not Case.objects.exists()
    assert inbound_retry_due() == 1
    row.refresh_from_db()
    assert row.status == Status.DONE and Case.objects.count() == 1
    assert inbound_retry_due() == 0


@pytest.mark.parametrize("how", ["subject", "token", "headers"])
def test_a_reply_lands_on_its_case(story: Story, how: str) -> None:
    opened = receive(mail())
    case = Case.objects.get(number=opened.case)
    services.case_transition(actor=story.dana, case=case, action=Action.TAKE, channel="portal")
    services.case_transition(
        actor=story.dana, case=case, action=Action.ASK_INFO, channel="portal", reason="Which tray?"
    )
    quote = "\n\nOn Mon, 30 Nov 2026 at 10:00, Support <support@example.com> wrote:\n> Which tray?\n"
    headers: dict[str, str] = {}
    subject = "Re: the printer"
    if how == "subject":
        subject = f"Re: [#{case.number}] The printer on floor 3 is jammed"
    elif how == "token":
        quote += f"> {reference_token(case.number)}\n"
    else:
        confirmation = next(m for m in sent_mail.outbox if m.to == ["alice@acme.example"])
        headers = {"In_Reply_To": confirmation.extra_headers["Message-ID"]}
    receipt = receive(mail(subject=subject, body="Tray 2, the lower one." + quote, **headers))
    assert (receipt.outcome, receipt.case) == (Outcome.COMMENTED, case.number)
    comment = Comment.objects.get(case=case)
    assert comment.body == "Tray 2, the lower one."
    assert (comment.author, comment.channel) == (story.alice, Channel.EMAIL)
    case.refresh_from_db()
    assert case.state == State.OPEN  # the customer's answer reopened it


def test_someone_who_may_not_see_the_case_is_held_not_appended(story: Story) -> None:
    case = Case.objects.get(number=receive(mail()).case)  # Alice's private case
    for outsider in ("bob@acme.example", "charlie@globex.example"):
        receipt = receive(mail(sender=outsider, subject=f"Re: [#{case.number}] hi", body="Me too."))
        assert (receipt.outcome, receipt.case) == (Outcome.HELD, case.number)
    assert not Comment.objects.filter(case=case).exists()
    assert InboundMessage.objects.filter(status=Status.HELD, reason_code="not-allowed").count() == 2


def test_an_unknown_sender_is_held_and_answered_once(story: Story) -> None:
    for _ in range(3):
        receipt = receive(mail(sender="stranger@elsewhere.example", body="Can you help?"))
        assert receipt.outcome == Outcome.HELD and "unknown" in receipt.reason.lower()
    answers = [m for m in sent_mail.outbox if m.to == ["stranger@elsewhere.example"]]
    assert len(answers) == 1  # one polite answer a day, never silence and never a flood
    assert answers[0].extra_headers["Auto-Submitted"] == "auto-generated"
    assert not Case.objects.exists()


def test_an_allowed_domain_registers_the_sender(story: Story) -> None:
    story.acme.self_registration = True
    story.acme.save()
    receipt = receive(mail(sender="Eve Newcomer <eve@acme.example>"))
    case = Case.objects.get(number=receipt.case)
    assert (case.requester.email, case.requester.name, case.organisation) == (
        "eve@acme.example",
        "Eve Newcomer",
        story.acme,
    )


def test_a_plan_that_requires_the_portal_holds_new_mail_and_says_how(story: Story) -> None:
    story.standard.portal_required_for_new_cases = True
    story.standard.save()
    receipt = receive(mail())
    assert (receipt.outcome, InboundMessage.objects.get().reason_code) == (Outcome.HELD, "portal-required")
    answer = next(m for m in sent_mail.outbox if m.to == ["alice@acme.example"])
    assert "/cases/new/" in answer.body


def test_a_reply_to_a_closed_case_opens_a_follow_up(story: Story) -> None:
    case = Case.objects.get(number=receive(mail()).case)
    services.case_transition(actor=story.alice, case=case, action=Action.CLOSE, channel="portal")
    receipt = receive(mail(subject=f"Re: [#{case.number}] printer", body="It jams again."))
    assert receipt.outcome == Outcome.CREATED and receipt.case != case.number
    assert "follow-up" in receipt.reason.lower()


def test_automatic_mail_opens_nothing_and_gets_no_answer(story: Story) -> None:
    sent_mail.outbox.clear()
    receipts = [
        receive(mail(subject="Out of Office: back Monday", Auto_Submitted="auto-replied")),
        receive(mail(sender="MAILER-DAEMON@mx.acme.example", subject="Undelivered Mail Returned to Sender")),
        receive(mail(subject="Newsletter", Precedence="bulk")),
        receive(mail(subject="Loop", X_Supportal_Loop="support@example.com")),
    ]
    assert [r.outcome for r in receipts] == [Outcome.IGNORED] * 4
    assert not Case.objects.exists() and not sent_mail.outbox


def test_a_person_asking_for_no_automatic_answers_gets_a_case_but_no_confirmation(story: Story) -> None:
    receipt = receive(mail(X_Auto_Response_Suppress="All"))
    assert receipt.outcome == Outcome.CREATED
    assert not [m for m in sent_mail.outbox if m.to == ["alice@acme.example"]]


def test_a_watcher_without_an_account_may_reply(story: Story) -> None:
    case = Case.objects.get(number=receive(mail()).case)
    services.watcher_add(actor=story.alice, case=case, watcher="facilities@partner.example", channel="portal")
    receipt = receive(
        mail(
            sender="facilities@partner.example",
            subject=f"Re: [#{case.number}]",
            body="We replaced the roller.",
        )
    )
    assert receipt.outcome == Outcome.COMMENTED
    comment = Comment.objects.get(case=case)
    assert comment.author_label == "facilities@partner.example (watcher)" and comment.public


def test_unreadable_input_is_kept_and_held(story: Story) -> None:
    receipt = receive(b"\x00\x01 this is not mail \xff")
    assert receipt.outcome == Outcome.HELD
    row = InboundMessage.objects.get()
    assert bytes(row.raw) == b"\x00\x01 this is not mail \xff" and row.reason_code == "unreadable"


def test_agents_see_the_original_email_behind_a_case_and_its_replies(story: Story, client: Any) -> None:
    case = Case.objects.get(number=receive(mail()).case)
    receive(mail(subject=f"Re: [#{case.number}]", body="More details: it is the HP one."))
    originals = list(InboundMessage.objects.order_by("id").values_list("pk", flat=True))
    client.force_login(story.dana)
    page = client.get(f"/agent/cases/{case.number}/").content.decode()
    for pk in originals:
        assert f'href="/agent/email/{pk}/"' in page
    client.force_login(story.alice)
    assert "original email" not in client.get(f"/cases/{case.number}/").content.decode()


def test_people_copied_on_a_new_mail_watch_the_case(story: Story) -> None:
    cc = "Bob <bob@acme.example>, charlie@globex.example, facilities@partner.example, support@example.com"
    case = Case.objects.get(number=receive(mail(Cc=cc)).case)
    watching = set(case.watchers.values_list("email", flat=True))
    assert watching == {"bob@acme.example", "facilities@partner.example"}  # never another organisation's


def test_a_reply_to_a_merged_case_lands_on_the_one_it_was_merged_into(story: Story) -> None:
    duplicate = Case.objects.get(number=receive(mail(subject="Printer jammed again")).case)
    survivor = Case.objects.get(number=receive(mail(subject="Printer on floor 3")).case)
    services.case_merge(actor=story.dana, duplicate=duplicate, survivor=survivor, channel="portal")
    receipt = receive(mail(subject=f"Re: [#{duplicate.number}] Printer jammed again", body="Still jammed."))
    assert (receipt.outcome, receipt.case) == (Outcome.COMMENTED, survivor.number)
