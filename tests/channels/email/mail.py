"""Small real messages for the pipeline tests, written as a mail client would."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from itertools import count

from django.utils import timezone

_serial = count(1)


def mail(
    sender: str = "alice@acme.example",
    subject: str = "The printer on floor 3 is jammed",
    body: str = "Hello,\n\nthe printer on floor 3 jams on every page.\n\nAlice",
    *,
    to: str = "support@example.com",
    message_id: str = "",
    attachments: tuple[tuple[str, str, bytes], ...] = (),
    **headers: str,
) -> bytes:
    """An RFC 5322 message; `headers` use underscores for dashes (In_Reply_To=...)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(timezone.now())
    message["Message-ID"] = message_id or make_msgid(idstring=str(next(_serial)), domain="client.example")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    for filename, content_type, data in attachments:
        maintype, subtype = content_type.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return message.as_bytes()


def message_id_of(raw: bytes) -> str:
    from supportal.channels.email.inbound import header_message_id

    return header_message_id(raw)
