"""From the bytes of any message, real or hostile, to the `ParsedMessage` every inbound filter reads.

`parse_message` never raises. The stdlib parser reads the structure with the compat32 policy: it is
ten times faster than the default policy on a message of many parts and keeps the parameters the
default policy drops when it cannot parse them. Each header is then decoded on its own, so one broken
header costs that header only: addresses go through the default policy's RFC 5322 parser (with the
lenient `getaddresses` and a bare addr-spec search behind it), encoded-words with unknown charsets and
raw 8-bit bytes are read as well as they can be, and what the parser found wrong is kept in `defects`.
The MIME walk lives in `parse_parts`, charsets in `parse_text`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import Message
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime

from supportal.channels.email.parse_parts import part_info, read_body
from supportal.channels.email.parse_text import (
    clean_text,
    collapse_whitespace,
    decode_bytes,
    decode_words,
    html_to_text,
    tidy_text,
    unsurrogate,
)
from supportal.channels.email.parsed import ParsedMessage

MESSAGE_ID = re.compile(r"<[^<>\s]{1,900}>")
BARE_ID = re.compile(r"[^<>\s\"(),;]+@[^<>\s\"(),;]+")
ADDR_SPEC = re.compile(r"[^\s<>\"'(),;:\[\]]+@[^\s<>\"'(),;:\[\]]+")
ADDRESS_HEADERS = ("from", "reply-to", "to", "cc")
HEADER_LIMIT = 1000
VALUE_LIMIT = 20_000


def parse_message(raw: bytes) -> ParsedMessage:
    """Everything the pipeline needs to know about `raw`; a minimal message with a defect, never an
    exception, when even the fallbacks fail."""
    data = bytes(raw) if isinstance(raw, bytes | bytearray | memoryview) else b""
    try:
        return _parse(data)
    except Exception as error:  # the last net: the raw bytes are stored whatever happens here
        text = tidy_text(clean_text(decode_bytes(data[:2_000_000])))
        return ParsedMessage(text=text, defects=[f"unparseable: {type(error).__name__}"])


def _parse(raw: bytes) -> ParsedMessage:
    message, trouble = _message(raw)
    body = read_body(message)
    if trouble:
        body.note(trouble)
    headers = _headers(message, body.charset)
    parsed = ParsedMessage(headers=headers, attachments=body.attachments, is_delivery_report=body.is_report)
    parsed.content_type = part_info(message).content_type
    parsed.defects = body.defects
    parsed.subject = collapse_whitespace(_first(headers, "subject"))
    parsed.message_id = _message_id(headers)
    parsed.in_reply_to = _ids(headers.get("in-reply-to", []))
    parsed.references = _ids(headers.get("references", []))
    parsed.date = _date(_first(headers, "date"))
    senders = sorted(_addresses(message, "from"), key=lambda pair: "@" not in pair[0])  # stable
    parsed.from_address, parsed.from_name = senders[0] if senders else ("", "")
    replies = [pair for pair in _addresses(message, "reply-to") if "@" in pair[0]]
    parsed.reply_to = replies[0][0] if replies else ""
    parsed.to = [address for address, _ in _addresses(message, "to") if "@" in address]
    parsed.cc = [address for address, _ in _addresses(message, "cc") if "@" in address]
    parsed.html = "\n".join(html for html in body.htmls if html.strip())
    text = tidy_text("\n\n".join(text for text in body.texts if text.strip()))
    parsed.text = text if text.strip() else (html_to_text(parsed.html) if parsed.html else "")
    if not parsed.text.strip():  # an inline text file is all the sender wrote: show it (it stays attached)
        inline_texts = [a.data for a in body.attachments if a.inline and a.content_type == "text/plain"]
        parsed.text = tidy_text(clean_text("\n\n".join(decode_bytes(data) for data in inline_texts)))
    return parsed


def _message(raw: bytes) -> tuple[Message, str]:
    """The parsed message; for a structure the parser cannot take (multiparts nested thousands deep
    exhaust its recursion), the headers alone with the rest as a plain text body."""
    try:
        return message_from_bytes(raw, policy=policy.compat32), ""
    except Exception as error:
        headers_only = BytesParser(policy=policy.compat32).parsebytes(raw, headersonly=True)
        del headers_only["content-type"]
        return headers_only, f"structure unparseable ({type(error).__name__}): read as plain text"


def _headers(message: Message, charset: str) -> dict[str, list[str]]:
    headers: dict[str, list[str]] = {}
    for name, value in list(message.raw_items())[:HEADER_LIMIT]:
        key = clean_text(str(name)).strip().lower()
        decoded = clean_text(decode_words(str(value)[:VALUE_LIMIT], charset))
        decoded = decoded.replace("\r", "").replace("\n", " ")
        headers.setdefault(key, []).append(decoded.strip())
    return headers


def _first(headers: dict[str, list[str]], name: str) -> str:
    values = headers.get(name)
    return values[0] if values else ""


def _ids(values: list[str]) -> list[str]:
    return _unique(MESSAGE_ID.findall(" ".join(values)))[:100]


def _message_id(headers: dict[str, list[str]]) -> str:
    value = _first(headers, "message-id")
    found = MESSAGE_ID.search(value)
    if found:
        return found.group(0)
    bare = BARE_ID.search(value)  # some software leaves out the angle brackets
    return f"<{bare.group(0)}>" if bare else ""


def _date(value: str) -> datetime | None:
    if not value.strip():
        return None
    try:
        moment = parsedate_to_datetime(value)
    except Exception:
        return None
    if moment is None or not 1970 <= moment.year <= 2200:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _addresses(message: Message, name: str) -> list[tuple[str, str]]:
    """(lowercased addr-spec, display name) for every address in every `name` header, first seen first.
    The default policy's address parser first; the stdlib's lenient `getaddresses`, then a bare
    addr-spec search, for what it cannot read."""
    found: list[tuple[str, str]] = []
    for raw in _raw_values(message, name):
        value = unsurrogate(str(raw))
        pairs = _policy_addresses(name, value)
        if not any(address for address, _ in pairs):
            pairs = _lenient_addresses(value)
        found += [(address, display) for address, display in pairs if address]
    first_seen: dict[str, tuple[str, str]] = {}
    for address, display in found:
        first_seen.setdefault(address, (address, display))
    return list(first_seen.values())


def _raw_values(message: Message, name: str) -> list[str]:
    return [str(value) for key, value in message.raw_items() if str(key).strip().lower() == name][:50]


def _policy_addresses(name: str, value: str) -> list[tuple[str, str]]:
    try:
        header = policy.default.header_factory(name, value)
        return [
            (_addr_spec(address.addr_spec), clean_text(collapse_whitespace(address.display_name)))
            for address in header.addresses
        ]
    except Exception:
        return []


def _lenient_addresses(value: str) -> list[tuple[str, str]]:
    decoded = decode_words(value)
    pairs: list[tuple[str, str]] = []
    try:
        pairs = [
            (_addr_spec(addr), collapse_whitespace(display)) for display, addr in getaddresses([decoded])
        ]
    except Exception:
        pairs = []
    if any(address for address, _ in pairs):
        return pairs
    return [(match.lower(), "") for match in ADDR_SPEC.findall(decoded)]


def _addr_spec(value: str) -> str:
    """Lowercased, and "" for what is no address at all (empty, spaces, `<>`)."""
    address = clean_text(value).strip().strip("<>").strip().lower()
    if not address or any(char.isspace() for char in address) or address in {"@", '""@'}:
        return ""
    return address


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))
