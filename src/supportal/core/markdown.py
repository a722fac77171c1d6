"""Markdown for case descriptions and comments: safe rendering, refusing active HTML, plain text.

`render_markdown` never lets HTML through: raw HTML shows as text, and nh3 cleans the result against an
allow-list. `check_markdown` is the input guard services call, so that what customers write stays safe
even for API clients that render it with another Markdown library that passes HTML through.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from urllib.parse import unquote

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from supportal.core.errors import InvalidInput

ALLOWED_TAGS = frozenset(
    {
        *("p", "br", "strong", "em", "del", "s", "code", "pre", "blockquote", "ul", "ol", "li", "hr", "a"),
        *("h1", "h2", "h3", "h4", "h5", "h6"),
        *("table", "thead", "tbody", "tr", "th", "td"),
    }
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow noopener noreferrer"

ACTIVE_ELEMENTS = ("script", "iframe", "object", "embed", "style", "form", "svg", "math")
ACTIVE_SCHEMES = ("javascript:", "vbscript:", "data:text/html")

_ACTIVE_ELEMENT = re.compile(r"<\s*/?\s*(" + "|".join(ACTIVE_ELEMENTS) + r")(?![a-z0-9_-])", re.IGNORECASE)
# A tag (as browsers read it: `/` separates attributes too) and an on<event>= attribute inside it.
_TAG = re.compile(r"<[a-z][^>]*>?", re.IGNORECASE)
_EVENT_ATTRIBUTE = re.compile(r"[\s/\"'`](on[a-z]+)\s*=", re.IGNORECASE)
_INVISIBLE = re.compile(r"[\s\x00-\x1f\x7f\u00ad\u200b-\u200f\u2028-\u202e\u2060\ufeff]+")


def _unescaped(value: str) -> str:
    """`value` with HTML entities decoded until nothing changes (catches `&amp;#106;` and deeper)."""
    for _ in range(5):
        decoded = html.unescape(value)
        if decoded == value:
            break
        value = decoded
    return value


def _decoded(value: str) -> str:
    """Unescaped, lower case, and without the whitespace and invisibles browsers skip inside URLs."""
    return _INVISIBLE.sub("", _unescaped(value)).lower()


def _image_as_link(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    """Images are not shown inline (no tracking pixels, no remote content): they become links."""
    token = tokens[idx]
    alt = self.renderInlineAsText(token.children or [], options, env) or str(token.attrs.get("src", ""))
    return f'<a href="{escapeHtml(str(token.attrs.get("src", "")))}">{escapeHtml(alt)}</a>'


def _is_safe_link(url: str) -> bool:
    """http(s), mailto, or relative without anything that looks like a scheme (even a mangled one)."""
    flat = _decoded(unquote(_decoded(url)))
    if flat.startswith(("http:", "https:", "mailto:")):
        return True
    return ":" not in re.split(r"[/?#]", flat, maxsplit=1)[0]


def _renderer() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "breaks": True, "typographer": False})
    md.validateLink = _is_safe_link  # type: ignore[method-assign]
    md.add_render_rule("image", _image_as_link)
    return md.enable(["table", "strikethrough"])


def _checker() -> MarkdownIt:
    """Parses like a CommonMark renderer that passes raw HTML and every link through."""
    md = MarkdownIt("commonmark", {"html": True, "linkify": False}).enable(["table", "strikethrough"])
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


_MD = _renderer()
_CHECK_MD = _checker()


def render_markdown(text: str) -> SafeString:
    """Markdown to HTML that is safe to put in a page as it is."""
    raw = _MD.render(text or "")
    cleaned = nh3.clean(
        raw,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )
    return mark_safe(cleaned)  # noqa: S308 - cleaned by nh3 against the allow-list above


def _refusal(what: str) -> str:
    return f"Remove {what}: this field takes Markdown, and active HTML is refused."


def _url_problem(url: str) -> str | None:
    cleaned = _decoded(unquote(_decoded(url)))
    for scheme in ACTIVE_SCHEMES:
        if cleaned.startswith(scheme):
            return _refusal(f"the {scheme} link")
    return None


def _markup_problem(markup: str) -> str | None:
    """The first active-HTML problem in a piece of raw HTML or text, as a message."""
    element = _ACTIVE_ELEMENT.search(_unescaped(markup))
    if element:
        return _refusal(f"the HTML <{element.group(1).lower()}> element")
    for tag in _TAG.finditer(markup):
        event = _EVENT_ATTRIBUTE.search(_unescaped(tag.group(0)))
        if event:
            return _refusal(f"the HTML event handler {event.group(1).lower()}=")
        flat = _decoded(tag.group(0))
        for scheme in ACTIVE_SCHEMES:
            if scheme in flat:
                return _refusal(f"the {scheme} link")
    return None


def _token_problem(tokens: Sequence[Token]) -> str | None:
    for token in tokens:
        problem: str | None = None
        if token.type in {"code_inline", "code_block", "fence"}:
            continue  # shown as code by every Markdown renderer
        if token.type in {"html_block", "html_inline", "text"}:
            problem = _markup_problem(token.content)
        elif token.type in {"link_open", "image"}:
            problem = _url_problem(str(token.attrs.get("href") or token.attrs.get("src") or ""))
        if problem is None and token.children:
            problem = _token_problem(token.children)
        if problem:
            return problem
    return None


def check_markdown(text: str, *, field: str) -> None:
    """Refuse text carrying active HTML (scripts, frames, event handlers, javascript: links).

    Harmless HTML such as `<b>` or `a < b` is accepted: it renders as text. Code spans and blocks are
    not checked, so people can quote HTML snippets in them.
    """
    problem = _token_problem(_CHECK_MD.parse(text or ""))
    if problem:
        raise InvalidInput(problem, fields={field: [problem]})


def _list_prefix(stack: list[int | None]) -> str:
    indent = "  " * (len(stack) - 1)
    number = stack[-1] if stack else None
    if number is None:
        return f"{indent}- "
    stack[-1] = number + 1
    return f"{indent}{number}. "


def _inline_text(children: Sequence[Token]) -> str:
    out: list[str] = []
    href: list[str] = []
    start: list[int] = []
    for child in children:
        if child.type in {"text", "code_inline", "html_inline"}:
            out.append(child.content)
        elif child.type in {"softbreak", "hardbreak"}:
            out.append("\n")
        elif child.type == "image":
            out.append(child.content)
        elif child.type == "link_open":
            href.append(str(child.attrs.get("href", "")))
            start.append(len(out))
        elif child.type == "link_close" and href:
            url, label = href.pop(), "".join(out[start.pop() :])
            if url and url not in {label, f"mailto:{label}"}:
                out.append(f" ({url})")
    return "".join(out)


def markdown_to_text(text: str) -> str:
    """A plain-text version for emails and search: the words, with links spelled out, markup dropped."""
    out: list[str] = []
    lists: list[int | None] = []
    for token in _MD.parse(text or ""):
        if token.type == "bullet_list_open":
            lists.append(None)
        elif token.type == "ordered_list_open":
            lists.append(int(str(token.attrs.get("start", 1))))
        elif token.type in {"bullet_list_close", "ordered_list_close"}:
            lists.pop()
            if not lists:
                out.append("\n")
        elif token.type == "list_item_open":
            out.append(_list_prefix(lists))
        elif token.type == "inline":
            out.append(_inline_text(token.children or []))
        elif token.type in {"paragraph_close", "heading_close"}:
            out.append("\n" if token.hidden else "\n\n")
        elif token.type in {"fence", "code_block"}:
            out.append(token.content.rstrip("\n") + "\n\n")
        elif token.type == "hr":
            out.append("---\n\n")
        elif token.type in {"th_open", "td_open"} and out and not out[-1].endswith("\n"):
            out.append(" | ")
        elif token.type in {"tr_close", "table_close"}:
            out.append("\n")
    plain = re.sub(r"[ \t]+\n", "\n", "".join(out))
    return re.sub(r"\n{3,}", "\n\n", plain).strip()
