"""The whole email journey over real sockets: a customer mails in over LMTP, the confirmation reaches an
SMTP server on loopback with the number and the token, the customer answers from Outlook (found by the
token, quote removed), an agent replies, and the customer's answer from Apple Mail threads by its
headers alone."""

from __future__ import annotations

import smtplib
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest

from supportal.cases.models import Case, Comment
from supportal.cases.services import comment_add
from supportal.channels.email.lmtp import LMTPController, lmtp_controller
from supportal.channels.email.threads import reference_token
from tests import smtp_server as smtp_fixtures
from tests.channels.email.mail import mail
from tests.conftest import Story
from tests.smtp_server import SmtpServer, free_port

smtp_server = smtp_fixtures.smtp_server
WAIT = 15.0


@pytest.fixture
def lmtp() -> Iterator[LMTPController]:
    controller = lmtp_controller("127.0.0.1", free_port())
    controller.start()
    try:
        yield controller
    finally:
        controller.stop()


def deliver(controller: LMTPController, raw: bytes, sender: str = "alice@acme.example") -> None:
    with smtplib.LMTP("127.0.0.1", controller.port, timeout=WAIT) as client:
        refused = client.sendmail(sender, ["support@example.com"], raw)
    assert not refused


def to_alice(server: SmtpServer, count: int) -> list[EmailMessage]:
    assert server.wait_for(count, WAIT), f"only {len(server.messages)} emails arrived"
    return [m for m in server.parsed() if "alice@acme.example" in str(m["To"])]


def text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())  # type: ignore[attr-defined]


@pytest.mark.django_db(transaction=True)
def test_a_case_by_email_from_first_mail_to_threaded_reply(
    story: Story, settings: Any, smtp_server: SmtpServer, lmtp: LMTPController
) -> None:
    smtp_server.deliver_here(settings)
    first = mail(
        subject="Cannot print from the warehouse laptop",
        body="Hi,\n\nprinting from WH-LAPTOP-7 fails with error 0x80070005.\n\nAlice",
        X_Mailer="Gmail",
    )
    deliver(lmtp, first)

    (confirmation,) = to_alice(smtp_server, 1)
    case = Case.objects.get()
    token = reference_token(case.number)
    assert confirmation["Subject"] == f"[#{case.number}] Cannot print from the warehouse laptop"
    assert token in text_of(confirmation) and case.number in text_of(confirmation)
    assert confirmation["Auto-Submitted"] == "auto-generated"
    assert confirmation["In-Reply-To"] == _message_id(first)

    outlook = mail(
        subject="RE: printing",
        X_Mailer="Microsoft Outlook 16.0",
        body="It also fails from WH-LAPTOP-9.\n\nAlice\n\n-----Original Message-----\n"
        f"From: Support <support@example.com>\nSent: Tuesday, December 1, 2026 10:02 AM\n"
        f"To: Alice Acme <alice@acme.example>\nSubject: {confirmation['Subject']}\n\n"
        f"{text_of(confirmation)}",
    )
    deliver(lmtp, outlook)
    comment = Comment.objects.get(case=case)
    assert comment.body == "It also fails from WH-LAPTOP-9.\n\nAlice"

    comment_add(
        actor=story.dana,
        case=case,
        channel="portal",
        body="Thanks. Please run `gpupdate /force` on both laptops and try again.",
    )
    comment_add(
        actor=story.dana,
        case=case,
        channel="portal",
        public=False,
        body="Probably the print server GPO from last week.",
    )
    replies = to_alice(smtp_server, 2)
    assert len(replies) == 2  # the internal note reached no customer
    agent_reply = replies[-1]
    assert "gpupdate /force" in text_of(agent_reply) and "GPO" not in text_of(agent_reply)
    assert agent_reply["In-Reply-To"] and _message_id(first) in str(agent_reply["References"])

    apple = mail(
        subject="Re: something else entirely",
        body="That fixed it, thank you!\n\nSent from my iPhone",
        In_Reply_To=str(agent_reply["Message-ID"]),
        References=str(agent_reply["References"]),
        X_Mailer="iPhone Mail (21A5326a)",
    )
    deliver(lmtp, apple)
    latest = Comment.objects.filter(case=case).order_by("-id").first()
    assert latest is not None and latest.author == story.alice
    assert latest.body == "That fixed it, thank you!"
    assert Case.objects.count() == 1


def _message_id(raw: bytes) -> str:
    from supportal.channels.email.inbound import header_message_id

    return header_message_id(raw)
