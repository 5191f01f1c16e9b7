"""Discussions as the rest of Hearth sees them: chat spaces, threads and their activity."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlsplit

from hearth_core.platforms import PLATFORM_NAMES, link_href


@dataclass(frozen=True)
class ChatSpace:
    """A place where the community talks, from ``HEARTH_DISCUSSIONS["spaces"]``.

    ``api`` is where sync asks for activity; None means the platform's usual
    address (the thread's own host for Discourse and Mastodon).
    """

    platform: str
    name: str
    url: str
    join: str
    description: str
    api: str | None

    @property
    def platform_name(self) -> str:
        return PLATFORM_NAMES.get(self.platform) or urlsplit(self.url).hostname or self.platform

    @property
    def join_text(self) -> str:
        # On Mastodon one follows an account; everywhere else one joins a place.
        verb = "Follow" if self.platform == "mastodon" else "Join"
        return f"{verb} on {self.platform_name}"

    @property
    def join_href(self) -> str:
        return link_href(self.join)


@dataclass(frozen=True)
class Thread:
    """A standalone thread from ``content/discussions/<name>.yml``."""

    url: str
    title: str
    started: date
    tags: tuple[str, ...]
    issue: int | None
    link: str | None
    source: Path
    lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)

    def line_of(self, name: str) -> int:
        return self.lines.get(name, 1)


@dataclass(frozen=True)
class Activity:
    """What a platform said about a thread at the last sync; None where it said nothing."""

    title: str | None = None
    replies: int | None = None
    last_activity: datetime | None = None


@dataclass(frozen=True)
class Source:
    """A discussion as the content names it, before activity is added.

    ``kind`` says what it is about: "issue", "link" or "topic"; ``about`` is
    (name, site-relative URL) of that issue or link, None for a topic.
    """

    url: str
    title: str | None
    kind: str
    about: tuple[str, str] | None
    started: date
    tags: tuple[str, ...]
    path: Path
    line: int
