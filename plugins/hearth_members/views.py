"""Ready-made data for the links and members pages: templates only print it."""

from __future__ import annotations

import functools
import hashlib
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from hearth_core.dates import day_text as _day_text
from hearth_core.elsewhere import Elsewhere, no_elsewhere
from hearth_core.months import group_by_month, month_name
from hearth_core.platforms import DiscussionRef
from hearth_core.topics import topic_slug
from hearth_members.model import Link, Member
from hearth_members.urls import display_domain, normalize_url

# The views are named tuples, not dataclasses: a live preview looks each one up
# in the fragments of the last build (hearth_core.fragments), and tuples hash
# and compare in C, ten times faster than a dataclass's generated methods.


class Ref(NamedTuple):
    """Something with a name and a site-relative URL (a tag, a member, an issue)."""

    name: str
    url: str
    order: int = 0


class LinkView(NamedTuple):
    title: str
    url: str
    domain: str
    date: date
    date_text: str  # "25 June 2022", as the pages show it
    note_html: str
    tags: tuple[Ref, ...]
    discussion: DiscussionRef | None
    member: Ref
    anchor: str
    featured_in: Ref | None
    place: str  # its lasting address on the site: its month's page and anchor
    elsewhere: Elsewhere = ()  # its discussions on other sites


@dataclass(frozen=True)
class LinkMonth:
    """The links shared in one month: a page of its own, newest first."""

    name: str
    url: str
    links: tuple[LinkView, ...]


@dataclass(frozen=True)
class MonthGroup:
    """Some of a month's links under its heading on /links/, leading to the month's page."""

    name: str
    url: str
    links: tuple[LinkView, ...]
    total: int  # how many its page lists

    @property
    def more(self) -> int:
        return self.total - len(self.links)


# Avatar backgrounds (theme/static/css/hearth.css: .avatar-0 ... .avatar-5).
AVATAR_COLOURS = 6


@dataclass(frozen=True)
class MemberView:
    handle: str
    name: str
    bio: str
    website: str | None
    fediverse: str | None
    url: str
    links: tuple[LinkView, ...]
    featured_in: tuple[Ref, ...]
    initials: str = ""
    avatar: int = 0  # which of the AVATAR_COLOURS, the same on every build

    @property
    def discussed(self) -> tuple[LinkView, ...]:
        """The member's links that someone discusses, newest first."""
        return tuple(link for link in self.links if link.discussion)

    @property
    def links_text(self) -> str:
        count = len(self.links)
        return f"{count} link{'' if count == 1 else 's'}"


def initials(name: str) -> str:
    """ "Ada Lovelace" -> "AL", "mara" -> "M": the first letters of the first and last words."""
    words = [word for word in name.split() if word[:1].isalnum()]
    if not words:
        return "?"
    letters = words[0][0] + (words[-1][0] if len(words) > 1 else "")
    return letters.upper()


def avatar_colour(handle: str) -> int:
    return hashlib.sha256(handle.encode()).digest()[0] % AVATAR_COLOURS


@dataclass(frozen=True)
class LinkPages:
    """Everything the links and members pages show, built once per build.

    ``links`` are all of them, newest first; /links/ shows the ``recent`` ones and
    the months, each of which has a page of its own.
    """

    links: tuple[LinkView, ...]
    by_tag: tuple[tuple[Ref, tuple[LinkView, ...]], ...]
    members: tuple[MemberView, ...]
    months: tuple[LinkMonth, ...] = ()
    recent: tuple[LinkView, ...] = ()

    @property
    def recent_by_month(self) -> tuple[MonthGroup, ...]:
        """The recent links under their months' headings, each with its page's size."""
        totals = {month.url: len(month.links) for month in self.months}
        return tuple(
            MonthGroup(month.name, month.url, month.links, totals[month.url])
            for month in _by_month(self.recent)
        )


# /links/ shows the newest links; older ones are on the page of their month.
RECENT_LINKS = 50


def link_anchor(link: Link) -> str:
    """Stable across builds and title edits: derived from the normalised URL."""
    return _anchor(link.url)


@functools.lru_cache(maxsize=1 << 16)  # a build asks for each of 20,000 links several times
def _anchor(url: str) -> str:
    return "link-" + hashlib.sha256(normalize_url(url).encode()).hexdigest()[:12]


@functools.lru_cache(maxsize=1 << 12)  # many links share a day
def day_text(day: date) -> str:
    return _day_text(day)


def month_url(day: date) -> str:
    return f"links/{day.year}/{day.month:02d}/"


def link_place(link: Link) -> str:
    """Where the site keeps ``link``: its anchor on the page of the month it was shared in."""
    return f"{month_url(link.date)}#{link_anchor(link)}"


def tag_url(tag: str) -> str:
    return f"links/tags/{topic_slug(tag)}/"


def member_url(handle: str) -> str:
    return f"members/{handle}/"


def build_link_pages(
    members: Sequence[Member],
    featured_in: dict[str, Ref],
    render_note: Callable[[str], str],
    discussion_ref: Callable[[str], DiscussionRef] = lambda url: DiscussionRef(url, url),
    recent: int = RECENT_LINKS,
    elsewhere: Callable[[str], Elsewhere] = no_elsewhere,
) -> LinkPages:
    """``featured_in`` maps an anchor to the issue that featured the link;
    ``discussion_ref`` labels a discussion URL with its platform and activity;
    /links/ shows the ``recent`` newest links."""
    names = {member.handle: Ref(member.name, member_url(member.handle)) for member in members}
    every_tag = {tag for member in members for link in member.links for tag in link.tags}
    tags = {tag: Ref(tag, tag_url(tag)) for tag in every_tag}
    views: dict[str, list[LinkView]] = defaultdict(list)
    for member in members:
        for link in member.links:
            anchor = link_anchor(link)
            views[member.handle].append(
                LinkView(
                    title=link.title,
                    url=link.url,
                    domain=display_domain(link.url),
                    date=link.date,
                    date_text=day_text(link.date),
                    note_html=render_note(link.note) if link.note else "",
                    tags=tuple(tags[tag] for tag in link.tags),
                    discussion=discussion_ref(link.discussion) if link.discussion else None,
                    member=names[member.handle],
                    anchor=anchor,
                    featured_in=featured_in.get(anchor),
                    place=link_place(link),
                    elsewhere=elsewhere(link.url),
                )
            )
    every = _newest_first(view for group in views.values() for view in group)
    return LinkPages(
        every, _by_tag(every), _members(members, views), _by_month(every), every[:recent]
    )


def _newest_first(views: Any) -> tuple[LinkView, ...]:
    return tuple(sorted(views, key=lambda view: (view.date, view.anchor), reverse=True))


def _by_month(links: Sequence[LinkView]) -> tuple[LinkMonth, ...]:
    return tuple(
        LinkMonth(month_name(first), month_url(first), tuple(group))
        for first, group in group_by_month(links, lambda view: view.date)
    )


def _by_tag(links: Sequence[LinkView]) -> tuple[tuple[Ref, tuple[LinkView, ...]], ...]:
    groups: dict[str, list[LinkView]] = defaultdict(list)
    for view in links:
        for tag in view.tags:
            groups[tag.name].append(view)
    return tuple((Ref(tag, tag_url(tag)), tuple(groups[tag])) for tag in sorted(groups))


def _members(members: Sequence[Member], views: dict[str, list[LinkView]]) -> tuple[MemberView, ...]:
    directory = []
    for member in sorted(members, key=lambda member: member.name.casefold()):
        links = _newest_first(views[member.handle])
        issues = {view.featured_in for view in links if view.featured_in}
        directory.append(
            MemberView(
                handle=member.handle,
                name=member.name,
                bio=member.bio,
                website=member.website,
                fediverse=member.fediverse,
                url=member_url(member.handle),
                links=links,
                featured_in=tuple(sorted(issues, key=lambda ref: ref.order, reverse=True)),
                initials=initials(member.name),
                avatar=avatar_colour(member.handle),
            )
        )
    return tuple(directory)
