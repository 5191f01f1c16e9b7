"""The community links feed: every link members shared, newest first."""

from __future__ import annotations

from datetime import datetime, time
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from hearth_core.settings import absolute_site_url
from hearth_feeds.entries import Feed, FeedEntry
from hearth_feeds.plugin import feed_limit, section_feed
from hearth_members.views import LinkPages, LinkView


def _entry(view: LinkView, base: str, zone: ZoneInfo) -> FeedEntry:
    credit = f'Shared by <a href="{base}/{escape(view.member.url)}">{escape(view.member.name)}</a>'
    if view.discussion:
        where = escape(view.discussion.platform)
        credit += f' · <a href="{escape(view.discussion.href)}">Discuss it on {where}</a>'
    # Member notes are sanitised HTML already; titles and names are escaped here.
    return FeedEntry(
        # The anchor comes from the normalised URL: editing the title keeps the id.
        id=f"{base}/links/#{view.anchor}",
        url=view.url,
        title=view.title,
        published=datetime.combine(view.date, time(12), zone),
        summary=f"{view.domain}, shared by {view.member.name}",
        content_html=view.note_html + f"<p>{credit}</p>",
        tags=tuple(tag.name for tag in view.tags),
        author=view.member.name,
    )


def links_feed(pages: LinkPages, settings: dict[str, Any]) -> Feed:
    base = absolute_site_url(settings)
    zone = ZoneInfo(settings.get("TIMEZONE") or "UTC")
    feed = section_feed(
        settings,
        slug="links",
        title="community links",
        description=f"Links shared by the members of {settings['SITENAME']}.",
        home="links/",
    )
    return feed(_entry(view, base, zone) for view in pages.links[: feed_limit(settings)])
