"""Which member links each issue features in its "From the community" section."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Protocol, TypeVar

from hearth_core.problems import Problem, problem
from hearth_members.model import Link
from hearth_members.urls import normalize_url


class IssueLike(Protocol):
    """What this module reads of an issue (hearth_issues' Issue, read-only)."""

    @property
    def number(self) -> int: ...
    @property
    def date(self) -> datetime: ...
    @property
    def community(self) -> tuple[str, ...] | None: ...
    @property
    def source(self) -> str | Path: ...


AnIssue = TypeVar("AnIssue", bound=IssueLike)


def _newest_first(links: Sequence[Link]) -> tuple[Link, ...]:
    return tuple(sorted(links, key=lambda link: (link.date, link.member, link.index), reverse=True))


# The links recorded for each published issue (``past.Record.featured``), by number.
Recorded = Mapping[int, Sequence[str]]


def community_links(
    issues: Sequence[IssueLike], links: Sequence[Link], recorded: Recorded | None = None
) -> dict[int, tuple[Link, ...]]:
    """Map issue number to its links: by default those dated after the previous
    issue's date up to its own; ``Community: none`` opts out; a list names them.
    A published issue keeps the links ``recorded`` for it (see ``past``); one no
    member's file holds any more drops out."""
    # Sorted by date once (stable: same-day links keep their order), each issue's
    # window is a slice found by bisection, not a pass over every link.
    by_date = sorted(links, key=lambda link: link.date)
    dates = [link.date for link in by_date]
    by_url: dict[str, Link] | None = None
    chosen: dict[int, tuple[Link, ...]] = {}
    previous: date | None = None
    for issue in sorted(issues, key=lambda issue: (issue.date, issue.number)):
        day = issue.date.date()
        named = _names(issue, recorded)
        if named is None:
            start = 0 if previous is None else bisect_right(dates, previous)
            window: Sequence[Link] = by_date[start : bisect_right(dates, day)]
        else:
            if by_url is None:
                by_url = _by_url(links)
            window = _named(named, by_url)
        chosen[issue.number] = _newest_first(window)
        previous = day
    return chosen


def _names(issue: IssueLike, recorded: Recorded | None) -> Sequence[str] | None:
    """The URLs the issue features by name: its ``Community:`` header, else its record."""
    if issue.community is not None:
        return issue.community
    return recorded.get(issue.number) if recorded else None


def community_links_of(
    issue: IssueLike,
    issues: Sequence[IssueLike],
    links: Sequence[Link],
    recorded: Recorded | None = None,
) -> tuple[Link, ...]:
    """``community_links(issues, links, recorded)[issue.number]``, from one pass over the
    links, not a sort of them all: `invoke email` needs the links of one issue."""
    named = _names(issue, recorded)
    if named is not None:
        return _newest_first(_named(named, _by_url(links)))
    moment = (issue.date, issue.number)
    before = [other for other in issues if (other.date, other.number) < moment]
    previous = max(before, key=lambda other: (other.date, other.number), default=None)
    start, day = previous.date.date() if previous else None, issue.date.date()
    return _newest_first(
        [link for link in links if link.date <= day and (start is None or link.date > start)]
    )


def _by_url(links: Sequence[Link]) -> dict[str, Link]:
    return {normalize_url(link.url): link for link in links}


def _named(urls: Sequence[str], by_url: dict[str, Link]) -> list[Link]:
    """The links an issue's ``Community:`` list names, in any spelling; unknown ones skipped."""
    return [by_url[url] for url in map(normalize_url, urls) if url in by_url]


def unknown_community_urls(
    issues: Sequence[AnIssue],
    links: Sequence[Link],
    published: Callable[[AnIssue], bool] = lambda issue: False,
) -> list[Problem]:
    """A ``Community:`` URL that no member shared is a typo in an issue still to come.

    In a ``published`` issue it is a link a moderator removed, which drops out of it.
    """
    shared = {normalize_url(link.url) for link in links}
    return [
        problem(
            issue.source,
            1,
            "Community",
            f"{url} is not a link in any member's file: copy the URL from content/members/, "
            "or write `Community: none`",
        )
        for issue in issues
        if not published(issue)
        for url in issue.community or ()
        if normalize_url(url) not in shared
    ]


def pending_links(issues: Sequence[IssueLike], links: Sequence[Link]) -> tuple[Link, ...]:
    """Links no issue has featured yet: dated after the newest issue."""
    newest = max((issue.date.date() for issue in issues), default=None)
    return _newest_first([link for link in links if newest is None or link.date > newest])
