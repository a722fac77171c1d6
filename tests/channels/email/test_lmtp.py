"""The LMTP receiver from a mail server's side: Python's LMTP client delivers over loopback to the real
aiosmtpd server, in this process and as the `supportal lmtp` command.

RFC 2033 wants one reply per recipient after DATA. smtplib.LMTP reads only the first, so `deliver` reads
the others itself: a server answering once would leave the client waiting (and the test failing)."""

from __future__ import annotations

import os
import signal
import smtplib
import sqlite3
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from supportal.cases.models import Case
from supportal.channels.email.lmtp import lmtp_controller
from supportal.channels.email.models import InboundMessage, Outcome, Source, Status
from tests.channels.email.mail import mail
from tests.conftest import Story
from tests.core.subprocesses import SUPPORTAL, Output, start, stop, supportal_env
from tests.notifications.smtp_sink import free_port

Reply = tuple[int, str]
STARTUP_SECONDS = 120
TIMEOUT = 60


def wire(raw: bytes) -> bytes:
    return raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def deliver(
    port: int, raw: bytes, recipients: Sequence[str], sender: str = "alice@acme.example"
) -> list[Reply]:
    """One LMTP transaction; the replies after DATA, one per recipient."""
    with smtplib.LMTP("127.0.0.1", port, timeout=TIMEOUT) as client:
        assert client.ehlo()[0] == 250  # LHLO
        assert client.mail(sender)[0] == 250
        for recipient in recipients:
            assert client.rcpt(recipient)[0] == 250
        replies = [client.data(raw)]
        replies += [client.getreply() for _ in recipients[1:]]
        return [(code, text.decode()) for code, text in replies]


@contextmanager
def lmtp_receiver() -> Iterator[int]:
    """An LMTP receiver in this process, on a free port, stopped afterwards."""
    port = free_port()
    controller = lmtp_controller("127.0.0.1", port)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


@pytest.fixture
def lmtp_port(transactional_db: None) -> Iterator[int]:
    """Deliveries are stored from the receiver's own threads, which see only committed data: the tests
    using it run outside a transaction."""
    with lmtp_receiver() as port:
        yield port


@pytest.mark.django_db(transaction=True)
def test_one_message_to_two_recipients_gets_two_replies_and_is_stored_once(
    story: Story, lmtp_port: int
) -> None:
    raw = wire(mail(subject="The scanner is offline"))

    replies = deliver(lmtp_port, raw, ["support@example.com", "helpdesk@example.com"])

    row = InboundMessage.objects.get()
    case = Case.objects.get()
    expected = f"2.0.0 Stored as message {row.pk}: created case {case.number}"
    assert replies == [(250, expected), (250, expected)]
    assert (bytes(row.raw), row.source, row.status) == (raw, Source.LMTP, Status.DONE)
    assert (row.envelope_from, row.envelope_to) == (
        "alice@acme.example",
        ["support@example.com", "helpdesk@example.com"],
    )
    assert row.mailbox == "support@example.com"
    assert (row.outcome, case.requester) == (Outcome.CREATED, story.alice)


@pytest.mark.django_db(transaction=True)
def test_the_same_message_delivered_twice_is_stored_once(story: Story, lmtp_port: int) -> None:
    raw = wire(mail(subject="Delivered twice by a retrying mail server"))

    first = deliver(lmtp_port, raw, ["support@example.com"])
    second = deliver(lmtp_port, raw, ["support@example.com"])

    row, case = InboundMessage.objects.get(), Case.objects.get()
    assert first == [(250, f"2.0.0 Stored as message {row.pk}: created case {case.number}")]
    assert second == [
        (250, f"2.0.0 Stored as message {row.pk}: created case {case.number} (delivered before)")
    ]


@pytest.mark.django_db(transaction=True)
def test_lines_longer_than_smtp_allows_are_still_taken(story: Story, lmtp_port: int) -> None:
    """Real mail has them (HTML on one line); refusing them would bounce a customer's message."""
    headers = "From: alice@acme.example\nTo: support@example.com\nSubject: One long line\n"
    headers += "Message-ID: <one-long-line@client.example>\nContent-Type: text/html; charset=utf-8\n\n"
    raw = wire(headers.encode() + b"<p>" + b"word " * 4_000 + b"</p>\n")

    replies = deliver(lmtp_port, raw, ["support@example.com"])

    assert replies[0][0] == 250, replies
    assert bytes(InboundMessage.objects.get().raw) == raw


@pytest.mark.django_db(transaction=True)
def test_a_reply_to_a_case_is_added_as_a_comment(story: Story, lmtp_port: int) -> None:
    deliver(lmtp_port, wire(mail(subject="Badge reader broken")), ["support@example.com"])
    case = Case.objects.get()

    replies = deliver(
        lmtp_port,
        wire(mail(subject=f"Re: [#{case.number}] Badge reader broken", body="It works again, thanks.")),
        ["support@example.com"],
    )

    assert replies[0][0] == 250 and replies[0][1].endswith(f"commented case {case.number}")
    assert case.comments.filter(body__contains="It works again").exists()


@pytest.mark.django_db(transaction=True)
def test_a_message_over_the_size_limit_is_refused_for_every_recipient(story: Story, settings: Any) -> None:
    settings.SUPPORTAL_EMAIL_MAX_BYTES = 20_000
    big = wire(mail(subject="Logs attached", attachments=(("log.txt", "text/plain", b"x" * 40_000),)))
    recipients = ["support@example.com", "helpdesk@example.com"]

    with lmtp_receiver() as port, smtplib.LMTP("127.0.0.1", port, timeout=TIMEOUT) as client:
        client.ehlo()
        assert client.has_extn("size") and client.esmtp_features["size"] == "20000"
        # A client that says the size up front is refused at MAIL FROM ...
        assert client.mail("alice@acme.example", [f"SIZE={len(big)}"])[0] == 552
        client.rset()
        # ... one that does not is refused after DATA, once per recipient.
        assert client.mail("alice@acme.example")[0] == 250
        for recipient in recipients:
            client.rcpt(recipient)
        replies = [client.data(big), client.getreply()]
        assert client.noop()[0] == 250  # and the conversation goes on in step

    assert [code for code, _ in replies] == [552, 552]
    assert InboundMessage.objects.count() == 0


def listening(server: subprocess.Popen[str], output: Output) -> bool:
    """Wait for the receiver's first line; give up at once if the process died."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline and server.poll() is None:
        if output.wait_for("Supportal LMTP receiver on", 0.5):
            return True
    return False


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the command runs on its own SQLite database; tested once, in the SQLite pass",
)
def test_the_lmtp_command_answers_451_until_it_can_store_then_250(tmp_path: Path) -> None:
    """The real `supportal lmtp`: on a database with no tables yet every recipient gets 451 (the mail
    server keeps the message and retries); once the database is ready, the same delivery is stored."""
    database = tmp_path / "supportal.sqlite3"
    env = supportal_env(tmp_path / "data", DATABASE_URL=f"sqlite:///{database}")
    port = free_port()
    raw = wire(mail(sender="someone@unknown.example", subject="Delivered while the database was away"))
    recipients = ["support@example.com", "helpdesk@example.com"]
    server, output = start(["lmtp", "--host", "127.0.0.1", "--port", str(port)], env, cwd=tmp_path)
    try:
        assert listening(server, output), output.text

        refused = deliver(port, raw, recipients, sender="someone@unknown.example")
        assert [code for code, _ in refused] == [451, 451], refused
        assert all(text.startswith("4.3.0") for _, text in refused)

        subprocess.run(
            [str(SUPPORTAL), "migrate", "--noinput", "-v", "0"],
            env=env,
            cwd=tmp_path,
            check=True,
            timeout=300,
        )
        accepted = deliver(port, raw, recipients, sender="someone@unknown.example")
        assert [code for code, _ in accepted] == [250, 250], accepted

        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=TIMEOUT) == 0, output.text
    finally:
        stop(server)
    with sqlite3.connect(database) as db:
        rows = db.execute("SELECT source, envelope_from, status FROM mail_inboundmessage").fetchall()
    assert rows == [("lmtp", "someone@unknown.example", "held")]
    log = [line for line in output.lines if line.startswith("LMTP from <someone@unknown.example>")]
    assert len(log) == 2, output.text
    assert "temporary failure" in log[0] and log[1].endswith(": held")
    assert "LMTP receiver stopped." in output.text
