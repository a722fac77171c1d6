"""parse_message on every message of the shared corpus: no exception, no runaway, and per category the
things a user would notice: attachments found, HTML-only mail readable as text, invites, winmail.dat,
forwarded messages kept, every charset readable. `pytest -s` prints a summary of the run."""

from __future__ import annotations

import re
import time
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from supportal.channels.email.parse import parse_message
from supportal.channels.email.parsed import ParsedMessage
from tests.channels.email.corpus import CORPUS_DIR, manifest, messages

SECONDS_PER_MESSAGE = 2.0
TAG = re.compile(r"<(?:html|body|div|p|br|span|table|td|font|a|b|img)\b[^>]*>", re.IGNORECASE)
RFC822_PART = re.compile(rb"content-type:\s*message/rfc822(?![-\w])", re.IGNORECASE)
# Messages of the "attachment" category that truly carry none (none so far; say why when adding one).
NO_ATTACHMENT: dict[str, str] = {}
# HTML-only messages whose HTML has no text to show.
NO_HTML_TEXT = {
    "webklex-php-imap-mit/inline_attachment.eml": "the HTML is a single inline image",
    "webklex-php-imap-mit/mixed_filename.eml": "the HTML part is empty; the mail is its .xlsx attachment",
}
# Words that must come out readable: (file, where, word); the charset each one tests in the comment.
READABLE = [
    ("django-helpdesk-bsd3/all-special-chars.eml", "subject", "Testovácí email"),  # utf-8 encoded-word
    ("django-helpdesk-bsd3/quoted_printable.eml", "text", "českých písmen"),  # utf-8 quoted-printable
    ("flanker-apache2/8bitmime.eml", "text", "Превел"),  # raw 8-bit utf-8
    ("flanker-apache2/bilingual-simple.eml", "subject", "Как ты поживаешь?"),  # utf-8 subject
    ("flanker-apache2/long-header.eml", "subject", "Die heiße Zypernsonne quälte"),  # folded encoded-words
    ("sisimai-bsd2/lhost-kddi-01.eml", "text", "送信先のメールボックスが一杯のため"),  # iso-2022-jp body
    ("sisimai-bsd2/lhost-kddi-01.eml", "subject", "メールエラー通知"),  # iso-2022-jp subject
    ("spamscope-mail-parser-apache2/mail_test_12.eml", "subject", "代开各地增值税发票"),  # gb2312
    ("mikel-mail-mit/plain_emails__raw_email.eml", "text", "하나님을 믿습니다"),  # euc-kr
    ("webklex-php-imap-mit/ks_c_5601-1987_headers.eml", "subject", "회원님께"),  # ks_c_5601-1987
    ("webklex-php-imap-mit/mixed_filename.eml", "subject", "Свежий прайс-лист"),  # windows-1251
    ("mikel-mail-mit/plain_emails__raw_email_bad_time.eml", "from_name", "Атиков"),  # windows-1251
    ("sisimai-bsd2/lhost-office365-01.eml", "text", "wasn\u2019t found"),  # windows-1252
    ("mikel-mail-mit/plain_emails__raw_email10.eml", "text", "Envoyé par le service"),  # "x-unknown"
    ("enmime-mit/low-quality__incorrect-charset.eml", "text", "∮ E⋅da = Q"),  # utf-8 labelled us-ascii
    ("mikel-mail-mit/rfc2822__example14.eml", "subject", "テストテスト"),  # iso-2022-jp encoded-word
    ("mikel-mail-mit/rfc6532__utf8_headers.eml", "from_name", "Jöhn Doe"),  # raw utf-8 headers
    ("webklex-php-imap-mit/issue-275-2.eml", "from_name", "Martin Bülow Larsen"),  # iso-8859-1 name
]


@cache
def _parsed(relative: str) -> ParsedMessage:
    return parse_message((CORPUS_DIR / relative).read_bytes())


@cache
def _rows() -> dict[str, dict[str, str]]:
    return {row["file"]: row for row in manifest() if row["file"].endswith(".eml")}


def _corpus_messages() -> list[Path]:
    """The corpus messages, or none (each test then skips) when the corpus is not beside the project."""
    return messages() if (CORPUS_DIR / "manifest.tsv").exists() else []


def _name(path: Path) -> str:
    return str(path.relative_to(CORPUS_DIR))


@pytest.mark.parametrize("path", _corpus_messages(), ids=lambda path: str(path.relative_to(CORPUS_DIR)))
def test_every_message_parses_quickly(path: Path) -> None:
    started = time.perf_counter()
    parsed = parse_message(path.read_bytes())
    assert time.perf_counter() - started < SECONDS_PER_MESSAGE
    assert not [defect for defect in parsed.defects if defect.startswith("unparseable")]
    assert "\x00" not in parsed.text
    parsed.text.encode("utf-8")  # no lone surrogates left for the database to choke on
    parsed.subject.encode("utf-8")


def test_the_manifest_names_every_message() -> None:
    assert {_name(path) for path in messages()} == set(_rows())


def test_attachments_are_found_where_the_category_says_so() -> None:
    missing = [
        name
        for name, row in _rows().items()
        if row["category"] == "attachment" and not _parsed(name).attachments and name not in NO_ATTACHMENT
    ]
    assert missing == []


def test_html_only_messages_read_as_text_without_tags() -> None:
    html_only = [name for name, row in _rows().items() if row["category"] == "html-only"]
    assert len(html_only) >= 10
    for name in html_only:
        parsed = _parsed(name)
        assert not TAG.search(parsed.text), name
        if name not in NO_HTML_TEXT:
            assert parsed.html, name
            assert parsed.text.strip(), name


def test_html_text_keeps_links_and_drops_styles() -> None:
    parsed = _parsed("enmime-mit/mail__non-mime-html.eml")
    assert parsed.text == "This is a test mailing"
    assert "<" not in _parsed("flanker-apache2/long-links.eml").text


def test_the_calendar_invite_is_kept_as_an_ics_file() -> None:
    invites = [name for name, row in _rows().items() if row["category"] == "calendar"]
    assert invites
    for name in invites:
        files = [(item.filename, item.content_type) for item in _parsed(name).attachments]
        assert ("invite.ics", "text/calendar") in files
        ics = next(item for item in _parsed(name).attachments if item.filename == "invite.ics")
        assert ics.data.startswith(b"BEGIN:VCALENDAR")


def test_winmail_dat_is_kept() -> None:
    tnef = [name for name, row in _rows().items() if "tnef" in row["tags"].split(",")]
    assert tnef
    for name in tnef:
        kept = [item for item in _parsed(name).attachments if item.filename == "winmail.dat"]
        assert kept and kept[0].content_type == "application/ms-tnef" and kept[0].data.startswith(b'x\x9f>"')


def test_forwarded_messages_keep_their_rfc822_part_out_of_the_body() -> None:
    forwarding = [path for path in messages() if RFC822_PART.search(path.read_bytes())]
    assert len(forwarding) > 20
    for path in forwarding:
        forwarded = [
            item for item in _parsed(_name(path)).attachments if item.content_type == "message/rfc822"
        ]
        assert forwarded, _name(path)
        assert all(item.filename.endswith(".eml") for item in forwarded)
    parsed = _parsed("mikel-mail-mit/attachment_emails__attachment_message_rfc822.eml")
    assert parsed.text == "This is the first part."
    assert parsed.attachments[0].filename == "ForwardedMessage.eml"


def test_a_digest_keeps_each_message() -> None:
    parsed = _parsed("cpython-psf/msg_02.eml")
    assert len([item for item in parsed.attachments if item.content_type == "message/rfc822"]) >= 4


@pytest.mark.parametrize(("name", "field", "word"), READABLE)
def test_non_ascii_charsets_decode_to_readable_text(name: str, field: str, word: str) -> None:
    assert word in getattr(_parsed(name), field)


def test_inline_images_keep_their_content_id() -> None:
    parsed = _parsed("enmime-mit/mail__html-only-inline.eml")
    image = parsed.attachments[0]
    assert (image.filename, image.inline, image.content_id) == (
        "favicon.png",
        True,
        "8B8481A2-25CA-4886-9B5A-8EB9115DD064@skynet",
    )
    assert f"cid:{image.content_id}" in parsed.html


def test_multipart_reports_are_delivery_reports_and_replies_are_not() -> None:
    for name, row in _rows().items():
        if row["top_content_type"] == "multipart/report":
            assert _parsed(name).is_delivery_report, name
        if row["category"] == "client-reply" and row["top_content_type"] in {
            "text/plain",
            "multipart/alternative",
        }:
            assert not _parsed(name).is_delivery_report, name


def test_corpus_summary() -> None:
    """Counts per category, attachments and parser defects; printed for `pytest -s`."""
    rows = _rows()
    per_category: Counter[str] = Counter()
    with_attachments: Counter[str] = Counter()
    attachments = 0
    defects: Counter[str] = Counter()
    started = time.perf_counter()
    for name, row in rows.items():
        parsed = parse_message((CORPUS_DIR / name).read_bytes())
        per_category[row["category"]] += 1
        attachments += len(parsed.attachments)
        with_attachments[row["category"]] += bool(parsed.attachments)
        defects.update(parsed.defects)
    elapsed = time.perf_counter() - started
    rate = len(rows) / elapsed
    print(f"\ncorpus: {len(rows)} messages parsed, {attachments} attachments, {elapsed:.2f} s ({rate:.0f}/s)")
    for category, count in sorted(per_category.items()):
        print(f"  {category:13} {count:4} messages, {with_attachments[category]:3} with attachments")
    print("  defects: " + ", ".join(f"{name} {count}" for name, count in defects.most_common()))
    assert sum(per_category.values()) == len(messages())
