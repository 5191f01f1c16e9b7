"""The committed neighbours file: each recommended site's latest posts, as the last sync
kept them. ``invoke sync-neighbours`` writes it, a person commits it, builds only read it.

Whoever wrote it (sync, or a hand edit), a build checks every post against the same rule
sync applies before writing (``post_problem``), so what a remote feed said stays bounded,
plain text and inert.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hearth_core.dates import day_text
from hearth_core.files import read_json_object, replace_if_changed
from hearth_core.problems import Problem, problem
from hearth_core.text import describe, first_forbidden
from hearth_core.weburl import check_web_url
from hearth_recommendations.model import FromNeighbour, NeighbourPost, Recommendation

ABOUT = "Written by `invoke sync-neighbours`; builds only read it. Safe to edit by hand."
TITLE_LIMIT = 200
SUMMARY_LIMIT = 300
EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)
MAX_BYTES = 4 * 1024 * 1024

Neighbours = dict[str, tuple[NeighbourPost, ...]]


def post_problem(post: NeighbourPost) -> str:
    """What is wrong with a post for the neighbours file, or "" when nothing is."""
    for name, text, limit in (
        ("title", post.title, TITLE_LIMIT),
        ("summary", post.summary, SUMMARY_LIMIT),
    ):
        hidden = first_forbidden(text, one_line=True)
        if hidden is not None:
            return f"{name} holds the character {describe(hidden)}: remove it"
        if len(text) > limit:
            return f"{name} is over {limit} characters: shorten it"
    if not post.title:
        return "title is empty: give the post a title"
    try:
        if check_web_url(post.link) != post.link:
            return "link is not written as a checked web address: write it in full"
    except ValueError as error:
        return f"link: {error}"
    if post.published is not None and not EARLIEST <= post.published <= LATEST:
        return "published is not a date between 1990 and 2200"
    return ""


def read_neighbours(path: Path) -> tuple[Neighbours, list[Problem]]:
    """Posts by the recommended site's address; a missing file is no posts yet."""
    if not path.exists() and not path.is_symlink():
        return {}, []
    text, sites, unreadable = read_json_object(
        path,
        "sites",
        '{"sites": {URL: [posts]}}',
        max_bytes=MAX_BYTES,
        then="invoke sync-neighbours",
    )
    if sites is None:
        return {}, unreadable
    found: Neighbours = {}
    problems = []
    for url, posts in sites.items():
        kept, message = _posts(posts)
        if message:
            line = _line_of(text, url)
            problems.append(problem(path, line, f"sites[{url!r}]", message))
        else:
            found[url] = kept
    return found, problems


def _posts(posts: Any) -> tuple[tuple[NeighbourPost, ...], str]:
    if not isinstance(posts, list):
        return (), "must be a list of posts"
    kept = []
    for index, entry in enumerate(posts):
        post, message = _post(entry)
        if message or post is None:
            return (), f"post {index}: {message}"
        kept.append(post)
    return tuple(kept), ""


def _post(entry: Any) -> tuple[NeighbourPost | None, str]:
    if not isinstance(entry, dict) or set(entry) - {"title", "link", "published", "summary"}:
        return None, "must be an object with title, link, published and summary"
    title, link = entry.get("title"), entry.get("link")
    summary, published = entry.get("summary", ""), entry.get("published")
    if not (isinstance(title, str) and isinstance(link, str) and isinstance(summary, str)):
        return None, "title, link and summary must be text"
    when = None
    if published is not None:
        try:
            when = datetime.fromisoformat(published)
        except (TypeError, ValueError):
            return None, 'published must be a date like "2026-11-30T08:00:00+00:00" or null'
        if when.tzinfo is None:
            return None, "published needs its time zone, like +00:00"
    post = NeighbourPost(title, link, when, summary)
    return post, post_problem(post)


def _line_of(text: str, key: str) -> int:
    at = text.find(json.dumps(key))
    return text.count("\n", 0, at) + 1 if at >= 0 else 1


def neighbours_json(neighbours: Mapping[str, Sequence[NeighbourPost]]) -> str:
    """The file's text: sorted keys and one field per line, so a sync's commit shows
    exactly which posts are new."""
    document = {
        "about": ABOUT,
        "sites": {
            url: [
                {
                    "title": post.title,
                    "link": post.link,
                    "published": post.published.isoformat() if post.published else None,
                    "summary": post.summary,
                }
                for post in posts
            ]
            for url, posts in sorted(neighbours.items())
        },
    }
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_neighbours(path: Path, neighbours: Mapping[str, Sequence[NeighbourPost]]) -> bool:
    """Write atomically, only when something changed; whether it did."""
    return replace_if_changed(path, neighbours_json(neighbours))


def from_neighbours(
    recommendations: Sequence[Recommendation], neighbours: Neighbours, limit: int
) -> list[FromNeighbour]:
    """The newest posts of the sites still recommended, at most ``limit``, one site's
    newest first where dates are missing; at most two per site so no one site fills it."""
    found = []
    for site in recommendations:
        for post in neighbours.get(site.url, ())[:2]:
            when = day_text(post.published.date()) if post.published else ""
            found.append(FromNeighbour(post, site, when))
    oldest = datetime.min.replace(tzinfo=UTC)
    found.sort(key=lambda item: item.post.published or oldest, reverse=True)
    return found[:limit]
