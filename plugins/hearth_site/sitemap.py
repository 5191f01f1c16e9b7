"""sitemap.xml and robots.txt: only what a reader may find, never drafts."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from xml.sax.saxutils import escape


def sitemap_xml(entries: Iterable[tuple[str, datetime | None]]) -> str:
    """``entries`` are (absolute URL, last modified or None), in the order given."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>']
    lines.append('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">')
    for url, modified in entries:
        lastmod = f"<lastmod>{modified.date().isoformat()}</lastmod>" if modified else ""
        lines.append(f"  <url><loc>{escape(url)}</loc>{lastmod}</url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def robots_txt(sitemap_url: str) -> str:
    return f"User-agent: *\nAllow: /\nSitemap: {sitemap_url}\n"
