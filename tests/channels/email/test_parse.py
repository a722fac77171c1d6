"""parse_message on hand-made messages, one for each thing real mail gets wrong: broken encoded-words,
unknown charsets, RFC 2231 file names, broken base64, malformed addresses, folded References, naive
dates, forwarded messages, invites, winmail.dat, delivery reports, and input built to make it hang."""

from __future__ import annotations

import base64
import struct
import time
from datetime import UTC, datetime, timedelta, timezone

import pytest

from supportal.channels.email.parse import parse_message
from supportal.channels.email.parse_parts import PART_LIMIT, TEXT_LIMIT


def message(*headers: str, body: str | bytes = "Hello") -> bytes:
    head = "\r\n".join(headers).encode("utf-8", "surrogateescape")
    return head + b"\r\n\r\n" + (body if isinstance(body, bytes) else body.encode("utf-8"))


def multipart(*parts: bytes, kind: str = "mixed", headers: tuple[str, ...] = ()) -> bytes:
    body = b"".join(b"--XyZ\r\n" + part + b"\r\n" for part in parts) + b"--XyZ--\r\n"
    return message(*headers, f'Content-Type: multipart/{kind}; boundary="XyZ"', body=body)


def part(*headers: str, body: str | bytes = "") -> bytes:
    return "\r\n".join(headers).encode() + b"\r\n\r\n" + (body if isinstance(body, bytes) else body.encode())


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\x00" * 64,
        bytes(range(256)) * 4,
        b"From: x\r\n",
        b"\r\n\r\n\r\n",
        b"Subject: =?utf-8?B?\r\n\r\n",
    ],
)
def test_anything_parses(raw: bytes) -> None:
    parsed = parse_message(raw)
    assert isinstance(parsed.text, str)
    assert not [defect for defect in parsed.defects if defect.startswith("unparseable")]


def test_a_body_without_the_blank_line_after_the_headers() -> None:
    parsed = parse_message(b"From: ann@example.com\r\nSubject: hi\r\nthis line is body text\r\nand more")
    assert (parsed.from_address, parsed.subject) == ("ann@example.com", "hi")
    assert "and more" in parsed.text
    assert "MissingHeaderBodySeparatorDefect" in parsed.defects


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("=?utf-8?Q?Caf=C3=A9_au_lait?=", "Café au lait"),
        ("=?iso-8859-1?q?caf=E9?= =?iso-8859-1?q?_cr=E8me?=", "café crème"),  # adjacent words join
        ("=?utf-8?B?SGVsbG8?=", "Hello"),  # base64 without its padding
        ("=?unknown-8bit?Q?caf=E9?=", "café"),  # no such charset: latin-1 it is
        ("=?x-garbage-name?B?w6k=?=", "é"),  # an invented charset holding utf-8
        ("=?utf-8?B?5pel?= =?utf-8?B?5pys?=", "日本"),  # one character per word
        ("=?utf-8?B?5pc=?= =?utf-8?B?pQ==?=", "日"),  # a character's bytes split across two words
        ("Re: =?utf-8?Q?broken", "Re: =?utf-8?Q?broken"),  # not an encoded-word: left as it is
        ("  lots \t of\r\n   space  ", "lots of space"),
    ],
)
def test_subjects_are_decoded(subject: str, expected: str) -> None:
    assert parse_message(message(f"Subject: {subject}")).subject == expected


def test_raw_8bit_headers_are_read_as_utf8_or_in_the_body_charset() -> None:
    utf8 = parse_message("Subject: Grüße\r\n\r\nx".encode())
    latin = parse_message(
        "Subject: Grüße\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\nx".encode("latin-1")
    )
    assert utf8.subject == latin.subject == "Grüße"


@pytest.mark.parametrize(
    ("charset", "body", "expected"),
    [
        ("utf-8", "Grüße".encode(), "Grüße"),
        ("iso-8859-1", "Grüße".encode("latin-1"), "Grüße"),
        ("iso-8859-1", "Grüße".encode(), "Grüße"),  # utf-8 labelled latin-1
        ("x-unknown", "Grüße".encode(), "Grüße"),
        ("unknown-8bit", "Grüße".encode("cp1252"), "Grüße"),
        ("no-such-charset", "€ 5".encode("cp1252"), "€ 5"),
        ("base64", b"caf\xe9", "café"),  # a codec, but not a charset
        ("us-ascii", "naïve".encode(), "naïve"),
        ("koi8-r", "Привет".encode("koi8-r"), "Привет"),
        ("shift_jis", "日本語".encode("shift_jis"), "日本語"),
        ("gb2312", "汉字".encode("gbk"), "汉字"),
    ],
)
def test_body_charsets_fall_back_to_readable_text(charset: str, body: bytes, expected: str) -> None:
    raw = message(
        f"Content-Type: text/plain; charset={charset}", "Content-Transfer-Encoding: 8bit", body=body
    )
    assert parse_message(raw).text == expected


def test_broken_transfer_encodings_keep_what_they_can() -> None:
    broken_base64 = message("Content-Transfer-Encoding: base64", body=b"SGVsbG8gd29ybGQ!!!")
    broken_qp = message("Content-Transfer-Encoding: quoted-printable", body=b"price =ZZ 5=\r\n0 EUR")
    unknown = message("Content-Transfer-Encoding: x-magic", body=b"plain after all")
    assert parse_message(broken_base64).text.startswith("Hello world")
    assert parse_message(broken_qp).text == "price =ZZ 50 EUR"
    assert parse_message(unknown).text == "plain after all"


def test_addresses_are_lowercased_addr_specs() -> None:
    parsed = parse_message(
        message(
            'From: "Müller, Anna" <Anna.Mueller@Example.COM>',
            "Reply-To: Support Desk <DESK@example.com>",
            "To: a@example.com, =?utf-8?Q?J=C3=B6rg?= <JOERG@example.de>, undisclosed-recipients:;",
            "Cc: c@example.com (Carl), <>",
        )
    )
    assert (parsed.from_address, parsed.from_name) == ("anna.mueller@example.com", "Müller, Anna")
    assert parsed.reply_to == "desk@example.com"
    assert parsed.to == ["a@example.com", "joerg@example.de"]
    assert parsed.cc == ["c@example.com"]


@pytest.mark.parametrize(
    ("from_header", "expected"),
    [
        ('"Broken <ann@example.com', "ann@example.com"),
        ("ann@example.com <ann@example.com>>", "ann@example.com"),
        ("Ann <ann@example.com> (the boss", "ann@example.com"),
        ("=?utf-8?B?QW5u?= <ann@EXAMPLE.com>", "ann@example.com"),
        ("<<ann@example.com>>", "ann@example.com"),
        ("MAILER-DAEMON", "mailer-daemon"),
        ("", ""),
    ],
)
def test_malformed_from_headers_give_the_best_address(from_header: str, expected: str) -> None:
    assert parse_message(message(f"From: {from_header}")).from_address == expected


def test_the_first_of_several_from_headers_wins() -> None:
    parsed = parse_message(message("From: first@example.com", "From: second@example.com"))
    assert parsed.from_address == "first@example.com"
    assert parsed.headers["from"] == ["first@example.com", "second@example.com"]


def test_message_ids_are_extracted_from_junk_and_folding() -> None:
    parsed = parse_message(
        message(
            "Message-ID: abc123@example.com",
            "In-Reply-To: <one@example.com> (sent by Outlook)",
            "References: <one@example.com>\r\n\t<two@example.com> junk\r\n"
            " <three@example.com>,<one@example.com>",
        )
    )
    assert parsed.message_id == "<abc123@example.com>"
    assert parsed.in_reply_to == ["<one@example.com>"]
    assert parsed.references == ["<one@example.com>", "<two@example.com>", "<three@example.com>"]
    assert parse_message(message("Subject: x")).message_id == ""


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        ("Mon, 4 Mar 2024 10:15:00 +0100", datetime(2024, 3, 4, 10, 15, tzinfo=timezone(timedelta(hours=1)))),
        ("Mon, 4 Mar 2024 10:15:00 -0000", datetime(2024, 3, 4, 10, 15, tzinfo=UTC)),
        ("4 Mar 2024 10:15", datetime(2024, 3, 4, 10, 15, tzinfo=UTC)),
        ("yesterday at noon", None),
        ("Mon, 4 Mar 99999 10:15:00 +0100", None),
    ],
)
def test_dates_are_aware_or_none(date: str, expected: datetime | None) -> None:
    assert parse_message(message(f"Date: {date}")).date == expected


def test_headers_keep_every_value_decoded_under_lowercase_names() -> None:
    parsed = parse_message(
        message(
            "Received: from a",
            "Received: from b",
            "X-Auto-Response-Suppress: All",
            "Subject: =?utf-8?Q?=C3=A9?=",
        )
    )
    assert parsed.headers["received"] == ["from a", "from b"]
    assert parsed.header("X-Auto-Response-Suppress") == "All"
    assert parsed.headers["subject"] == ["é"]


def test_alternative_gives_plain_text_and_html() -> None:
    raw = multipart(
        part("Content-Type: text/plain; charset=utf-8", body="Plain version"),
        part("Content-Type: text/html; charset=utf-8", body="<p>HTML <b>version</b></p>"),
        kind="alternative",
    )
    parsed = parse_message(raw)
    assert (parsed.text, parsed.html, parsed.content_type) == (
        "Plain version",
        "<p>HTML <b>version</b></p>",
        "multipart/alternative",
    )


def test_html_only_becomes_clean_text() -> None:
    html = (
        "<html><head><style>p {color: red}</style><script>alert('x')</script></head><body>"
        "<p>First paragraph.</p><p>Second with <a href='https://example.com/x'>a link</a>.</p>"
        "<div>Line<br>break</div></body></html>"
    )
    parsed = parse_message(message("Content-Type: text/html; charset=utf-8", body=html))
    assert parsed.text == "First paragraph.\n\nSecond with a link.\n\nLine\nbreak"
    assert parsed.html == html


def test_format_flowed_lines_are_joined() -> None:
    body = "This is a long \r\nparagraph.\r\n> quoted and \r\n> wrapped\r\n-- \r\nsig"
    parsed = parse_message(message("Content-Type: text/plain; format=flowed", body=body))
    assert (
        parsed.text == "This is a long paragraph.\n> quoted and wrapped\n--\nsig"
    )  # trailing spaces trimmed


def test_attachments_inline_images_and_file_names() -> None:
    png = base64.b64encode(b"\x89PNG fake").decode()
    raw = multipart(
        part("Content-Type: text/plain", body="See files"),
        part(
            "Content-Type: image/png",
            "Content-Transfer-Encoding: base64",
            "Content-ID: <logo@example>",
            body=png,
        ),
        part(
            "Content-Type: application/pdf",
            "Content-Disposition: attachment; filename*=utf-8''%E2%82%AC%20rates.pdf",
        ),
        part(
            "Content-Type: application/pdf",
            "Content-Disposition: attachment; filename*0*=utf-8''long%20;",
            " filename*1*=name.pdf",
        ),
        part(
            'Content-Type: text/plain; name="=?utf-8?B?w5xiZXJzaWNodC50eHQ=?="',
            "Content-Disposition: attachment",
        ),
        part(
            "Content-Type: application/octet-stream",
            'Content-Disposition: attachment; filename="C:\\Users\\x\\plan.xls"',
        ),
        part(
            "Content-Type: application/octet-stream",
            'Content-Disposition: attachment; filename="../../etc/passwd"',
        ),
        part("Content-Type: application/zip", "Content-Disposition: attachment"),
    )
    parsed = parse_message(raw)
    assert parsed.text == "See files"
    names = [item.filename for item in parsed.attachments]
    assert names == [
        "image-1.png",
        "€ rates.pdf",
        "long name.pdf",
        "Übersicht.txt",
        "plan.xls",
        "passwd",
        "attachment-7.zip",
    ]
    image = parsed.attachments[0]
    assert (image.inline, image.content_id, image.data) == (True, "logo@example", b"\x89PNG fake")
    assert not parsed.attachments[1].inline


def test_a_forwarded_message_is_an_eml_attachment_not_the_body() -> None:
    inner = message("From: old@example.com", "Subject: Old thread", body="Inner text")
    parsed = parse_message(
        multipart(
            part("Content-Type: text/plain", body="FYI"), part("Content-Type: message/rfc822", body=inner)
        )
    )
    assert parsed.text == "FYI"
    forwarded = parsed.attachments[0]
    assert (forwarded.filename, forwarded.content_type) == ("Old thread.eml", "message/rfc822")
    assert b"Inner text" in forwarded.data
    assert parse_message(forwarded.data).subject == "Old thread"


def test_a_calendar_invite_is_kept_as_invite_ics() -> None:
    raw = multipart(
        part("Content-Type: text/plain", body="Meeting"),
        part("Content-Type: text/calendar; method=REQUEST", body="BEGIN:VCALENDAR\r\nEND:VCALENDAR"),
        kind="alternative",
    )
    parsed = parse_message(raw)
    assert parsed.text == "Meeting"
    assert [(item.filename, item.content_type) for item in parsed.attachments] == [
        ("invite.ics", "text/calendar")
    ]


def _tnef(*files: tuple[bytes, bytes]) -> bytes:
    """A minimal winmail.dat: the TNEF signature, then per file its start, title and data attributes."""

    def attribute(name: int, kind: int, data: bytes) -> bytes:
        return (
            bytes([2])
            + struct.pack("<HHI", name, kind, len(data))
            + data
            + struct.pack("<H", sum(data) % 65536)
        )

    out = struct.pack("<IH", 0x223E9F78, 0)
    for name, data in files:
        out += (
            attribute(0x9002, 6, bytes(14))
            + attribute(0x8010, 1, name + b"\x00")
            + attribute(0x800F, 6, data)
        )
    return out


def test_winmail_dat_is_kept_and_its_files_added() -> None:
    winmail = _tnef((b"report.txt", b"quarterly"), (b"photo.jpg", b"\xff\xd8jpeg"))
    raw = multipart(
        part("Content-Type: text/plain", body="See attached"),
        part(
            'Content-Type: application/ms-tnef; name="winmail.dat"',
            "Content-Transfer-Encoding: base64",
            body=base64.encodebytes(winmail),
        ),
    )
    files = [(item.filename, item.content_type, item.data) for item in parse_message(raw).attachments]
    assert files == [
        ("winmail.dat", "application/ms-tnef", winmail),
        ("report.txt", "text/plain", b"quarterly"),
        ("photo.jpg", "image/jpeg", b"\xff\xd8jpeg"),
    ]


def test_an_unreadable_winmail_dat_is_still_kept() -> None:
    raw = multipart(part("Content-Type: application/ms-tnef", body="not tnef at all"))
    parsed = parse_message(raw)
    assert [item.filename for item in parsed.attachments] == ["winmail.dat"]
    assert "winmail.dat unreadable: ValueError" in parsed.defects


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            multipart(
                part("Content-Type: text/plain", body="failed"),
                part("Content-Type: message/delivery-status", body="Action: failed\r\nStatus: 5.1.1"),
                kind="report",
            ),
            True,
        ),
        (multipart(part("Content-Type: message/feedback-report", body="Feedback-Type: abuse")), True),
        (
            multipart(part("Content-Type: text/plain", body="hi"), part("Content-Type: text/rfc822-headers")),
            False,
        ),
        (message("Subject: Undelivered Mail", body="Delivery failed"), False),
    ],
)
def test_delivery_reports_are_flagged(raw: bytes, expected: bool) -> None:
    assert parse_message(raw).is_delivery_report is expected


def test_the_delivery_status_is_kept_as_text() -> None:
    raw = multipart(
        part("Content-Type: text/plain", body="failed"),
        part(
            "Content-Type: message/delivery-status", body="Reporting-MTA: dns; mx\r\n\r\nAction: failed\r\n"
        ),
        kind="report",
    )
    status = parse_message(raw).attachments[0]
    assert status.filename == "delivery-status.txt"
    assert b"Action: failed" in status.data


def test_absurd_input_is_cut_short_in_time() -> None:
    many = b"".join(b"--x\r\nContent-Type: image/gif\r\n\r\nR0lG\r\n" for _ in range(5 * PART_LIMIT))
    deep = b"".join(
        b"--b%d\r\nContent-Type: multipart/mixed; boundary=b%d\r\n\r\n" % (i, i + 1) for i in range(3000)
    )
    cases = {
        "many parts": b"Content-Type: multipart/mixed; boundary=x\r\n\r\n" + many,
        "huge text": b"Subject: big\r\n\r\n" + b"0123456789" * (TEXT_LIMIT // 5),
        "deep nesting": b"Subject: deep\r\nContent-Type: multipart/mixed; boundary=b0\r\n\r\n" + deep,
    }
    for name, raw in cases.items():
        started = time.perf_counter()
        parsed = parse_message(raw)
        assert time.perf_counter() - started < 10, name
        assert len(parsed.attachments) < PART_LIMIT, name
        assert len(parsed.text) <= TEXT_LIMIT, name
        assert parsed.defects, name
    assert parse_message(cases["deep nesting"]).subject == "deep"
