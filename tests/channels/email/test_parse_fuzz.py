"""Fuzzing the parser and the reply extractor: random bytes, MIME-shaped noise, and corpus messages
with bytes flipped, inserted, cut out or truncated. Neither may raise, and the parser may not fall back
on its last-resort net either ("unparseable": some inner step failed). Bounded so the file runs in well
under a minute on two cores."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from supportal.channels.email.parse import parse_message
from supportal.channels.email.reply import reply_of_text, visible_reply
from tests.channels.email.corpus import CORPUS_DIR

FUZZ = settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
# Pieces of MIME that break parsers: boundaries, encoded-words, parameters, encodings, quotes.
MIME_PIECES = [
    b"\r\n",
    b"\n\n",
    b"--b\r\n",
    b"--b--\r\n",
    b"Content-Type: multipart/mixed; boundary=b\r\n",
    b'Content-Type: multipart/alternative; boundary="b"\r\n',
    b"Content-Type: message/rfc822\r\n",
    b"Content-Type: text/html; charset=x-unknown\r\n",
    b"Content-Type: application/ms-tnef\r\n",
    b"Content-Type: text/plain; charset=base64; format=flowed; delsp=yes\r\n",
    b"Content-Transfer-Encoding: base64\r\n",
    b"Content-Transfer-Encoding: quoted-printable\r\n",
    b"Content-Transfer-Encoding: x-uuencode\r\n",
    b"Content-Disposition: attachment; filename*0*=utf-8''%E2%82; filename*1*=%AC\r\n",
    b"Subject: =?utf-8?B?5pel?= =?unknown?Q?=E9?= =?utf-8?B?broken\r\n",
    b'From: "a <b@c.d>, <<>>, =?utf-8?Q?x?= <e@f>\r\n',
    b"References: <a@b> <c@d\r\n",
    b"Date: Mon, 99 Foo 2024 99:99:99 +9999\r\n",
    b"On Mon, 4 Mar 2024, Ann <a@b.c> wrote:\r\n> quoted\r\n",
    b"-----Original Message-----\r\nFrom: x\r\nSent: y\r\n",
    b'<html><body><div class="gmail_quote"><blockquote type="cite">',
    b"ref:0000000042-0123456789\r\n",
    b"=?",
    b"?=",
    b"=\r\n",
    b"\xff\xfe\x00",
    b"\xe6\x97",
]


@cache
def _corpus() -> list[bytes]:
    if not CORPUS_DIR.exists():
        return [b"From: a@b.c\r\nSubject: fallback\r\n\r\nThe corpus is missing; fuzz this instead.\r\n"]
    return [path.read_bytes() for path in sorted(Path(CORPUS_DIR).glob("*/*.eml"))]


def _check(raw: bytes) -> None:
    parsed = parse_message(raw)
    assert not [defect for defect in parsed.defects if defect.startswith("unparseable")]
    reply_of_text(parsed.text)  # the extractor's own rules, without its safety net
    assert isinstance(visible_reply(parsed.text, parsed.html), str)


@FUZZ
@given(st.binary(max_size=4000))
def test_random_bytes(raw: bytes) -> None:
    _check(raw)


@FUZZ
@given(st.lists(st.sampled_from(MIME_PIECES) | st.binary(max_size=40), max_size=40))
def test_mime_shaped_noise(pieces: list[bytes]) -> None:
    _check(b"".join(pieces))


@st.composite
def mutated_corpus_message(draw: st.DrawFn) -> bytes:
    messages = _corpus()
    data = bytearray(messages[draw(st.integers(0, len(messages) - 1))])
    for _ in range(draw(st.integers(1, 12))):
        where = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["flip", "insert", "delete", "piece", "truncate"]))
        if action == "flip" and data:
            data[min(where, len(data) - 1)] = draw(st.integers(0, 255))
        elif action == "insert":
            data[where:where] = draw(st.binary(min_size=1, max_size=16))
        elif action == "delete":
            del data[where : where + draw(st.integers(1, 200))]
        elif action == "piece":
            data[where:where] = draw(st.sampled_from(MIME_PIECES))
        else:
            del data[where:]
    return bytes(data)


@FUZZ
@given(mutated_corpus_message())
def test_mutated_corpus_messages(raw: bytes) -> None:
    _check(raw)


@FUZZ
@given(st.text(max_size=3000), st.text(max_size=1000))
def test_visible_reply_of_random_text(text: str, html: str) -> None:
    reply_of_text(text)
    assert isinstance(visible_reply(text, html), str)
