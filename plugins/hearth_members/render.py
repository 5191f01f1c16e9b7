"""Member notes are untrusted Markdown: render them to a small, safe subset of HTML."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from html import unescape
from urllib.parse import urlsplit

import nh3
from markdown import Markdown, util
from markdown.treeprocessors import Treeprocessor

from hearth_core.markdown_speed import FastMarkdownExtension
from hearth_core.parallel import TextMemo, Workers

ALLOWED_TAGS = frozenset(
    {"p", "a", "em", "strong", "code", "pre", "ul", "ol", "li", "blockquote", "br"}
)
ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "ugc nofollow noopener"


def note_html(markdown_text: str, memo: TextMemo | None = None) -> str:
    """A member's note as safe HTML (see ``safe_note_html``); converted once per build
    state with its ``MemberCaches.note_html`` as ``memo``."""
    if memo is None:
        return safe_note_html("", markdown_text)
    return memo.get("", markdown_text)


def start_notes(notes: Iterable[str], pool: Workers | None, memo: TextMemo) -> None:
    """Make the simple notes' HTML here and now, and send the rest to ``pool``'s workers."""
    needing_markdown = []
    for note in notes:
        if memo.knows("", note):
            continue  # a live preview's next build: all but an edited note
        simple = _simple_note_html(note)
        if simple is None:
            needing_markdown.append(note)
        else:
            memo.remember("", note, simple)
    memo.start("", needing_markdown, pool)


def safe_note_html(_options: str, markdown_text: str) -> str:
    """Render a member's note; anything outside the allow-list is dropped or shown as text.

    Two layers. Python-Markdown has no safe mode, so its raw-HTML processors are
    removed and ``<script>`` in a note stays the text "<script>". Escaping the
    source instead would also break quotes ("> ") and autolinks ("<https://...>").
    Then nh3 keeps only the allow-list: Markdown itself still writes
    ``[x](javascript:...)`` into an href, and only a real HTML parser decodes
    tricks like ``&#106;avascript:`` the way a browser would.

    Most notes are a plain sentence or two, perhaps with an emphasised word:
    ``_simple_note_html`` writes those directly, byte for byte what this gives.
    """
    simple = _simple_note_html(markdown_text)
    if simple is not None:
        return simple
    markdown = _markdown()
    markdown.reset()
    html = nh3.clean(
        _without_placeholders(markdown.convert(markdown_text)),
        tags=set(ALLOWED_TAGS),
        clean_content_tags={"script", "style"},
        attributes={"a": {"href", "title"}},
        url_schemes=set(ALLOWED_SCHEMES),
        # Notes appear on pages at every depth and in feeds, where a relative
        # link would point somewhere else; members link with full addresses.
        url_relative="deny",
        link_rel=LINK_REL,
        strip_comments=True,
    )
    # nh3 drops an address it cannot trust but keeps its <a>, with rel: a link to nowhere.
    return _LINK_WITHOUT_ADDRESS.sub(r"\1", html)


# Python-Markdown marks text it sets aside with STX ... ETX; a few odd inputs (a
# link title left open) leave a marker in its output. No control character may
# reach a page, nor a feed, where XML forbids them.
_LEFT_BEHIND = re.compile(rf"{util.STX}klzzwxh:\d+{util.ETX}|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


_LINK_WITHOUT_ADDRESS = re.compile(r"<a(?![^>]*\shref=)[^>]*>(.*?)</a>", re.DOTALL)


def _without_placeholders(html: str) -> str:
    return _LEFT_BEHIND.sub("", html)


# A note both layers above leave as one paragraph of its own text, written here
# directly: its HTML can hold no tag but <p>, <em> and <strong>, and nothing a
# member writes can change that. Words of ASCII letters, digits and the
# punctuation below, one space apart, and emphasis (*x* or **x y**) around whole
# words, after a space and before a space, the end or punctuation. It starts
# with a letter, so it cannot be a list ("1. ", "- "), a heading, a quote, a
# rule or a code block, and it is one line (a last "\n" aside), so no setext
# heading and no line break. Nothing else falls through: not "&<>" (markup, and
# what nh3 escapes, with no-break spaces), "[]`\\_" (links, code, escapes, the
# other emphasis), "\t", "  " nor any other character. Quotes, "--" and ":"
# come out as written from both (no smarty, definition lists or autolinks
# without "<", and nh3 leaves quotes in text alone): tests compare the two.
_WORD = r"[A-Za-z0-9.,;:!?'\"()-]"
_EMPHASIS = r"(\*\*?)[A-Za-z0-9]+(?: [A-Za-z0-9]+)*\1"
_SIMPLE_NOTE = re.compile(rf"[A-Za-z]{_WORD}*(?: (?:{_WORD}+|{_EMPHASIS}[.,;:!?]*))*\n?")
_EMPHASIS_TAG = {"*": "em", "**": "strong"}
_EMPHASIS_IN_SIMPLE_NOTE = re.compile(rf"(?<= ){_EMPHASIS}")


def _simple_note_html(markdown_text: str) -> str | None:
    """A simple note's HTML, exactly as ``safe_note_html`` would make it; else None."""
    if _SIMPLE_NOTE.fullmatch(markdown_text) is None:
        return None
    # Markdown splits lines and strips its output: a last "\n" changes nothing.
    text = markdown_text.removesuffix("\n")
    if "*" in text:
        text = _EMPHASIS_IN_SIMPLE_NOTE.sub(_emphasis_html, text)
    return f"<p>{text}</p>"


def _emphasis_html(match: re.Match[str]) -> str:
    tag = _EMPHASIS_TAG[match[1]]
    return f"<{tag}>{match[0].strip('*')}</{tag}>"


@functools.lru_cache(maxsize=1)  # one renderer, reset before each note
def _markdown() -> Markdown:
    return note_markdown()


def note_markdown(speedups: bool = True) -> Markdown:
    """The member notes' renderer; without ``speedups``, the slower path tests compare it with."""
    # reset() before each note: no state carries over between members. No
    # extensions, since attr_list and md_in_html would let a note set attributes.
    extensions = [FastMarkdownExtension()] if speedups else []
    markdown = Markdown(output_format="html", extensions=extensions)
    markdown.preprocessors.deregister("html_block")
    markdown.inlinePatterns.deregister("html")
    # Images are not allowed: without these patterns ![x](url) stays visible as text.
    for pattern in ("image_link", "image_reference", "short_image_ref"):
        markdown.inlinePatterns.deregister(pattern)
    # After the inline patterns (20), which make the links.
    markdown.treeprocessors.register(_PlainTextForLinksNh3Drops(markdown), "hearth_links", 5)
    return markdown


class _PlainTextForLinksNh3Drops(Treeprocessor):
    """A link nh3 will take the address from becomes its text.

    nh3 keeps an ``<a>`` whose href it drops (a relative one, say), and adds ``rel``
    to it: invalid HTML that looks like a link and goes nowhere. A ``span`` is
    not on the allow-list, so nh3 keeps only its text. nh3 remains the safety
    layer: this only spares it links it would break.
    """

    def run(self, root):
        for element in root.iter("a"):
            # Markdown hides e-mail addresses behind placeholders of "&".
            href = unescape(element.get("href", "").replace(util.AMP_SUBSTITUTE, "&"))
            if _scheme(href) not in ALLOWED_SCHEMES:
                element.tag = "span"
                element.attrib.clear()


def _scheme(href: str) -> str:
    try:
        return urlsplit(href.strip()).scheme.lower()
    except ValueError:  # "http://[x": nh3 drops it too
        return ""
