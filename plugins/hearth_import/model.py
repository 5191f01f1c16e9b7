"""What every reader gives the importer: posts, and the problems that stopped some."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from hearth_core.errors import HearthError
from hearth_core.text import strip_forbidden

FORMATS = ("substack", "ghost", "wordpress", "feed")


class ImportFailed(HearthError):
    """The archive as a whole cannot be read; the message names the file and what to do."""


@dataclass(frozen=True)
class Post:
    """One post of an archive, as its platform exported it."""

    # The original address, or the platform's name and the post's path on it where the
    # export does not say the host: what marks the post as imported.
    key: str
    # The post's path on the old host ("/p/slug"): the redirect table's left side.
    old_path: str
    title: str
    # With its offset; None when the export has none (a problem for a published post).
    date: datetime | None
    html: str
    slug: str
    # "posts.csv: post 123.slug": how messages name the post.
    where: str
    summary: str = ""
    tags: tuple[str, ...] = ()
    draft: bool = False
    # The old address of the post in full, when the export says it.
    url: str = ""


@dataclass
class Archive:
    """The posts read from one export, and a message for each post that could not be."""

    posts: list[Post] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    # Hosts the newsletter lived on: links there to a post become links to its issue.
    hosts: set[str] = field(default_factory=set)


def hosts_of(link: str) -> set[str]:
    """The host of an export's link to the old site, as a set to add; none when the
    link names no host, or is no address at all (``http://[x`` from a hostile feed)."""
    try:
        host = urlsplit(link.strip()).hostname
    except ValueError:
        return set()
    return {host} if host else set()


# How much of a post's title or slug a message quotes.
SHOWN_LIMIT = 80


def shown(value: object) -> str:
    """A post's title or slug as a message quotes it: one line, without the characters
    no text may hold (an escape sequence would be the terminal's to run), bounded."""
    text = " ".join(strip_forbidden(str(value), one_line=True).split())
    return text if len(text) <= SHOWN_LIMIT else text[: SHOWN_LIMIT - 1] + "…"
