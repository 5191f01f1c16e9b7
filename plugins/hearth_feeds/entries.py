"""Feed-neutral data: a feed and its entries, built once and written three ways."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class FeedEntry:
    id: str
    url: str
    title: str
    published: datetime
    content_html: str
    summary: str = ""
    updated: datetime | None = None
    tags: tuple[str, ...] = ()
    author: str = ""


@dataclass(frozen=True)
class Feed:
    """One feed: ``path`` is relative to the output folder, ``site_url`` absolute."""

    slug: str
    title: str
    description: str
    site_url: str
    home_url: str
    language: str
    author: str
    entries: tuple[FeedEntry, ...] = field(default=())
    # The site's OPML blogroll, named in RSS as <source:blogroll>; "" for none.
    blogroll: str = ""

    def url(self, kind: str) -> str:
        return f"{self.site_url}/{self.path(kind)}"

    def path(self, kind: str) -> str:
        return f"feeds/{self.slug}.{FEED_FILES[kind]}"

    @property
    def updated(self) -> datetime | None:
        dates = [entry.updated or entry.published for entry in self.entries]
        return max(dates, default=None)


FEED_FILES = {"atom": "atom.xml", "rss": "rss.xml", "json": "json"}
FEED_MIME = {
    "atom": "application/atom+xml",
    "rss": "application/rss+xml",
    "json": "application/feed+json",
}
