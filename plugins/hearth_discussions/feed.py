"""The discussions feed: a new thread, or new replies, reach feed readers."""

from __future__ import annotations

from datetime import datetime, time
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from hearth_core.settings import absolute_site_url
from hearth_discussions.index import DiscussionPages, DiscussionView
from hearth_feeds.entries import Feed, FeedEntry
from hearth_feeds.plugin import feed_limit, section_feed


def _entry(view: DiscussionView, base: str, zone: ZoneInfo) -> FeedEntry:
    # Titles may come from a platform (synced): escaped like everything else here.
    facts = [f"On {escape(view.platform.name)}"]
    if view.replies_text:
        facts.append(view.replies_text)
    if view.about:
        about = f'<a href="{base}/{escape(view.about.url)}">{escape(view.about.name)}</a>'
        facts.append(f"about {about}")
    return FeedEntry(
        # The thread's own address: the same thread is the same entry, whatever its title.
        id=view.url,
        url=view.url,
        title=view.title,
        published=datetime.combine(view.started, time(12), zone),
        updated=view.last_activity,
        summary=" · ".join([view.platform.name, view.replies_text or view.kind_name]),
        content_html=f"<p>{' · '.join(facts)}</p>",
        tags=tuple(tag.name for tag in view.tags),
    )


def discussions_feed(pages: DiscussionPages, settings: dict[str, Any]) -> Feed:
    base = absolute_site_url(settings)
    zone = ZoneInfo(settings.get("TIMEZONE") or "UTC")
    feed = section_feed(
        settings,
        slug="discussions",
        title="discussions",
        description=f"Latest conversations in the {settings['SITENAME']} community.",
        home="discussions/",
    )
    return feed(_entry(view, base, zone) for view in pages.discussions[: feed_limit(settings)])
