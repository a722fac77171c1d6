"""Markdown: safe rendering, refusing active HTML, plain text for emails."""

from __future__ import annotations

import re

import pytest
from django.utils.safestring import SafeString
from hypothesis import given, settings
from hypothesis import strategies as st

from supportal.core.errors import InvalidInput
from supportal.core.markdown import ALLOWED_TAGS, check_markdown, markdown_to_text, render_markdown

# Every attack here must be refused by check_markdown and harmless in render_markdown's output.
XSS_VECTORS = [
    ("<script>alert(1)</script>", "<script>"),
    ("<SCRIPT SRC=//evil.example/x.js></SCRIPT>", "<script>"),
    ("Hello\n\n<script>\nalert(1)\n</script>", "<script>"),
    ("text <scr<script>ipt>alert(1)</script>", "<script>"),
    ("< script >alert(1)", "<script>"),
    ("&lt;script&gt;alert(1)&lt;/script&gt;", "<script>"),
    ("\\`<script>alert(1)\\`", "<script>"),
    ("<iframe src='https://evil.example'></iframe>", "<iframe>"),
    ("<object data=x></object>", "<object>"),
    ("<embed src=x>", "<embed>"),
    ("<style>body{display:none}</style>", "<style>"),
    ("<form action=https://evil.example><input name=pw></form>", "<form>"),
    ("<svg/onload=alert(1)>", "<svg>"),
    ("<math><mtext>x</mtext></math>", "<math>"),
    ("<img src=x onerror=alert(1)>", "onerror="),
    ("<img/onerror=alert(1) src=x>", "onerror="),
    ('<a href="#" OnClick="alert(1)">x</a>', "onclick="),
    ('<b onmouseover="alert(1)">hover</b>', "onmouseover="),
    ('<img src=x o&#110;error="alert(1)">', "onerror="),
    ("[click](javascript:alert(1))", "javascript:"),
    ("[click](JaVaScRiPt:alert(1))", "javascript:"),
    ("[click](&#106;avascript:alert(1))", "javascript:"),
    ("[click](&#x6A;&#x61;vascript:alert(1))", "javascript:"),
    ("[click](<java\tscript:alert(1)>)", "javascript:"),
    ("[click](java%0ascript:alert(1))", "javascript:"),
    ("[click][1]\n\n[1]: javascript:alert(1)", "javascript:"),
    ("<javascript:alert(1)>", "javascript:"),
    ("![x](javascript:alert(1))", "javascript:"),
    ('<a href="&amp;#106;avascript:alert(1)">x</a>', "javascript:"),
    ("<a href='java&#x0A;script:alert(1)'>x</a>", "javascript:"),
    ('<a href="  javascript:alert(1)">x</a>', "javascript:"),
    ("[x](vbscript:msgbox(1))", "vbscript:"),
    ("[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", "data:text/html"),
    ('<a href="DATA:text/html,<b>x</b>">x</a>', "data:text/html"),
]

HARMLESS = [
    "<b>bold</b> and <i>italic</i>",
    "a < b and c > d",
    "if x<5 then y>3",
    "Inline `<script>alert(1)</script>` as code",
    "```html\n<iframe src='https://example.com'></iframe>\n<img src=x onerror=alert(1)>\n```",
    "    <script>indented code</script>",
    "JavaScript: the language we use; javascript:void(0) in prose is just text",
    "The onload = event fires late",
    '<a href="https://example.com">a link in HTML</a>',
    "[docs](https://example.com/docs?a=1&b=2) and <https://example.com>",
    "Email <help@example.com> or [us](mailto:help@example.com)",
    "",
]

_TAG = re.compile(r"<(/?)([a-zA-Z0-9]+)([^>]*)>")
_ATTRIBUTE = re.compile(r'\s([a-z-]+)="([^"]*)"')


def assert_safe_html(output: str) -> None:
    """Only allow-listed tags and attributes, and only http(s)/mailto or relative links."""
    for closing, tag, attributes in _TAG.findall(output):
        assert tag in ALLOWED_TAGS, f"<{tag}> in {output!r}"
        if closing:
            assert attributes.strip() == ""
            continue
        rest = _ATTRIBUTE.sub("", attributes).strip(" /")
        assert rest == "", f"unexpected attribute text {rest!r} in {output!r}"
        for name, value in _ATTRIBUTE.findall(attributes):
            assert (tag, name) in {("a", "href"), ("a", "title"), ("a", "rel"), ("ol", "start")}, name
            if name == "href":
                assert re.match(r"^(https?:|mailto:|[^:]*$)", value), value
    lowered = output.lower()
    for active in ("<script", "<iframe", "<img", "<svg", "<style", "<object", "<embed", 'href="javascript'):
        assert active not in lowered


@pytest.mark.parametrize(("text", "named"), XSS_VECTORS)
def test_active_html_is_refused_with_a_message_naming_it(text: str, named: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_markdown(text, field="description")
    message = refused.value.fields["description"][0]
    assert named in message
    assert message.endswith("this field takes Markdown, and active HTML is refused.")
    assert refused.value.status == 422


def test_the_script_message_is_clear() -> None:
    with pytest.raises(InvalidInput) as refused:
        check_markdown("Hi <script>alert(1)</script>", field="body")
    assert refused.value.fields == {
        "body": ["Remove the HTML <script> element: this field takes Markdown, and active HTML is refused."]
    }
    assert refused.value.detail == refused.value.fields["body"][0]


@pytest.mark.parametrize(("text", "named"), XSS_VECTORS)
def test_rendering_unchecked_attacks_is_still_safe(text: str, named: str) -> None:
    output = render_markdown(text)
    assert isinstance(output, SafeString)
    assert_safe_html(output)


@pytest.mark.parametrize("text", HARMLESS)
def test_harmless_html_and_code_are_accepted(text: str) -> None:
    check_markdown(text, field="description")
    assert_safe_html(render_markdown(text))


def test_raw_html_shows_as_text() -> None:
    assert render_markdown("<b>bold</b> a < b") == "<p>&lt;b&gt;bold&lt;/b&gt; a &lt; b</p>\n"


def test_markdown_renders_the_usual_things() -> None:
    output = render_markdown(
        "# Title\n\n**bold** *em* ~~gone~~ `code`\nnext line\n\n"
        "- one\n- two\n\n3. three\n4. four\n\n> quoted\n\n---\n\n"
        "| a | b |\n|:--|--:|\n| 1 | 2 |\n\n"
        '```python\nprint("<hi>")\n```\n\n[site](https://example.com "The site")'
    )
    assert "<h1>Title</h1>" in output
    assert "<strong>bold</strong> <em>em</em> <s>gone</s> <code>code</code><br>\nnext line" in output
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in output
    assert '<ol start="3">' in output
    assert "<blockquote>\n<p>quoted</p>\n</blockquote>" in output
    assert "<hr>" in output
    assert "<table>" in output and "<th>a</th>" in output and "<td>2</td>" in output
    assert "style=" not in output
    assert '<pre><code>print("&lt;hi&gt;")\n</code></pre>' in output
    assert (
        '<a href="https://example.com" title="The site" rel="nofollow noopener noreferrer">site</a>' in output
    )
    assert_safe_html(output)


def test_links_get_rel_and_only_safe_schemes() -> None:
    output = render_markdown("<https://example.com/a> [f](ftp://example.com/x) [m](mailto:a@example.com)")
    assert '<a href="https://example.com/a" rel="nofollow noopener noreferrer">' in output
    assert 'href="ftp:' not in output
    assert '<a href="mailto:a@example.com" rel="nofollow noopener noreferrer">m</a>' in output


def test_links_are_not_made_from_bare_urls() -> None:
    assert render_markdown("see https://example.com") == "<p>see https://example.com</p>\n"


def test_images_become_links_and_never_img_tags() -> None:
    output = render_markdown("![the logo](https://example.com/logo.png) ![](data:image/png;base64,AAAA)")
    assert "<img" not in output
    assert '<a href="https://example.com/logo.png" rel="nofollow noopener noreferrer">the logo</a>' in output
    assert "data:" not in output.split(">", 1)[0]
    assert_safe_html(output)


def test_empty_text_renders_empty() -> None:
    assert render_markdown("") == ""
    assert markdown_to_text("") == ""


def test_plain_text_keeps_words_and_spells_out_links() -> None:
    text = (
        "# Outage\n\nThe **API** is *down* since `10:00`.\nSee [status](https://status.example).\n\n"
        "- step one\n- step two\n  1. sub a\n  2. sub b\n\n"
        "| host | state |\n|---|---|\n| a | up |\n\n"
        "```\n<tail -f log>\n```\n\n<https://example.com> <b>raw</b>"
    )
    assert markdown_to_text(text) == (
        "Outage\n\nThe API is down since 10:00.\nSee status (https://status.example).\n\n"
        "- step one\n- step two\n  1. sub a\n  2. sub b\n\n"
        "host | state\na | up\n\n"
        "<tail -f log>\n\nhttps://example.com <b>raw</b>"
    )


_FRAGMENTS = st.sampled_from(
    [
        "<", ">", "/", '"', "'", "=", " ", "\n", "`", "[", "]", "(", ")", "!", "&", "#", ";", ":", "*", "|",
        "script", "img", "svg", "iframe", "a", "href", "src", "onerror", "javascript", "&#106;", "&amp;",
        "alert(1)", "data:text/html", "x", "-", "http://e.example",
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(_FRAGMENTS, max_size=40).map("".join))
def test_any_mix_of_attack_fragments_renders_safely(text: str) -> None:
    assert_safe_html(render_markdown(text))
