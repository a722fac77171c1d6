"""Turning the bytes and words of real mail into readable text, whatever charset they claim.

Mail in the wild names charsets that do not exist ("unknown-8bit", "x-unknown", "fakescii"), lies about
them (iso-8859-1 that is really cp1252, gb2312 that is really gbk) or sends 8-bit bytes with no charset
at all. Every function here returns text and never raises: the declared charset first, then utf-8, then
cp1252, and latin-1 (which decodes any byte) last.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import html as html_lib
import quopri
import re

from inscriptis import Inscriptis  # type: ignore[import-untyped]
from inscriptis.css_profiles import CSS_PROFILES  # type: ignore[import-untyped]
from inscriptis.model.config import ParserConfig  # type: ignore[import-untyped]
from lxml import html as lxml_html  # type: ignore[import-untyped]

# Charsets that mail software names but Python does not know, or whose real-world senders use a superset.
CHARSET_ALIASES = {
    "ascii": "ascii",
    "us-ascii": "ascii",
    "ansi_x3.4-1968": "ascii",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "iso8859-1": "cp1252",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "euc-cn": "gb18030",
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
    "euc-kr": "cp949",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "x-sjis": "cp932",
    "sjis": "cp932",
    "windows-31j": "cp932",
    "iso-2022-jp": "iso2022_jp_ext",
    "big5": "big5hkscs",
    "x-mac-roman": "mac-roman",
    "iso-8859-8-i": "iso8859-8",
    "windows-874": "cp874",
    "uft-8": "utf-8",
    "utf8": "utf-8",
    "unicode-1-1-utf-7": "utf-7",
}
# Codecs Python knows that are not charsets a mail could honestly be written in.
NOT_MAIL_CHARSETS = {"idna", "punycode", "raw_unicode_escape", "unicode_escape", "undefined", "mbcs", "oem"}
SINGLE_BYTE = ("cp125", "cp437", "cp85", "cp86", "cp874", "iso8859", "koi8", "mac-", "latin", "tis-620")
ENCODED_WORD = re.compile(r"=\?([^?\s]{1,75})\?([bBqQ])\?([^?\s]*)\?=")
ENCODED_WORD_GAP = re.compile(r"(\?=)[ \t\r\n]+(?==\?)")
FOLDING = re.compile(r"\r?\n(?=[ \t])")
BLANK_RUN = re.compile(r"\n[ \t]*(?:\n[ \t]*){2,}")
TRAILING_SPACE = re.compile(r"[ \t\u00a0]+$", re.MULTILINE)
TAG = re.compile(r"<[^>]*>")
SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
# The strict profile: no made-up indentation for every nested <div> (mail HTML nests them deeply).
HTML_CONFIG = ParserConfig(css=CSS_PROFILES["strict"].copy(), display_links=False, display_images=False)
XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>")
HTML_LIMIT = 2_000_000


def codec_for(charset: str | None) -> str | None:
    """The Python codec to read `charset` with, or None when the name means nothing usable."""
    name = (charset or "").strip().strip("\"'").lower()
    if not name or len(name) > 40:
        return None
    name = CHARSET_ALIASES.get(name, name)
    if name.startswith("cp-") or name.startswith("windows-"):
        name = "cp" + name.split("-", 1)[1]
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in NOT_MAIL_CHARSETS:
        return None
    return CHARSET_ALIASES.get(info.name, info.name)


def decode_bytes(data: bytes, charset: str | None = None) -> str:
    """`data` as text: the declared charset if it reads cleanly, else utf-8, else the declared charset
    with replacements (a multibyte mail with one bad byte), else cp1252, else latin-1.

    Bytes that are valid utf-8 win over a declared single-byte charset: "iso-8859-1" on utf-8 text is a
    common lie, while latin-1 text that happens to be valid utf-8 is all but unheard of."""
    codec = codec_for(charset)
    attempts: list[tuple[str, str]] = []
    if codec and codec.startswith(SINGLE_BYTE) and not data.isascii():
        attempts.append(("utf-8", "strict"))
    if codec and codec != "ascii":
        attempts.append((codec, "strict"))
    attempts.append(("utf-8", "strict"))
    if codec and codec not in {"ascii", "utf-8", "cp1252"}:
        attempts.append((codec, "replace"))
    elif _mostly_utf8(data):
        attempts.append(("utf-8", "replace"))
    attempts += [("cp1252", "strict"), ("latin-1", "strict")]
    for name, errors in attempts:
        try:
            return data.decode(name, errors)
        except Exception:  # noqa: S112 - a codec may raise anything on hostile bytes; try the next one
            continue
    return data.decode("latin-1")


def _mostly_utf8(data: bytes) -> bool:
    """utf-8 with a stray bad byte (a cut header, a broken mailer) rather than a single-byte charset."""
    non_ascii = sum(1 for byte in data[:100_000] if byte > 127)
    if not non_ascii:
        return False
    bad = data[:100_000].decode("utf-8", "replace").count("\ufffd")
    return bad * 8 <= non_ascii


def unsurrogate(text: str, charset: str | None = None) -> str:
    """Text from a bytes-parsed message hides undecodable bytes as surrogates; read them as utf-8 or
    cp1252 instead of leaving them to break every later `.encode()`."""
    if not any("\udc80" <= char <= "\udcff" for char in text):
        return text
    raw = text.encode("utf-8", "surrogateescape") if _only_escapes(text) else None
    if raw is None:
        return text.encode("utf-8", "replace").decode("utf-8", "replace")
    return decode_bytes(raw, charset)


def _only_escapes(text: str) -> bool:
    return not any("\ud800" <= char <= "\udfff" and not "\udc80" <= char <= "\udcff" for char in text)


def clean_text(text: str) -> str:
    """Drop lone surrogates and NULs that no database column or template accepts."""
    text = unsurrogate(text)
    if "\x00" in text:
        text = text.replace("\x00", "")
    return text.encode("utf-8", "replace").decode("utf-8")


def decode_words(value: str, charset: str | None = None) -> str:
    """A header value with its RFC 2047 encoded-words decoded, broken ones read as best we can (unknown
    charsets, missing base64 padding, words split in the middle of a character). Raw 8-bit bytes are
    read as utf-8, else in `charset` (the message's own, a better guess than none)."""
    value = unsurrogate(FOLDING.sub("", value), charset)
    if "=?" not in value:
        return value
    value = ENCODED_WORD_GAP.sub(r"\1", value)
    out: list[str] = []
    pending = b""
    pending_charset = ""
    position = 0
    for match in ENCODED_WORD.finditer(value):
        between = value[position : match.start()]
        charset = match.group(1).split("*", 1)[0]
        if between or charset.lower() != pending_charset.lower():
            out.append(decode_bytes(pending, pending_charset))
            pending = b""
            out.append(between)
        pending += _word_bytes(match.group(2), match.group(3))
        pending_charset = charset
        position = match.end()
    out.append(decode_bytes(pending, pending_charset))
    out.append(value[position:])
    return "".join(out)


def _word_bytes(encoding: str, payload: str) -> bytes:
    try:
        if encoding in "bB":
            cleaned = re.sub(r"[^A-Za-z0-9+/]", "", payload)
            if len(cleaned) % 4 == 1:  # one stray character cannot be base64; drop it, keep the rest
                cleaned = cleaned[:-1]
            return base64.b64decode(cleaned + "=" * (-len(cleaned) % 4))
        return quopri.decodestring(payload.replace("_", " ").encode("ascii", "replace"), header=False)
    except (binascii.Error, ValueError):
        return payload.encode("ascii", "replace")


def collapse_whitespace(value: str) -> str:
    return " ".join(value.split())


def tidy_text(text: str) -> str:
    """Line endings to \\n, no trailing spaces, at most two blank lines in a row."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = TRAILING_SPACE.sub("", text)
    return BLANK_RUN.sub("\n\n\n", text).strip("\n")


def html_to_text(html: str) -> str:
    """Readable text from an HTML body: paragraphs and line breaks kept, link texts kept, no scripts or
    styles. inscriptis does the layout; a tag stripper stands in if it fails on a hostile document."""
    html = XML_DECLARATION.sub("", html[:HTML_LIMIT])
    if not html.strip():
        return ""
    try:
        tree = lxml_html.document_fromstring(html)
        _outlook_paragraphs_as_lines(tree)
        text = str(Inscriptis(tree, HTML_CONFIG).get_text())
    except Exception:  # lxml and inscriptis may fail on anything; the stripper never does
        text = html_lib.unescape(TAG.sub(" ", SCRIPT_OR_STYLE.sub(" ", html)))
    return tidy_text(text.replace("\u00a0", " ").replace("\u200e", "").replace("\u200f", ""))


def _outlook_paragraphs_as_lines(tree: lxml_html.HtmlElement) -> None:
    """Outlook's <p class=MsoNormal> has no margins in its own stylesheet: each is a line, and one that
    holds only a non-breaking space is the blank line between paragraphs."""
    for paragraph in list(tree.iter("p")):
        if "msonormal" not in str(paragraph.get("class", "")).lower():
            continue
        paragraph.tag = "div"
        if not paragraph.text_content().strip(" \t\r\n\u00a0") and not len(paragraph.xpath(".//img")):
            for child in list(paragraph):
                paragraph.remove(child)
            paragraph.text = None
            paragraph.append(lxml_html.Element("br"))


def unflow(text: str, delsp: bool) -> str:
    """Join the soft line breaks of a format=flowed text part (RFC 3676), so "On ... wrote:" and the
    paragraphs read as their writer typed them; quote depth is kept, the signature line "-- " too."""
    out: list[str] = []
    current: str | None = None
    current_depth = 0
    for line in text.split("\n"):
        stripped = line.rstrip("\r")
        depth = len(stripped) - len(stripped.lstrip(">"))
        content = stripped[depth:]
        if content.startswith(" "):
            content = content[1:]
        if current is not None and depth == current_depth:
            current += content
        else:
            if current is not None:
                out.append(_quoted(current, current_depth))
            current, current_depth = content, depth
        if content.endswith(" ") and content != "-- ":
            if delsp:
                current = current[:-1]
            continue
        out.append(_quoted(current, current_depth))
        current = None
    if current is not None:
        out.append(_quoted(current, current_depth))
    return "\n".join(out)


def _quoted(content: str, depth: int) -> str:
    return (">" * depth + " " + content) if depth else content
