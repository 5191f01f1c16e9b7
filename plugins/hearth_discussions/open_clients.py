"""Readers for the places links are discussed in the open: Bluesky, Hacker News,
Lobsters and Lemmy. Each asks one public API that needs no account.

As in ``clients``, every field used is checked, so a changed API fails its one
thread with a message saying what was missing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx

from hearth_core.platforms import DiscussionUrl
from hearth_discussions.activity import MOST_REPLIES
from hearth_discussions.clients import Client, Requests, _count, _field, _time, _title, shorten
from hearth_discussions.fetch import FetchError, FetchPolicy, fetch_json
from hearth_discussions.model import Activity

# The public addresses; HEARTH_DISCUSSIONS["apis"] or HEARTH_<PLATFORM>_API replace them.
# A Lemmy post is asked of its own instance.
DEFAULT_API = {
    "bluesky": "https://public.api.bsky.app",
    "hackernews": "https://hacker-news.firebaseio.com",
    "lobsters": "https://lobste.rs",
}
# How many levels of replies Bluesky sends; the deepest ones' own reply counts still
# count their replies, so the total misses only replies deeper than this plus one.
BLUESKY_DEPTH = 10
THREAD_VIEW = "app.bsky.feed.defs#threadViewPost"
# The most posts of a thread walked: far above a newsletter's thread, bounded for a hostile one.
MOST_NODES = 20_000


def bluesky_handle(thread: DiscussionUrl) -> str:
    """The handle or DID in a ``bsky.app/profile/<handle>/post/<rkey>`` address."""
    return urlsplit(thread.url).path.split("/")[2]


def bluesky_requests(
    thread: DiscussionUrl, api: str, did: str | None = None
) -> list[tuple[str, str]]:
    handle = bluesky_handle(thread)
    requests = []
    if not handle.startswith("did:"):
        query = urlencode({"handle": handle})
        requests.append(("GET", f"{api}/xrpc/com.atproto.identity.resolveHandle?{query}"))
    uri = f"at://{did or handle}/app.bsky.feed.post/{thread.thread_id}"
    query = urlencode({"uri": uri, "depth": BLUESKY_DEPTH, "parentHeight": 0})
    return [*requests, ("GET", f"{api}/xrpc/app.bsky.feed.getPostThread?{query}")]


def hackernews_requests(thread: DiscussionUrl, api: str) -> list[tuple[str, str]]:
    return [("GET", f"{api}/v0/item/{thread.thread_id}.json")]


def lobsters_requests(thread: DiscussionUrl, api: str) -> list[tuple[str, str]]:
    return [("GET", f"{api}/s/{thread.thread_id}.json")]


def lemmy_requests(thread: DiscussionUrl, api: str) -> list[tuple[str, str]]:
    # v3 is what instances serve today; Lemmy 1.0 adds /api/v4 and keeps v3 for a
    # while. The reader understands both answers' shapes (see lemmy_activity).
    return [("GET", f"{api}/api/v3/post?id={thread.thread_id}")]


async def bluesky(
    client: httpx.AsyncClient, thread: DiscussionUrl, api: str, policy: FetchPolicy
) -> Activity:
    did = bluesky_handle(thread)
    if not did.startswith("did:"):
        resolve_url = bluesky_requests(thread, api)[0][1]
        resolved = await fetch_json(client, resolve_url, policy)
        did = _field(resolved, "did", str, resolve_url)
        if not DID.fullmatch(did):
            raise FetchError(resolve_url, "unexpected response: 'did' is not a DID")
    url = bluesky_requests(thread, api, did)[-1][1]
    answer = await fetch_json(client, url, policy)
    root = _field(answer, "thread", dict, url)
    if root.get("$type") != THREAD_VIEW:
        kind = root.get("$type")
        said = kind if isinstance(kind, str) else "no post"
        raise FetchError(url, f"Bluesky sent no post ({shorten(said, 60)}): deleted or blocked?")
    post = _field(root, "post", dict, url)
    record = _field(post, "record", dict, url)
    replies = 0
    times = []
    for node in _bluesky_posts(root, url):
        replies += _count(node, "replyCount", url)
        # indexedAt is when Bluesky saw the post; createdAt is whatever the client wrote.
        times.append(_time(_field(node, "indexedAt", str, url), url))
    return Activity(
        title=_title(shorten(_field(record, "text", str, url))),
        replies=min(replies, MOST_REPLIES),
        last_activity=max(times),
    )


DID = re.compile(r"^did:[a-z]+:[A-Za-z0-9._:%-]{1,2000}$")


def _bluesky_posts(root: dict[str, Any], url: str) -> Iterator[dict[str, Any]]:
    """The post of every thread view under ``root``, root first; a loop, as threads nest deep.

    Replies Bluesky cannot show (deleted, blocked) come as other types: skipped, though
    their parents' reply counts still count them.
    """
    pending = [root]
    walked = 0
    while pending and walked < MOST_NODES:
        view = pending.pop()
        walked += 1
        yield _field(view, "post", dict, url)
        replies = view.get("replies")
        if isinstance(replies, list):
            pending += [
                reply
                for reply in replies
                if isinstance(reply, dict) and reply.get("$type") == THREAD_VIEW
            ]


async def hackernews(
    client: httpx.AsyncClient, thread: DiscussionUrl, api: str, policy: FetchPolicy
) -> Activity:
    ((_, url),) = hackernews_requests(thread, api)
    item = await fetch_json(client, url, policy)
    if item is None:  # Firebase answers null for an id it does not have
        raise FetchError(url, "Hacker News has no item with this id")
    if isinstance(item, dict) and (item.get("deleted") or item.get("dead")):
        raise FetchError(url, "the item is deleted or dead on Hacker News")
    # Only stories and polls have comments counted; a comment's address is not a thread.
    kind = _field(item, "type", str, url)
    if kind not in {"story", "poll"}:
        raise FetchError(url, f"the item is a {shorten(kind, 20)}, not a story: link the story")
    # The API has no time of the newest comment; the build shows when the thread started.
    return Activity(
        title=_title(_field(item, "title", str, url)),
        replies=_count(item, "descendants", url),
        last_activity=None,
    )


async def lobsters(
    client: httpx.AsyncClient, thread: DiscussionUrl, api: str, policy: FetchPolicy
) -> Activity:
    ((_, url),) = lobsters_requests(thread, api)
    story = await fetch_json(client, url, policy)
    times = [_time(_field(story, "created_at", str, url), url)]
    # Stories list their comments, each with its own time (older answers nest none).
    comments = story.get("comments") if isinstance(story, dict) else None
    for comment in comments if isinstance(comments, list) else []:
        times.append(_time(_field(comment, "created_at", str, url), url))
    return Activity(
        title=_title(_field(story, "title", str, url)),
        replies=_count(story, "comment_count", url),
        last_activity=max(times),
    )


async def lemmy(
    client: httpx.AsyncClient, thread: DiscussionUrl, api: str, policy: FetchPolicy
) -> Activity:
    ((_, url),) = lemmy_requests(thread, api)
    return lemmy_activity(await fetch_json(client, url, policy), url)


def lemmy_activity(answer: Any, url: str) -> Activity:
    """A post's activity from Lemmy's answer to ``GET /post``, in API v3's shape or v4's.

    v3 (Lemmy 0.19): ``post_view.counts.comments`` and ``counts.newest_comment_time``,
    ``post.published``. v4 (Lemmy 1.0) drops ``counts``: the same numbers are on the
    post, as ``post.comments``, ``post.newest_comment_time_at`` and ``post.published_at``.
    """
    view = _field(answer, "post_view", dict, url)
    post = _field(view, "post", dict, url)
    counts = view.get("counts")
    if isinstance(counts, dict):  # v3
        replies = _count(counts, "comments", url)
        started = _lemmy_time(_field(post, "published", str, url), url)
        newest = counts.get("newest_comment_time")
    else:  # v4
        replies = _count(post, "comments", url)
        started = _lemmy_time(_field(post, "published_at", str, url), url)
        newest = post.get("newest_comment_time_at")
    times = [started]
    if replies and isinstance(newest, str):
        times.append(_lemmy_time(newest, url))
    return Activity(
        title=_title(_field(post, "name", str, url)), replies=replies, last_activity=max(times)
    )


OFFSET = re.compile(r"(?:[zZ]|[+-]\d\d:?\d\d)$")
FRACTION = re.compile(r"(\.\d{1,6})\d*")


def _lemmy_time(value: str, url: str) -> datetime:
    """Lemmy before 0.19 wrote its times in UTC without saying so, and with any
    number of fractional digits: read them as UTC, to the microsecond."""
    value = FRACTION.sub(r"\1", value.strip(), count=1)
    return _time(value if OFFSET.search(value) else value + "+00:00", url)


CLIENTS: dict[str, Client] = {
    "bluesky": bluesky,
    "hackernews": hackernews,
    "lobsters": lobsters,
    "lemmy": lemmy,
}
REQUESTS: dict[str, Requests] = {
    "bluesky": bluesky_requests,
    "hackernews": hackernews_requests,
    "lobsters": lobsters_requests,
    "lemmy": lemmy_requests,
}
