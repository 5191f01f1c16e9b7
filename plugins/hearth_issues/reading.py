"""What a reader sees before the text of an issue: reading time, contents, the first paragraph.

Made from the issue's HTML as Pelican rendered it (its headings carry the ids the
toc extension gave them), once per issue and build; templates only print it.
"""

from __future__ import annotations

import html
import math
import re
from typing import Any, NamedTuple

# Silent reading of prose on a screen: about 230 words a minute.
WORDS_PER_MINUTE = 230
# An issue gets a table of contents from this many sections on.
TOC_FROM_SECTIONS = 3

# A paragraph this long is the opening; shorter ones are greetings.
LEDE_MIN_WORDS = 12

_SECTION = re.compile(r'<h2 id="(?P<id>[^"]+)"[^>]*>(?P<inner>.*?)</h2>', re.DOTALL)
_PERMALINK = re.compile(r'<a class="headerlink".*?</a>', re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_PARAGRAPH = re.compile(r"<p>(?P<inner>.*?)</p>", re.DOTALL)
_WORD = re.compile(r"\w+")


class Section(NamedTuple):
    anchor: str
    title: str


class Reading(NamedTuple):
    minutes: int
    sections: tuple[Section, ...]  # empty for a short issue: no table of contents
    first_paragraph_html: str  # the issue's own HTML, as Markdown made it

    @property
    def minutes_text(self) -> str:
        return f"{self.minutes} min read"


def plain_text(fragment: str) -> str:
    return html.unescape(_TAG.sub("", fragment)).strip()


def reading(content_html: str) -> Reading:
    words = len(_WORD.findall(plain_text(content_html)))
    sections = tuple(
        Section(match["id"], plain_text(_PERMALINK.sub("", match["inner"])))
        for match in _SECTION.finditer(content_html)
    )
    return Reading(
        minutes=max(1, math.ceil(words / WORDS_PER_MINUTE)),
        sections=sections if len(sections) >= TOC_FROM_SECTIONS else (),
        first_paragraph_html=_lede(content_html),
    )


def _lede(content_html: str) -> str:
    """The first paragraph that says something: a greeting ("Hello again,") is passed over."""
    paragraphs = [match["inner"] for match in _PARAGRAPH.finditer(content_html)]
    for paragraph in paragraphs:
        if len(_WORD.findall(plain_text(paragraph))) >= LEDE_MIN_WORDS:
            return paragraph
    return paragraphs[0] if paragraphs else ""


def add_reading(articles: Any) -> None:
    """Give each issue its ``reading``; after Pelican has read them all."""
    for article in articles:
        article.reading = reading(article.content)
