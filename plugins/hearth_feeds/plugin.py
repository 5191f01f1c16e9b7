"""Pelican wiring: build the issues feed from the articles and write every feed."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from html import escape
from pathlib import Path
from typing import Any

from pelican import signals
from pelican.generators import Generator

from hearth_core.files import write_atomically
from hearth_core.memo import KeptByKey
from hearth_core.settings import absolute_site_url, plugin_settings
from hearth_core.state import build_state
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


def _discussion_html(article: Any) -> str:
    ref = getattr(article, "discussion_ref", None)
    if ref is None:
        return ""
    return f'<p><a href="{escape(ref.href)}">Discuss this issue on {escape(ref.platform)}</a></p>'


class FeedCaches:
    """A part of the build state: each issue's HTML as feeds show it, by its address,
    while its HTML is the same. (A process-wide cache of the last 256 kept every save's
    version of the edited issue: a live preview grew by 60 MB over 100 saves.)"""

    def __init__(self) -> None:
        self.content_html: KeptByKey[str] = KeptByKey()
        # The issues' feed as this build wrote it, and what each entry shows after the
        # issue's own HTML, by its address: an edit to one issue's text is spliced into
        # it (hearth_site.splice).
        self.issues_written: Feed | None = None
        self.extras: dict[str, str] = {}


def _content_html(article: Any, html: str, url: str) -> str:
    # The same newest issues again on every preview build: only an edited one is parsed.
    kept = build_state(article.settings).part(FeedCaches).content_html
    return kept.get(url, (html, url), lambda: feed_html(html, url))


def issue_entry(article: Any, base: str) -> FeedEntry:
    url = f"{base}/{article.url}"
    extra = getattr(article, "community_html", "") + _discussion_html(article)
    build_state(article.settings).part(FeedCaches).extras[url] = extra
    return FeedEntry(
        id=url,
        url=url,
        title=article.title,
        published=article.date,
        updated=getattr(article, "modified", None),
        summary=article.summary_text or plain_text(article.summary),
        # Sections other plugins add to an issue (community links, discussion) travel with it.
        content_html=_content_html(article, article.content + extra, url),
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


def section_feed(
    settings: dict[str, Any], *, slug: str, title: str, description: str, home: str
) -> Callable[[Iterable[FeedEntry]], Feed]:
    """A feed for one section of the site (``home`` is its path), given its entries."""
    base = absolute_site_url(settings)

    def with_entries(entries: Iterable[FeedEntry]) -> Feed:
        return Feed(
            slug=slug,
            title=f"{settings['SITENAME']}: {title}",
            description=description,
            site_url=base,
            home_url=f"{base}/{home}",
            language=settings["DEFAULT_LANG"],
            author=settings.get("AUTHOR", ""),
            entries=tuple(entries),
        )

    return with_entries


def feed_limit(settings: dict[str, Any]) -> int:
    return plugin_settings(settings, "HEARTH_FEEDS", DEFAULTS)["limit"]


REGISTRY = "hearth_feed_registry"
# The absolute address of the site's OPML blogroll, when a plugin publishes one: every
# RSS feed names it (<source:blogroll>).
BLOGROLL_URL = "hearth_blogroll_url"


def register_feed(context: dict[str, Any], feed: Feed) -> list[FeedLink]:
    """Have ``feed`` written with the others; return the links its pages should carry."""
    context.setdefault(REGISTRY, []).append(feed)
    return feed_links(feed)


class FeedsGenerator(Generator):
    """Writes every feed once all context is in: issues carry sections other plugins add."""

    def generate_context(self) -> None:
        self.limit = plugin_settings(self.settings, "HEARTH_FEEDS", DEFAULTS)["limit"]
        # Entries come later; the links every page carries only need the addresses.
        self.context["hearth_feeds"] = feed_links(issues_feed([], self.settings, 0))

    def generate_output(self, writer: Any) -> None:
        feeds = [issues_feed(self.context["articles"], self.settings, self.limit)]
        blogroll = self.context.get(BLOGROLL_URL, "")
        kept = build_state(self.settings).part(FeedCaches)
        kept.issues_written = replace(feeds[0], blogroll=blogroll)
        for feed in feeds + self.context.get(REGISTRY, []):
            feed = replace(feed, blogroll=blogroll)
            for kind, render in RENDERERS.items():
                write_atomically(Path(self.output_path, feed.path(kind)), render(feed))
        logger.debug("Wrote %d feeds in %s", len(feeds), ", ".join(FEED_FILES))


def get_generators(_pelican: Any) -> type[FeedsGenerator]:
    return FeedsGenerator


def register() -> None:
    signals.get_generators.connect(get_generators)
