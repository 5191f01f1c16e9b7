"""Each platform's search by URL: the address to ask, and what its answer says.

An answer is untrusted: only hits whose own link is the link asked about count
(a search by URL also finds longer addresses that contain it), each discussion's
address is rebuilt from an id on the platform's own host, counts are bounded
whole numbers and titles one line of plain text, trimmed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote, urlencode

from hearth_core.text import strip_forbidden
from hearth_discussions.elsewhere.model import MOST_COMMENTS, TITLE_LIMIT, Found
from hearth_discussions.elsewhere.settings import Source
from hearth_members.urls import normalize_url

# The most hits of one answer looked at: a search by URL rarely finds more than a few.
MOST_HITS = 100
LOBSTERS_STORY = re.compile(r"https://lobste\.rs/s/(?P<id>[a-z0-9]{1,12})(?:/[^?#\s]*)?")
REDDIT_PERMALINK = re.compile(
    r"/r/(?P<sub>[A-Za-z0-9_]{1,21})/comments/(?P<id>[a-z0-9]{1,12})(?:/[^?#\s]*)?"
)


class ShapeError(ValueError):
    """An answer that is not in the platform's documented shape."""


def search_url(source: Source, link: str) -> str:
    """The one GET request that finds ``link``'s discussions on ``source``."""
    if source.platform == "hackernews":
        query = {"query": link, "restrictSearchableAttributes": "url", "tags": "story"}
        return f"{source.api}/search?{urlencode(query, quote_via=quote)}"
    if source.platform == "lobsters":
        return f"{source.api}/stories/url/all.json?{urlencode({'url': link}, quote_via=quote)}"
    if source.platform == "lemmy":
        query = {"q": link, "type_": "Url", "listing_type": "All", "limit": "50"}
        return f"{source.api}/api/v3/search?{urlencode(query, quote_via=quote)}"
    query = {"url": link, "limit": "100", "raw_json": "1"}
    return f"{source.api}/api/info.json?{urlencode(query, quote_via=quote)}"


def discussions_in(source: Source, link: str, answer: Any) -> list[Found]:
    """The discussions of ``link`` an answer of ``source`` holds; ShapeError if it is not
    the platform's shape at all (a hit that is merely odd is left out)."""
    wanted = link_key(link)
    found = []
    for hit in reader_for(source)(answer):
        if not isinstance(hit, dict) or not _same_link(hit.get("_link"), wanted):
            continue
        url, comments = hit.get("_url"), _count(hit.get("_comments"))
        if url is None or comments is False:
            continue
        found.append(Found(source.platform, url, comments, _title(hit.get("_title"))))
    return found


def _hacker_news(answer: Any) -> Iterator[dict]:
    hits = answer.get("hits") if isinstance(answer, dict) else None
    if not isinstance(hits, list):
        raise ShapeError('expected {"hits": [...]}')
    for hit in hits[:MOST_HITS]:
        if isinstance(hit, dict):
            item = hit.get("objectID")
            url = None
            if isinstance(item, str) and item.isascii() and item.isdigit() and len(item) < 12:
                url = f"https://news.ycombinator.com/item?id={int(item)}"
            yield _hit(hit.get("url"), url, hit.get("num_comments"), hit.get("title"))


def _lobsters(answer: Any) -> Iterator[dict]:
    if not isinstance(answer, list):
        raise ShapeError("expected a list of stories")
    for story in answer[:MOST_HITS]:
        if isinstance(story, dict):
            address = story.get("short_id_url")
            match = LOBSTERS_STORY.fullmatch(address) if isinstance(address, str) else None
            url = f"https://lobste.rs/s/{match['id']}" if match else None
            yield _hit(story.get("url"), url, story.get("comment_count"), story.get("title"))


def lemmy_reader(host: str) -> Callable[[Any], Iterator[dict]]:
    def read(answer: Any) -> Iterator[dict]:
        posts = answer.get("posts") if isinstance(answer, dict) else None
        if not isinstance(posts, list):
            raise ShapeError('expected {"posts": [...]}')
        for view in posts[:MOST_HITS]:
            post = view.get("post") if isinstance(view, dict) else None
            counts = view.get("counts") if isinstance(view, dict) else None
            if not isinstance(post, dict) or not isinstance(counts, dict):
                continue
            if post.get("deleted") is True or post.get("removed") is True:
                continue
            number = post.get("id")
            valid = type(number) is int and 0 < number < 10**12
            url = f"https://{host}/post/{number}" if valid else None
            yield _hit(post.get("url"), url, counts.get("comments"), post.get("name"))

    return read


def _reddit(answer: Any) -> Iterator[dict]:
    data = answer.get("data") if isinstance(answer, dict) else None
    children = data.get("children") if isinstance(data, dict) else None
    if not isinstance(children, list):
        raise ShapeError('expected {"data": {"children": [...]}}')
    for child in children[:MOST_HITS]:
        post = child.get("data") if isinstance(child, dict) else None
        if not isinstance(post, dict) or child.get("kind") != "t3":
            continue
        permalink = post.get("permalink")
        match = REDDIT_PERMALINK.fullmatch(permalink) if isinstance(permalink, str) else None
        url = f"https://www.reddit.com/r/{match['sub']}/comments/{match['id']}/" if match else None
        yield _hit(post.get("url"), url, post.get("num_comments"), post.get("title"))


def _hit(link: Any, url: str | None, comments: Any, title: Any) -> dict:
    return {"_link": link, "_url": url, "_comments": comments, "_title": title}


READERS: dict[str, Callable[[Any], Iterator[dict]]] = {
    "hackernews": _hacker_news,
    "lobsters": _lobsters,
    "reddit": _reddit,
}


def reader_for(source: Source) -> Callable[[Any], Iterator[dict]]:
    return lemmy_reader(source.host) if source.platform == "lemmy" else READERS[source.platform]


def link_key(url: str) -> str:
    """The form two submissions of one link share: as members' duplicates are found,
    and with or without "www." (sites serve both, and people post either)."""
    return normalize_url(url).replace("https://www.", "https://", 1)


def _same_link(given: Any, wanted: str) -> bool:
    if not isinstance(given, str) or len(given) > 4000:
        return False
    try:
        return link_key(given.strip()) == wanted
    except ValueError:
        return False


def _count(value: Any) -> int | bool | None:
    """A bounded count, None if the answer has none, False if it is not a count."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return False
    return min(value, MOST_COMMENTS)


def _title(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    title = " ".join(strip_forbidden(value[: TITLE_LIMIT * 4], one_line=True).split())
    if len(title) > TITLE_LIMIT:
        title = title[: TITLE_LIMIT - 1].rstrip() + "…"
    return title or None
