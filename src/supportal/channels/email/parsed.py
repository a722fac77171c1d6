"""What the inbound pipeline knows of a message once parsed: plain data, no database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class MailAttachment:
    filename: str
    content_type: str
    data: bytes
    inline: bool = False
    content_id: str = ""


@dataclass
class ParsedMessage:
    """A message as the filters see it. `parse.parse_message` fills it from any bytes, never raising.

    Addresses are lowercased addr-specs ("" when unreadable); Message-IDs keep their angle brackets
    ("<abc@example.com>"); `headers` maps lowercased names to every decoded value of that header.
    """

    message_id: str = ""
    subject: str = ""
    from_address: str = ""
    from_name: str = ""
    reply_to: str = ""
    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    date: datetime | None = None
    in_reply_to: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    headers: dict[str, list[str]] = field(default_factory=dict)
    text: str = ""  # the whole body as plain text: the text part, or the HTML part turned into text
    html: str = ""  # the HTML part as sent ("" when there is none)
    attachments: list[MailAttachment] = field(default_factory=list)
    content_type: str = "text/plain"
    is_delivery_report: bool = False  # multipart/report, message/delivery-status or a feedback report
    defects: list[str] = field(default_factory=list)

    def header(self, name: str) -> str:
        """The first value of a header ("" when absent)."""
        values = self.headers.get(name.lower())
        return values[0] if values else ""
