"""Walking a message's MIME tree: which parts are the body a person wrote, which are attachments.

The body is the text/plain (and text/html) the sender typed: of a multipart/alternative the plain text
and the richest HTML, of a multipart/mixed every inline text part in order. Everything else is kept as
an attachment so nothing the sender sent is lost: files, inline images, calendar invites, forwarded
messages (whose text is not mistaken for the body), delivery reports, signatures, and `winmail.dat`
with the files tnefparse finds inside it. A hostile message cannot make the walk run away: parts, depth
and text are capped.
"""

from __future__ import annotations

import mimetypes
import re
from dataclasses import dataclass, field
from email.message import Message
from email.policy import compat32
from email.utils import collapse_rfc2231_value
from typing import Any

from tnefparse import TNEF  # type: ignore[import-untyped]
from tnefparse.properties import MAPI_ATTACH_LONG_FILENAME  # type: ignore[import-untyped]

from supportal.channels.email.parse_text import (
    clean_text,
    collapse_whitespace,
    decode_bytes,
    decode_words,
    unflow,
    unsurrogate,
)
from supportal.channels.email.parsed import MailAttachment

PART_LIMIT = 500
DEPTH_LIMIT = 40
TEXT_LIMIT = 2_000_000
HTML_LIMIT = 5_000_000
TNEF_LIMIT = 25_000_000
REPORT_PARTS = {"message/delivery-status", "message/global-delivery-status", "message/feedback-report"}
FORWARDED = {"message/rfc822", "message/global", "message/news"}
TNEF_TYPES = {"application/ms-tnef", "application/vnd.ms-tnef"}
BODY_TYPES = {"text/plain", "text/html"}
# Names for parts that arrive without one, so the agent sees what each file is.
FIXED_NAMES = {
    "text/calendar": "invite.ics",
    "application/ics": "invite.ics",
    "message/delivery-status": "delivery-status.txt",
    "message/global-delivery-status": "delivery-status.txt",
    "message/feedback-report": "feedback-report.txt",
    "message/disposition-notification": "read-receipt.txt",
    "text/rfc822-headers": "headers.txt",
    "text/rfc822-header": "headers.txt",
    "message/rfc822-headers": "headers.txt",
    "application/ms-tnef": "winmail.dat",
    "application/vnd.ms-tnef": "winmail.dat",
    "application/pgp-signature": "signature.asc",
    "application/pkcs7-signature": "smime.p7s",
    "application/x-pkcs7-signature": "smime.p7s",
}
CONTENT_TYPE = re.compile(r"\s*([a-z0-9!#$&^_.+-]+/[a-z0-9!#$&^_.+-]+)", re.IGNORECASE)
UNSAFE_IN_NAME = re.compile(r'[\x00-\x1f\x7f<>:"|?*]')


@dataclass
class PartInfo:
    """What a part's headers say about it, read once and never raising."""

    content_type: str = "text/plain"
    charset: str = ""
    disposition: str = ""
    filename: str = ""
    content_id: str = ""
    flowed: bool = False
    delsp: bool = False


@dataclass
class Body:
    texts: list[str] = field(default_factory=list)
    htmls: list[str] = field(default_factory=list)
    attachments: list[MailAttachment] = field(default_factory=list)
    is_report: bool = False
    defects: list[str] = field(default_factory=list)
    charset: str = ""  # of the first body part: the best guess for raw 8-bit bytes in the headers
    parts_seen: int = 0
    text_size: int = 0
    html_size: int = 0

    def note(self, defect: str) -> None:
        if defect not in self.defects and len(self.defects) < 50:
            self.defects.append(defect)


def read_body(message: Message) -> Body:
    body = Body()
    _walk(message, body, parent="", depth=0)
    return body


def _walk(part: Message, body: Body, parent: str, depth: int) -> None:
    if body.parts_seen >= PART_LIMIT:
        body.note(f"more than {PART_LIMIT} parts: the rest ignored")
        return
    body.parts_seen += 1
    for defect in getattr(part, "defects", [])[:10]:
        body.note(type(defect).__name__)
    info = part_info(part)
    ctype = info.content_type
    if ctype == "multipart/report" or ctype in REPORT_PARTS:
        body.is_report = True
    if ctype == "text/rfc822-headers" and parent == "multipart/report":
        body.is_report = True
    if ctype in FORWARDED or (ctype.startswith("message/") and part.is_multipart()):
        _add(body, _message_attachment(part, info))
        return
    if part.is_multipart():
        if depth >= DEPTH_LIMIT:
            body.note(f"nested deeper than {DEPTH_LIMIT}: the rest ignored")
            return
        children = [child for child in _payload_list(part) if isinstance(child, Message)]
        if ctype == "multipart/alternative":
            _walk_alternative(children, body, depth)
        else:
            for child in children:
                _walk(child, body, ctype, depth + 1)
        return
    _leaf(part, info, body, parent)


def _walk_alternative(children: list[Message], body: Body, depth: int) -> None:
    """One body out of several renderings: the first that has plain text, the last that has HTML."""
    versions: list[Body] = []
    for child in children:
        version = Body(parts_seen=body.parts_seen, text_size=body.text_size, html_size=body.html_size)
        _walk(child, version, "multipart/alternative", depth + 1)
        body.parts_seen = version.parts_seen
        body.is_report = body.is_report or version.is_report
        body.charset = body.charset or version.charset
        for defect in version.defects:
            body.note(defect)
        body.attachments += version.attachments
        versions.append(version)
    texts = next((v.texts for v in versions if any(t.strip() for t in v.texts)), [])
    htmls = next((v.htmls for v in reversed(versions) if any(h.strip() for h in v.htmls)), [])
    body.texts += texts
    body.htmls += htmls
    body.text_size += sum(map(len, texts))
    body.html_size += sum(map(len, htmls))


def _leaf(part: Message, info: PartInfo, body: Body, parent: str) -> None:
    ctype = info.content_type
    named = bool(info.filename)
    if ctype.startswith("multipart/"):  # a multipart without a usable boundary: its text is all there is
        ctype = "text/plain"
    if ctype in BODY_TYPES and info.disposition != "attachment" and not named:
        text = decode_bytes(payload_bytes(part), info.charset)
        body.charset = body.charset or info.charset
        if ctype == "text/html":
            _add_html(body, clean_text(text))
        else:
            if info.flowed:
                text = unflow(text.replace("\r\n", "\n"), info.delsp)
            _add_text(body, clean_text(text))
        return
    if parent == "multipart/alternative" and ctype.startswith("text/") and ctype != "text/calendar":
        return  # text/enriched, text/watch-html ...: other renderings of the same body
    data = payload_bytes(part)
    _add(body, _attachment(info, data, len(body.attachments) + 1))
    if ctype in TNEF_TYPES or info.filename.lower() == "winmail.dat":
        for inner in _tnef_files(data, body):
            _add(body, inner)


def _add(body: Body, attachment: MailAttachment) -> None:
    if len(body.attachments) < PART_LIMIT:
        body.attachments.append(attachment)


def _add_text(body: Body, text: str) -> None:
    room = TEXT_LIMIT - body.text_size
    if len(text) > room:
        body.note(f"text longer than {TEXT_LIMIT} characters: cut")
        text = text[: max(room, 0)]
    body.texts.append(text)
    body.text_size += len(text)


def _add_html(body: Body, html: str) -> None:
    room = HTML_LIMIT - body.html_size
    if len(html) > room:
        body.note(f"html longer than {HTML_LIMIT} characters: cut")
        html = html[: max(room, 0)]
    body.htmls.append(html)
    body.html_size += len(html)


def _attachment(info: PartInfo, data: bytes, index: int) -> MailAttachment:
    inline = info.disposition == "inline" or (not info.disposition and bool(info.content_id))
    return MailAttachment(
        filename=info.filename or _name_for(info.content_type, index),
        content_type=info.content_type,
        data=data,
        inline=inline,
        content_id=info.content_id,
    )


def _message_attachment(part: Message, info: PartInfo) -> MailAttachment:
    """A forwarded message, kept whole as `<its subject>.eml`."""
    payload = _payload_list(part)
    inner = payload[0] if payload and isinstance(payload[0], Message) else None
    data = _message_bytes(inner) if inner is not None else payload_bytes(part)
    if info.content_type not in FORWARDED:  # delivery-status and friends: blocks of header lines
        data = b"\n".join(_message_bytes(block) for block in payload if isinstance(block, Message))
    name = info.filename
    if not name and info.content_type in FORWARDED:
        subject = _raw_header(inner, "subject") if inner is not None else ""
        name = clean_filename(collapse_whitespace(decode_words(subject))[:100]) or "forwarded message"
    if info.content_type in FORWARDED and not name.lower().endswith(".eml"):
        name += ".eml"
    return MailAttachment(
        filename=name or _name_for(info.content_type, 0),
        content_type=info.content_type,
        data=data,
        inline=info.disposition == "inline",
        content_id=info.content_id,
    )


def _tnef_files(data: bytes, body: Body) -> list[MailAttachment]:
    """The files inside an Outlook `winmail.dat`; none (and a note) when tnefparse cannot read it."""
    if len(data) > TNEF_LIMIT:
        return []
    try:
        items = TNEF(data, do_checksum=False).attachments[:PART_LIMIT]
    except Exception as error:  # tnefparse raises whatever a broken file makes it raise
        body.note(f"winmail.dat unreadable: {type(error).__name__}")
        return []
    files = []
    for index, item in enumerate(items, start=1):
        try:
            files.append(_tnef_file(item, index))
        except Exception as error:  # one unreadable file inside: keep the others
            body.note(f"winmail.dat file unreadable: {type(error).__name__}")
    return files


def _tnef_file(item: Any, index: int) -> MailAttachment:
    # The raw name, not tnefparse's `name`: that decodes as strict utf-8 and fails on Outlook's cp1252.
    raw_name = getattr(item, "_name", b"") or b""
    for attribute in getattr(item, "mapi_attrs", []):  # the long file name, when Outlook gave one
        if attribute.name == MAPI_ATTACH_LONG_FILENAME and attribute.data:
            raw_name = attribute.data
    if isinstance(raw_name, bytes):
        raw_name = decode_bytes(raw_name.split(b"\x00", 1)[0])
    name = clean_filename(str(raw_name).split("\x00", 1)[0]) or f"winmail-{index}.bin"
    guessed = mimetypes.guess_type(name)[0] or "application/octet-stream"
    payload = item.data if isinstance(item.data, bytes) else b""
    return MailAttachment(filename=name, content_type=guessed, data=payload)


def part_info(part: Message) -> PartInfo:
    """Read through a compat32 view of the raw headers: the default policy drops parameters it cannot
    parse (`name==?utf-8?B?...?=`, `filename=This is a test.txt`) where compat32 keeps them."""
    try:
        return _part_info(compat_view(part))
    except Exception:
        return PartInfo()


def _part_info(part: Message) -> PartInfo:
    declared = CONTENT_TYPE.match(str(part.get("content-type", "")))
    ctype = declared.group(1).lower() if declared else part.get_content_type()
    charset = _param(part, "charset")
    disposition = (part.get_content_disposition() or "").lower()
    name = part.get_filename() or _param(part, "name")
    content_id = _raw_header(part, "content-id").strip().strip("<>").strip()
    flowed = str(part.get_param("format") or "").lower() == "flowed"
    delsp = str(part.get_param("delsp") or "").lower() == "yes"
    return PartInfo(ctype, charset, disposition, clean_filename(name or ""), content_id, flowed, delsp)


def _param(part: Message, name: str) -> str:
    value = part.get_param(name)
    if value is None:
        return ""
    return str(collapse_rfc2231_value(value))


def compat_view(part: Message) -> Message:
    view = Message(policy=compat32)
    view.set_default_type(part.get_default_type())  # message/rfc822 inside a multipart/digest
    for name, value in part.raw_items():
        view[name] = unsurrogate(str(value))  # raw 8-bit names as text, not as compat32's "\ufffd"
    return view


def _raw_header(part: Message, name: str) -> str:
    for key, value in part.raw_items():
        if key.lower() == name:
            return str(value)
    return ""


def clean_filename(name: str) -> str:
    """A file name safe to store and show: decoded, no directories, no control characters."""
    name = clean_text(decode_words(name)).replace("\\", "/").rsplit("/", 1)[-1]
    name = collapse_whitespace(UNSAFE_IN_NAME.sub("_", name)).strip(". ")
    if len(name) > 200:
        stem, dot, extension = name.rpartition(".")
        name = stem[:180] + dot + extension[:15] if dot and len(extension) <= 15 else name[:200]
    return name


def _name_for(content_type: str, index: int) -> str:
    if content_type in FIXED_NAMES:
        return FIXED_NAMES[content_type]
    extension = mimetypes.guess_extension(content_type, strict=False) or ".bin"
    stem = "image" if content_type.startswith("image/") else "attachment"
    return f"{stem}-{index}{extension}" if index else f"{stem}{extension}"


def payload_bytes(part: Message) -> bytes:
    """The decoded content of a leaf part; the raw content when its transfer encoding is broken."""
    try:
        data = part.get_payload(decode=True)
    except Exception:
        data = None
    if isinstance(data, bytes):
        return data
    raw = part.get_payload()
    if isinstance(raw, str):
        return raw.encode("utf-8", "surrogateescape")
    return b""


def _payload_list(part: Message) -> list[Message]:
    payload = part.get_payload()
    return [item for item in payload if isinstance(item, Message)] if isinstance(payload, list) else []


def _message_bytes(message: Message) -> bytes:
    try:
        return message.as_bytes(policy=compat32)
    except Exception:
        try:
            return message.as_string(policy=compat32).encode("utf-8", "surrogateescape")
        except Exception:
            return b""
