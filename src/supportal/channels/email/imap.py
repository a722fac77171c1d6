"""The IMAP poller: reads each configured mailbox (ImapMailbox) and hands every new message to
`inbound_receive`, then marks it read, deletes it or moves it, as the mailbox says.

At least once, never lost: a message is stored before the server is told anything, and `last_uid` moves
past it only after that. A crash in between fetches it again next time, and the idempotent store keeps it
once. Messages are fetched with BODY.PEEK[] (nothing is marked read by the fetch itself) and stored
byte for byte as the server sent them. A new UIDVALIDITY (the folder was recreated) starts from UID 1.
Failures (connection, sign-in, a folder that is not there) are recorded on the mailbox, never raised.
"""

from __future__ import annotations

import logging
import ssl
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from imap_tools import BaseMailBox, MailBox, MailBoxStartTls, MailBoxUnencrypted, MailMessage
from imap_tools.errors import MailboxDeleteError, MailboxFlagError
from imap_tools.utils import check_command_status

from supportal.channels.email.inbound import Receipt, inbound_receive
from supportal.channels.email.models import AfterFetch, ImapMailbox, Security, Source

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 60.0
FETCH_BATCH = 20  # messages per FETCH: few round trips, bounded memory


@dataclass
class PollResult:
    """One pass over one mailbox: how many messages were fetched and what became of them."""

    mailbox: str
    fetched: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    duplicates: int = 0
    error: str = ""

    def count(self, receipt: Receipt) -> None:
        self.fetched += 1
        self.outcomes[receipt.outcome or "stored"] += 1
        self.duplicates += int(receipt.duplicate)

    def summary(self) -> str:
        """One line for the command and the log: `support: fetched 3 (created 2, commented 1)`."""
        line = f"{self.mailbox}: fetched {self.fetched}"
        if self.outcomes:
            line += " (" + ", ".join(f"{name} {n}" for name, n in sorted(self.outcomes.items())) + ")"
        if self.duplicates:
            line += f", {self.duplicates} delivered before"
        if self.error:
            line += f"; failed: {self.error}"
        return line


class RawMessage(MailMessage):
    """imap-tools' message that keeps the bytes as fetched. `MailMessage.obj.as_bytes()` serialises the
    parsed message again, which is not byte for byte what the sender wrote."""

    def __init__(self, fetch_data: list[Any]) -> None:
        super().__init__(fetch_data)
        self.raw: bytes = self._get_message_data_parts(fetch_data)[0]


def poll_all_mailboxes() -> list[PollResult]:
    """One pass over every active mailbox (the periodic job). Never raises for a mailbox's failure."""
    return [poll_mailbox(mailbox) for mailbox in ImapMailbox.objects.filter(is_active=True).order_by("name")]


def poll_mailbox(mailbox: ImapMailbox, *, limit: int = 200) -> PollResult:
    """Fetch up to `limit` messages newer than `last_uid`, store each, then act on it per `after_fetch`.
    The outcome of the pass is recorded on the mailbox (last_polled_at, last_error)."""
    result = PollResult(mailbox.name)
    try:
        with _signed_in(mailbox) as client:
            _poll(client, mailbox, result, limit)
    except Exception as error:  # the server, the network or the database: recorded, tried again next pass
        result.error = f"{type(error).__name__}: {error}"[:2000]
        logger.warning("IMAP mailbox %s: %s", mailbox.name, result.error)
    mailbox.last_polled_at = timezone.now()
    mailbox.last_error = result.error
    mailbox.save(update_fields=["last_polled_at", "last_error"])
    return result


@contextmanager
def _signed_in(mailbox: ImapMailbox) -> Iterator[BaseMailBox]:
    client = _connect(mailbox)
    try:
        client.login(mailbox.username, mailbox.password, initial_folder=None)
        # Servers announce more after sign-in (MOVE, UIDPLUS); imaplib keeps only what it saw at connect.
        typ, data = client.client.capability()
        if typ == "OK" and data and data[-1]:
            client.client.capabilities = tuple(data[-1].decode("ascii", "replace").upper().split())
        yield client
    finally:
        with suppress(Exception):  # the connection may be gone already; what went wrong is reported above
            client.logout()


def _connect(mailbox: ImapMailbox) -> BaseMailBox:
    client: BaseMailBox
    host, port, tls = mailbox.host, mailbox.port, ssl.create_default_context()
    if mailbox.security == Security.SSL:
        client = MailBox(host, port, timeout=TIMEOUT_SECONDS, ssl_context=tls)
    elif mailbox.security == Security.STARTTLS:
        client = MailBoxStartTls(host, port, timeout=TIMEOUT_SECONDS, ssl_context=tls)
    else:
        client = MailBoxUnencrypted(host, port, timeout=TIMEOUT_SECONDS)
    client.email_message_class = RawMessage
    return client


def _poll(client: BaseMailBox, mailbox: ImapMailbox, result: PollResult, limit: int) -> None:
    client.folder.set(mailbox.folder)
    uid_validity = _uid_validity(client)
    if uid_validity is not None and uid_validity != mailbox.uid_validity:
        if mailbox.uid_validity is not None:
            logger.warning("IMAP mailbox %s: UIDVALIDITY changed, reading the folder again", mailbox.name)
        mailbox.uid_validity, mailbox.last_uid = uid_validity, 0
        mailbox.save(update_fields=["uid_validity", "last_uid"])
    # "UID n:*" always matches the newest message, even one below n: filter on our side as well.
    found = client.uids(f"UID {mailbox.last_uid + 1}:*", charset=None)  # some servers refuse CHARSET
    uids = sorted(uid for uid in (int(text) for text in found) if uid > mailbox.last_uid)[: max(limit, 0)]
    for start in range(0, len(uids), FETCH_BATCH):
        batch = [str(uid) for uid in uids[start : start + FETCH_BATCH]]
        messages = list(client.fetch(uid_list=batch, mark_seen=False, bulk=True))
        for message in sorted(messages, key=lambda message: int(message.uid or 0)):
            _take(client, mailbox, message, result)


def _take(client: BaseMailBox, mailbox: ImapMailbox, message: MailMessage, result: PollResult) -> None:
    """Store one message, then mark, delete or move it, then remember its UID: in that order."""
    assert isinstance(message, RawMessage) and message.uid
    receipt = inbound_receive(message.raw, source=Source.IMAP, mailbox=mailbox.name)
    result.count(receipt)
    _after_fetch(client, mailbox, message.uid)
    mailbox.last_uid = int(message.uid)
    mailbox.save(update_fields=["last_uid"])


def _after_fetch(client: BaseMailBox, mailbox: ImapMailbox, uid: str) -> None:
    imap = client.client
    if mailbox.after_fetch == AfterFetch.MOVE:
        client.move(uid, mailbox.move_to)  # MOVE, or COPY then delete where the server has no MOVE
    elif mailbox.after_fetch == AfterFetch.DELETE:
        check_command_status(imap.uid("STORE", uid, "+FLAGS.SILENT", r"(\Deleted)"), MailboxDeleteError)
        _expunge(client, [uid])
    else:  # not imap-tools' flag(), which also expunges whatever else is marked deleted
        check_command_status(imap.uid("STORE", uid, "+FLAGS.SILENT", r"(\Seen)"), MailboxFlagError)


def _expunge(client: BaseMailBox, uids: Sequence[str]) -> None:
    """Remove just these messages where the server can (UIDPLUS), else everything marked deleted."""
    if "UIDPLUS" in client.client.capabilities:
        check_command_status(client.client.uid("EXPUNGE", ",".join(uids)), MailboxDeleteError)
    else:
        client.expunge()


def _uid_validity(client: BaseMailBox) -> int | None:
    """The selected folder's UIDVALIDITY, from the SELECT response."""
    _code, data = client.client.response("UIDVALIDITY")
    with suppress(TypeError, ValueError, IndexError):
        return int(data[-1])
    return None
