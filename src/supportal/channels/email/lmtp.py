"""The LMTP receiver (RFC 2033): a mail server (Postfix, Exim, ...) delivers each message here, and it is
stored raw before the server is told anything.

After DATA, LMTP answers once per accepted recipient. aiosmtpd's LMTP answers once, as SMTP does, so
`RecipientRepliesLMTP` repeats the final reply for every recipient, aiosmtpd's own (552 too large) as well
as ours. The message is stored once whatever the number of recipients (the store is idempotent on
Message-ID and bytes), so every recipient gets the same reply:

    250 2.0.0 Stored as message 17: created case 2612000001
    451 4.3.0 ...  the message could not be stored (database down): the mail server keeps it and retries
    552 ...        larger than SUPPORTAL_EMAIL_MAX_BYTES, refused before it is stored
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from typing import Any, AnyStr

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP, Envelope, Session, syntax
from django.conf import settings
from django.db import close_old_connections, connections

from supportal.channels.email.inbound import Receipt, inbound_receive
from supportal.channels.email.models import Source

logger = logging.getLogger(__name__)

TEMPORARY_FAILURE = "451 4.3.0 The message could not be stored; try again later"


class RecipientRepliesLMTP(LMTP):  # type: ignore[misc]
    """aiosmtpd's LMTP, answering DATA once per accepted recipient as RFC 2033 requires."""

    # RFC 5321 allows 1,000 octets a line; real mail (HTML on one line) sometimes has more, and a mail
    # server's LMTP client sends it as it is. Refusing it would bounce a customer's mail.
    line_length_limit = 1024 * 1024
    _recipients = 0  # recipients of the DATA command under way
    _replies_due = 0  # set once the 354 is out: the next reply is the final one, owed per recipient

    @syntax("DATA")  # type: ignore[untyped-decorator]
    async def smtp_DATA(self, arg: str) -> None:
        self._recipients = len(getattr(self.envelope, "rcpt_tos", None) or ())
        try:
            await super().smtp_DATA(arg)
        finally:
            self._recipients = self._replies_due = 0

    async def push(self, status: AnyStr) -> None:
        reply = status.encode("utf-8") if isinstance(status, str) else bytes(status)
        if self._replies_due:
            count, self._replies_due = self._replies_due, 0
            reply = b"\r\n".join([reply] * count)
        elif self._recipients and reply.startswith(b"354"):
            self._replies_due = self._recipients
        await super().push(reply)


class InboundHandler:
    """aiosmtpd handler: stores every message through `inbound_receive` and reports each outcome."""

    def __init__(self, report: Callable[[str], None] | None = None) -> None:
        self.report = report or logger.info

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = bytes(envelope.original_content or b"")
        recipients = [str(address) for address in envelope.rcpt_tos]
        sender = str(envelope.mail_from or "")
        try:
            receipt = await asyncio.to_thread(receive, raw, sender, recipients)
        except Exception as error:  # not stored (or not known to be): a temporary failure, retried
            logger.exception("LMTP: could not store a message from %s", sender or "<>")
            self.report(f"LMTP from <{sender}> to {', '.join(recipients)}: temporary failure: {error}")
            return TEMPORARY_FAILURE
        self.report(f"LMTP from <{sender}> to {', '.join(recipients)}: {describe(receipt)}")
        return f"250 2.0.0 Stored as message {receipt.message}: {describe(receipt)}"


def receive(raw: bytes, sender: str, recipients: Sequence[str]) -> Receipt:
    """Store and process one message (in a worker thread), on a connection of its own that is closed
    afterwards, so a stopped receiver leaves no database connection behind."""
    close_old_connections()
    try:
        return inbound_receive(
            raw,
            source=Source.LMTP,
            mailbox=recipients[0] if recipients else "",
            envelope_from=sender,
            envelope_to=recipients,
        )
    finally:
        connections.close_all()


def describe(receipt: Receipt) -> str:
    """The outcome in a few ASCII words for the reply line and the log: `created case 2612000001`."""
    outcome = receipt.outcome or "stored, processing retried later"
    words = [outcome]
    if receipt.case:
        words.append(f"case {receipt.case}")
    if receipt.duplicate:
        words.append("(delivered before)")
    return " ".join(words)


class LMTPController(Controller):  # type: ignore[misc]
    """An LMTP receiver on host:port, served from an event loop in a thread of its own."""

    def factory(self) -> SMTP:
        return RecipientRepliesLMTP(self.handler, **self.SMTP_kwargs)


def lmtp_controller(host: str, port: int, *, report: Callable[[str], None] | None = None) -> LMTPController:
    """A receiver ready to `start()` and `stop()`; messages over SUPPORTAL_EMAIL_MAX_BYTES get 552."""
    options: dict[str, Any] = {
        "data_size_limit": int(settings.SUPPORTAL_EMAIL_MAX_BYTES),
        "enable_SMTPUTF8": True,
        "ident": "Supportal LMTP",
    }
    return LMTPController(InboundHandler(report), hostname=host, port=port, ready_timeout=10, **options)
