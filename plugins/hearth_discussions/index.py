"""The discussion index, ready for templates and the feed: built once per build."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple

from hearth_core.dates import day_text
from hearth_core.platforms import (
    DEFAULT_LEMMY_INSTANCES,
    label_icon,
    link_href,
    recognise,
    replies_text,
)
from hearth_core.topics import topic_slug
from hearth_discussions.model import Activity, ChatSpace, Source
from hearth_members.views import Ref

# "Most active recent": replies in threads active within this window of the
# newest activity in the data (not of today, so a build is reproducible).
RECENT = timedelta(days=30)
KIND_NAMES = {"issue": "On an issue", "link": "On a link", "topic": "Topic"}
# How the meta sentence joins the platform to what the thread is about:
# "Discourse thread on Issue 3: ...", "Mastodon thread about A zine ...", "Discord thread".
KIND_JOINS = {"issue": "on", "link": "about", "topic": ""}


class DiscussionView(NamedTuple):
    """A named tuple, like hearth_members.views.LinkView: fragments look it up fast."""

    url: str
    title: str
    platform: Ref
    kind: str
    about: Ref | None
    started: date
    tags: tuple[Ref, ...]
    replies: int | None
    last_activity: datetime | None

    @property
    def href(self) -> str:
        return link_href(self.url)

    @property
    def kind_name(self) -> str:
        return KIND_NAMES[self.kind]

    @property
    def about_join(self) -> str:
        """The word between "<platform> thread" and what it is about, if about anything."""
        return KIND_JOINS[self.kind] if self.about else ""

    @property
    def icon(self) -> str:
        """The name of the platform's icon (theme/templates/icons/<name>.svg)."""
        return label_icon(self.platform.name)

    @property
    def replies_text(self) -> str:
        return replies_text(self.replies)

    @property
    def day_text(self) -> str:
        """The day lists show, "7 June 2022": of the last activity, else of the start."""
        return day_text(self.last_activity or self.started)

    @property
    def active_at(self) -> datetime:
        """The last activity, or the day it started where no sync said more."""
        return self.last_activity or datetime.combine(self.started, time(), UTC)


@dataclass(frozen=True)
class DiscussionPages:
    """Everything the discussion pages show, in the order they show it."""

    discussions: tuple[DiscussionView, ...]
    by_platform: tuple[tuple[Ref, tuple[DiscussionView, ...]], ...]
    by_tag: tuple[tuple[Ref, tuple[DiscussionView, ...]], ...]
    active: tuple[DiscussionView, ...]
    spaces: tuple[ChatSpace, ...]


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "other"


def platform_ref(url: str, lemmy_instances: Collection[str] = DEFAULT_LEMMY_INSTANCES) -> Ref:
    found = recognise(url, lemmy_instances=lemmy_instances)
    key = found.platform or slug(found.host)
    return Ref(found.label, f"discussions/{key}/")


def tag_ref(tag: str) -> Ref:
    # The slug of the topic's own page, /topics/<slug>/: the check keeps it one per topic.
    return Ref(tag, f"discussions/tags/{topic_slug(tag)}/")


def build_discussion_pages(
    sources: Iterable[Source],
    activity: Mapping[str, Activity],
    spaces: Sequence[ChatSpace],
    home_limit: int,
    lemmy_instances: Collection[str] = DEFAULT_LEMMY_INSTANCES,
) -> DiscussionPages:
    views = [
        _view(source, activity.get(source.url, Activity()), lemmy_instances) for source in sources
    ]
    newest = tuple(sorted(views, key=lambda view: (view.active_at, view.url), reverse=True))
    return DiscussionPages(
        discussions=newest,
        by_platform=_grouped(newest, lambda view: [view.platform]),
        by_tag=_grouped(newest, lambda view: view.tags),
        active=most_active(newest, home_limit),
        spaces=tuple(spaces),
    )


def _view(source: Source, activity: Activity, lemmy_instances: Collection[str]) -> DiscussionView:
    about = Ref(*source.about) if source.about else None
    platform = platform_ref(source.url, lemmy_instances)
    # Written titles win: the author chose them; a synced title is the thread starter's.
    title = source.title or activity.title or (about.name if about else platform.name)
    return DiscussionView(
        url=source.url,
        title=title,
        platform=platform,
        kind=source.kind,
        about=about,
        started=source.started,
        tags=tuple(tag_ref(tag) for tag in source.tags),
        replies=activity.replies,
        last_activity=activity.last_activity,
    )


def _grouped(views: Sequence[DiscussionView], keys) -> tuple:
    groups: dict[Ref, list[DiscussionView]] = defaultdict(list)
    for view in views:
        for key in keys(view):
            groups[key].append(view)
    ordered = sorted(groups, key=lambda ref: ref.name.casefold())
    return tuple((ref, tuple(groups[ref])) for ref in ordered)


def most_active(views: Sequence[DiscussionView], limit: int) -> tuple[DiscussionView, ...]:
    """The threads with most replies among those active lately; newest first if none synced."""
    if not views:
        return ()
    newest = max(view.active_at for view in views)
    recent = [view for view in views if view.active_at >= newest - RECENT]
    ranked = sorted(recent, key=lambda view: (view.replies or 0, view.active_at), reverse=True)
    return tuple(ranked[:limit])
