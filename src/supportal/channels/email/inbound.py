"""Receiving a message: store the raw bytes first (idempotent on Message-ID plus content hash), then
run the pipeline. Every entry point (ingest-email, LMTP, IMAP) calls `inbound_receive`.

At least once, never lost: a message is stored before anything else. Processing runs in one transaction
with everything it changes; a crash or a kill mid-way leaves the row `received`, and the next delivery
of the same message, or the periodic `inbound_retry_due`, finishes it.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from supportal.channels.email.models import InboundMessage, Source, Status
from supportal.jobs.queue import backoff_seconds

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
CLAIM_SECONDS = 300
_MESSAGE_ID = re.compile(rb"^message-id:[ \t]*((?:[^\r\n]|\r?\n[ \t])*)", re.IGNORECASE | re.MULTILINE)
_ANGLE_ID = re.compile(r"<[^<>\s]{1,990}>")
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_HEADER_END = re.compile(rb"\r?\n\r?\n")


@dataclass(frozen=True)
class Receipt:
    """What became of a message: INTERFACES.md's `--json` outcome."""

    outcome: str  # created | commented | held | ignored; "" while not yet processed (failed, retried)
    case: str
    reason: str
    message: int
    duplicate: bool = False
    status: str = ""
    code: str = ""

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"outcome": self.outcome or "held", "case": self.case, "reason": self.reason}
        if self.duplicate:
            data["duplicate"] = True
        return data


def header_message_id(raw: bytes) -> str:
    """The Message-ID from the header block, read without parsing the message ("" when none)."""
    header_block = _HEADER_END.split(raw[: 256 * 1024], maxsplit=1)[0]
    match = _MESSAGE_ID.search(header_block)
    if not match:
        return ""
    value = re.sub(rb"\r?\n[ \t]", b" ", match.group(1)).decode("ascii", errors="replace")
    value = _without_controls(value)  # a NUL cannot be stored in PostgreSQL text
    found = _ANGLE_ID.search(value)
    return (found.group(0) if found else value.strip())[:998]


def _without_controls(text: str) -> str:
    return _CONTROLS.sub("", text)


def inbound_store(
    raw: bytes,
    *,
    source: Source | str,
    mailbox: str = "",
    envelope_from: str = "",
    envelope_to: Sequence[str] = (),
) -> tuple[InboundMessage, bool]:
    """Store `raw` unless the same message (Message-ID and bytes) is stored already; returns the row and
    whether it is new. Raises only when the database cannot be written (the caller reports a temporary
    failure)."""
    digest = hashlib.sha256(raw).hexdigest()
    message_id = header_message_id(raw)
    existing = InboundMessage.objects.filter(message_id=message_id, content_hash=digest).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            row = InboundMessage.objects.create(
                source=source,
                mailbox=_without_controls(mailbox)[:200],
                envelope_from=_without_controls(envelope_from)[:320],
                envelope_to=[_without_controls(str(address))[:320] for address in envelope_to][:100],
                raw=raw,
                size=len(raw),
                content_hash=digest,
                message_id=message_id,
            )
    except IntegrityError:  # the same message, stored a moment ago by another delivery
        return InboundMessage.objects.get(message_id=message_id, content_hash=digest), False
    return row, True


def inbound_receive(
    raw: bytes,
    *,
    source: Source | str,
    mailbox: str = "",
    envelope_from: str = "",
    envelope_to: Sequence[str] = (),
) -> Receipt:
    """Store, then process. A message seen before is processed only if it was not finished."""
    row, created = inbound_store(
        raw, source=source, mailbox=mailbox, envelope_from=envelope_from, envelope_to=envelope_to
    )
    receipt = inbound_process(row.pk)
    if not created:
        return Receipt(
            receipt.outcome, receipt.case, receipt.reason, receipt.message,
            duplicate=True, status=receipt.status, code=receipt.code,
        )  # fmt: skip
    return receipt


def receipt_of(row: InboundMessage) -> Receipt:
    number = ""
    if row.case_id:
        from supportal.cases.models import Case

        number = Case.objects.filter(pk=row.case_id).values_list("number", flat=True).first() or ""
    return Receipt(
        row.outcome, number, row.reason or row.last_error, row.pk, status=row.status, code=row.reason_code
    )


def inbound_process(pk: int) -> Receipt:
    """Run the pipeline on a stored message, once. Errors are recorded on the row and retried later with
    backoff (MAX_ATTEMPTS, then `failed`, listed for agents with the error)."""
    now = timezone.now()
    with transaction.atomic():
        claimed = (
            InboundMessage.objects.filter(pk=pk, status=Status.RECEIVED)
            .exclude(claimed_until__gt=now)
            .update(claimed_until=now + timedelta(seconds=CLAIM_SECONDS))
        )
    row = InboundMessage.objects.get(pk=pk)
    if not claimed:
        return receipt_of(row)
    try:
        from supportal.channels.email.pipeline import run_pipeline

        with transaction.atomic():
            run_pipeline(row)
            row.processed_at = timezone.now()
            row.claimed_until = None
            row.attempts += 1
            row.save()
    except Exception as error:
        logger.exception("Inbound message %s failed", pk)
        attempts = row.attempts + 1
        final = attempts >= MAX_ATTEMPTS
        InboundMessage.objects.filter(pk=pk).update(
            attempts=attempts,
            status=Status.FAILED if final else Status.RECEIVED,
            last_error=f"{type(error).__name__}: {error}"[:2000],
            claimed_until=timezone.now() + timedelta(seconds=backoff_seconds(attempts)),
        )
        row = InboundMessage.objects.get(pk=pk)
    return receipt_of(row)


def inbound_retry_due(limit: int = 200) -> int:
    """Process every stored message still waiting (never processed, or due for a retry). Returns how many."""
    now = timezone.now()
    ids = list(
        InboundMessage.objects.filter(status=Status.RECEIVED)
        .exclude(claimed_until__gt=now)
        .order_by("id")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in ids:
        inbound_process(pk)
    return len(ids)
