"""Pelican wiring: build the issues feed from the articles and write every feed."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pelican import signals
from pelican.generators import Generator

from hearth_core.files import write_atomically
from hearth_core.settings import absolute_site_url, plugin_settings
from hearth_feeds.entries import FEED_FILES, FEED_MIME, Feed, FeedEntry
from hearth_feeds.fragments import feed_html, plain_text
from hearth_feeds.render import RENDERERS

logger = logging.getLogger(__name__)

DEFAULTS = {"limit": 20}


@dataclass(frozen=True)
class FeedLink:
    """What a page's ``<link rel="alternate">`` needs."""

    title: str
    url: str
    mime: str


def feed_links(feed: Feed) -> list[FeedLink]:
    kinds = {"atom": "Atom", "rss": "RSS", "json": "JSON Feed"}
    return [
        FeedLink(f"{feed.title} ({label})", feed.url(kind), FEED_MIME[kind])
        for kind, label in kinds.items()
    ]


def issue_entry(article: Any, base: str) -> FeedEntry:
    url = f"{base}/{article.url}"
    return FeedEntry(
        id=url,
        url=url,
        title=article.title,
        published=article.date,
        updated=getattr(article, "modified", None),
        summary=article.summary_text or plain_text(article.summary),
        content_html=feed_html(article.content, url),
        tags=tuple(tag.name for tag in getattr(article, "tags", [])),
        author=article.author.name if getattr(article, "author", None) else "",
    )


def issues_feed(articles: list[Any], settings: dict[str, Any], limit: int) -> Feed:
    base = absolute_site_url(settings)
    published = [article for article in articles if not article.is_draft][:limit]
    return Feed(
        slug="issues",
        title=settings["SITENAME"],
        description=settings.get("SITE_DESCRIPTION", ""),
        site_url=base,
        home_url=f"{base}/",
        language=settings["DEFAULT_LANG"],
        author=settings.get("AUTHOR", ""),
        entries=tuple(issue_entry(article, base) for article in published),
    )


class FeedsGenerator(Generator):
    """Collects the site's feeds in the context phase and writes them at output time."""

    def generate_context(self) -> None:
        limit = plugin_settings(self.settings, "HEARTH_FEEDS", DEFAULTS)["limit"]
        self.feeds = [issues_feed(self.context["articles"], self.settings, limit)]
        self.context["hearth_feeds"] = feed_links(self.feeds[0])

    def generate_output(self, writer: Any) -> None:
        for feed in self.feeds:
            for kind, render in RENDERERS.items():
                write_atomically(Path(self.output_path, feed.path(kind)), render(feed))
        logger.debug("Wrote %d feeds in %s", len(self.feeds), ", ".join(FEED_FILES))


def get_generators(_pelican: Any) -> type[FeedsGenerator]:
    return FeedsGenerator


def register() -> None:
    signals.get_generators.connect(get_generators)
