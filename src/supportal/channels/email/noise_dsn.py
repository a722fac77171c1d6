"""What a bounce says went wrong, for the one sentence an agent reads in the ignored list: the status
code (RFC 3463), the SMTP reply code and the recipients that failed.

Read from the report's machine-readable part (RFC 3464 `message/delivery-status`) when there is one,
else from the text the mail server wrote above its copy of the message. Best effort: a bounce nobody
can read is still a bounce, only with a shorter reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from supportal.channels.email.noise_patterns import (
    ADMIN_LOCAL_PARTS,
    DAEMON_LOCAL_PARTS,
    ORIGINAL_MESSAGE_START,
    compact_local_part,
)
from supportal.channels.email.parsed import ParsedMessage

DELIVERY_REPORTS = {"message/delivery-status", "message/global-delivery-status"}
FEEDBACK_REPORT = "message/feedback-report"
READ_RECEIPT = "message/disposition-notification"

RECIPIENT_FIELD = re.compile(
    r"^final-recipient:\s*(?:[\w.-]+\s*;)?\s*<?([^\s<>;\"]+@[^\s<>;\"]+?)>?\s*$",
    re.IGNORECASE | re.MULTILINE,
)
ORIGINAL_RECIPIENT_FIELD = re.compile(RECIPIENT_FIELD.pattern.replace("final", "original"), re.I | re.M)
STATUS_FIELD = re.compile(r"^status:\s*([245]\.\d{1,3}\.\d{1,3})", re.IGNORECASE | re.MULTILINE)
ACTION_FIELD = re.compile(r"^action:\s*([a-z]+)", re.IGNORECASE | re.MULTILINE)
DIAGNOSTIC_CODE = re.compile(r"^diagnostic-code:\s*[^;\n]*;\s*([245]\d\d)\b", re.IGNORECASE | re.MULTILINE)
FEEDBACK_TYPE = re.compile(r"^feedback-type:\s*([\w-]+)", re.IGNORECASE | re.MULTILINE)
ENHANCED_STATUS = re.compile(r"(?<![\w.])([245]\.\d{1,3}\.\d{1,3})(?![\w]|\.\d)")
SMTP_REPLY = re.compile(r"(?<![\w.#])([45][0-5]\d)(?:[ -](?=[245]\.\d)|[ -](?=[A-Za-z<#]))")
ADDRESS = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
REPORT_TEXT_LIMIT = 20_000

# RFC 3463 subject.detail → the words an agent understands; the class digit says failed or delayed.
STATUS_MEANINGS = {
    "1.1": "user unknown",
    "1.2": "host unknown",
    "1.3": "bad address syntax",
    "1.6": "mailbox has moved",
    "1.10": "domain accepts no mail",
    "2.1": "mailbox disabled",
    "2.2": "mailbox full",
    "2.3": "message too large",
    "3.1": "mail system full",
    "3.4": "message too large",
    "4.1": "no answer from host",
    "4.2": "connection dropped",
    "4.4": "unable to route",
    "4.6": "routing loop",
    "4.7": "delivery time expired",
    "5.3": "too many recipients",
    "6.0": "content refused",
    "7.1": "delivery not authorized",
}
SUBJECT_MEANINGS = {
    "0": "undeliverable",
    "1": "address problem",
    "2": "mailbox problem",
    "3": "mail system problem",
    "4": "network or routing problem",
    "5": "protocol problem",
    "6": "content problem",
    "7": "refused by policy",
}


@dataclass(frozen=True)
class DeliveryDetails:
    status: str = ""  # "5.1.1"
    smtp_code: str = ""  # "550"
    recipients: tuple[str, ...] = ()
    delayed: bool = False

    def describe(self) -> str:
        """`5.1.1 user unknown, SMTP 550, for kijitora@example.jp`; "" when the report says nothing."""
        parts = []
        if self.status:
            parts.append(f"{self.status} {status_meaning(self.status)}")
        if self.smtp_code and self.smtp_code not in self.status:
            parts.append(f"SMTP {self.smtp_code}")
        if self.recipients:
            more = len(self.recipients) - 1
            parts.append(f"for {self.recipients[0]}" + (f" and {more} more" if more else ""))
        return ", ".join(parts)


def status_meaning(status: str) -> str:
    _, _, rest = status.partition(".")
    subject = rest.partition(".")[0]
    return STATUS_MEANINGS.get(rest) or SUBJECT_MEANINGS.get(subject, "undeliverable")


def delivery_details(message: ParsedMessage) -> DeliveryDetails:
    report = attachment_text(message, DELIVERY_REPORTS)
    text = report_part_of_text(message.text)
    statuses = STATUS_FIELD.findall(report) or STATUS_FIELD.findall(text) or ENHANCED_STATUS.findall(text)
    actions = [action.lower() for action in ACTION_FIELD.findall(report or text)]
    codes = DIAGNOSTIC_CODE.findall(report) or DIAGNOSTIC_CODE.findall(text) or SMTP_REPLY.findall(text)
    status = _most_severe(statuses)
    delayed = bool(actions) and all(action == "delayed" for action in actions)
    delayed = delayed or (not actions and status.startswith("4"))
    return DeliveryDetails(
        status, codes[0] if codes else "", _failed_recipients(message, report, text), delayed
    )


def feedback_type(message: ParsedMessage) -> str:
    """`abuse`, `fraud`, `opt-out`, ... from an ARF report (RFC 5965), "" when it does not say."""
    found = FEEDBACK_TYPE.search(attachment_text(message, {FEEDBACK_REPORT}) or message.text)
    return found.group(1).lower() if found else ""


def has_part(message: ParsedMessage, content_types: set[str] | str) -> bool:
    wanted = {content_types} if isinstance(content_types, str) else content_types
    return any(attachment.content_type.lower() in wanted for attachment in message.attachments)


def attachment_text(message: ParsedMessage, content_types: set[str]) -> str:
    texts = [
        attachment.data[:REPORT_TEXT_LIMIT].decode("utf-8", "replace")
        for attachment in message.attachments
        if attachment.content_type.lower() in content_types
    ]
    return "\n".join(texts).replace("\r\n", "\n")


def report_part_of_text(text: str) -> str:
    """The server's own words: the text above the copy of the bounced message it quotes."""
    text = text[:REPORT_TEXT_LIMIT]
    start = ORIGINAL_MESSAGE_START.search(text)
    return text[: start.start()] if start else text


def _most_severe(statuses: list[str]) -> str:
    """A permanent failure says more than a delay, a delay more than a success (5 > 4 > 2)."""
    ranked = sorted(dict.fromkeys(statuses), key=lambda status: {"5": 0, "4": 1}.get(status[0], 2))
    return ranked[0] if ranked else ""


def _failed_recipients(message: ParsedMessage, report: str, text: str) -> tuple[str, ...]:
    header = " ".join(message.headers.get("x-failed-recipients", []))
    found = ADDRESS.findall(header)
    for field in (RECIPIENT_FIELD, ORIGINAL_RECIPIENT_FIELD):  # Original- only where Final- is missing
        found = found or field.findall(report) or field.findall(text)
    if not found:  # free text: every address the server names but its own and the original sender's
        ours = {message.from_address, *message.to, *message.cc}
        found = [
            address
            for address in ADDRESS.findall(text)
            if address.lower() not in ours
            and compact_local_part(address) not in DAEMON_LOCAL_PARTS | ADMIN_LOCAL_PARTS
        ]
    return tuple(dict.fromkeys(address.strip(".").lower() for address in found))[:20]
