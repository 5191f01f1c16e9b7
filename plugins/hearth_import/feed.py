"""Any RSS, Atom or JSON Feed, from a file or an address: Medium, Beehiiv, a blog."""

from __future__ import annotations

import html as html_text
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import feedparser
import nh3

from hearth_core.json_limits import JsonRefused, loads_bounded
from hearth_core.problems import display_path
from hearth_import.fetch import Fetcher, FetchFailed
from hearth_import.model import Archive, ImportFailed, Post, hosts_of, shown

MAX_FEED_BYTES = 50 * 1024 * 1024
FEED_TYPES = ("application/", "text/xml", "text/plain")


def read_feed(source: str, fetcher: Fetcher) -> Archive:
    name, data = _feed_bytes(source, fetcher)
    if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{":
        home, entries = _json_feed(data, name)
    else:
        # Bytes, never an address: feedparser would fetch an address itself, unbounded.
        parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=True)
        if not parsed.get("version"):
            raise ImportFailed(
                f"{name}: is not an RSS, Atom or JSON feed (an HTML page?): give the feed's "
                "own address, often linked from the page as RSS"
            )
        home, entries = parsed.feed.get("link", ""), parsed.entries
    archive = Archive(hosts=hosts_of(home))
    for index, entry in enumerate(entries):
        title = " ".join(str(entry.get("title") or "").split())
        where = f"{name}: entry {index + 1}" + (f' "{shown(title)}"' if title else "")
        try:
            archive.posts.append(_post(entry, title, where, index))
        except ValueError as error:
            archive.problems.append(f"{where}: {error}")
        archive.hosts |= hosts_of(entry.get("link", ""))
    return archive


def _json_feed(data: bytes, name: str) -> tuple[str, list[dict[str, Any]]]:
    """A JSON Feed (1.0 or 1.1; feedparser 6.0 reads RSS and Atom only): its home page
    and its items, shaped as feedparser's entries are. A field of the wrong type is
    left out, as feedparser leaves out what it cannot read."""
    try:
        document = loads_bounded(data)
    except JsonRefused as error:
        raise ImportFailed(f"{name}: is not JSON Hearth reads ({error})") from None
    version = document.get("version") if isinstance(document, dict) else None
    if not isinstance(version, str) or not version.startswith("https://jsonfeed.org/version/"):
        raise ImportFailed(
            f"{name}: is JSON, but not a JSON Feed (no jsonfeed.org version): give the "
            "feed's own address"
        )
    items = document.get("items")
    items = items if isinstance(items, list) else []
    entries = [_json_entry(item) for item in items if isinstance(item, dict)]
    return _text(document.get("home_page_url")), entries


def _json_entry(item: dict[str, Any]) -> dict[str, Any]:
    body = _text(item.get("content_html"))
    if not body and _text(item.get("content_text")):
        paragraphs = _text(item.get("content_text")).split("\n\n")
        body = "".join(f"<p>{html_text.escape(paragraph)}</p>" for paragraph in paragraphs)
    tags = item.get("tags")
    number = item.get("id")
    return {
        "title": _text(item.get("title")),
        "link": _text(item.get("url")),
        "id": str(number)
        if isinstance(number, int) and not isinstance(number, bool)
        else _text(number),
        "content": [{"value": body}] if body else [],
        "summary": _text(item.get("summary")),
        "published": _text(item.get("date_published")),
        "updated": _text(item.get("date_modified")),
        "tags": [{"term": tag} for tag in tags if isinstance(tag, str)]
        if isinstance(tags, list)
        else [],
    }


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _feed_bytes(source: str, fetcher: Fetcher) -> tuple[str, bytes]:
    if source.startswith(("http://", "https://")):
        try:
            return source, fetcher.get(source, FEED_TYPES).body
        except FetchFailed as error:
            page = "text/html" in str(error)
            hint = ": an HTML page, not a feed; give the feed's own address" if page else ""
            raise ImportFailed(f"{source}: cannot be fetched: {error}{hint}") from None
    path = Path(source)
    if path.stat().st_size > MAX_FEED_BYTES:
        raise ImportFailed(f"{display_path(path)}: is larger than 50 MiB")
    return display_path(path), path.read_bytes()


def _post(entry: Any, title: str, where: str, index: int) -> Post:
    link = str(entry.get("link") or "")
    key = link or str(entry.get("id") or "")
    if not key:
        raise ValueError("it has neither a link nor an id to know it by")
    path = urlsplit(link).path or f"/{index + 1}"
    content = entry.get("content") or []
    html = str(content[0].get("value") if content else entry.get("summary") or "")
    # Beside the full text, RSS's description, Atom's summary or JSON Feed's summary is
    # the post's excerpt; feedparser fills in the text itself when a feed gives no summary.
    excerpt = str(entry.get("summary") or "") if content else ""
    summary = _plain(excerpt) if excerpt.strip() != html.strip() else ""
    return Post(
        key=key,
        old_path=path,
        title=title,
        date=_date(entry),
        html=html,
        slug=path.rstrip("/").rsplit("/", 1)[-1] or title,
        where=where,
        summary=summary,
        tags=tuple(
            str(tag.get("term")).strip() for tag in entry.get("tags") or [] if tag.get("term")
        ),
        url=link,
    )


def _plain(text: str) -> str:
    """An excerpt as one line of text: feeds often give it as HTML."""
    text = html_text.unescape(nh3.clean(text, tags=set(), clean_content_tags={"script", "style"}))
    return " ".join(text.split())


def _date(entry: Any) -> datetime | None:
    """The date as written, with its offset; feedparser's own parse keeps UTC only."""
    for field in ("published", "updated"):
        text = str(entry.get(field) or "").strip()
        if not text:
            continue
        for parse in (parsedate_to_datetime, _iso):
            try:
                moment = parse(text)
            except (TypeError, ValueError, IndexError):
                continue
            return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        parsed = entry.get(f"{field}_parsed")
        if parsed:
            year, month, day, hour, minute, second = parsed[:6]
            return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    return None


def _iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
