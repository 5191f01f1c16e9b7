"""A member's note can never run script, restyle the page or link anywhere but the web."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from hearth_members.render import ALLOWED_TAGS, note_html

REL = "ugc nofollow noopener"
SAFE_SCHEMES = {"http", "https", "mailto"}
# What a browser ignores in an address: ASCII whitespace anywhere, controls at the ends.
IGNORED_IN_URLS = re.compile(r"[\x00-\x20\x7f]")
SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    "<style>body{display:none}</style>",
    '<a style="position:fixed" href="https://example.org">x</a>',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<div onclick="alert(1)">',
    "<math><mi xlink:href=javascript:alert(1)>x</mi></math>",
    "<!-- <script>alert(1)</script> -->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x]( javascript:alert(1))",
    "[x](java\tscript:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](&#x6A;avascript&colon;alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](vbscript:msgbox(1))",
    '[x](https://example.org "a" onmouseover="alert(1))',
    "[x][r]\n\n[r]: javascript:alert(1)",
    "![x](javascript:alert(1))",
    "<javascript:alert(1)>",
    '<https://example.org/" onmouseover="alert(1)>',
    "[<img src=x onerror=alert(1)>](https://example.org)",
    "*[x](javascript:alert(1))*",
    "`<script>`",
    "    <script>alert(1)</script>",
    "> <a href=javascript:alert(1)>q</a>",
    "{: onclick=alert(1) }",
    "<a@b.example>",
    "&lt;script&gt;",
    "&#60;script&#62;",
]
PIECES = ["[", "](", ")", "<", ">", "\n\n", "\n", "*", "`", "> ", "- ", "&", "#", '"', "'", "="]


def fragments() -> st.SearchStrategy[str]:
    piece = st.one_of(st.sampled_from(PAYLOADS), st.sampled_from(PIECES), st.text(max_size=12))
    return st.lists(piece, max_size=10).map("".join)


def assert_safe(html: str) -> None:
    tree = LexborHTMLParser(html)
    for node in tree.css("body *"):
        assert node.tag in ALLOWED_TAGS, node.html
        for name, value in node.attributes.items():
            assert not name.lower().startswith("on"), node.html
            assert name.lower() not in {"style", "class", "id"}, node.html
            if name.lower() in {"href", "src"}:
                address = IGNORED_IN_URLS.sub("", value or "").lower()
                scheme = SCHEME.match(address)
                assert scheme and scheme[1] in SAFE_SCHEMES, node.html
        if node.tag == "a":
            assert node.attributes.get("rel") == REL, node.html


@settings(max_examples=300, deadline=None)
@given(fragments())
def test_no_note_can_carry_script_styles_or_unsafe_links(text):
    assert_safe(note_html(text))


def test_every_known_payload_is_defused():
    for payload in PAYLOADS:
        html = note_html(payload)
        assert_safe(html)
        names = {name for node in LexborHTMLParser(html).css("body *") for name in node.attributes}
        assert names <= {"href", "title", "rel"}, payload


def test_ordinary_markdown_keeps_its_formatting():
    html = note_html(
        "Why it is *worth* reading, **twice**.\n\n"
        "> A quote with `code`\n\n"
        "    indented code\n\n"
        "- one\n- two\n\n"
        "Then:\n\n"
        "1. first\n\n"
        "Line one  \nline two"
    )
    assert html == (
        "<p>Why it is <em>worth</em> reading, <strong>twice</strong>.</p>\n"
        "<blockquote>\n<p>A quote with <code>code</code></p>\n</blockquote>\n"
        "<pre><code>indented code\n</code></pre>\n"
        "<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n"
        "<p>Then:</p>\n"
        "<ol>\n<li>first</li>\n</ol>\n"
        "<p>Line one<br>\nline two</p>"
    )


def test_links_to_the_web_are_kept_and_marked_as_user_content():
    html = note_html("[A post](https://example.org/post) or <https://example.org/b>")
    assert html == (
        f'<p><a href="https://example.org/post" rel="{REL}">A post</a> or '
        f'<a href="https://example.org/b" rel="{REL}">https://example.org/b</a></p>'
    )


def test_email_addresses_stay_links():
    tree = LexborHTMLParser(note_html("Write to <ada@example.org>"))
    assert tree.css_first("a").attributes["href"] == "mailto:ada@example.org"


def test_html_in_a_note_is_shown_as_text_not_run():
    assert note_html("Try <b onclick=x>bold</b> & <script>alert(1)</script>") == (
        "<p>Try &lt;b onclick=x&gt;bold&lt;/b&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt;</p>"
    )


def test_a_javascript_link_keeps_its_text_but_loses_its_address():
    assert note_html("[click](javascript:alert(1))") == "<p>click</p>"


def test_relative_links_are_dropped_because_notes_appear_in_feeds():
    assert note_html("[issue 3](/issues/3/)") == "<p>issue 3</p>"


def test_images_and_headings_are_not_part_of_a_note():
    assert note_html("# Big\n\n![cat](https://example.org/cat.png)") == (
        "Big\n<p>![cat](https://example.org/cat.png)</p>"
    )
