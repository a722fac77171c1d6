"""The IMAP poller against a real dovecot on loopback: every message stored once, byte for byte, then
marked read, deleted or moved; nothing fetched twice, nothing lost when a step fails."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from supportal.audit.models import AuditRecord
from supportal.cases.models import Case
from supportal.channels.email.imap import poll_all_mailboxes, poll_mailbox
from supportal.channels.email.models import AfterFetch, ImapMailbox, InboundMessage, Outcome, Security, Source
from supportal.jobs.schedules import poll_imap_mailboxes
from tests.channels.email.dovecot import Dovecot, dovecot_server  # noqa: F401 - the `dovecot` fixture
from tests.channels.email.mail import mail
from tests.conftest import Story

SEEN = "\\Seen"


def wire(raw: bytes) -> bytes:
    """A message as it travels (CRLF line ends), which is how IMAP hands it back."""
    return raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def mailbox_on(server: Dovecot, **fields: object) -> ImapMailbox:
    values: dict[str, object] = {
        "name": "support",
        "host": server.host,
        "port": server.port,
        "security": Security.NONE,
        "username": server.user,
        "password": server.password,
        **fields,
    }
    return ImapMailbox.objects.create(**values)


def stored() -> list[bytes]:
    return [bytes(row.raw) for row in InboundMessage.objects.order_by("id")]


def test_new_messages_are_stored_once_byte_for_byte_and_marked_read(story: Story, dovecot: Dovecot) -> None:
    sent = [wire(mail(subject=f"Printer problem {n}")) for n in (1, 2, 3)]
    for raw in sent:
        dovecot.append(raw)
    mailbox = mailbox_on(dovecot)

    result = poll_mailbox(mailbox)

    assert (result.fetched, result.error, dict(result.outcomes)) == (3, "", {Outcome.CREATED: 3})
    assert stored() == sent
    assert set(InboundMessage.objects.values_list("source", "mailbox")) == {(Source.IMAP, "support")}
    assert all(SEEN in flags for flags in dovecot.flags().values())
    mailbox.refresh_from_db()
    assert (mailbox.last_uid, mailbox.last_error) == (3, "")
    assert mailbox.uid_validity and mailbox.last_polled_at

    again = poll_mailbox(mailbox)
    assert (again.fetched, InboundMessage.objects.count(), Case.objects.count()) == (0, 3, 3)
    assert again.summary() == "support: fetched 0"


def test_a_reply_fetched_later_lands_on_its_case(story: Story, dovecot: Dovecot) -> None:
    mailbox = mailbox_on(dovecot)
    dovecot.append(wire(mail(subject="VPN drops every hour")))
    first = poll_mailbox(mailbox)
    case = Case.objects.get()
    dovecot.append(wire(mail(subject=f"Re: [#{case.number}] VPN drops every hour", body="Still dropping.")))

    second = poll_mailbox(mailbox)

    assert (dict(first.outcomes), dict(second.outcomes)) == ({Outcome.CREATED: 1}, {Outcome.COMMENTED: 1})
    assert second.summary() == "support: fetched 1 (commented 1)"
    assert case.comments.filter(body__contains="Still dropping.").exists()


def test_delete_after_fetch_removes_the_messages(story: Story, dovecot: Dovecot) -> None:
    for n in (1, 2):
        dovecot.append(wire(mail(subject=f"Delete me {n}")))
    dovecot.append(wire(mail(subject="Someone else's, read already")), folder="INBOX")

    result = poll_mailbox(mailbox_on(dovecot, after_fetch=AfterFetch.DELETE))

    assert (result.fetched, result.error) == (3, "")
    assert dovecot.flags() == {}
    assert InboundMessage.objects.count() == 3


def test_move_after_fetch_moves_the_messages(story: Story, dovecot: Dovecot) -> None:
    dovecot.create_folder("Processed")
    for n in (1, 2):
        dovecot.append(wire(mail(subject=f"Move me {n}")))

    result = poll_mailbox(mailbox_on(dovecot, after_fetch=AfterFetch.MOVE, move_to="Processed"))

    assert (result.fetched, result.error) == (2, "")
    assert dovecot.flags() == {}
    assert len(dovecot.flags("Processed")) == 2
    assert InboundMessage.objects.count() == 2


def test_a_failure_after_storing_leaves_the_message_and_stores_it_once(
    story: Story, dovecot: Dovecot
) -> None:
    """The move fails (no such folder) right after the message was stored: it stays in the inbox, unread,
    the error is recorded, and every later pass finds it stored already."""
    for n in (1, 2):
        dovecot.append(wire(mail(subject=f"Moved one day {n}")))
    mailbox = mailbox_on(dovecot, after_fetch=AfterFetch.MOVE, move_to="Processed")

    failed = poll_mailbox(mailbox)

    assert failed.fetched == 1 and "Processed" in failed.error
    mailbox.refresh_from_db()
    assert (mailbox.last_uid, mailbox.last_error) == (0, failed.error)
    assert InboundMessage.objects.count() == 1
    assert [SEEN in flags for flags in dovecot.flags().values()] == [False, False]

    assert poll_mailbox(mailbox).error  # still failing: nothing stored twice
    assert InboundMessage.objects.count() == 1

    dovecot.create_folder("Processed")
    fixed = poll_mailbox(mailbox)

    assert (fixed.fetched, fixed.duplicates, fixed.error) == (2, 1, "")
    assert (InboundMessage.objects.count(), Case.objects.count()) == (2, 2)
    assert len(dovecot.flags("Processed")) == 2
    mailbox.refresh_from_db()
    assert (mailbox.last_uid, mailbox.last_error) == (2, "")


def test_a_wrong_password_or_no_server_is_recorded_and_the_others_still_polled(
    story: Story, dovecot: Dovecot
) -> None:
    dovecot.append(wire(mail(subject="Fetched despite the others")))
    good = mailbox_on(dovecot, name="a-good")
    wrong = mailbox_on(dovecot, name="b-wrong-password", password="not-the-password")
    closed = mailbox_on(dovecot, name="c-no-server", port=_closed_port())
    mailbox_on(dovecot, name="d-inactive", is_active=False)

    results = {result.mailbox: result for result in poll_all_mailboxes()}

    assert sorted(results) == ["a-good", "b-wrong-password", "c-no-server"]
    assert (results["a-good"].fetched, results["a-good"].error) == (1, "")
    assert "MailboxLoginError" in results["b-wrong-password"].error
    assert "ConnectionRefusedError" in results["c-no-server"].error
    for mailbox in (good, wrong, closed):
        mailbox.refresh_from_db()
        assert mailbox.last_polled_at is not None
    assert (wrong.last_error, closed.last_error) == (
        results["b-wrong-password"].error,
        results["c-no-server"].error,
    )
    assert good.last_error == ""
    assert "not-the-password" not in wrong.last_error


def test_the_periodic_job_polls_and_never_raises(story: Story, dovecot: Dovecot) -> None:
    dovecot.append(wire(mail(subject="Fetched by the worker")))
    good = mailbox_on(dovecot, name="a-good")
    wrong = mailbox_on(dovecot, name="b-wrong-password", password="not-the-password")

    poll_imap_mailboxes.call_local()

    good.refresh_from_db()
    wrong.refresh_from_db()
    assert (good.last_uid, good.last_error, InboundMessage.objects.count()) == (1, "", 1)
    assert "MailboxLoginError" in wrong.last_error


def test_a_new_uidvalidity_reads_the_folder_again(story: Story, dovecot: Dovecot) -> None:
    dovecot.create_folder("Support")
    for n in (1, 2):
        dovecot.append(wire(mail(subject=f"Before the move {n}")), folder="Support")
    mailbox = mailbox_on(dovecot, folder="Support")
    assert poll_mailbox(mailbox).fetched == 2
    first_validity = mailbox.uid_validity

    dovecot.delete_folder("Support")  # recreated: UIDs start again from 1, under a new UIDVALIDITY
    dovecot.create_folder("Support")
    dovecot.append(wire(mail(subject="After the move")), folder="Support")
    result = poll_mailbox(mailbox)

    assert (result.fetched, result.error) == (1, "")
    mailbox.refresh_from_db()
    assert mailbox.uid_validity != first_validity
    assert mailbox.last_uid == 1
    assert InboundMessage.objects.count() == 3


def test_a_pass_takes_at_most_limit_messages(story: Story, dovecot: Dovecot) -> None:
    for n in (1, 2, 3):
        dovecot.append(wire(mail(subject=f"Many {n}")))
    mailbox = mailbox_on(dovecot)

    assert poll_mailbox(mailbox, limit=2).fetched == 2
    assert mailbox.last_uid == 2
    assert poll_mailbox(mailbox, limit=2).fetched == 1
    assert InboundMessage.objects.count() == 3


def test_the_imap_poll_command_prints_a_line_per_mailbox(
    story: Story, dovecot: Dovecot, capsys: pytest.CaptureFixture[str]
) -> None:
    dovecot.append(wire(mail(subject="Polled from the command line")))
    mailbox_on(dovecot)

    call_command("imap_poll", "--mailbox", "support")

    assert capsys.readouterr().out.strip() == "support: fetched 1 (created 1)"
    with pytest.raises(SystemExit):
        mailbox_on(dovecot, name="broken", password="wrong")
        call_command("imap_poll", "--mailbox", "broken")
    assert "broken: fetched 0; failed: MailboxLoginError" in capsys.readouterr().out


def _closed_port() -> int:
    from tests.notifications.smtp_sink import free_port

    return free_port()  # bound a moment ago and released: nothing listens there


def test_the_admin_takes_a_mailbox_password_and_never_shows_it(story: Story) -> None:
    client = Client()
    client.force_login(story.erin)
    form = {
        "name": "support", "is_active": "on", "host": "imap.example.com", "port": "993", "security": "ssl",
        "username": "support@example.com", "password": "", "folder": "INBOX", "after_fetch": "seen",
        "move_to": "",
    }  # fmt: skip
    add = reverse("admin:mail_imapmailbox_add")
    refused = client.post(add, {**form, "after_fetch": "move"})
    errors = refused.context["adminform"].form.errors
    assert set(errors) == {"password", "move_to"}

    assert client.post(add, {**form, "password": "s3cret-imap"}).status_code == 302
    mailbox = ImapMailbox.objects.get()
    change = reverse("admin:mail_imapmailbox_change", args=[mailbox.pk])
    assert "s3cret-imap" not in client.get(change).content.decode()
    assert client.post(change, {**form, "folder": "Support"}).status_code == 302  # password left empty

    mailbox.refresh_from_db()
    assert (mailbox.folder, mailbox.password) == ("Support", "s3cret-imap")
    assert "s3cret-imap" not in client.get(reverse("admin:mail_imapmailbox_changelist")).content.decode()
    records = AuditRecord.objects.filter(object_type="mail.imapmailbox").order_by("position")
    assert [record.action for record in records] == ["imapmailbox.added", "imapmailbox.changed"]
    assert all("s3cret-imap" not in json.dumps([record.old, record.new]) for record in records)
