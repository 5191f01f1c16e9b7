"""``invoke sync-neighbours``: read each recommended site's feed and keep its latest posts.

Builds never go online: this is the one place that does, and what it learns goes into
the committed neighbours file. Every remote answer is untrusted: the time and size of
each request are bounded, redirects are few and go only to http(s) on public hosts
(``PublicOnly``), and every post is reduced to bounded plain text with a checked link
before it is written. One feed that fails keeps its previous posts and fails alone.
"""

from __future__ import annotations

import asyncio
import html
import sys
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

import feedparser
import httpx
import nh3

from hearth_core.http_limits import (
    AddressRefused,
    BodyRefused,
    PublicOnly,
    Resolver,
    read_limited,
    system_resolver,
)
from hearth_core.json_limits import JsonRefused, loads_bounded
from hearth_core.problems import ContentError, display_path
from hearth_core.text import strip_forbidden
from hearth_core.weburl import check_web_url
from hearth_recommendations.model import NeighbourPost, Recommendation
from hearth_recommendations.neighbours import (
    SUMMARY_LIMIT,
    TITLE_LIMIT,
    Neighbours,
    post_problem,
    read_neighbours,
    write_neighbours,
)
from hearth_recommendations.settings import neighbours_path, recommendation_options
from hearth_recommendations.validate import load_recommendations

REASON_LIMIT = 300


@dataclass(frozen=True, kw_only=True)
class FeedPolicy:
    """How much a feed may cost: far above a real feed's, far below what hurts."""

    concurrency: int = 4
    # Seconds for one feed in all: connecting, every redirect and every byte.
    timeout: float = 15.0
    max_bytes: int = 4 * 1024 * 1024
    max_redirects: int = 5


class FeedError(Exception):
    """A feed that could not be read; the reason is one bounded, printable line."""

    def __init__(self, url: str, reason: str) -> None:
        reason = strip_forbidden(reason, one_line=True)[:REASON_LIMIT]
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


async def fetch_feed(client: httpx.AsyncClient, url: str, policy: FeedPolicy) -> bytes:
    """The body of the feed at ``url``, or FeedError saying why there is none."""
    try:
        async with asyncio.timeout(policy.timeout):
            return await _follow(client, url, policy)
    except TimeoutError:
        raise FeedError(url, f"timed out after {policy.timeout:g} s") from None
    except (AddressRefused, BodyRefused) as error:
        raise FeedError(url, f"refused: {error}") from None
    except httpx.HTTPError as error:
        raise FeedError(url, f"could not connect: {error or type(error).__name__}") from None
    except (httpx.InvalidURL, ValueError, UnicodeError) as error:
        # A redirect to an address httpx cannot even parse.
        raise FeedError(url, f"a bad address on the way: {error}") from None


async def _follow(client: httpx.AsyncClient, url: str, policy: FeedPolicy) -> bytes:
    request = client.build_request("GET", url, timeout=policy.timeout)
    for _ in range(policy.max_redirects + 1):
        response = await client.send(request, stream=True, follow_redirects=False)
        try:
            if response.next_request is None:
                if not response.is_success:
                    raise FeedError(url, f"HTTP {response.status_code}")
                return await read_limited(response, policy.max_bytes)
        finally:
            await response.aclose()
        request = response.next_request
        if request.url.scheme not in ("http", "https"):
            raise FeedError(url, f"redirected to a {request.url.scheme}: address, not http(s)")
    raise FeedError(url, f"more than {policy.max_redirects} redirects")


def plain_text(text: str, limit: int) -> str:
    """``text`` (HTML or plain) as one line of plain text, at most ``limit`` characters."""
    # nh3 keeps no tag, and drops script and style with what they hold; what is left
    # is text with entities, which unescape makes the characters a reader sees.
    text = html.unescape(nh3.clean(text, tags=set(), clean_content_tags={"script", "style"}))
    text = " ".join(strip_forbidden(text, one_line=True).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def parse_posts(data: bytes, feed_url: str, count: int) -> list[NeighbourPost]:
    """The newest ``count`` posts of an RSS, Atom or JSON Feed document; FeedError when
    it is none of them. Posts without a usable web address are left out."""
    if data.lstrip()[:1] == b"{":
        entries = _json_feed_entries(data, feed_url)
    else:
        entries = _feedparser_entries(data, feed_url)
    posts = [post for post in map(_post, entries) if post is not None]
    oldest = datetime.min.replace(tzinfo=UTC)
    posts.sort(key=lambda post: post.published or oldest, reverse=True)
    return posts[:count]


def _feedparser_entries(data: bytes, feed_url: str) -> list[dict[str, Any]]:
    # feedparser reads only what it is given: no request, no entity from elsewhere.
    parsed = feedparser.parse(data, response_headers={"content-location": feed_url})
    if not parsed.version:
        raise FeedError(feed_url, "not an RSS, Atom or JSON Feed document")
    # feedparser reads on past a mistake; a feed broken before its first post has none.
    if parsed.bozo and not any(entry.get("link") for entry in parsed.entries):
        raise FeedError(feed_url, f"a broken feed: {parsed.get('bozo_exception', '')}")
    return [
        {
            "title": entry.get("title", ""),
            "link": entry.get("link", ""),
            "date": _struct_date(entry.get("published_parsed") or entry.get("updated_parsed")),
            "summary": entry.get("summary", ""),
        }
        for entry in parsed.entries
    ]


def _struct_date(value: Any) -> datetime | None:
    try:
        return datetime(*tuple(value)[:6]).replace(tzinfo=UTC) if value else None
    except (TypeError, ValueError):
        return None


def _json_feed_entries(data: bytes, feed_url: str) -> list[dict[str, Any]]:
    """JSON Feed 1.0 and 1.1: feedparser 6.0 reads RSS and Atom only."""
    try:
        document = loads_bounded(data)
    except JsonRefused as error:
        raise FeedError(feed_url, f"not valid JSON: {error}") from None
    version = document.get("version") if isinstance(document, dict) else None
    if not isinstance(version, str) or not version.startswith("https://jsonfeed.org/version/"):
        raise FeedError(feed_url, "JSON, but not a JSON Feed (no jsonfeed.org version)")
    items = document.get("items")
    return [
        {
            "title": _string(item.get("title")),
            "link": _string(item.get("url")),
            "date": _iso_date(item.get("date_published") or item.get("date_modified")),
            "summary": _string(item.get("summary") or item.get("content_text"))
            or _string(item.get("content_html")),
        }
        for item in (items if isinstance(items, list) else [])
        if isinstance(item, dict)
    ]


def _string(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _iso_date(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return when.astimezone(UTC) if when.tzinfo else when.replace(tzinfo=UTC)
    except (ValueError, OverflowError):  # year 1 east of UTC has no UTC time
        return None


def _post(entry: dict[str, Any]) -> NeighbourPost | None:
    try:
        link = check_web_url(str(entry["link"]).strip())
    except ValueError:
        return None
    title = plain_text(str(entry["title"]), TITLE_LIMIT) or link
    published = entry["date"]
    post = NeighbourPost(title, link, published, plain_text(str(entry["summary"]), SUMMARY_LIMIT))
    if post_problem(post) and published is not None:
        post = NeighbourPost(title, link, None, post.summary)  # a date out of any range
    return None if post_problem(post) else post


async def _fetch_all(
    sites: Sequence[Recommendation],
    policy: FeedPolicy,
    count: int,
    *,
    transport: httpx.AsyncBaseTransport,
    user_agent: str,
    progress: TextIO,
) -> dict[str, list[NeighbourPost] | FeedError]:
    found: dict[str, list[NeighbourPost] | FeedError] = {}
    semaphore = asyncio.Semaphore(policy.concurrency)
    headers = {
        "User-Agent": user_agent,
        "Accept": "application/rss+xml, application/atom+xml, application/feed+json, "
        "application/xml;q=0.9, */*;q=0.1",
        "Accept-Encoding": "gzip",
    }
    async with httpx.AsyncClient(headers=headers, transport=transport) as client:

        async def one(site: Recommendation) -> None:
            assert site.feed is not None
            async with semaphore:
                try:
                    data = await fetch_feed(client, site.feed, policy)
                    result: list[NeighbourPost] | FeedError = parse_posts(data, site.feed, count)
                except FeedError as error:
                    result = error
            found[site.url] = result
            print(_progress_line(site, result), file=progress, flush=True)

        await asyncio.gather(*(one(site) for site in sites))
    return found


def _progress_line(site: Recommendation, result: list[NeighbourPost] | FeedError) -> str:
    if isinstance(result, FeedError):
        return f"FAILED {site.title}: {result}; its previous posts are kept"
    posts = "1 post" if len(result) == 1 else f"{len(result)} posts"
    return f"ok     {site.title}: {posts}"


def run_sync(
    recommendations: Sequence[Recommendation],
    path: Path,
    count: int,
    *,
    policy: FeedPolicy | None = None,
    user_agent: str = "Hearth neighbours sync",
    out: TextIO | None = None,
    allowed: Collection[tuple[str, int]] = (),
    resolver: Resolver = system_resolver,
    transport: httpx.AsyncBaseTransport | None = None,
) -> int:
    """Sync the feeds of ``recommendations`` into the file at ``path``; 1 if any failed.

    ContentError, before any request, if the file cannot be read: writing over it would
    lose what it holds. ``allowed`` origins may be private (tests serve on loopback)."""
    out = out or sys.stdout
    policy = policy or FeedPolicy()
    previous, problems = read_neighbours(path)
    if problems:
        raise ContentError(problems)
    sites = [site for site in recommendations if site.feed]
    guard = PublicOnly(allowed=allowed, resolver=resolver, transport=transport)
    fetched = asyncio.run(
        _fetch_all(sites, policy, count, transport=guard, user_agent=user_agent, progress=out)
    )
    kept: Neighbours = {}
    for site in sites:
        result = fetched[site.url]
        if isinstance(result, FeedError):
            if site.url in previous:
                kept[site.url] = previous[site.url]
        else:
            kept[site.url] = tuple(result)
    failed = sum(isinstance(result, FeedError) for result in fetched.values())
    if write_neighbours(path, kept):
        print(f"Wrote {display_path(path)}: commit it so builds show the new posts.", file=out)
    else:
        print(f"Nothing changed: {display_path(path)} is as it was.", file=out)
    if failed:
        print(f"{failed} of {len(sites)} feed(s) failed; see the FAILED lines above.", file=out)
    return 1 if failed else 0


def sync_neighbours(settings: Mapping[str, Any], *, out: TextIO | None = None) -> int:
    """Sync every recommended site's feed; ContentError first if the content has problems."""
    recommendations, problems = load_recommendations(settings)
    if problems:
        raise ContentError(problems)
    count = recommendation_options(settings)["posts_per_site"]
    site = settings.get("SITEURL") or settings.get("FEED_DOMAIN") or ""
    agent = f"Hearth neighbours sync (+{site})" if site else "Hearth neighbours sync"
    return run_sync(recommendations, neighbours_path(settings), count, user_agent=agent, out=out)
