"""A faster path through Python-Markdown's inline patterns, with the same output.

Python-Markdown tries every inline pattern on every text in turn (fifteen of
them), one Python call each, and parses brackets and emphasis character by
character. Nearly every line of a newsletter is plain words, links, ``*em*``
and ``code``: for such a text this module builds the very elements those
patterns would, in a few regular-expression passes. Any text with something
else in it (a backslash, HTML, an entity, ``_`` or ``**``, an image, a
footnote, a link with a title or parentheses...) goes through Python-Markdown
unchanged. Tests hold both paths to the same HTML.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Markdown, inlinepatterns, util
from markdown.treeprocessors import InlineProcessor

from hearth_core.pins import Pin

# It overrides InlineProcessor's name-mangled __handleInline and calls its __stashNode.
PIN = Pin(
    "hearth_core/inline_fast.py",
    "inline patterns (InlineProcessor's private __handleInline and __stashNode)",
    "markdown",
    "Markdown",
    "3.11.3",
)

# The patterns, in Python-Markdown's order, whose rules the fast path follows. A
# renderer may lack some of them (member notes drop HTML and images); any other
# pattern, or another order, and every text takes Python-Markdown's own path.
_KNOWN_ORDER = (
    "backtick",
    "escape",
    "footnote",
    "reference",
    "link",
    "image_link",
    "image_reference",
    "short_reference",
    "short_image_ref",
    "autolink",
    "automail",
    "linebreak",
    "html",
    "entity",
    "em_strong",
)
_EMULATED = {
    "backtick": inlinepatterns.BacktickInlineProcessor,
    "link": inlinepatterns.LinkInlineProcessor,
    "em_strong": inlinepatterns.DelimiterProcessor,
}

# Once code spans are placeholders, before links are found: the escape, HTML
# and autolink patterns, images and footnotes.
_NOT_SIMPLE = re.compile(r"[\\<]|!\[|\[\^")
# A link with a plain address: no title, no spaces, no parentheses, no brackets.
_LINK = re.compile(r"\[([^\[\]]+)\]\(([^\s()<>\"'\[\]`\x02\x03]+)\)")
# After links are found, in the text around them and in their own text: the
# remaining link patterns, line breaks, entities, strong and underscore emphasis.
_NOT_SIMPLE_TEXT = re.compile(r"[\[\]_]|  \n|\*\*|&(?:#[0-9]+|#x[0-9a-fA-F]+|[a-zA-Z0-9]+);")


class FastInlineProcessor(InlineProcessor):
    """Python-Markdown's inline processor, with the fast path for simple texts."""

    _fast: bool | None = None

    def run(self, tree: etree.Element, ancestors: list[str] | None = None) -> etree.Element:
        # Checked at the first run, not as this loads: extensions loaded after it, and
        # a renderer's own changes (member notes drop patterns), come before that.
        if self._fast is None:
            self._fast = PIN.holds() and _follows_known_rules(self.md)
        return super().run(tree, ancestors)

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        # Only a whole text (pattern 0), never the rest of one a pattern has split.
        if self._fast and not patternIndex and not isinstance(data, util.AtomicString):
            stashed = len(self.stashed_nodes)
            converted = self._simple_inline(data)
            if converted is not None:
                return converted
            # Not simple after all: forget what it stashed, so placeholders are numbered
            # as Python-Markdown numbers them (a few of its bugs show them in the page).
            for key in list(self.stashed_nodes)[stashed:]:
                del self.stashed_nodes[key]
        return InlineProcessor._InlineProcessor__handleInline(self, data, patternIndex)

    def _simple_inline(self, data: str) -> str | None:
        """``data`` with placeholders for its elements, or None if it is not simple."""
        if "\x02" in data or "\x03" in data or self._emphasis_pending():
            return None  # placeholders of other processors, or pairs found earlier
        text = self._code_spans(data) if "`" in data else data
        if text is None or _NOT_SIMPLE.search(text):
            return None
        links: list[etree.Element] = []
        if "[" in text:
            text = _LINK.sub(lambda match: self._link(match, links), text)
        for link in links:
            link.text = self._emphasis(link.text or "")
            if link.text is None:
                return None
        return self._emphasis(text)

    def _code_spans(self, data: str) -> str | None:
        # Single backticks only, each pair a span; code comes before every other pattern.
        parts = data.split("`")
        if "``" in data or len(parts) % 2 == 0:
            return None
        for index in range(1, len(parts), 2):
            code = etree.Element("code")
            code.text = util.AtomicString(util.code_escape(parts[index].strip()))
            parts[index] = self._stash(code)
        return "".join(parts)

    def _link(self, match: re.Match[str], links: list[etree.Element]) -> str:
        link = etree.Element("a")
        link.text = match.group(1)
        link.set("href", match.group(2))
        links.append(link)
        return self._stash(link)

    def _emphasis(self, text: str) -> str | None:
        """``text`` with each ``*em*`` stashed; None if its stars are not all simple pairs."""
        if _NOT_SIMPLE_TEXT.search(text):
            return None
        if "*" not in text:
            return text
        parts = text.split("*")
        if len(parts) % 2 == 0:
            return None
        for index in range(1, len(parts), 2):
            before, inner = parts[index - 1], parts[index]
            # An opening star after a space (or first) and before a word, a closing
            # star after one: the delimiter rules then pair them as one <em>.
            opens = not before or before[-1].isspace()
            if not opens or inner[0].isspace() or inner[-1].isspace() or "\x02" in inner:
                return None
            emphasis = etree.Element("em")
            emphasis.text = inner
            parts[index] = self._stash(emphasis)
        return "".join(parts)

    def _emphasis_pending(self) -> bool:
        # The delimiter processor keeps pairs it found for the next text; leave those to it.
        delimiters = getattr(self.md, "delimiters", None)
        return bool(delimiters is None or delimiters.regions or delimiters.stack)

    def _stash(self, element: etree.Element) -> str:
        return self._InlineProcessor__stashNode(element, "fast")


def _follows_known_rules(md: Markdown) -> bool:
    """Whether the fast path's rules are those of ``md``'s inline patterns."""
    md.inlinePatterns._sort()
    names = [item.name for item in md.inlinePatterns._priority]
    known = [name for name in _KNOWN_ORDER if name in names]
    if names != known or any(name not in names for name in _EMULATED):
        return False
    for name, kind in _EMULATED.items():
        if type(md.inlinePatterns[name]) is not kind:
            return False
    delimiters = md.inlinePatterns["em_strong"].delimiters
    star = delimiters.get("*")
    return (
        set(delimiters) <= {"*", "_"}
        and star is not None
        and star.tags == ("strong", "em")
        and not star.smart
        and not any(md.inlinePatterns[name].ANCESTOR_EXCLUDES for name in names)
    )
