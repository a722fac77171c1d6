"""Sending deliveries: one try per job, retries with exponential backoff, and disabling a webhook that
keeps failing.

- A try claims its row first (next_attempt_at moves CLAIM_SECONDS ahead), so two workers never send the
  same delivery at once and a try lost with its worker is picked up again by the sweep.
- A 2xx answer is success. Anything else (another status, a timeout, a refused address) is a failed try:
  the delivery is tried again after backoff_seconds(try, base=60) — 1, 2, 4, 8, 16, 32, 60 minutes —
  and given up after MAX_ATTEMPTS tries (about two hours).
- SUPPORTAL_WEBHOOK_DISABLE_AFTER deliveries given up in a row (a success in between starts the count
  again) disable the webhook: what still waits is given up, the record says why, and its creator and
  managers get an email.
- Every try sends the same body (the same `id`); only the timestamp and so the signature change.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from supportal.audit.services import AuditChannel, audit_record
from supportal.jobs.queue import backoff_seconds
from supportal.notifications.emails import absolute_url, send_templated_email
from supportal.webhooks import policies, selectors, sender
from supportal.webhooks.events import PING
from supportal.webhooks.models import RETRYABLE, Delivery, DeliveryStatus, Webhook
from supportal.webhooks.services import give_up_waiting

MAX_ATTEMPTS = 8
BACKOFF_BASE_SECONDS = 60
BACKOFF_CAP_SECONDS = 3600
CLAIM_SECONDS = 60  # longer than a try can take (sender.TIMEOUT_SECONDS)
SWEEP_BATCH = 500


def body_of(delivery: Delivery) -> bytes:
    """The exact bytes POSTed (and signed) for `delivery`: the same on every try."""
    document = {
        "id": str(delivery.uuid),
        "event": delivery.event,
        "created_at": delivery.created_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "data": delivery.payload,
    }
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()


def retry_delay(attempts: int) -> int:
    """Seconds to wait after the `attempts`-th failed try."""
    return backoff_seconds(attempts, base=BACKOFF_BASE_SECONDS, cap=BACKOFF_CAP_SECONDS)


def delivery_attempt(delivery_id: int) -> sender.Outcome | None:
    """Try to send one delivery if it is due and nobody else is; record what happened.

    Returns the try's outcome, or None when there was nothing to do (sent already, given up, not due,
    claimed by another worker, or its webhook disabled meanwhile)."""
    now = timezone.now()
    claimed = Delivery.objects.filter(pk=delivery_id, status__in=RETRYABLE, next_attempt_at__lte=now).update(
        next_attempt_at=now + timedelta(seconds=CLAIM_SECONDS)
    )
    if not claimed:
        return None
    delivery = Delivery.objects.select_related("webhook").get(pk=delivery_id)
    webhook = delivery.webhook
    if delivery.event != PING and not policies.is_live(webhook):
        Delivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.GIVEN_UP, next_attempt_at=None, error="The webhook is disabled."
        )
        return None
    body = body_of(delivery)
    headers = sender.signed_headers(
        secret=webhook.secret,
        event=delivery.event,
        delivery_id=str(delivery.uuid),
        body=body,
        timestamp=int(timezone.now().timestamp()),
    )
    allow_private = policies.may_point_anywhere(
        webhook.organisation, settings.SUPPORTAL_WEBHOOK_ALLOW_PRIVATE
    )
    outcome = sender.post(webhook.url, body, headers, allow_private=allow_private)
    _record(delivery, outcome)
    return outcome


def _record(delivery: Delivery, outcome: sender.Outcome) -> None:
    now = timezone.now()
    attempts = delivery.attempts + 1
    answer = {
        "attempts": attempts,
        "last_attempt_at": now,
        "response_code": outcome.status,
        "response_excerpt": outcome.excerpt[: sender.EXCERPT_BYTES],
        "error": outcome.error[:500],
        "duration_ms": outcome.duration_ms,
    }
    if outcome.succeeded:
        Delivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.SUCCEEDED, next_attempt_at=None, delivered_at=now, **answer
        )
        Webhook.objects.filter(pk=delivery.webhook_id, consecutive_failures__gt=0).update(
            consecutive_failures=0
        )
        return
    final = attempts >= MAX_ATTEMPTS or delivery.event == PING
    if not outcome.error and outcome.status is not None:
        answer["error"] = f"Answered {outcome.status}; a 2xx status was expected."
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.GIVEN_UP if final else DeliveryStatus.FAILED,
        next_attempt_at=None if final else now + timedelta(seconds=retry_delay(attempts)),
        **answer,
    )
    if final and delivery.event != PING:
        Webhook.objects.filter(pk=delivery.webhook_id).update(
            consecutive_failures=F("consecutive_failures") + 1
        )
        disable_if_failing(delivery.webhook_id)


def disable_if_failing(webhook_id: int) -> bool:
    """Disable the webhook once SUPPORTAL_WEBHOOK_DISABLE_AFTER deliveries in a row were given up: once
    only (the UPDATE's condition decides), with the audit record and the notice email."""
    limit = max(1, int(settings.SUPPORTAL_WEBHOOK_DISABLE_AFTER))
    now = timezone.now()
    reason = f"Disabled after {limit} deliveries in a row failed."
    with transaction.atomic():
        disabled = Webhook.objects.filter(
            pk=webhook_id, disabled_at__isnull=True, consecutive_failures__gte=limit
        ).update(is_active=False, disabled_at=now, disabled_reason=reason, updated_at=now)
        if not disabled:
            return False
        webhook = Webhook.objects.select_related("organisation").get(pk=webhook_id)
        given_up = give_up_waiting(webhook, "The webhook was disabled.")
        audit_record(
            actor=None, action="webhook.disabled", channel=AuditChannel.SYSTEM, target=webhook,
            organisation_id=webhook.organisation_id,
            new={"reason": reason, "given_up": given_up, "failures": webhook.consecutive_failures},
        )  # fmt: skip
        _send_notice(webhook)
    return True


def _send_notice(webhook: Webhook) -> None:
    if webhook.organisation_id is not None:
        link = absolute_url(reverse("web:webhook_detail", kwargs={"webhook_id": webhook.pk}))
    else:
        link = absolute_url(reverse("admin:webhooks_webhook_change", args=[webhook.pk]))
    last = Delivery.objects.filter(webhook=webhook).exclude(event=PING).order_by("-id").first()
    send_templated_email(
        name="webhook_disabled",
        to=selectors.notice_recipients(webhook),
        context={"webhook": webhook, "organisation": webhook.organisation, "link": link, "last": last},
    )


def deliveries_retry_due(now: datetime | None = None) -> int:
    """Queue a try of every delivery whose time has come: retries due, and first tries whose job was lost
    (still untried CLAIM_SECONDS after they were due). Returns how many."""
    from supportal.webhooks.tasks import deliver_webhook

    now = now or timezone.now()
    due = Q(status=DeliveryStatus.FAILED, next_attempt_at__lte=now) | Q(
        status=DeliveryStatus.PENDING, next_attempt_at__lte=now - timedelta(seconds=CLAIM_SECONDS)
    )
    ids = list(
        Delivery.objects.filter(due).order_by("next_attempt_at").values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    for delivery_id in ids:
        deliver_webhook(delivery_id)
    return len(ids)
