"""Recognise a discussion's platform from the shape of its URL, and label a link to it.

Readers decide whether to follow a link by where it goes, so every discussion
is labelled: "Discourse", "Mastodon" ... or, for an unknown shape, its host.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple
from urllib.parse import SplitResult, parse_qs, urlsplit

PLATFORM_NAMES = {
    "discord": "Discord",
    "discourse": "Discourse",
    "mastodon": "Mastodon",
    "reddit": "Reddit",
    "github": "GitHub Discussions",
    "zulip": "Zulip",
    "matrix": "Matrix",
    "slack": "Slack",
    "bluesky": "Bluesky",
    "hackernews": "Hacker News",
    "lobsters": "Lobsters",
    "lemmy": "Lemmy",
    "facebook": "Facebook Groups",
    "circle": "Circle",
    "geneva": "Geneva",
}

# Lemmy runs on many hosts, and "/post/<id>" is a common shape elsewhere: a host is
# Lemmy only when it is listed (HEARTH_DISCUSSIONS["lemmy_instances"]); these are the
# largest instances, the setting's default.
DEFAULT_LEMMY_INSTANCES: tuple[str, ...] = (
    "lemmy.world",
    "lemmy.ml",
    "sh.itjust.works",
    "programming.dev",
    "lemmy.dbzer0.com",
    "lemmy.ca",
    "lemmy.zip",
    "feddit.org",
    "beehaw.org",
    "lemmy.blahaj.zone",
    "sopuli.xyz",
    "discuss.tchncs.de",
    "lemmy.today",
    "slrpnk.net",
    "startrek.website",
    "lemmy.sdf.org",
)
# Shapes whose thread id is in the query, not the path: a required numeric parameter.
QUERY_IDS = {"hackernews": "id", "facebook": "multi_permalinks"}
LEMMY_POST = re.compile(r"^/post/(?P<id>\d+)/?$")

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
    (
        "bluesky",
        re.compile(r"^(?:www\.)?bsky\.app$"),
        # A handle (a domain name) or a DID; a post's record key is a TID.
        re.compile(
            r"^/profile/(?P<handle>[A-Za-z0-9.-]+|did:[a-z]+:[A-Za-z0-9._:%-]+)"
            r"/post/(?P<id>[A-Za-z0-9._~:-]{1,512})/?$"
        ),
        None,
    ),
    ("hackernews", re.compile(r"^news\.ycombinator\.com$"), re.compile(r"^/item/?$"), None),
    (
        "lobsters",
        re.compile(r"^lobste\.rs$"),
        re.compile(r"^/s/(?P<id>[a-z0-9]{1,12})(?:/[^/]*)?/?$"),
        None,
    ),
    (
        "facebook",
        re.compile(r"^(?:www\.|m\.|web\.)?facebook\.com$"),
        re.compile(r"^/groups/(?P<group>[\w.-]+)/(?:posts|permalink)/(?P<id>\d+)/?$"),
        None,
    ),
    # A group's post as its share menu writes it: /groups/<group>/?multi_permalinks=<id>.
    (
        "facebook",
        re.compile(r"^(?:www\.|m\.|web\.)?facebook\.com$"),
        re.compile(r"^/groups/(?P<group>[\w.-]+)/?$"),
        None,
    ),
    (
        "circle",
        re.compile(r"^[a-z0-9-]+\.circle\.so$"),
        re.compile(r"^/c/(?P<space>[\w-]+)/(?P<id>[\w-]+)/?$"),
        None,
    ),
    ("geneva", re.compile(r"^(?:app\.)?geneva\.com$"), re.compile(r"^/.*$"), None),
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


def recognise(
    url: str, *, lemmy_instances: Collection[str] = DEFAULT_LEMMY_INSTANCES
) -> DiscussionUrl:
    """Name the platform of ``url``; raise ValueError saying what to write instead.

    ``lemmy_instances`` are the hosts whose ``/post/<id>`` addresses are Lemmy posts.
    """
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if parts.scheme.lower() != "https" or not host or url != url.strip() or not _port_ok(parts):
        raise ValueError(
            f"{url!r} is not a discussion link: copy the thread's full https:// address "
            "from the chat's share or copy-link menu"
        )
    lemmy = LEMMY_POST.match(parts.path) if host in lemmy_instances else None
    if lemmy:
        return DiscussionUrl(url, "lemmy", host, lemmy["id"])
    for platform, host_pattern, path_pattern, fragment_pattern in SHAPES:
        if host_pattern and not host_pattern.match(host):
            continue
        path = path_pattern.match(parts.path)
        fragment = fragment_pattern.match(parts.fragment) if fragment_pattern else None
        if not path or (fragment_pattern is not None and not fragment):
            continue
        found = (fragment or path).groupdict().get("id")
        if found is None and platform in QUERY_IDS:
            found = _query_id(parts.query, QUERY_IDS[platform])
            if found is None:
                continue
        return DiscussionUrl(url, platform, host, found)
    return DiscussionUrl(url, None, host.removeprefix("www."), None)


def _query_id(query: str, name: str) -> str | None:
    """The one numeric value of the query parameter ``name``, if there is exactly one."""
    values = parse_qs(query).get(name, [])
    return values[0] if len(values) == 1 and values[0].isascii() and values[0].isdigit() else None


def platform_icon(url: str, *, lemmy_instances: Collection[str] = DEFAULT_LEMMY_INSTANCES) -> str:
    """The name of the theme's icon for the platform of ``url`` (a checked address):
    ``theme/templates/icons/<name>.svg``, "other" for an unknown one."""
    try:
        return recognise(url, lemmy_instances=lemmy_instances).platform or "other"
    except ValueError:
        return "other"


# Platform names are words, host labels have dots: a label names one icon.
_KEY_OF_NAME = {name: key for key, name in PLATFORM_NAMES.items()}


def label_icon(label: str) -> str:
    """The icon of the platform labelled ``label`` (a ``DiscussionUrl.label``), "other"
    for a host: the label was made with the site's Lemmy instances, so the icon agrees."""
    return _KEY_OF_NAME.get(label, "other")


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


def replies_text(replies: int | None) -> str:
    """ "1 reply", "3 replies"; nothing where the count is not known."""
    if replies is None:
        return ""
    return "1 reply" if replies == 1 else f"{replies} replies"


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
        return replies_text(self.replies)

    @property
    def icon(self) -> str:
        return label_icon(self.platform)
