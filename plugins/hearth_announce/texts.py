"""What a thread says: the issue's title, address and summary in the configured texts.

Short posts (Mastodon's 500 characters, Bluesky's 300 graphemes) shorten the summary,
never the address. Bluesky marks the address as a link with a facet, whose offsets
count UTF-8 bytes, not characters.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Each platform's limit on a short post, in the unit it counts (code points here: a
# grapheme is one or more, so staying under counts in code points is always safe).
STATUS_LIMITS = {"mastodon": 500, "bluesky": 300}
# Mastodon counts every link as 23 characters; counting it in full only errs short.
THREAD_TITLE_LIMIT = 120
ELLIPSIS = "…"


@dataclass(frozen=True)
class Announcement:
    """One issue, ready to announce: its number, words, address and social card."""

    number: int
    title: str
    summary: str
    url: str
    card: Path | None  # output/cards/issue-N.png, when the build made one

    def fields(self, summary: str | None = None, title: str | None = None) -> dict[str, Any]:
        shown = self.summary if summary is None else summary
        named = self.title if title is None else title
        return {"number": self.number, "title": named, "summary": shown, "url": self.url}


def thread_title(texts: Mapping[str, str], post: Announcement) -> str:
    return shorten(texts["title"].format_map(post.fields()), THREAD_TITLE_LIMIT)


def thread_body(texts: Mapping[str, str], post: Announcement) -> str:
    return texts["post"].format_map(post.fields())


def status_text(texts: Mapping[str, str], post: Announcement, platform: str) -> str:
    """The short post, the summary cut to fit the platform's limit (then the title).

    The issue's address is never cut: it is how the next run finds this post again
    (``find`` looks for it), so a post without it could be made twice.
    """
    limit = STATUS_LIMITS[platform]
    template = texts["status"]
    text = template.format_map(post.fields())
    if len(text) <= limit:
        return text
    room = limit - len(template.format_map(post.fields(summary="")))
    if room > 1:
        return template.format_map(post.fields(summary=shorten(post.summary, room)))
    room = limit - len(template.format_map(post.fields(summary="", title="")))
    if room > 1:
        return template.format_map(post.fields(summary="", title=shorten(post.title, room)))
    return shorten(post.title, max(limit - len(post.url) - 1, 1)) + " " + post.url


def shorten(text: str, limit: int) -> str:
    """``text``, or its first words and an ellipsis, within ``limit`` characters."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rstrip()
    word_end = cut.rfind(" ")
    return (cut[:word_end] if word_end > limit // 2 else cut).rstrip(" ,.;:") + ELLIPSIS


def link_facets(text: str, url: str) -> list[dict[str, Any]]:
    """A Bluesky link facet over each place ``url`` stands in ``text``, in UTF-8 bytes."""
    encoded, needle = text.encode("utf-8"), url.encode("utf-8")
    facets = []
    start = encoded.find(needle)
    while start >= 0:
        facets.append(
            {
                "index": {"byteStart": start, "byteEnd": start + len(needle)},
                "features": [{"$type": "app.bsky.richtext.facet#link", "uri": url}],
            }
        )
        start = encoded.find(needle, start + len(needle))
    return facets
