"""Finding the quote in the HTML body of a reply, for when its text body shows none.

Mail clients mark their quotes in HTML: Gmail's `gmail_quote` div, Apple Mail's and Thunderbird's
`<blockquote type="cite">`, Outlook on the web's `divRplyFwdMsg`, desktop Outlook's header box with its
blue-grey top border, Yahoo's `yahoo_quoted`. Those are cut here, then quotequail finds what is left
(an "On ... wrote:" line in a plain <div>). A forward is content being passed on, not a quote: Gmail
wraps it in `gmail_quote` too, so a container that opens with a forward line stays.
"""

from __future__ import annotations

import quotequail  # type: ignore[import-untyped]
from lxml import html as lxml_html  # type: ignore[import-untyped]

from supportal.channels.email.parse_text import html_to_text
from supportal.channels.email.reply_patterns import FORWARD

FORWARD_PEEK = 3_000  # how much of a quote container is read to see whether it opens a forward
# Elements that hold the quoted message (removed) and markers after which all is quote (cut there).
QUOTE_CONTAINERS = (
    "//div[contains(@class,'gmail_quote')]",
    "//blockquote[contains(@class,'gmail_quote')]",
    "//blockquote[@type='cite']",
    "//div[contains(@class,'moz-cite-prefix')]",
    "//div[contains(@class,'yahoo_quoted')]",
    "//div[contains(@class,'protonmail_quote')]",
    "//blockquote[contains(@class,'protonmail_quote')]",
    "//div[contains(@class,'zmail_extra')]",
    "//div[@id='mail-editor-reference-message-container']",
)
QUOTE_MARKERS = (
    "//div[@id='divRplyFwdMsg']",
    "//div[@id='appendonsend']",
    "//hr[@id='stopSpelling']",
    "//div[contains(translate(translate(@style,' ',''),'abcdef','ABCDEF'),'border-top:solid#B5C4DF')]",
    "//div[contains(translate(translate(@style,' ',''),'abcdef','ABCDEF'),'border-top:solid#E1E1E1')]",
)


def html_without_quotes(html: str) -> tuple[str, bool]:
    """(the HTML with its quote cut away, whether there was one); the HTML unchanged when it cannot
    be read."""
    try:
        tree = lxml_html.document_fromstring(html)
        found = _cut_quotes(tree)
        remaining = str(lxml_html.tostring(tree, encoding="unicode"))
    except Exception:  # lxml on a hostile document: no quote found is the honest answer
        return html, False
    above_quote = _above_quotequail_quote(remaining)
    if above_quote is not None:
        return above_quote, True
    return remaining, found


def _above_quotequail_quote(html: str) -> str | None:
    """The HTML above the quote quotequail finds ("On ... wrote:", forwards, Outlook's header box)."""
    try:
        parts = quotequail.quote_html(html)
    except Exception:  # quotequail on a hostile document: the containers we cut will do
        return None
    if len(parts) < 2 or _starts_forward(html_to_text(str(parts[1][1]))):
        return None
    top = str(parts[0][1])
    return None if _ends_with_forward(html_to_text(top)) else top


def _starts_forward(text: str) -> bool:
    first = next((line for line in text.split("\n") if line.strip()), "")
    return bool(FORWARD.match(first))


def _ends_with_forward(text: str) -> bool:
    last = next((line for line in reversed(text.split("\n")) if line.strip()), "")
    return bool(FORWARD.match(last))


def _cut_quotes(tree: lxml_html.HtmlElement) -> bool:
    found = False
    for xpath in QUOTE_MARKERS:
        for marker in tree.xpath(xpath)[:1]:
            _truncate_at(marker)
            found = True
    for xpath in QUOTE_CONTAINERS:
        for element in tree.xpath(xpath):
            if element.getparent() is None:
                continue
            opening = lxml_html.tostring(element, encoding="unicode")[:FORWARD_PEEK]
            if not _starts_forward(html_to_text(opening)):  # Gmail wraps forwards in its quote div too
                element.drop_tree()
                found = True
    return found


def _truncate_at(element: lxml_html.HtmlElement) -> None:
    """Remove `element` and everything after it in document order."""
    node: lxml_html.HtmlElement | None = element
    while node is not None and node.tag not in {"body", "html"}:
        sibling = node.getnext()
        while sibling is not None:
            following = sibling.getnext()
            node.getparent().remove(sibling)
            sibling = following
        node.tail = None
        node = node.getparent()
    if element.getparent() is not None:
        element.getparent().remove(element)
