"""Serialise a :class:`Feed` as Atom 1.0, RSS 2.0 (content:encoded) and JSON Feed 1.1."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from html import escape

from feedgen.ext.base import BaseExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from hearth_feeds.entries import Feed
from hearth_feeds.ids import canonical_id


def _as_is(text: str) -> str:
    return text


def _rss_text(text: str) -> str:
    """Plain text for an RSS element that readers may parse as HTML.

    RSS never says whether <title> and <description> hold text or HTML, and readers
    (feedparser among them) treat them as HTML: escaped once more, a name like
    ``<img src=…>`` is shown as those characters, never loaded as an image.
    """
    return escape(text, quote=False)


SOURCE_NAMESPACE = "http://source.scripting.com/"


class _SourceBlogroll(BaseExtension):
    """RSS's <source:blogroll> (the Source namespace): where the site's OPML blogroll is."""

    url = ""

    def extend_ns(self) -> dict[str, str]:
        return {"source": SOURCE_NAMESPACE}

    def extend_rss(self, rss: etree._Element) -> etree._Element:
        channel = rss.find("channel")
        if self.url and channel is not None:
            etree.SubElement(channel, f"{{{SOURCE_NAMESPACE}}}blogroll").text = self.url
        return rss


def _generator(feed: Feed, kind: str) -> FeedGenerator:
    # Atom says which elements are text (type="text", the default): only RSS needs this.
    text: Callable[[str], str] = _rss_text if kind == "rss" else _as_is
    generator = FeedGenerator()
    generator.id(canonical_id(feed.home_url))
    if feed.blogroll and kind == "rss":
        generator.register_extension("source", _SourceBlogroll, None, atom=False, rss=True)
        generator.source.url = feed.blogroll
    generator.title(text(feed.title))
    generator.subtitle(text(feed.description or feed.title))
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
        entry_id = canonical_id(entry.id)
        item.id(entry_id)
        item.guid(entry_id, permalink=entry_id == entry.url)
        item.title(text(entry.title))
        item.link(href=entry.url, rel="alternate")
        item.published(entry.published)
        item.updated(entry.updated or entry.published)
        item.summary(text(entry.summary or entry.title))
        item.content(entry.content_html, type="html")
        for tag in entry.tags:
            item.category(term=tag)
        if entry.author:
            item.author({"name": entry.author})
    return generator


_ATOM = "{http://www.w3.org/2005/Atom}"
_ATOM_TEXT = (f"{_ATOM}title", f"{_ATOM}subtitle", f"{_ATOM}summary")


def atom_xml(feed: Feed) -> bytes:
    root = etree.fromstring(_generator(feed, "atom").atom_str(pretty=True))
    for element in root.iter(*_ATOM_TEXT):
        _declare_markup(element)
    return etree.tostring(root, pretty_print=True, encoding="UTF-8", xml_declaration=True)


def _declare_markup(element: etree._Element) -> None:
    """A text construct that holds "<" or "&" goes as escaped HTML (type="html").

    Text is text in Atom, but validators (and some readers) guess that "</b>" or
    "&amp;" in it is markup; escaped and declared, the same characters are shown.
    """
    text = element.text or ""
    if element.get("type", "text") == "text" and ("<" in text or "&" in text):
        element.set("type", "html")
        element.text = escape(text, quote=False)


# <title> and <description> as lxml writes them: their text holds entities, never "<".
_RSS_PLAIN_TEXT = re.compile(rb"<(title|description)>([^<]*)</\1>")
_HEX_REFERENCES = {b"&amp;": b"&#x26;", b"&lt;": b"&#x3C;", b"&gt;": b"&#x3E;"}


def _hex_references(match: re.Match[bytes]) -> bytes:
    text = re.sub(rb"&(?:amp|lt|gt);", lambda m: _HEX_REFERENCES[m.group()], match[2])
    return b"<%s>%s</%s>" % (match[1], text, match[1])


def rss_xml(feed: Feed) -> bytes:
    # "&#x26;" is "&amp;" to any XML parser; the RSS Best Practices Profile (and the W3C
    # Feed Validator after it) asks for the hexadecimal form where text is escaped.
    return _RSS_PLAIN_TEXT.sub(_hex_references, _generator(feed, "rss").rss_str(pretty=True))


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
                "id": canonical_id(entry.id),
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
