"""Held email, handled by an agent (channels.email.held): attached to a case as the sender's reply or as an
internal note, made a case for a chosen customer, discarded with a reason, or retried after a failure.
Every action is audited, allowed only once (from held or failed) and refused to customers.

The messages are real bytes delivered through `inbound_receive`, as the mail server's pipe would. The
helpers here (`eml`, `deliver`, `stranger_mail`) are shared with the page tests."""

from __future__ import annotations

from typing import Any

import pytest

from supportal.audit.models import AuditRecord
from supportal.cases import services as case_services
from supportal.cases.models import Case, Comment
from supportal.channels.email import held, inbound, pipeline
from supportal.channels.email.models import Direction, InboundMessage, Outcome, Status, ThreadMessage
from supportal.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from tests.channels.email.mail import mail
from tests.conftest import Story

STRANGER = "stranger@unknown.example"


def eml(
    *,
    sender: str = f"Stranger <{STRANGER}>",
    subject: str = "Printer on fire",
    text: str = "Hello,\n\nthe printer on the third floor is on fire.\n\nPat",
    message_id: str = "<printer-1@unknown.example>",
    headers: dict[str, str] | None = None,
    files: dict[str, bytes] | None = None,
) -> bytes:
    """A message as a mail client writes it (tests/channels/email/mail.py), from a stranger by default."""
    attachments = tuple((name, "application/octet-stream", data) for name, data in (files or {}).items())
    extra = {name.replace("-", "_"): value for name, value in (headers or {}).items()}
    return mail(sender, subject, text, message_id=message_id, attachments=attachments, **extra)


def deliver(raw: bytes) -> InboundMessage:
    """Deliver `raw` as `supportal ingest-email` would, and return its stored row."""
    receipt = inbound.inbound_receive(raw, source="pipe")
    return InboundMessage.objects.get(pk=receipt.message)


def stranger_mail(n: int = 1, **kwargs: Any) -> InboundMessage:
    """A message from an address nobody has: held ("unknown-sender", or "unknown-sender-on-case" when it
    names a case)."""
    row = deliver(eml(message_id=f"<printer-{n}@unknown.example>", **kwargs))
    assert row.status == Status.HELD and row.reason_code.startswith("unknown-sender"), row.reason
    return row


def bobs_case(story: Story) -> Case:
    return case_services.case_create(
        actor=story.bob, organisation=story.acme, subject="VPN drops every hour", channel="portal"
    )


def bob_on_alices_case(story: Story) -> InboundMessage:
    """Bob writes about Alice's private case, which he may not see: held, "not-allowed"."""
    alices = case_services.case_create(
        actor=story.alice, organisation=story.acme, subject="Alice's own problem", channel="portal"
    )
    row = deliver(
        eml(
            sender="Bob Acme <bob@acme.example>", subject=f"Re: [#{alices.number}] Alice's own problem",
            text="The VPN dropped again at 10:00.\n\nOn Monday, Alice wrote:\n> Alice's own problem",
            message_id="<bob-1@acme.example>",
        )
    )  # fmt: skip
    assert (row.status, row.reason_code, row.case) == (Status.HELD, "not-allowed", alices), row.reason
    return row


def audit_actions(row: InboundMessage) -> list[str]:
    return list(
        AuditRecord.objects.filter(object_type="mail.inboundmessage", object_id=str(row.pk))
        .order_by("position")
        .values_list("action", flat=True)
    )


def test_attaching_mail_from_someone_who_may_comment_adds_their_reply(story: Story) -> None:
    message = bob_on_alices_case(story)
    case = bobs_case(story)
    comment = held.held_attach(actor=story.dana, message=message, case=case)
    assert comment.case == case and comment.public
    assert (comment.author, comment.on_behalf_of) == (story.dana, story.bob)
    assert comment.body == "The VPN dropped again at 10:00."  # the quoted text is left out
    message.refresh_from_db()
    assert (message.status, message.outcome, message.case, message.comment) == (
        Status.DONE, Outcome.COMMENTED, case, comment
    )  # fmt: skip
    assert message.reason == f"Attached to {case.number} by Dana Agent."
    assert message.handled_by == story.dana and message.handled_at is not None
    assert ThreadMessage.objects.filter(
        case=case, message_id="<bob-1@acme.example>", direction=Direction.IN
    ).exists()
    assert audit_actions(message) == ["inbound_email.attached"]
    record = AuditRecord.objects.get(action="inbound_email.attached")
    assert record.actor_id == story.dana.pk and record.organisation_id == story.acme.pk
    assert record.old["status"] == "held" and record.new["status"] == "done"


def test_attaching_a_strangers_mail_adds_an_internal_note_with_its_files(story: Story) -> None:
    message = stranger_mail(files={"smoke.log": b"smoke detected\n"})
    case = bobs_case(story)
    comment = held.held_attach(actor=story.dana, message=message, case=case)
    assert not comment.public and comment.author == story.dana and comment.on_behalf_of is None
    assert comment.body.startswith(f"Email from {STRANGER}:\n\nHello,")
    assert [a.filename for a in comment.attachments.all()] == ["smoke.log"]
    assert [a.public for a in comment.attachments.all()] == [False]


def test_a_later_reply_to_an_attached_message_finds_the_case(story: Story) -> None:
    message = stranger_mail()
    case = bobs_case(story)
    held.held_attach(actor=story.dana, message=message, case=case)
    reply = deliver(
        eml(sender="Bob Acme <bob@acme.example>", subject="Re: Printer on fire", text="Now it is out.",
            message_id="<bob-2@acme.example>", headers={"In-Reply-To": "<printer-1@unknown.example>"})
    )  # fmt: skip
    assert (reply.status, reply.outcome, reply.case) == (Status.DONE, Outcome.COMMENTED, case)


def test_creating_a_case_for_a_customer(story: Story, mailoutbox: list[Any]) -> None:
    message = stranger_mail(files={"photo.bin": b"\x00\x01smoke"})
    mailoutbox.clear()  # the stranger was asked to register
    case = held.held_create_case(actor=story.dana, message=message, requester=story.bob)
    assert (case.requester, case.filed_by, case.organisation, case.channel) == (
        story.bob, story.dana, story.acme, "email"
    )  # fmt: skip
    assert case.subject == "Printer on fire" and case.priority == "P3"
    assert "the printer on the third floor is on fire" in case.description
    assert [a.filename for a in case.attachments.all()] == ["photo.bin"]
    message.refresh_from_db()
    assert (message.status, message.outcome, message.case) == (Status.DONE, Outcome.CREATED, case)
    assert message.reason == f"Case {case.number} opened for Bob Acme by Dana Agent."
    assert ThreadMessage.objects.filter(case=case, message_id="<printer-1@unknown.example>").exists()
    (confirmation,) = mailoutbox
    assert (
        confirmation.to == ["bob@acme.example"]
        and confirmation.subject == f"[#{case.number}] Printer on fire"
    )
    assert audit_actions(message) == ["inbound_email.case_created"]


def test_the_agent_may_give_the_new_case_its_own_subject(story: Story) -> None:
    message = stranger_mail()
    case = held.held_create_case(actor=story.dana, message=message, requester=story.bob, subject="  Fire  ")
    assert case.subject == "Fire"


@pytest.mark.parametrize("who", ["dana", "erin"])
def test_a_case_is_only_for_a_customer(story: Story, who: str) -> None:
    message = stranger_mail()
    with pytest.raises(InvalidInput) as refused:
        held.held_create_case(actor=story.dana, message=message, requester=getattr(story, who))
    assert "requester" in refused.value.fields
    assert InboundMessage.objects.get(pk=message.pk).status == Status.HELD
    assert not Case.objects.exists()


def test_discarding_needs_a_reason_and_keeps_the_message(story: Story) -> None:
    raw = eml()
    message = deliver(raw)
    for reason in ("", "   "):
        with pytest.raises(InvalidInput) as refused:
            held.held_discard(actor=story.dana, message=message, reason=reason)
        assert "reason" in refused.value.fields
    held.held_discard(actor=story.dana, message=message, reason="Spam  about printers")
    message.refresh_from_db()
    assert message.status == Status.DISCARDED
    assert message.reason == "Discarded by Dana Agent: Spam about printers"
    assert bytes(message.raw) == raw  # kept, byte for byte
    assert audit_actions(message) == ["inbound_email.discarded"]
    assert AuditRecord.objects.get(action="inbound_email.discarded").new["why"] == "Spam about printers"


def test_only_held_or_failed_mail_is_handled(story: Story) -> None:
    case = bobs_case(story)
    discarded = stranger_mail()
    held.held_discard(actor=story.dana, message=discarded, reason="spam")
    opened = deliver(eml(sender="Bob Acme <bob@acme.example>", message_id="<bob-9@acme.example>"))
    assert opened.status == Status.DONE
    for message in (discarded, opened):
        with pytest.raises(Conflict):
            held.held_attach(actor=story.dana, message=message, case=case)
        with pytest.raises(Conflict):
            held.held_create_case(actor=story.dana, message=message, requester=story.bob)
        with pytest.raises(Conflict):
            held.held_discard(actor=story.dana, message=message, reason="again")
    with pytest.raises(Conflict):  # retry is for failed mail only
        held.held_retry(actor=story.dana, message=stranger_mail(2))
    assert Comment.objects.count() == 0
    assert audit_actions(discarded) == ["inbound_email.discarded"]


@pytest.mark.parametrize("who", ["alice", "bob", "charlie"])
def test_customers_never_see_or_handle_inbound_mail(story: Story, who: str) -> None:
    customer = getattr(story, who)
    message = stranger_mail()
    case = bobs_case(story)
    assert not held.inbound_visible_to(customer).exists()
    assert held.inbound_visible_to(story.dana).count() == 1
    with pytest.raises(NotFound):
        held.inbound_for(customer, message.pk)
    with pytest.raises(Forbidden):
        held.held_attach(actor=customer, message=message, case=case)
    with pytest.raises(Forbidden):
        held.held_create_case(actor=customer, message=message, requester=story.bob)
    with pytest.raises(Forbidden):
        held.held_discard(actor=customer, message=message, reason="mine")
    with pytest.raises(Forbidden):
        held.raw_download(actor=customer, message=message)
    message.refresh_from_db()
    assert message.status == Status.HELD and audit_actions(message) == []


def test_retrying_a_failed_message_runs_the_pipeline_again(
    story: Story, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(_: object) -> None:
        raise RuntimeError("the database hiccuped")

    monkeypatch.setattr(pipeline, "FILTERS", [broken])  # a fault, injected where the pipeline runs
    monkeypatch.setattr(inbound, "MAX_ATTEMPTS", 1)
    failed = deliver(eml())
    assert failed.status == Status.FAILED and "hiccuped" in failed.last_error
    assert held.inbound_for(story.dana, failed.pk).status == Status.FAILED
    monkeypatch.undo()
    receipt = held.held_retry(actor=story.dana, message=failed)
    assert receipt.outcome == Outcome.HELD and failed.status == Status.HELD
    assert failed.reason_code == "unknown-sender"
    assert audit_actions(failed) == ["inbound_email.retried"]


def test_the_raw_download_is_the_message_byte_for_byte(story: Story) -> None:
    raw = eml()
    message = deliver(raw)
    data, filename = held.raw_download(actor=story.dana, message=message)
    assert data == raw and filename == f"{message.pk}.eml"
