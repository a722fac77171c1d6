"""Uploads: sniffing types from real bytes, size limits, file names, storage and serving."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from supportal.core import files
from supportal.core.errors import InvalidInput, TooLarge
from supportal.core.files import (
    check_upload,
    content_disposition,
    file_response,
    may_show_inline,
    sanitize_filename,
    sniff_content_type,
    store,
)
from tests.core.file_samples import (
    EML,
    GIF,
    JPEG,
    M4A,
    MOV,
    MP3_FRAME,
    MP3_ID3,
    MP4,
    PDF,
    RAR,
    SEVEN_Z,
    WEBP,
    png_bytes,
    wav_bytes,
    zip_bytes,
)

SNIFFED = [
    (png_bytes(), "logo.png", "image/png"),
    (png_bytes(), "logo.jpg", "image/png"),  # the name does not matter, the bytes do
    (JPEG, "photo.jpeg", "image/jpeg"),
    (GIF, "spinner.gif", "image/gif"),
    (WEBP, "pic.webp", "image/webp"),
    (PDF, "invoice.pdf", "application/pdf"),
    (PDF, "invoice.html", "application/pdf"),
    (zip_bytes({"a.txt": b"hello"}), "logs.zip", "application/zip"),
    (zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"}), "Spec.DOCX",
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (zip_bytes({"[Content_Types].xml": b"<Types/>"}), "sheet.xlsx",
     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (zip_bytes({"[Content_Types].xml": b"<Types/>"}), "deck.pptx",
     "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    (zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.text"}), "letter.odt",
     "application/vnd.oasis.opendocument.text"),
    (zip_bytes({"a": b"b"}), "letter.exe", "application/zip"),
    (gzip.compress(b"log line\n" * 20, mtime=0), "app.log.gz", "application/gzip"),
    (SEVEN_Z, "backup.7z", "application/x-7z-compressed"),
    (RAR, "backup.rar", "application/vnd.rar"),
    (MP4, "screen.mp4", "video/mp4"),
    (MOV, "screen.mov", "video/quicktime"),
    (M4A, "voicemail.m4a", "audio/mp4"),
    (wav_bytes(), "call.wav", "audio/wav"),
    (MP3_ID3, "call.mp3", "audio/mpeg"),
    (MP3_FRAME, "call.mp3", "audio/mpeg"),
    ("Grüße, 日本語 text\n".encode(), "notes.txt", "text/plain"),
    ("naïve café\n".encode("latin-1"), "notes.txt", "text/plain"),
    (b"id,name\n1,Acme\n", "export.csv", "text/csv"),
    (b'{"ok": true}\n', "data.json", "application/json"),
    (EML, "original.eml", "message/rfc822"),
    (b"<html><script>alert(1)</script></html>", "page.html", "text/plain"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "icon.svg", "text/plain"),
    (b'<?xml version="1.0"?><a/>', "feed.xml", "text/plain"),
    (b"#!/bin/sh\nrm -rf /\n", "setup.exe", "text/plain"),
    (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00", "setup.exe", "application/octet-stream"),
    (bytes(range(256)), "random.bin", "application/octet-stream"),
    ("\ufeffhello".encode("utf-16"), "utf16.txt", "application/octet-stream"),
    (b"", "empty.txt", "application/octet-stream"),
]  # fmt: skip


@pytest.mark.parametrize(("data", "name", "expected"), SNIFFED)
def test_types_come_from_the_bytes(data: bytes, name: str, expected: str) -> None:
    assert sniff_content_type(data, name) == expected


def test_text_cut_inside_a_character_is_still_text() -> None:
    head = ("é" * 10).encode()[:-1]
    assert sniff_content_type(head, "notes.txt") == "text/plain"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("report.pdf", "report.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\bob\\Desktop\\screen shot.png", "screen shot.png"),
        ("..\\..\\boot.ini", "boot.ini"),
        (".htaccess", "htaccess"),
        ("...hidden.txt", "hidden.txt"),
        ("name\x00.txt", "name.txt"),
        ("evil\r\nSet-Cookie: x=1.txt", "evilSet-Cookie: x=1.txt"),
        ("invoice\u202egpj.exe", "invoicegpj.exe"),  # no right-to-left override tricks
        ("Grüße 日本語 отчёт.docx", "Grüße 日本語 отчёт.docx"),
        ("trailing dots... ", "trailing dots"),
        ("", "attachment"),
        ("/", "attachment"),
        ("....", "attachment"),
        ("\x01\x02", "attachment"),
    ],
)
def test_file_names_are_sanitised(given: str, expected: str) -> None:
    assert sanitize_filename(given) == expected


def test_long_file_names_are_cut_keeping_the_extension() -> None:
    name = sanitize_filename("é" * 300 + ".pdf")
    assert len(name) == 200
    assert name.endswith("é.pdf")


def test_check_upload_reads_sniffs_and_hashes() -> None:
    data = png_bytes()
    checked = check_upload(name="../Screen shot.PNG", stream=io.BytesIO(data))
    assert (checked.name, checked.content_type, checked.size) == ("Screen shot.PNG", "image/png", len(data))
    assert checked.sha256 == hashlib.sha256(data).hexdigest()
    assert checked.content.read() == data


def test_check_upload_takes_bytes_chunks_and_django_uploads() -> None:
    assert check_upload(name="a.txt", stream=b"hello").size == 5
    assert check_upload(name="a.txt", stream=iter([b"hel", b"lo"])).content.read() == b"hello"
    upload = SimpleUploadedFile("doc.pdf", PDF, content_type="text/html")  # the claim is ignored
    assert check_upload(name=upload.name or "", stream=upload).content_type == "application/pdf"


def test_large_files_spill_to_disk_and_keep_every_byte() -> None:
    data = os.urandom(3 * 1024 * 1024 + 17)
    checked = check_upload(name="big.bin", stream=io.BytesIO(data), max_bytes=4 * 1024 * 1024)
    assert checked.size == len(data)
    assert checked.content.read() == data


def test_empty_files_are_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        check_upload(name="empty.txt", stream=io.BytesIO(b""), field="attachment")
    assert refused.value.fields == {"attachment": ["“empty.txt” is empty."]}


def test_an_endless_stream_stops_being_read_past_the_limit() -> None:
    pulled = 0

    def endless() -> Iterator[bytes]:
        nonlocal pulled
        while True:
            pulled += 1
            yield b"x" * 1000

    with pytest.raises(TooLarge) as refused:
        check_upload(name="dump.log", stream=endless(), max_bytes=10_000)
    assert pulled == 11
    assert refused.value.status == 413
    assert refused.value.code == "too_large"
    assert refused.value.fields == {"file": ["“dump.log” is larger than the limit of 9.8 KB."]}


def test_an_endless_file_object_stops_being_read_past_the_limit() -> None:
    class Endless(io.RawIOBase):
        reads = 0

        def readable(self) -> bool:
            return True

        def read(self, size: int = -1) -> bytes:
            self.reads += 1
            return b"y" * (files.CHUNK_BYTES if size < 0 else size)

    stream = Endless()
    with pytest.raises(TooLarge):
        check_upload(name="zero", stream=stream, max_bytes=5 * files.CHUNK_BYTES)
    assert stream.reads == 6


def test_a_declared_size_over_the_limit_is_refused_before_reading() -> None:
    class Declared(io.BytesIO):
        size = int(31.2 * 1024 * 1024)

        def read(self, size: int | None = -1) -> bytes:
            raise AssertionError("must not be read")

    with pytest.raises(TooLarge) as refused:
        check_upload(name="video.mp4", stream=Declared(), max_bytes=25 * 1024 * 1024)
    assert refused.value.detail == "“video.mp4” is 31.2 MB; the limit is 25 MB."


def test_a_file_exactly_at_the_limit_is_accepted() -> None:
    assert check_upload(name="a.bin", stream=b"z" * 1000, max_bytes=1000).size == 1000
    with pytest.raises(TooLarge):
        check_upload(name="a.bin", stream=b"z" * 1001, max_bytes=1000)


def test_the_default_limit_is_25_mib_and_comes_from_settings(settings: Any) -> None:
    assert settings.SUPPORTAL_MAX_ATTACHMENT_BYTES == 25 * 1024 * 1024
    settings.SUPPORTAL_MAX_ATTACHMENT_BYTES = 4
    with pytest.raises(TooLarge) as refused:
        check_upload(name="a.txt", stream=b"hello")
    assert refused.value.detail == "“a.txt” is 5 bytes; the limit is 4 bytes."


@pytest.mark.parametrize(
    ("size", "text"),
    [(12, "12 bytes"), (2048, "2 KB"), (25 * 1024 * 1024, "25 MB"), (int(31.2 * 1024**2), "31.2 MB")],
)
def test_human_sizes(size: int, text: str) -> None:
    assert files.human_size(size) == text


@pytest.mark.parametrize(
    ("name", "inline", "expected"),
    [
        ("report.pdf", False, "attachment; filename=\"report.pdf\"; filename*=UTF-8''report.pdf"),
        ("report.pdf", True, "inline; filename=\"report.pdf\"; filename*=UTF-8''report.pdf"),
        (
            'Rapport "été" 报告.pdf',
            False,
            'attachment; filename="Rapport ete.pdf"; '
            "filename*=UTF-8''Rapport%20%22%C3%A9t%C3%A9%22%20%E6%8A%A5%E5%91%8A.pdf",
        ),
        (
            "报告.pdf",
            False,
            "attachment; filename=\"attachment.pdf\"; filename*=UTF-8''%E6%8A%A5%E5%91%8A.pdf",
        ),
        (
            'a\\b";c%d\r\nSet-Cookie: x.txt',
            False,
            'attachment; filename="bcdSet-Cookie: x.txt"; '
            "filename*=UTF-8''b%22%3Bc%25dSet-Cookie%3A%20x.txt",
        ),
    ],
)
def test_content_disposition_is_safe_and_keeps_unicode(name: str, inline: bool, expected: str) -> None:
    header = content_disposition(name, inline=inline)
    assert header == expected
    assert "\r" not in header and "\n" not in header
    assert header.isascii()


@pytest.mark.parametrize(
    ("content_type", "inline"),
    [
        ("image/png", True),
        ("image/jpeg", True),
        ("image/gif", True),
        ("image/webp", True),
        ("application/pdf", True),
        ("text/plain", True),
        ("text/plain; charset=utf-8", True),
        ("text/html", False),
        ("image/svg+xml", False),
        ("text/csv", False),
        ("application/zip", False),
        ("application/octet-stream", False),
    ],
)
def test_only_harmless_types_may_show_inline(content_type: str, inline: bool) -> None:
    assert may_show_inline(content_type) is inline


@pytest.fixture
def storage_dir(settings: Any, tmp_path: Path) -> Path:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "files"},
        },
    }
    return tmp_path / "files"


@pytest.mark.django_db  # closing a response ends the "request", which closes old connections
def test_store_and_serve_round_trip(storage_dir: Path) -> None:
    data = png_bytes()
    checked = check_upload(name="Écran 1.png", stream=data)
    path = store(checked, prefix="cases/42")
    assert re.fullmatch(r"cases/42/\d{4}/\d{2}/[A-Za-z0-9_-]{16}/.+\.png", path)
    assert (storage_dir / path).read_bytes() == data
    again = store(check_upload(name="Écran 1.png", stream=data), prefix="cases/42")
    assert again != path  # the same name twice never overwrites

    response = file_response(storage_path=path, filename=checked.name, content_type="image/png", inline=True)
    assert b"".join(response.streaming_content) == data  # type: ignore[arg-type]
    response.close()
    assert response["Content-Type"] == "image/png"
    assert (
        response["Content-Disposition"]
        == "inline; filename=\"Ecran 1.png\"; filename*=UTF-8''%C3%89cran%201.png"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response["Cache-Control"].startswith("private")
    assert response["Content-Length"] == str(len(data))


@pytest.mark.django_db
def test_stored_files_have_no_public_url(storage_dir: Path, client: Any) -> None:
    path = store(check_upload(name="secret.txt", stream=b"top secret"), prefix="cases/1")
    for url in (f"/{path}", f"/media/{path}", f"/files/{path}"):
        response = client.get(url)
        assert response.status_code in {302, 404}
        assert b"top secret" not in response.content


def test_store_ignores_dot_segments_in_the_prefix(storage_dir: Path) -> None:
    path = store(check_upload(name="a.txt", stream=b"a"), prefix="../cases/./7/")
    assert path.startswith("cases/7/")
    assert (storage_dir / path).is_file()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content_type", "served", "disposition"),
    [
        ("text/plain", "text/plain; charset=utf-8", "inline"),
        ("text/csv", "text/csv; charset=utf-8", "attachment"),
        ("application/zip", "application/zip", "attachment"),
        ("text/html", "application/octet-stream", "attachment"),  # never served as a page
        ("image/svg+xml", "application/octet-stream", "attachment"),
    ],
)
def test_served_types_and_inline_are_limited(
    storage_dir: Path, content_type: str, served: str, disposition: str
) -> None:
    path = store(check_upload(name="page.html", stream=b"<script>alert(1)</script>"), prefix="t")
    response = file_response(storage_path=path, filename="page.html", content_type=content_type, inline=True)
    response.close()
    assert response["Content-Type"] == served
    assert response["Content-Disposition"].startswith(f"{disposition};")


def test_storage_settings_default_to_the_data_dir(settings: Any) -> None:
    default = settings.STORAGES["default"]
    assert default["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert default["OPTIONS"]["location"] == settings.DATA_DIR / "files" == settings.MEDIA_ROOT
    import supportal.settings

    assert not hasattr(supportal.settings, "MEDIA_URL")  # files are served only through access-checked views
    assert settings.STORAGES["staticfiles"] == {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"}


def test_s3_is_used_when_a_bucket_is_configured(tmp_path: Path) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SUPPORTAL_", "DJANGO_"))},
        "SUPPORTAL_DATA_DIR": str(tmp_path),
        "SUPPORTAL_S3_BUCKET": "supportal-files",
        "SUPPORTAL_S3_ENDPOINT_URL": "https://s3.example.com",
        "SUPPORTAL_S3_REGION": "eu-west-1",
        "SUPPORTAL_S3_ACCESS_KEY_ID": "AKIAEXAMPLE",
        "SUPPORTAL_S3_SECRET_ACCESS_KEY": "not-a-secret",
        "SUPPORTAL_MAX_ATTACHMENT_BYTES": "1000",
    }
    script = (
        "import json, supportal.settings as s;"
        "print(json.dumps([s.STORAGES, s.SUPPORTAL_MAX_ATTACHMENT_BYTES], default=str))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True, timeout=60
    )
    storages, limit = json.loads(result.stdout)
    assert limit == 1000
    assert storages["default"] == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": "supportal-files",
            "endpoint_url": "https://s3.example.com",
            "region_name": "eu-west-1",
            "access_key": "AKIAEXAMPLE",
            "secret_key": "not-a-secret",
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
    from storages.backends.s3 import S3Storage  # type: ignore[import-untyped]

    options: dict[str, Any] = storages["default"]["OPTIONS"]
    storage = S3Storage(**options)  # the options are ones django-storages knows
    assert (storage.bucket_name, storage.default_acl, storage.file_overwrite) == (
        "supportal-files",
        None,
        False,
    )
    assert storage.querystring_auth is True
