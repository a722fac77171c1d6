"""Deliveries to a real receiver on 127.0.0.1: signed bodies, retries with backoff on a moved clock,
giving up, disabling with a notice, and the tries that must never happen twice.

Cases are changed through the real services; their domain events reach the webhook subscriber after
commit, which queues a delivery job (run inline in tests); the retry sweep is the periodic job's body.
"""

from __future__ import annotations

import email
import email.policy
import threading
from collections.abc import Callable
from datetime import timedelta
from email.message import EmailMessage
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.utils import timezone
from tests.conftest import Story
from tests.webhooks.conftest import Receiver, make_webhook

from supportal.audit.models import AuditRecord
from supportal.cases import services as case_services
from supportal.cases.models import Case, Visibility
from supportal.webhooks import sender, services
from supportal.webhooks.delivery import MAX_ATTEMPTS, deliveries_retry_due, delivery_attempt, retry_delay
from supportal.webhooks.models import Delivery, DeliveryStatus, Webhook


def shared_case(story: Story, run: Callable[..., Any], subject: str = "Printer on fire") -> Case:
    case: Case = run(
        case_services.case_create, actor=story.alice, organisation=story.acme, subject=subject,
        channel="portal", visibility=Visibility.ORGANIZATION,
    )  # fmt: skip
    return case


def notices() -> list[tuple[list[str], EmailMessage]]:
    """The webhook notices delivered, parsed from the bytes sent (the cases' own emails go through the
    same outbox)."""
    parsed = [
        (sorted(sent.to), email.message_from_bytes(sent.message().as_bytes(), policy=email.policy.default))
        for sent in mail.outbox
    ]
    return [(to, message) for to, message in parsed if "webhook" in str(message["Subject"])]  # type: ignore[misc]


def test_a_case_event_is_posted_signed_with_the_documented_headers_and_body(
    story: Story, receiver: Receiver, acme_hook: Webhook, run: Callable[..., Any]
) -> None:
    case = shared_case(story, run)
    [request] = receiver.requests
    assert request.path == "/hooks/supportal"
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["User-Agent"] == "Supportal-Webhooks/1"
    assert request.headers["X-Supportal-Event"] == "case.created"
    delivery = Delivery.objects.get()
    assert request.headers["X-Supportal-Delivery"] == str(delivery.uuid)
    assert abs(int(request.headers["X-Supportal-Timestamp"]) - timezone.now().timestamp()) < 60
    assert request.signed_by(acme_hook.secret)
    assert not request.signed_by("whsec_someone-elses")
    body = request.json
    assert set(body) == {"id", "event", "created_at", "data"}
    assert body["id"] == str(delivery.uuid) and body["event"] == "case.created"
    assert body["data"]["case"]["number"] == case.number
    assert body["data"]["case"]["subject"] == "Printer on fire"
    assert body["data"]["case"]["actions"] == []
    assert body["data"]["event"]["kind"] == "created"
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED and delivery.attempts == 1
    assert delivery.response_code == 200 and '"received": true' in delivery.response_excerpt
    assert delivery.next_attempt_at is None and delivery.duration_ms is not None


def test_only_subscribed_events_are_sent(
    story: Story, receiver: Receiver, run: Callable[..., Any], settings: Any
) -> None:
    make_webhook(story.alice, receiver.url, organisation=story.acme, events=["case.commented"])
    case = shared_case(story, run)
    assert receiver.requests == []
    run(
        case_services.comment_add, actor=story.dana, case=case, body="Have you tried water?", channel="portal"
    )
    assert receiver.events() == ["case.commented"]
    comment = receiver.requests[0].json["data"]["comment"]
    assert comment["body"] == "Have you tried water?" and comment["public"] is True


def test_failures_are_retried_with_backoff_until_the_receiver_answers(
    story: Story, receiver: Receiver, acme_hook: Webhook, run: Callable[..., Any]
) -> None:
    receiver.answer(500, 503, 404)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        shared_case(story, run)
        delivery = Delivery.objects.get()
        assert delivery.status == DeliveryStatus.FAILED and delivery.response_code == 500
        assert delivery.error == "Answered 500; a 2xx status was expected."
        assert delivery.next_attempt_at == start + timedelta(seconds=60)
        # Not yet due: the sweep sends nothing.
        clock.shift(timedelta(seconds=59))
        assert run(deliveries_retry_due) == 0 and len(receiver.requests) == 1
        waits = []
        for _ in range(3):
            delivery.refresh_from_db()
            assert delivery.next_attempt_at is not None
            waits.append(delivery.next_attempt_at - delivery.last_attempt_at)  # type: ignore[operator]
            clock.move_to(delivery.next_attempt_at)
            assert run(deliveries_retry_due) == 1
    assert waits == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]
    assert len(receiver.requests) == 4
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED and delivery.attempts == 4
    assert delivery.response_code == 200 and delivery.error == ""
    # Every try sent the same body, signed anew with its own timestamp.
    bodies = {r.body for r in receiver.requests}
    assert len(bodies) == 1
    assert all(r.signed_by(acme_hook.secret) for r in receiver.requests)
    assert len({r.headers["X-Supportal-Delivery"] for r in receiver.requests}) == 1
    # Done: the sweep never sends it again.
    with time_machine.travel(start + timedelta(days=1)):
        assert run(deliveries_retry_due) == 0
    assert len(receiver.requests) == 4


def test_the_backoff_schedule() -> None:
    assert [retry_delay(n) for n in range(1, MAX_ATTEMPTS)] == [60, 120, 240, 480, 960, 1920, 3600]


def test_a_delivered_delivery_is_never_sent_again(
    story: Story, receiver: Receiver, acme_hook: Webhook, run: Callable[..., Any]
) -> None:
    shared_case(story, run)
    delivery = Delivery.objects.get()
    assert delivery_attempt(delivery.pk) is None  # a repeated job does nothing
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        assert run(deliveries_retry_due) == 0
    assert len(receiver.requests) == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_on_one_delivery_send_it_once(story: Story, receiver: Receiver) -> None:
    make_webhook(story.alice, receiver.url, organisation=story.acme)
    receiver.answer(500)
    shared_case(story, lambda fn, *args, **kwargs: fn(*args, **kwargs))  # autocommit: no capture needed
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())  # its retry is due
    receiver.delay = 0.3  # the first try is still waiting for its answer when the second starts
    start = threading.Barrier(2)
    outcomes: list[object] = []

    def work() -> None:
        try:
            start.wait()
            outcomes.append(delivery_attempt(delivery.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(receiver.requests) == 2  # the first try at creation, and one retry
    assert sorted(outcome is None for outcome in outcomes) == [False, True]
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED and delivery.attempts == 2


def test_permanent_failure_gives_up_then_disables_the_webhook_with_a_notice(
    story: Story,
    receiver: Receiver,
    acme_hook: Webhook,
    run: Callable[..., Any],
    settings: Any,
    through_the_outbox: None,
) -> None:
    settings.SUPPORTAL_WEBHOOK_DISABLE_AFTER = 2
    receiver.answer(*[500] * 100)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        first = shared_case(story, run, "First")
        second = shared_case(story, run, "Second")
        for _ in range(MAX_ATTEMPTS - 2):
            clock.shift(timedelta(hours=1))
            run(deliveries_retry_due)
        clock.shift(timedelta(hours=1))
        run(case_services.comment_add, actor=story.dana, case=first, body="Still?", channel="portal")
        waiting = Delivery.objects.get(event="case.commented")
        assert waiting.status == DeliveryStatus.FAILED
        assert acme_hook.consecutive_failures == 0
        # Both deliveries give up at their last try: two in a row, the webhook is disabled.
        run(deliveries_retry_due)
        assert Delivery.objects.filter(status=DeliveryStatus.GIVEN_UP, event="case.created").count() == 2
    assert len(receiver.requests) == 2 * MAX_ATTEMPTS + 1
    acme_hook.refresh_from_db()
    assert not acme_hook.is_active and acme_hook.disabled_at is not None
    assert acme_hook.disabled_reason == "Disabled after 2 deliveries in a row failed."
    waiting.refresh_from_db()
    assert waiting.status == DeliveryStatus.GIVEN_UP and waiting.error == "The webhook was disabled."
    record = AuditRecord.objects.get(action="webhook.disabled")
    assert record.actor_id is None and record.organisation_id == story.acme.pk
    # The notice: to the creator and Acme's user managers (Alice is both), not to Bob or Globex.
    [(to, message)] = notices()
    assert to == [story.alice.email]
    assert "A webhook of Acme Corp was disabled" in str(message["Subject"])
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert receiver.url in text and "answered 500" in text
    assert f"/organisation/webhooks/{acme_hook.pk}/" in text
    assert message["Auto-Submitted"] == "auto-generated"
    # Nothing more is sent while it is disabled, and nothing more is said.
    run(case_services.comment_add, actor=story.dana, case=second, body="Hello?", channel="portal")
    assert len(receiver.requests) == 2 * MAX_ATTEMPTS + 1 and len(notices()) == 1
    # Enabled again, it starts from a clean count and receives events.
    receiver.answer()
    run(services.webhook_enable, actor=story.alice, channel="web", webhook=acme_hook)
    acme_hook.refresh_from_db()
    assert acme_hook.is_active and acme_hook.consecutive_failures == 0 and acme_hook.disabled_at is None
    run(case_services.comment_add, actor=story.dana, case=second, body="Back?", channel="portal")
    assert receiver.events()[-1] == "case.commented"


def test_a_success_in_between_starts_the_failure_count_again(
    story: Story, receiver: Receiver, acme_hook: Webhook, run: Callable[..., Any], settings: Any
) -> None:
    settings.SUPPORTAL_WEBHOOK_DISABLE_AFTER = 2
    with time_machine.travel(timezone.now(), tick=False) as clock:
        receiver.answer(*[500] * MAX_ATTEMPTS)
        shared_case(story, run, "Gives up")
        for _ in range(MAX_ATTEMPTS - 1):
            clock.shift(timedelta(hours=1))
            run(deliveries_retry_due)
        acme_hook.refresh_from_db()
        assert acme_hook.consecutive_failures == 1
        shared_case(story, run, "Gets through")
        acme_hook.refresh_from_db()
        assert acme_hook.consecutive_failures == 0 and acme_hook.is_active


def test_a_ping_is_tried_once_and_counts_for_nothing(
    story: Story, receiver: Receiver, acme_hook: Webhook, run: Callable[..., Any]
) -> None:
    receiver.answer(500)
    ping = run(services.webhook_ping, actor=story.alice, channel="web", webhook=acme_hook)
    ping.refresh_from_db()
    assert ping.status == DeliveryStatus.GIVEN_UP and ping.attempts == 1 and ping.response_code == 500
    acme_hook.refresh_from_db()
    assert acme_hook.consecutive_failures == 0
    [request] = receiver.requests
    assert request.json["event"] == "ping" and request.json["data"]["webhook"] == acme_hook.pk
    assert request.signed_by(acme_hook.secret)
    # A disabled webhook may still be tested.
    run(services.webhook_disable, actor=story.alice, channel="web", webhook=acme_hook)
    run(services.webhook_ping, actor=story.alice, channel="web", webhook=acme_hook)
    assert receiver.events() == ["ping", "ping"]


def test_a_new_secret_signs_the_next_deliveries(
    story: Story, receiver: Receiver, acme_hook: Webhook, run: Callable[..., Any]
) -> None:
    old = acme_hook.secret
    run(services.webhook_rotate_secret, actor=story.alice, channel="web", webhook=acme_hook)
    assert acme_hook.secret != old and acme_hook.secret.startswith("whsec_")
    shared_case(story, run)
    [request] = receiver.requests
    assert request.signed_by(acme_hook.secret) and not request.signed_by(old)
    record = AuditRecord.objects.get(action="webhook.secret_rotated")
    assert old not in str(record.new) and acme_hook.secret not in str(record.new)


def test_redirects_are_not_followed(
    story: Story, receiver: Receiver, acme_hook: Webhook, run: Callable[..., Any]
) -> None:
    receiver.answer(302)
    receiver.headers["Location"] = receiver.url + "/elsewhere"
    shared_case(story, run)
    assert len(receiver.requests) == 1
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED and delivery.response_code == 302


def test_a_silent_receiver_times_out(
    story: Story, receiver: Receiver, run: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    monkeypatch.setattr(sender, "TIMEOUT_SECONDS", 0.3)
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)  # accepts the connection, never answers
    try:
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/"
        make_webhook(story.alice, url, organisation=story.acme)
        shared_case(story, run)
    finally:
        silent.close()
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED and delivery.response_code is None
    assert "timed out" in delivery.error.lower()


def test_an_unreachable_receiver_is_a_failed_try(
    story: Story, run: Callable[..., Any], settings: Any
) -> None:
    import socket

    settings.SUPPORTAL_WEBHOOK_ALLOW_PRIVATE = True
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    make_webhook(story.alice, f"http://127.0.0.1:{port}/", organisation=story.acme)
    shared_case(story, run)
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED and delivery.response_code is None
    assert delivery.error and delivery.attempts == 1
