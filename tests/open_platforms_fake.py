"""Bluesky's AppView, Hacker News, Lobsters and Lemmy as their public APIs answer, for
fakes on loopback: the shapes are the documented ones (the atproto lexicons for
``com.atproto.identity.resolveHandle`` and ``app.bsky.feed.getPostThread``, the
Hacker News Firebase API, Lobsters' ``/s/<id>.json``, Lemmy's ``GET /api/v3/post``
and, for Lemmy 1.0, ``/api/v4/post``).

``OpenPlatforms.answer`` routes a request path under the prefixes ``/bsky``, ``/hn``,
``/lobsters`` and ``/lemmy`` to (status, JSON body), or None for a path it does not know.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

THREAD_VIEW = "app.bsky.feed.defs#threadViewPost"


def bluesky_post(
    text: str,
    replies: int,
    indexed_at: str,
    *children: dict[str, Any],
    did: str = "did:plc:ewvi7nxzyoun6zhxrhs64oiz",
    rkey: str = "3mbqx7kz2cs2a",
) -> dict[str, Any]:
    """A ``threadViewPost``: the post view with its record, and the replies under it."""
    return {
        "$type": THREAD_VIEW,
        "post": {
            "uri": f"at://{did}/app.bsky.feed.post/{rkey}",
            "cid": "bafyreib2rxk3rh6kzwq",
            "author": {"did": did, "handle": "theworkbench.example", "displayName": "Workbench"},
            "record": {"$type": "app.bsky.feed.post", "text": text, "createdAt": indexed_at},
            "replyCount": replies,
            "repostCount": 2,
            "likeCount": 9,
            "quoteCount": 0,
            "indexedAt": indexed_at,
            "labels": [],
        },
        "replies": list(children),
    }


def not_found_post(uri: str) -> dict[str, Any]:
    return {"$type": "app.bsky.feed.defs#notFoundPost", "uri": uri, "notFound": True}


def hn_story(title: str, descendants: int, **more: Any) -> dict[str, Any]:
    return {
        "by": "mara",
        "descendants": descendants,
        "id": 46214587,
        "kids": [46214600, 46214611],
        "score": 211,
        "time": 1768640000,
        "title": title,
        "type": "story",
        "url": "https://theworkbench.example/issues/13/",
        **more,
    }


def lobsters_story(title: str, comments: list[str], created: str, **more: Any) -> dict[str, Any]:
    return {
        "short_id": "abc123",
        "short_id_url": "https://lobste.rs/s/abc123",
        "created_at": created,
        "title": title,
        "url": "https://theworkbench.example/issues/12/",
        "score": 24,
        "flags": 0,
        "comment_count": len(comments),
        "description": "",
        "comments_url": "https://lobste.rs/s/abc123/in_praise_unfinished_things",
        "submitter_user": "mara",
        "tags": ["practices"],
        "comments": [
            {
                "short_id": f"c{i}",
                "created_at": at,
                "last_edited_at": at,
                "is_deleted": False,
                "is_moderated": False,
                "score": 3,
                "comment": "<p>Nice.</p>",
                "depth": 0,
                "commenting_user": "lou",
            }
            for i, at in enumerate(comments)
        ],
        **more,
    }


def lemmy_v3(name: str, comments: int, published: str, newest: str) -> dict[str, Any]:
    """``GetPostResponse`` of Lemmy 0.19 (API v3)."""
    return {
        "post_view": {
            "post": {"id": 2187, "name": name, "published": published, "local": True},
            "creator": {"id": 7, "name": "mara"},
            "community": {"id": 3, "name": "zines"},
            "counts": {
                "post_id": 2187,
                "comments": comments,
                "score": 40,
                "upvotes": 41,
                "downvotes": 1,
                "published": published,
                "newest_comment_time": newest,
            },
        },
        "community_view": {},
        "moderators": [],
        "cross_posts": [],
    }


def lemmy_v4(name: str, comments: int, published: str, newest: str) -> dict[str, Any]:
    """``GetPostResponse`` of Lemmy 1.0 (API v4): the counts are on the post itself."""
    return {
        "post_view": {
            "post": {
                "id": 2187,
                "name": name,
                "published_at": published,
                "comments": comments,
                "score": 40,
                "newest_comment_time_at": newest,
            },
            "creator": {"id": 7, "name": "mara"},
            "community": {"id": 3, "name": "zines"},
        },
        "community_view": {},
        "moderators": [],
        "cross_posts": [],
    }


@dataclass
class OpenPlatforms:
    """What each fake platform holds: handles, posts, items, stories."""

    handles: dict[str, str] = field(default_factory=dict)
    # (did, rkey) -> the getPostThread answer
    threads: dict[tuple[str, str], Any] = field(default_factory=dict)
    hn_items: dict[str, Any] = field(default_factory=dict)
    stories: dict[str, Any] = field(default_factory=dict)
    lemmy_posts: dict[str, Any] = field(default_factory=dict)

    def answer(self, path: str) -> tuple[int, Any] | None:
        parts = urlsplit(path)
        query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        prefix, _, rest = parts.path.lstrip("/").partition("/")
        rest = "/" + rest
        if prefix == "bsky":
            return self._bluesky(rest, query)
        if prefix == "hn" and rest.startswith("/v0/item/") and rest.endswith(".json"):
            # Firebase answers null, with 200, for an id it does not have.
            return 200, self.hn_items.get(rest.removeprefix("/v0/item/").removesuffix(".json"))
        if prefix == "lobsters" and rest.startswith("/s/") and rest.endswith(".json"):
            story = self.stories.get(rest.removeprefix("/s/").removesuffix(".json"))
            return (200, story) if story is not None else (404, {"error": "not found"})
        if prefix == "lemmy" and rest == "/api/v3/post":
            post = self.lemmy_posts.get(query.get("id", ""))
            return (200, post) if post is not None else (404, {"error": "couldnt_find_post"})
        return None

    def _bluesky(self, rest: str, query: dict[str, str]) -> tuple[int, Any] | None:
        if rest == "/xrpc/com.atproto.identity.resolveHandle":
            did = self.handles.get(query.get("handle", ""))
            if did is None:
                return 400, {"error": "InvalidRequest", "message": "Unable to resolve handle"}
            return 200, {"did": did}
        if rest == "/xrpc/app.bsky.feed.getPostThread":
            uri = query.get("uri", "")
            did, _, rkey = uri.removeprefix("at://").partition("/app.bsky.feed.post/")
            found = self.threads.get((did, rkey))
            if found is None:
                return 400, {"error": "NotFound", "message": f"Post not found: {uri}"}
            return 200, found
        return None
