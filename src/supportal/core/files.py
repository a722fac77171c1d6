"""Uploaded files: the one place every channel's uploads are checked, stored and served.

The type of a file comes from its bytes, never from the client's claim, and files are served only as
downloads or as a few harmless inline types, sandboxed, so an upload can never run script in our origin.
"""

from __future__ import annotations

import hashlib
import secrets
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO, Protocol, runtime_checkable
from urllib.parse import quote

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.http import FileResponse
from django.utils import timezone

from supportal.core.errors import InvalidInput, TooLarge

CHUNK_BYTES = 64 * 1024
SNIFF_BYTES = 8 * 1024
MAX_NAME_CHARS = 200
INLINE_TYPES = frozenset(
    {"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain"}
)
ZIP_FORMATS = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".odp": "application/vnd.oasis.opendocument.presentation",
}
TEXT_FORMATS = {".csv": "text/csv", ".json": "application/json", ".eml": "message/rfc822"}
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
    (b"\x1f\x8b", "application/gzip"),
    (b"7z\xbc\xaf\x27\x1c", "application/x-7z-compressed"),
    (b"Rar!\x1a\x07", "application/vnd.rar"),
    (b"ID3\x02\x00", "audio/mpeg"),
    (b"ID3\x03\x00", "audio/mpeg"),
    (b"ID3\x04\x00", "audio/mpeg"),
)
SERVED_TYPES = frozenset(
    {
        *(content_type for _, content_type in _MAGIC),
        *ZIP_FORMATS.values(),
        *TEXT_FORMATS.values(),
        *("image/webp", "audio/wav", "video/quicktime", "video/mp4", "audio/mp4", "application/zip"),
        *("text/plain", "application/octet-stream"),
    }
)
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_MP3_FRAMES = frozenset({b"\xfb", b"\xfa", b"\xf3", b"\xf2", b"\xe3", b"\xe2"})  # MPEG 1/2/2.5 layer III
_TEXT_CONTROLS = frozenset(b"\t\n\r\f\x1b")


@runtime_checkable
class _Readable(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...


@dataclass
class CheckedFile:
    """An upload that passed the checks; `content` is positioned anywhere, `store` rewinds it."""

    name: str
    content_type: str
    size: int
    sha256: str
    content: File[bytes]


def human_size(size: int) -> str:
    """`31.2 MB`, `25 MB`, `512 KB`, `12 bytes` (binary units, as people read them)."""
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= factor:
            value = round(size / factor, 1)
            return f"{value:g} {unit}"
    return f"{size} bytes"


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        # The head may end inside a multi-byte character: allow up to three bytes to be cut off.
        head.decode("utf-8")
        return True
    except UnicodeDecodeError as error:
        if error.reason == "unexpected end of data" and len(head) - error.start <= 3:
            return True
    printable = sum(1 for byte in head if (byte >= 0x20 and byte != 0x7F) or byte in _TEXT_CONTROLS)
    return printable / len(head) >= 0.95


def sniff_content_type(head: bytes, filename: str) -> str:
    """The content type of a file from its first bytes; the name only picks between formats of one kind.

    HTML, SVG and XML come out as text/plain, so nothing uploaded is ever rendered as a page.
    """
    suffix = PurePosixPath(filename.lower()).suffix
    for magic, content_type in _MAGIC:
        if head.startswith(magic):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio/wav"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand == b"qt  ":
            return "video/quicktime"
        return "audio/mp4" if brand in {b"M4A ", b"M4B "} else "video/mp4"
    if head[4:8] in {b"moov", b"mdat", b"wide"}:
        return "video/quicktime"
    if head.startswith(_ZIP_MAGIC):
        return ZIP_FORMATS.get(suffix, "application/zip")
    if head[:1] == b"\xff" and head[1:2] in _MP3_FRAMES:
        return "audio/mpeg"  # an MP3 frame without an ID3 tag
    if head and _looks_like_text(head):
        return TEXT_FORMATS.get(suffix, "text/plain")
    return "application/octet-stream"


def sanitize_filename(name: str) -> str:
    """A file name safe to store and to offer for download: the base name, no control characters,
    no path separators, no leading dots, at most 200 characters; "attachment" when nothing is left."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] not in {"C", "Z"} or ch == " ")
    name = name.strip().lstrip(".").rstrip(". ").strip()
    if len(name) > MAX_NAME_CHARS:
        suffix = PurePosixPath(name).suffix
        suffix = suffix if len(suffix) <= 16 else ""
        name = name[: MAX_NAME_CHARS - len(suffix)].rstrip(". ") + suffix
    return name or "attachment"


def _chunks(stream: _Readable | Iterable[bytes] | bytes) -> Iterator[bytes]:
    if isinstance(stream, bytes | bytearray):
        yield bytes(stream)
    elif isinstance(stream, _Readable):
        while chunk := stream.read(CHUNK_BYTES):
            yield chunk
    else:
        yield from stream


def check_upload(
    *,
    name: str,
    stream: IO[bytes] | _Readable | Iterable[bytes] | bytes,
    max_bytes: int | None = None,
    field: str = "file",
) -> CheckedFile:
    """Read an upload (bytes, a file, or an iterable of chunks), refusing it when empty or over the limit.

    Reading stops as soon as the limit is passed, so an endless stream costs at most the limit.
    """
    limit = settings.SUPPORTAL_MAX_ATTACHMENT_BYTES if max_bytes is None else max_bytes
    clean_name = sanitize_filename(name)
    declared = len(stream) if isinstance(stream, bytes | bytearray) else getattr(stream, "size", None)
    if isinstance(declared, int) and declared > limit:
        raise _too_large(clean_name, declared, limit, field)
    digest = hashlib.sha256()
    head = b""
    size = 0
    spool = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)  # noqa: SIM115 - handed to the caller
    for chunk in _chunks(stream):
        size += len(chunk)
        if size > limit:
            spool.close()
            raise _too_large(clean_name, declared if isinstance(declared, int) else None, limit, field)
        if len(head) < SNIFF_BYTES:
            head += chunk[: SNIFF_BYTES - len(head)]
        digest.update(chunk)
        spool.write(chunk)
    if size == 0:
        spool.close()
        message = f"“{clean_name}” is empty."
        raise InvalidInput(message, fields={field: [message]})
    spool.seek(0)
    return CheckedFile(
        name=clean_name,
        content_type=sniff_content_type(head, clean_name),
        size=size,
        sha256=digest.hexdigest(),
        content=File(spool, name=clean_name),  # type: ignore[arg-type]
    )


def _too_large(name: str, size: int | None, limit: int, field: str) -> TooLarge:
    if size is not None and size > limit:
        message = f"“{name}” is {human_size(size)}; the limit is {human_size(limit)}."
    else:
        message = f"“{name}” is larger than the limit of {human_size(limit)}."
    return TooLarge(message, fields={field: [message]})


def may_show_inline(content_type: str) -> bool:
    """Whether a browser may show this type in the page: images, PDF and plain text only."""
    return content_type.split(";", 1)[0].strip().lower() in INLINE_TYPES


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join("".join(ch for ch in plain if ch.isprintable() and ch not in '"\\;%').split())


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """A Content-Disposition header value with an ASCII fallback and the exact UTF-8 name (RFC 6266)."""
    name = sanitize_filename(filename)
    suffix = PurePosixPath(name).suffix
    stem = _ascii(name[: len(name) - len(suffix)]).strip(". ") or "attachment"
    ext = _ascii(suffix) if len(_ascii(suffix)) > 1 else ""
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{stem}{ext}\"; filename*=UTF-8''{quote(name, safe='')}"


def store(checked: CheckedFile, *, prefix: str) -> str:
    """Save the file under `<prefix>/<yyyy>/<mm>/<random>/<name>` in the default storage; returns its path."""
    parts = [part for part in prefix.replace("\\", "/").split("/") if part not in {"", ".", ".."}]
    if not parts:
        raise ValueError("store() needs a prefix such as 'cases'")
    now = timezone.now()
    path = "/".join([*parts, f"{now:%Y}", f"{now:%m}", secrets.token_urlsafe(12), checked.name])
    checked.content.seek(0)
    return default_storage.save(path, checked.content)


def file_response(*, storage_path: str, filename: str, content_type: str, inline: bool) -> FileResponse:
    """Stream a stored file as a download (or inline for harmless types), sandboxed and never sniffed."""
    show_inline = inline and may_show_inline(content_type)
    # Only types the sniffer gives are served as such; anything else (text/html!) is a plain download.
    served_type = content_type if content_type in SERVED_TYPES else "application/octet-stream"
    if served_type.startswith("text/"):
        served_type += "; charset=utf-8"
    response = FileResponse(default_storage.open(storage_path, "rb"), content_type=served_type)
    response["Content-Disposition"] = content_disposition(filename, inline=show_inline)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, max-age=3600"
    return response
