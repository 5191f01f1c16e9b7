"""Ready data for the home page and the issue pages: the byline, share links, the home's parts."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple
from urllib.parse import quote, urlencode

from hearth_core.settings import SettingsError

# How many issues the home page lists after the latest one, and how many links it shows.
HOME_RECENT_ISSUES = 6
HOME_LINKS = 6
FEDIVERSE_HANDLE = re.compile(r"^@(?P<user>[A-Za-z0-9_.]+)@(?P<host>[a-z0-9.-]+\.[a-z]{2,})$")


class Byline(NamedTuple):
    author: str
    handle: str  # "@mara@social.example", or ""
    profile: str  # its https:// address, or ""


def byline(settings: Mapping[str, Any]) -> Byline:
    """AUTHOR, and AUTHOR_FEDIVERSE (``@user@host``) when set."""
    author = str(settings.get("AUTHOR") or "")
    handle = settings.get("AUTHOR_FEDIVERSE") or ""
    if not handle:
        return Byline(author, "", "")
    found = FEDIVERSE_HANDLE.match(handle) if isinstance(handle, str) else None
    if found is None:
        raise SettingsError(
            f"{handle!r} is not a fediverse handle: write it as @name@server, "
            "for example '@mara@social.example'",
            setting="AUTHOR_FEDIVERSE",
        )
    return Byline(author, handle, f"https://{found['host']}/@{found['user']}")


class ShareLink(NamedTuple):
    name: str
    href: str
    icon: str


def share_links(title: str, url: str) -> tuple[ShareLink, ...]:
    """Plain links to each service's own sharing page: no script, no widget, nothing
    loaded until a reader follows one. (Mastodon has no such page but each reader's own
    server's; a reader there copies the address.)"""
    text = urlencode({"text": f"{title} {url}"})
    mail = urlencode({"subject": title, "body": url}, quote_via=quote)
    return (
        ShareLink("Email", f"mailto:?{mail}", "email"),
        ShareLink("Bluesky", f"https://bsky.app/intent/compose?{text}", "bluesky"),
        ShareLink(
            "LinkedIn",
            f"https://www.linkedin.com/sharing/share-offsite/?{urlencode({'url': url})}",
            "linkedin",
        ),
    )


@dataclass(frozen=True)
class LinksOfTheWeek:
    heading: str
    note: str  # says which links these are
    links: tuple[Any, ...]  # hearth_members.views.LinkView


@dataclass(frozen=True)
class HomePage:
    """The home page's parts after the promise: the latest issue's lede, the issues
    before it, this week's links and the liveliest discussions."""

    latest: Any | None  # the newest published issue (an Article)
    recent: tuple[Any, ...]  # the issues before it
    links: LinksOfTheWeek | None
    active: tuple[Any, ...]  # hearth_discussions.index.DiscussionView


def home_page(articles: Sequence[Any], link_pages: Any, discussion_pages: Any) -> HomePage:
    """``articles`` are the published issues, newest first."""
    latest = articles[0] if articles else None
    links = _week_links(latest, link_pages.links if link_pages else ())
    active = tuple(discussion_pages.active) if discussion_pages else ()
    return HomePage(latest, tuple(articles[1 : 1 + HOME_RECENT_ISSUES]), links, active)


def _week_links(latest: Any | None, links: Sequence[Any]) -> LinksOfTheWeek | None:
    """The links shared since the latest issue, which the next one will gather: a weekly
    letter's week. Before any is, the newest ones."""
    if not links:
        return None
    if latest is not None:
        since = [link for link in links if link.date > latest.date.date()]
        if since:
            count = len(since)
            note = (
                f"{count} link{'' if count == 1 else 's'} shared since issue {latest.number}, "
                "for the next one"
            )
            return LinksOfTheWeek("This week in the community", note, tuple(since[:HOME_LINKS]))
    return LinksOfTheWeek(
        "From the community", "The newest links members shared", tuple(links[:HOME_LINKS])
    )
