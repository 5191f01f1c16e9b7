"""Validated recommendations and the neighbours' latest posts, as the rest of Hearth sees them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

KINDS = ("newsletter", "community", "blog")


@dataclass(frozen=True)
class Recommendation:
    """One site ``content/recommendations.yml`` recommends; ``line`` is its ``- url:`` line."""

    url: str
    title: str
    description: str
    why: str
    kind: str
    added: date
    feed: str | None
    line: int


@dataclass(frozen=True)
class NeighbourPost:
    """One post from a recommended site's feed: plain text, bounded, checked addresses."""

    title: str
    link: str
    published: datetime | None
    summary: str


@dataclass(frozen=True)
class FromNeighbour:
    """What the home page shows of a post: the post and the site it came from."""

    post: NeighbourPost
    site: Recommendation
    # "1 December 2026", as the pages name a day; "" for a post without a date.
    date_text: str = ""


@dataclass(frozen=True)
class Outline:
    """One site in an OPML blogroll: every field the outline carries."""

    title: str
    html_url: str
    xml_url: str
    description: str = ""
    category: str = ""
