"""Case emails over real SMTP: an agent's reply reaches an aiosmtpd server on loopback as bytes any mail
client can read, and a delivery that fails is kept and retried until the server is back."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from supportal.cases.lifecycle import Action
from supportal.cases.models import Case
from supportal.channels.email.threads import reference_token
from supportal.notifications.models import OutboundEmail, OutboundStatus
from supportal.notifications.services import outbox_retry_due
from tests import smtp_server as smtp_fixtures
from tests.cases import conftest as case_fixtures
from tests.cases.conftest import CaseMaker, move, reply
from tests.conftest import Story
from tests.smtp_server import SmtpServer

cases = case_fixtures.cases
smtp_server = smtp_fixtures.smtp_server
Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


@pytest.fixture
def taken(
    story: Story,
    cases: CaseMaker,
    settings: Any,
    django_capture_on_commit_callbacks: Capture,
) -> Case:
    """Alice's case watched by Bob, taken by Dana, its first emails already written to the outbox."""
    settings.EMAIL_BACKEND = "supportal.notifications.backends.OutboxBackend"  # pytest-django set locmem
    with django_capture_on_commit_callbacks(execute=True):
        case = cases(watchers=[story.bob])
        move(case, story.dana, Action.TAKE)
    return case


def test_an_agents_reply_arrives_over_smtp_with_its_headers(
    story: Story,
    taken: Case,
    smtp_server: SmtpServer,
    settings: Any,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    smtp_server.deliver_here(settings)
    with django_capture_on_commit_callbacks(execute=True):
        reply(taken, story.dana, "Please **restart** the client.")

    assert smtp_server.wait_for(1, timeout=10)
    [delivery] = smtp_server.deliveries
    assert sorted(delivery.rcpt_tos) == ["alice@acme.example", "bob@acme.example"]
    assert delivery.mail_from == settings.DEFAULT_FROM_EMAIL
    message = email.message_from_bytes(delivery.raw, policy=email.policy.default)
    assert message["Subject"] == f"[#{taken.number}] The VPN drops every ten minutes"
    assert message["Auto-Submitted"] == "auto-generated"
    row = OutboundEmail.objects.get(kind="case_reply")
    assert message["Message-ID"] == row.message_id and row.status == OutboundStatus.SENT
    earlier = OutboundEmail.objects.filter(case=taken).exclude(pk=row.pk).order_by("id")
    assert message["In-Reply-To"] == earlier.last().message_id  # type: ignore[union-attr]
    assert earlier.first().message_id in message["References"].split()  # type: ignore[union-attr]
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "Please restart the client." in text and "<strong>restart</strong>" in html
    assert f"Reference: {reference_token(taken.number)}" in text


def test_a_failed_delivery_is_kept_and_sent_when_the_server_is_back(
    story: Story,
    taken: Case,
    smtp_server: SmtpServer,
    settings: Any,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    smtp_server.deliver_here(settings)
    smtp_server.stop()
    with django_capture_on_commit_callbacks(execute=True):
        reply(taken, story.dana, "Please restart the client.")

    row = OutboundEmail.objects.get(kind="case_reply")
    assert (row.status, row.attempts) == (OutboundStatus.QUEUED, 1)
    assert "refused" in row.last_error.lower()

    smtp_server.start()  # the same port again
    with time_machine.travel(timezone.now() + timedelta(minutes=5), tick=False):
        assert outbox_retry_due() == 1
    assert smtp_server.wait_for(1, timeout=10)
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboundStatus.SENT, 2)
    message = email.message_from_bytes(smtp_server.messages[-1], policy=email.policy.default)
    assert message["Message-ID"] == row.message_id
