"""A discussion of a link found on another site, as the committed file holds it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from hearth_members.urls import ascii_host

PLATFORM_LABELS = {
    "hackernews": "Hacker News",
    "lobsters": "Lobsters",
    "lemmy": "Lemmy",
    "reddit": "Reddit",
}
# The one public host whose pages each platform's discussions are (Lemmy: each
# configured instance). Every address written or shown is rebuilt from an id on it.
PUBLIC_HOSTS = {
    "hackernews": "news.ycombinator.com",
    "lobsters": "lobste.rs",
    "reddit": "www.reddit.com",
}
DISCUSSION_PATHS = {
    "hackernews": re.compile(r"/item\?id=[1-9][0-9]{0,11}"),
    "lobsters": re.compile(r"/s/[a-z0-9]{1,12}"),
    "reddit": re.compile(r"/r/[A-Za-z0-9_]{1,21}/comments/[a-z0-9]{1,12}/"),
    "lemmy": re.compile(r"/post/[1-9][0-9]{0,11}"),
}
MOST_COMMENTS = 1_000_000_000
TITLE_LIMIT = 200


@dataclass(frozen=True)
class Found:
    """One discussion: on ``platform``, at ``url``, with ``comments`` comments."""

    platform: str
    url: str
    comments: int | None
    title: str | None = None

    @property
    def host(self) -> str:
        return self.url.split("/", 3)[2]


def discussion_url_problem(platform: str, url: str, lemmy_hosts: frozenset[str]) -> str:
    """Why ``url`` is not a discussion address on ``platform``'s own host, or ""."""
    if platform not in PLATFORM_LABELS:
        return f"platform {platform!r} is not one of {', '.join(sorted(PLATFORM_LABELS))}"
    if not isinstance(url, str) or not url.startswith("https://"):
        return "url must be an https:// address on the platform's own site"
    host, _, path = url.removeprefix("https://").partition("/")
    hosts = lemmy_hosts if platform == "lemmy" else {PUBLIC_HOSTS[platform]}
    if ascii_host(host) != host or host not in hosts:
        where = " or ".join(sorted(hosts)) or "a Lemmy instance listed in HEARTH_ELSEWHERE"
        return f"url must be on {where}, not {host!r}"
    if not DISCUSSION_PATHS[platform].fullmatch("/" + path):
        return f"url is not the address of a {PLATFORM_LABELS[platform]} discussion"
    return ""
