"""The email outbox: a message is stored in the sender's transaction and delivered over real SMTP after
commit; failures are recorded and retried with backoff until the outbox gives up."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
import time_machine
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone
from huey import RetryTask

from supportal.jobs.queue import backoff_seconds
from supportal.notifications.models import OutboundEmail, OutboundStatus
from supportal.notifications.services import (
    MAX_ATTEMPTS,
    DeliveryFailed,
    outbox_deliver,
    outbox_retry_due,
)
from supportal.notifications.tasks import deliver_email
from tests.notifications.smtp_sink import Inbox, free_port, smtp_server

pytestmark = pytest.mark.django_db


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    with smtp_server() as server:
        yield server


def smtp_to(settings, port: int) -> None:
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5


def send(subject: str = "Your case 2611000001", to: str = "alice@acme.example") -> None:
    """Send as every service does, through the outbox backend (tests swap EMAIL_BACKEND to locmem)."""
    outbox = get_connection("supportal.notifications.backends.OutboxBackend")
    EmailMessage(subject, "Grüße from the Service Desk.\n", None, [to], connection=outbox).send()


def only_row() -> OutboundEmail:
    return OutboundEmail.objects.get()


def test_a_message_is_delivered_over_smtp_after_commit(settings, inbox, django_capture_on_commit_callbacks):
    smtp_to(settings, inbox.port)
    with django_capture_on_commit_callbacks(execute=True):
        send()
        assert inbox.received == []  # nothing leaves before the transaction commits

    assert inbox.wait_for(1, timeout=10)
    got = inbox.received[0]
    assert got.rcpt_tos == ["alice@acme.example"]
    assert got.mail_from == settings.DEFAULT_FROM_EMAIL
    assert got.message["Subject"] == "Your case 2611000001"
    assert "Grüße from the Service Desk." in got.message.get_payload(decode=True).decode()
    row = only_row()
    assert (row.status, row.attempts, row.last_error) == (OutboundStatus.SENT, 1, "")
    assert row.sent_at is not None


def test_a_rolled_back_transaction_sends_nothing(settings, inbox, django_capture_on_commit_callbacks):
    smtp_to(settings, inbox.port)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        send()
        raise RuntimeError("the change failed")
    assert callbacks == []
    assert not OutboundEmail.objects.exists()
    assert not inbox.wait_for(1, timeout=0.5)


def test_delivering_twice_sends_once(settings, inbox, django_capture_on_commit_callbacks):
    smtp_to(settings, inbox.port)
    with django_capture_on_commit_callbacks(execute=True):
        send()
    assert inbox.wait_for(1, timeout=10)

    assert outbox_deliver(only_row().pk) is False
    deliver_email.call_local(only_row().pk)
    assert outbox_retry_due() == 0
    assert len(inbox.received) == 1
    assert only_row().attempts == 1


def test_a_failure_is_recorded_and_retried_with_backoff(settings, inbox, django_capture_on_commit_callbacks):
    smtp_to(settings, free_port())  # nothing listens there
    send()  # no commit callbacks run: deliver by hand, as the worker would
    row = only_row()
    with pytest.raises(DeliveryFailed) as failure:
        outbox_deliver(row.pk)
    assert failure.value.retry_in == backoff_seconds(1) == 30
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboundStatus.QUEUED, 1)
    assert "Connection refused" in row.last_error or "ConnectionRefusedError" in row.last_error
    assert row.claimed_until is not None and row.claimed_until > timezone.now() + timedelta(seconds=25)

    # Not due yet: neither the job nor the periodic sweep touches it.
    assert outbox_deliver(row.pk) is False
    assert outbox_retry_due() == 0

    # The job's second failure asks Huey to retry later, with a doubled delay.
    with time_machine.travel(timezone.now() + timedelta(seconds=31), tick=False):
        with pytest.raises(RetryTask) as retry:
            deliver_email.call_local(row.pk)
        assert retry.value.delay == backoff_seconds(2) == 60
    row.refresh_from_db()
    assert row.attempts == 2

    # The server is back: once due, the periodic sweep delivers it.
    smtp_to(settings, inbox.port)
    with time_machine.travel(timezone.now() + timedelta(seconds=95), tick=False):
        assert outbox_retry_due() == 1
    assert inbox.wait_for(1, timeout=10)
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboundStatus.SENT, 3)


def test_the_outbox_gives_up_after_max_attempts(settings):
    smtp_to(settings, free_port())
    send()
    row = only_row()
    moment = timezone.now()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        moment += timedelta(seconds=backoff_seconds(attempt) + 1)
        with time_machine.travel(moment, tick=False), pytest.raises(DeliveryFailed) as failure:
            outbox_deliver(row.pk)
        expected = None if attempt == MAX_ATTEMPTS else backoff_seconds(attempt)
        assert failure.value.retry_in == expected
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboundStatus.FAILED, MAX_ATTEMPTS)

    # A failed message stays failed: the job returns without a retry, the sweep skips it.
    with time_machine.travel(moment + timedelta(hours=2), tick=False):
        deliver_email.call_local(row.pk)
        assert outbox_retry_due() == 0
    row.refresh_from_db()
    assert row.attempts == MAX_ATTEMPTS


def test_the_console_delivery_prints_the_message(settings, capsys):
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.console.EmailBackend"
    send(subject="Account status of Globex Bank")
    assert outbox_deliver(only_row().pk) is True
    printed = capsys.readouterr().out
    assert "Subject: Account status of Globex Bank" in printed
    assert "To: alice@acme.example" in printed
