"""Serialise a :class:`Feed` as Atom 1.0, RSS 2.0 (content:encoded) and JSON Feed 1.1."""

from __future__ import annotations

import json

from feedgen.feed import FeedGenerator

from hearth_feeds.entries import Feed


def _generator(feed: Feed, kind: str) -> FeedGenerator:
    generator = FeedGenerator()
    generator.id(feed.home_url)
    generator.title(feed.title)
    generator.subtitle(feed.description or feed.title)
    generator.language(feed.language)
    if feed.author:
        generator.author({"name": feed.author})
    # feedgen takes RSS's <link> from the last link given: the home page must come last.
    generator.link(href=feed.url(kind), rel="self")
    generator.link(href=feed.home_url, rel="alternate")
    if feed.updated:
        generator.updated(feed.updated)
    # feedgen prepends entries; add oldest first so the newest comes first.
    for entry in reversed(feed.entries):
        item = generator.add_entry()
        item.id(entry.id)
        item.guid(entry.id, permalink=entry.id == entry.url)
        item.title(entry.title)
        item.link(href=entry.url, rel="alternate")
        item.published(entry.published)
        item.updated(entry.updated or entry.published)
        item.summary(entry.summary or entry.title)
        item.content(entry.content_html, type="html")
        for tag in entry.tags:
            item.category(term=tag)
        if entry.author:
            item.author({"name": entry.author})
    return generator


def atom_xml(feed: Feed) -> bytes:
    return _generator(feed, "atom").atom_str(pretty=True)


def rss_xml(feed: Feed) -> bytes:
    return _generator(feed, "rss").rss_str(pretty=True)


def json_feed(feed: Feed) -> bytes:
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": feed.title,
        "home_page_url": feed.home_url,
        "feed_url": feed.url("json"),
        "description": feed.description,
        "language": feed.language,
        "authors": [{"name": feed.author}] if feed.author else [],
        "items": [
            {
                "id": entry.id,
                "url": entry.url,
                "title": entry.title,
                "content_html": entry.content_html,
                "summary": entry.summary,
                "date_published": entry.published.isoformat(),
                "date_modified": (entry.updated or entry.published).isoformat(),
                "tags": list(entry.tags),
                **({"authors": [{"name": entry.author}]} if entry.author else {}),
            }
            for entry in feed.entries
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


RENDERERS = {"atom": atom_xml, "rss": rss_xml, "json": json_feed}
