"""The part of an inbound reply its sender actually wrote: quotes, quote headers and signatures removed.

A case comment should read like what the customer typed, not like the whole thread again. The text
body is read line by line: ">" quoted lines go; an "On ... wrote:" header (in any of the languages of
`reply_patterns`, split over up to three lines) goes with its quote, and ends the reply when what
follows is not ">" quoted (the original pasted below); Outlook "From: / Sent:" blocks, "-----Original
Message-----" lines, underscore separators and our own reference token end the reply. Text between
quotes stays (inline replies). Then the "-- " signature and a trailing "Sent from my iPhone" go.

When the text shows no quote but the HTML body does (Gmail's `gmail_quote`, Apple's cite blockquotes,
Outlook's header box), the HTML decides: `reply_html` cuts its quote, and the rest is read as text by
the same rules. A reply that would come out empty (all quote, or a bare forward)
is the whole text instead: never nothing. The full original is kept elsewhere (InboundMessage.raw).
"""

from __future__ import annotations

import bisect
import re

from supportal.channels.email.parse_text import html_to_text
from supportal.channels.email.reply_html import html_without_quotes
from supportal.channels.email.reply_patterns import (
    FORWARD,
    FORWARD_HEADER_LINES,
    FROM_BLOCK_MIN_LINES,
    FROM_BLOCK_WINDOW,
    HAS_DATE_OR_ADDRESS,
    HEADER_LINE,
    HYPHEN_NAME,
    LIBRARY_FROM_BLOCK,
    LIBRARY_SEPARATOR,
    LIBRARY_WROTE,
    MOBILE_FOOTER,
    MOBILE_FOOTER_WORDS,
    OUR_TOKEN,
    QUOTED,
    RULE_LINE,
    SEPARATOR,
    SIGNATURE_DASHES,
    WROTE_END,
    WROTE_START,
    WROTE_WINDOW,
    WROTE_WINDOW_CHARS,
)

HTML_LIMIT = 1_000_000
LIBRARY_SCAN_LIMIT = 100_000  # the library's patterns look only this far: a quote starts early
LINE_LIMIT = 1_000
UNDERSCORES = re.compile(r"^\s*_{10,}\s*$")


def visible_reply(text: str, html: str = "") -> str:
    """The new text of a reply (`text` the plain body, `html` the HTML body when there is one)."""
    try:
        return _visible_reply(text or "", html or "")
    except Exception:  # a bug here must not lose the reply: the whole text is better than nothing
        return _without_tokens(_normalise(text or "")).strip()


def _visible_reply(text: str, html: str) -> str:
    text = _normalise(text)
    reply, found = reply_of_text(text)
    if html and (not found or not reply) and len(html) <= HTML_LIMIT:
        unquoted_html, html_found = html_without_quotes(html)
        html_reply, text_found = reply_of_text(_normalise(html_to_text(unquoted_html)))
        if html_reply and (html_found or text_found or not text.strip()):
            reply = html_reply
    if reply:
        return reply
    whole = text if text.strip() else (html_to_text(html) if html else "")
    return _without_tokens(_normalise(whole)).strip()


def _normalise(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\u00a0", " ").replace("\ufeff", "").replace("\u200b", "")


def _without_tokens(text: str) -> str:
    return "\n".join(line for line in text.split("\n") if not OUR_TOKEN.search(line))


def reply_of_text(text: str) -> tuple[str, bool]:
    """(the reply, whether a quote was found) for a plain text body."""
    lines = text.split("\n")
    library = _library_boundaries(lines)
    kept: list[str | None] = []  # None where quoted lines were taken out
    has_content = False
    found = False
    index = 0
    while index < len(lines):
        line = lines[index]
        if QUOTED.match(line):
            found = True
            index += 1
            kept.append(None)
            continue
        if OUR_TOKEN.search(line):
            found = True
            break
        span = _quote_header(lines, index, library)
        if span:
            found = True
            if (
                _next_filled(lines, index + span) is None
                or _quote_follows(lines, index + span)
                or not has_content
            ):
                index += span  # the header of a ">" quote (or nothing written above it): drop it
                kept.append(None)
                continue
            break  # the quoted message follows unmarked: the reply ends here
        if FORWARD.match(line):  # the forwarded message is content: keep it and its header block
            end = _block_end(lines, index + 1)
            kept += lines[index:end]
            has_content = True
            index = end
            continue
        if _ends_reply(lines, index, library):
            if has_content:
                found = True
                break
            end = _block_end(lines, index + 1)  # headers with nothing above: a preamble, not a quote
            kept += lines[index:end]
            index = end
            continue
        kept.append(line)
        has_content = has_content or bool(line.strip())
        index += 1
    return _without_signature(_close_gaps(kept)), found


def _close_gaps(kept: list[str | None]) -> list[str]:
    """The kept lines, one blank line (not two) where a quote was taken out between paragraphs."""
    lines: list[str] = []
    after_gap = False
    for line in kept:
        if line is None:
            after_gap = True
            continue
        if after_gap and not line.strip() and lines and not lines[-1].strip():
            continue
        after_gap = after_gap and not line.strip()
        lines.append(line)
    return lines


def _library_boundaries(lines: list[str]) -> dict[int, tuple[str, int]]:
    """Where mail-parser-reply's patterns see a quote header ("wrote", and how many lines it spans) or
    an Outlook header block or "Original Message" line ("block"), found on its normalised text (every
    line stripped), by line number."""
    # Quoted and overlong lines are blanked out: we never cut there, and the patterns' optional ">"
    # prefixes make them backtrack for seconds over a long ">>>>" line.
    shown = ["" if QUOTED.match(line) or len(line) > LINE_LIMIT else line.strip() for line in lines]
    normalised = "\n".join(shown)[:LIBRARY_SCAN_LIMIT]
    offsets = [0]
    for line in shown:
        offsets.append(offsets[-1] + len(line) + 1)
    found: dict[int, tuple[str, int]] = {}
    for kind, pattern in (
        ("block", LIBRARY_SEPARATOR),
        ("block", LIBRARY_FROM_BLOCK),
        ("wrote", LIBRARY_WROTE),
    ):
        for match in pattern.finditer(normalised):
            start = match.start()
            while start < match.end() and normalised[start] == "\n":
                start += 1
            if pattern is LIBRARY_FROM_BLOCK and not _names_a_sender(normalised[start : match.end()]):
                continue  # "Date: ...\nTo: ..." in someone's own text is no Outlook block
            line_number = bisect.bisect_right(offsets, start) - 1
            span = normalised.count("\n", start, match.end()) + 1
            found.setdefault(line_number, (kind, span))
    return found


def _names_a_sender(block: str) -> bool:
    if "processed by david" in block:  # Tobit david's own header: "Von" without a colon
        return True
    return any((match := HEADER_LINE.match(line)) and match.group(1) for line in block.split("\n"))


def _quote_header(lines: list[str], index: int, library: dict[int, tuple[str, int]]) -> int:
    """How many lines (1 to 3) the quote header starting at `index` spans; 0 when there is none."""
    for size in range(1, WROTE_WINDOW + 1):
        window = lines[index : index + size]
        if len(window) < size or not window[-1].strip() or QUOTED.match(window[-1]):
            break
        joined = " ".join(part.strip() for part in window)
        if len(joined) > WROTE_WINDOW_CHARS:
            break
        if joined.endswith((":", "：", "-")) and WROTE_END.search(joined):  # noqa: RUF001
            if size == 1 and _quote_follows(lines, index + 1):
                return size  # "Marc wrote:" right above a ">" quote
            later = (" ".join(part.strip() for part in window[skip:]) for skip in range(1, size))
            if any(WROTE_START.match(rest) for rest in later):
                break  # the header starts on a later line: this one is still the reply
            if not HAS_DATE_OR_ADDRESS.search(joined):
                break  # "Am Montag schrieb ich:" is prose; a header carries a date or an address
            previous_blank = index == 0 or not lines[index - 1].strip()
            if WROTE_START.match(joined) or (size == 1 and previous_blank):
                return size
            break
    kind, span = library.get(index, ("", 0))
    if kind != "wrote" or span > WROTE_WINDOW:
        return 0
    return span if HAS_DATE_OR_ADDRESS.search(" ".join(lines[index : index + span])) else 0


def _ends_reply(lines: list[str], index: int, library: dict[int, tuple[str, int]]) -> bool:
    """Whether the line at `index` starts what is surely quoted: an Outlook header block, an
    "Original Message" or forward line, an underscore separator."""
    line = lines[index]
    if library.get(index, ("", 0))[0] == "block" or SEPARATOR.match(line):
        return True
    if UNDERSCORES.match(line):
        return True
    if RULE_LINE.match(line):
        after = _next_filled(lines, index + 1)
        return after is not None and _from_block(lines, after)
    return _from_block(lines, index)


def _from_block(lines: list[str], index: int) -> bool:
    """Two or more "Name: value" header lines from `index` on, one of them naming the sender; a line
    that is no header may sit between them (a long name wrapped onto the next line)."""
    if not HEADER_LINE.match(lines[index]):
        return False
    headers = 0
    sender = False
    for line in lines[index : index + FROM_BLOCK_WINDOW]:
        if not line.strip():
            break
        match = HEADER_LINE.match(line)
        if match:
            headers += 1
            sender = sender or bool(match.group(1))
    return headers >= FROM_BLOCK_MIN_LINES and sender


def _quote_follows(lines: list[str], start: int) -> bool:
    after = _next_filled(lines, start)
    return after is not None and bool(QUOTED.match(lines[after]))


def _block_end(lines: list[str], start: int) -> int:
    """The end of a header block: its first blank line after a header line (a few at most)."""
    index = start
    while index < len(lines) and not lines[index].strip() and index < start + 2:
        index += 1
    limit = index + FORWARD_HEADER_LINES
    while index < min(len(lines), limit) and lines[index].strip():
        index += 1
    return index


def _next_filled(lines: list[str], start: int) -> int | None:
    for index in range(start, min(len(lines), start + 50)):
        if lines[index].strip():
            return index
    return None


def _without_signature(kept: list[str]) -> str:
    """Drop the "-- " signature, then a trailing mobile footer, "-Name" line and separator lines."""
    lines = [line.rstrip() for line in kept]
    for index, line in enumerate(lines):
        if SIGNATURE_DASHES.match(line) and any(above.strip() for above in lines[:index]):
            lines = lines[:index]
            break
    for _ in range(3):
        while lines and (not lines[-1].strip() or RULE_LINE.match(lines[-1])):
            lines.pop()
        if not lines:
            break
        last = lines[-1].strip()
        footer = MOBILE_FOOTER.match(last) and len(last.split()) <= MOBILE_FOOTER_WORDS
        signed = HYPHEN_NAME.match(last) and len(lines) > 1 and not lines[-2].strip()
        if not (footer or signed) or len(lines) == 1:
            break
        lines.pop()
    while lines and not lines[0].strip():
        lines.pop(0)
    return "\n".join(lines).strip("\n")
