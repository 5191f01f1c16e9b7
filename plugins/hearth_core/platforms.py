"""Recognise a discussion's platform from the shape of its URL, and label a link to it.

Readers decide whether to follow a link by where it goes, so every discussion
is labelled: "Discourse", "Mastodon" ... or, for an unknown shape, its host.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple
from urllib.parse import SplitResult, urlsplit

PLATFORM_NAMES = {
    "discord": "Discord",
    "discourse": "Discourse",
    "mastodon": "Mastodon",
    "reddit": "Reddit",
    "github": "GitHub Discussions",
    "zulip": "Zulip",
    "matrix": "Matrix",
    "slack": "Slack",
}

# (platform, host pattern or None for any host, pattern on path, pattern on fragment)
SHAPES: tuple[tuple[str, re.Pattern[str] | None, re.Pattern[str], re.Pattern[str] | None], ...] = (
    (
        "discord",
        re.compile(r"^(?:ptb\.|canary\.)?discord(?:app)?\.com$"),
        re.compile(r"^/channels/(?P<server>\d+)/(?P<channel>\d+)(?:/(?P<id>\d+))?/?$"),
        None,
    ),
    (
        "reddit",
        re.compile(r"^(?:www\.|old\.|new\.)?reddit\.com$"),
        re.compile(r"^/r/(?P<sub>[A-Za-z0-9_]+)/comments/(?P<id>[a-z0-9]+)(?:/[^/]*)*/?$"),
        None,
    ),
    (
        "github",
        re.compile(r"^github\.com$"),
        re.compile(r"^/(?P<owner>[\w.-]+)/(?P<repo>[\w.-]+)/discussions/(?P<id>\d+)/?$"),
        None,
    ),
    (
        "matrix",
        re.compile(r"^matrix\.to$"),
        re.compile(r"^/?$"),
        re.compile(r"^/(?P<room>[!#][^/]+:[^/]+)(?:/(?P<id>\$[^/?]+))?(?:\?.*)?$"),
    ),
    (
        "slack",
        re.compile(r"^[a-z0-9-]+\.(?:enterprise\.)?slack\.com$"),
        re.compile(r"^/archives/(?P<channel>[A-Z0-9]+)/p(?P<id>\d+)/?$"),
        None,
    ),
    ("zulip", None, re.compile(r"^/?$"), re.compile(r"^narrow/(?:stream|channel)/(?P<id>.+)$")),
    ("discourse", None, re.compile(r"^/t/(?P<slug>[^/]+)/(?P<id>\d+)(?:/\d+)?/?$"), None),
    ("mastodon", None, re.compile(r"^/@(?P<user>[\w.]+)(?:@[\w.-]+)?/(?P<id>\d+)/?$"), None),
)


@dataclass(frozen=True)
class DiscussionUrl:
    """A discussion address with its platform: ``platform`` is None for unknown shapes."""

    url: str
    platform: str | None
    host: str
    thread_id: str | None

    @property
    def label(self) -> str:
        return PLATFORM_NAMES[self.platform] if self.platform else self.host

    @property
    def origin(self) -> str:
        """``https://host[:port]``: where the thread's own server answers, port included."""
        return f"https://{origin(self.url)}"


def origin(url: str) -> str:
    """``host[:port]`` of ``url``, lower case, without user info and without a default port."""
    parts = urlsplit(url)
    netloc = parts.netloc.rpartition("@")[2].lower()
    return netloc.removesuffix(":443") if parts.scheme.lower() == "https" else netloc


def recognise(url: str) -> DiscussionUrl:
    """Name the platform of ``url``; raise ValueError saying what to write instead."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if parts.scheme.lower() != "https" or not host or url != url.strip() or not _port_ok(parts):
        raise ValueError(
            f"{url!r} is not a discussion link: copy the thread's full https:// address "
            "from the chat's share or copy-link menu"
        )
    for platform, host_pattern, path_pattern, fragment_pattern in SHAPES:
        if host_pattern and not host_pattern.match(host):
            continue
        path = path_pattern.match(parts.path)
        fragment = fragment_pattern.match(parts.fragment) if fragment_pattern else None
        if path and (fragment_pattern is None or fragment):
            found = (fragment or path).groupdict().get("id")
            return DiscussionUrl(url, platform, host, found)
    return DiscussionUrl(url, None, host.removeprefix("www."), None)


def platform_icon(url: str) -> str:
    """The name of the theme's icon for the platform of ``url`` (a checked address):
    ``theme/templates/icons/<name>.svg``, "other" for an unknown one."""
    try:
        return recognise(url).platform or "other"
    except ValueError:
        return "other"


def _port_ok(parts: SplitResult) -> bool:
    try:
        parts.port  # noqa: B018 -- raises ValueError for a port that is not one
    except ValueError:
        return False
    return True


def link_href(url: str) -> str:
    """``url`` as a valid ``href``: a ``#`` inside the fragment becomes ``%23``.

    Matrix addresses carry one (``https://matrix.to/#/#room:server``), which HTML
    forbids; ``%23`` is the form the Matrix specification itself writes, and the
    address stays as written everywhere else (activity, feeds' ids, duplicates).
    """
    address, hash_mark, fragment = url.partition("#")
    return address + hash_mark + fragment.replace("#", "%23")


class DiscussionRef(NamedTuple):
    """What a link to a thread shows beside an issue or a member link (a named
    tuple, as it is part of hearth_members.views.LinkView); ``platform`` is its label."""

    url: str
    platform: str
    replies: int | None = None
    last_activity: datetime | None = None

    @property
    def href(self) -> str:
        return link_href(self.url)

    @property
    def replies_text(self) -> str:
        if self.replies is None:
            return ""
        return "1 reply" if self.replies == 1 else f"{self.replies} replies"

    @property
    def icon(self) -> str:
        return platform_icon(self.url)
