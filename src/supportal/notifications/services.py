"""Writing to and delivering from the email outbox."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.message import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from supportal.jobs.queue import backoff_seconds, enqueue_on_commit
from supportal.notifications.models import OutboundEmail, OutboundStatus

MAX_ATTEMPTS = 8
CLAIM_SECONDS = 120


class DeliveryFailed(Exception):
    """Delivery failed; `retry_in` seconds until the next try, or None when the message gave up."""

    def __init__(self, detail: str, *, retry_in: int | None) -> None:
        super().__init__(detail)
        self.retry_in = retry_in


def outbox_add(message: EmailMessage) -> OutboundEmail:
    """Store the message in the caller's transaction; its delivery is queued once that commits."""
    rendered = message.message()
    row = OutboundEmail.objects.create(
        recipients=list(message.recipients()),
        subject=str(message.subject)[:998],
        message=rendered.as_bytes(linesep="\r\n"),
        message_id=str(rendered.get("Message-ID", ""))[:998],
        case_id=getattr(message, "supportal_case_id", None),
        kind=str(getattr(message, "supportal_kind", ""))[:40],
    )
    from supportal.notifications.tasks import deliver_email

    enqueue_on_commit(deliver_email, row.pk)
    return row


def outbox_deliver(outbound_id: int) -> bool:
    """Deliver one queued message. Idempotent: a sent message, or one another worker holds, is skipped.

    Returns True when the message is sent; raises DeliveryFailed after recording the error.
    """
    now = timezone.now()
    with transaction.atomic():
        claimed = (
            OutboundEmail.objects.filter(pk=outbound_id, status=OutboundStatus.QUEUED)
            .exclude(claimed_until__gt=now)
            .update(claimed_until=now + timedelta(seconds=CLAIM_SECONDS))
        )
    if not claimed:
        return False
    row = OutboundEmail.objects.get(pk=outbound_id)
    try:
        connection = get_connection(settings.EMAIL_DELIVERY_BACKEND, fail_silently=False)
        raw = RawEmailMessage(row.recipients, bytes(row.message), settings.DEFAULT_FROM_EMAIL)
        connection.send_messages([raw])
    except Exception as error:
        attempts = row.attempts + 1
        delay = backoff_seconds(attempts)
        final = attempts >= MAX_ATTEMPTS
        OutboundEmail.objects.filter(pk=row.pk).update(
            attempts=attempts,
            status=OutboundStatus.FAILED if final else OutboundStatus.QUEUED,
            last_error=f"{type(error).__name__}: {error}"[:2000],
            claimed_until=timezone.now() + timedelta(seconds=delay),
        )
        raise DeliveryFailed(str(error), retry_in=None if final else delay) from error
    OutboundEmail.objects.filter(pk=row.pk).update(
        status=OutboundStatus.SENT, attempts=row.attempts + 1, sent_at=timezone.now(), claimed_until=None
    )
    return True


def outbox_retry_due() -> int:
    """Queue delivery of every waiting message whose retry time has come, or whose first delivery job was
    lost (still unclaimed after CLAIM_SECONDS). Returns how many."""
    now = timezone.now()
    lost = Q(claimed_until__isnull=True, created_at__lt=now - timedelta(seconds=CLAIM_SECONDS))
    due = OutboundEmail.objects.filter(lost | Q(claimed_until__lte=now), status=OutboundStatus.QUEUED)
    from supportal.notifications.tasks import deliver_email

    ids = list(due.values_list("pk", flat=True)[:500])
    for outbound_id in ids:
        deliver_email(outbound_id)
    return len(ids)


class RawEmailMessage(EmailMessage):
    """An already-rendered message that a Django email backend can send unchanged."""

    def __init__(self, recipients: list[str], raw: bytes, from_email: str) -> None:
        super().__init__(from_email=from_email, to=recipients)
        self._raw = raw

    def message(self, *, policy: object = None) -> RawMessage:  # type: ignore[override]
        return RawMessage(self._raw)


class RawMessage:
    """Quacks like email.message.Message for the SMTP and console backends."""

    def __init__(self, raw: bytes) -> None:
        self._raw = raw

    def as_bytes(self, unixfrom: bool = False, linesep: str = "\n", **kwargs: object) -> bytes:
        return self._raw

    def as_string(self, unixfrom: bool = False, linesep: str = "\n", **kwargs: object) -> str:
        return self._raw.decode("utf-8", errors="replace")

    def get_charset(self) -> None:
        return None  # the console backend then decodes as UTF-8 (a str here would break it)

    def get_content_charset(self) -> str:
        return "utf-8"

    def get(self, name: str, default: str | None = None) -> str | None:
        return default
