"""The past is frozen: which issues are published, the links each one featured, and the
member links that would rewrite them.

An issue is published once it is not a draft and its date has come. The first build
that finds it published records the links it features in the members' folder
(``_featured.json``, committed with the site); from then on the issue shows exactly
those, whatever a member file says later. A link a moderator removes from a member's
file drops out of every page, with no error: that is the one sanctioned way to change
a published issue's list. The record also keeps every link known at the time, so
``invoke check`` can tell a new link dated into the past from an old one.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from hearth_core.files import replace_if_changed
from hearth_core.problems import Problem, problem
from hearth_issues.model import Issue
from hearth_members.community import community_links
from hearth_members.model import Link, Member
from hearth_members.urls import normalize_url

RECORD_NAME = "_featured.json"
WEEK = datetime.timedelta(days=7)
# A record of 40,000 links is about 3 MB; a larger file is not one the build wrote.
LARGEST_RECORD = 64 * 1024 * 1024
ABOUT = (
    "Written by the build when an issue is first published: the member links each "
    "published issue features, and every link known then. Commit it; do not edit it. "
    "To take a link out of an issue, remove it from the member's file."
)


def site_now(timezone: str | None) -> datetime.datetime:
    """Now, where the newsletter lives: an issue dated 08:00 there is published at 08:00."""
    return datetime.datetime.now(ZoneInfo(timezone or "UTC"))


def is_published(issue: Issue, now: datetime.datetime) -> bool:
    """Not a draft, and its date has come (a date without an offset is the site's time)."""
    if issue.is_draft:
        return False
    moment = issue.date
    if moment.tzinfo is None and now.tzinfo is not None:
        moment = moment.replace(tzinfo=now.tzinfo)
    return moment <= now


def newest_published(issues: Iterable[Issue], now: datetime.datetime) -> Issue | None:
    published = [issue for issue in issues if is_published(issue, now)]
    return max(published, key=lambda issue: (issue.date.date(), issue.number), default=None)


@dataclass(frozen=True)
class Record:
    """What the published issues featured: URLs by issue number, as the members wrote them,
    and the normalised address of every link known when it was last written."""

    featured: Mapping[int, tuple[str, ...]] = field(default_factory=dict)
    known: frozenset[str] = frozenset()


def read_record(path: Path) -> tuple[Record | None, list[Problem]]:
    """The record at ``path``; None where no issue was recorded yet."""
    if not path.is_file() or path.is_symlink():
        return None, []
    if path.stat().st_size > LARGEST_RECORD:
        return None, [problem(path, 1, "", f"is over {LARGEST_RECORD // 2**20} MB: {_RESTORE}")]
    try:
        data = json.loads(path.read_bytes())
        featured = {
            int(number): tuple(_urls(urls)) for number, urls in _mapping(data["issues"]).items()
        }
        known = frozenset(normalize_url(url) for url in _urls(data["known"]))
    except (ValueError, TypeError, KeyError, RecursionError):
        return None, [problem(path, 1, "", f"is not a record the build wrote: {_RESTORE}")]
    return Record(featured, known), []


_RESTORE = "restore it from git (git checkout -- <file>), or delete it and build again"


def _mapping(value: object) -> Mapping[str, object]:
    if not isinstance(value, dict):
        raise TypeError(value)
    return value


def _urls(value: object) -> Iterator[str]:
    if not isinstance(value, list) or not all(isinstance(url, str) for url in value):
        raise TypeError(value)
    return iter(value)


def record_text(record: Record) -> str:
    """The record as committed: one address a line, so a diff shows what changed."""
    data = {
        "about": ABOUT,
        "issues": {str(number): list(urls) for number, urls in sorted(record.featured.items())},
        "known": sorted(record.known),
    }
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def record_newly_published(
    path: Path,
    record: Record | None,
    issues: Sequence[Issue],
    links: Sequence[Link],
    now: datetime.datetime,
) -> list[Issue]:
    """Record the links of each issue published since the record was written, as the
    pages show them now; return those issues."""
    record = record or Record()
    new = [
        issue
        for issue in issues
        if is_published(issue, now) and issue.number not in record.featured
    ]
    if not new:
        return []
    listed = [issue for issue in issues if not issue.is_draft]
    chosen = community_links(listed, links, record.featured)
    featured = dict(record.featured)
    for issue in new:
        featured[issue.number] = tuple(link.url for link in chosen.get(issue.number, ()))
    known = record.known | {normalize_url(link.url) for link in links}
    replace_if_changed(path, record_text(Record(featured, known)))
    return new


def backdated_links(
    members: Iterable[Member], issues: Sequence[Issue], record: Record | None
) -> list[Problem]:
    """Links the record does not know that are dated up to the newest recorded issue.

    The record knows every link there was when it was last written; a link added since
    that is dated into an issue already out is one that rewrites the past.
    """
    if record is None:
        return []  # nothing published yet; check-pr, which sees the history, still checks
    recorded = [i for i in issues if i.number in record.featured and not i.is_draft]
    newest = max(recorded, key=lambda issue: (issue.date.date(), issue.number), default=None)
    if newest is None:
        return []
    return [
        backdated_problem(link, newest)
        for member in members
        for link in member.links
        if is_backdated(link, newest) and normalize_url(link.url) not in record.known
    ]


def backdated_problem(link: Link, newest: Issue) -> Problem:
    day = newest.date.date()
    after = (day + datetime.timedelta(days=1)).isoformat()
    return problem(
        link.source,
        link.line_of("date"),
        link.field_path("date"),
        f"{link.date.isoformat()} is not after {day.isoformat()}, the date of issue "
        f"{newest.number}, the newest published issue: a new link is dated {after} or later, "
        "the day you share it (issues already out never change)",
    )


def is_backdated(link: Link, newest: Issue) -> bool:
    """Dated into the window of an issue already out: on its day or before."""
    return link.date <= newest.date.date()


def crowded_weeks(dates: Sequence[datetime.date], limit: int) -> Iterator[tuple[int, int]]:
    """Each stretch of 7 days holding more than ``limit`` of the sorted ``dates``, as
    (first, end) positions; a crowded stretch once, by its first day.

    Two positions that only move forward: each date is looked at a bounded number of
    times, so 40,000 links take four times as long as 10,000, not sixteen.
    """
    first = end = 0
    reported_until: datetime.date | None = None
    count = len(dates)
    for start, day in enumerate(dates):
        if reported_until is not None and day < reported_until:
            continue
        while dates[first] < day:
            first += 1
        end = max(end, start)
        while end < count and dates[end] < day + WEEK:
            end += 1
        if end - first > limit:
            yield first, end
            reported_until = day + WEEK


def by_date(member: Member) -> list[Link]:
    return sorted(member.links, key=lambda link: (link.date, link.index))


def week_problem(links: Sequence[Link], first: int, end: int, limit: int) -> Problem:
    """The problem of one crowded stretch ``links[first:end]``, on its latest link."""
    window = links[first:end]
    last = max(window, key=lambda link: link.line)
    dates = ", ".join(link.date.isoformat() for link in window)
    if len(window) > 10:  # a line a reader can take in
        dates = f"{window[0].date.isoformat()} to {window[-1].date.isoformat()}"
    over = len(window) - limit
    return problem(
        last.source,
        last.line,
        f"links[{last.index}]",
        f"{len(window)} links dated within 7 days ({dates}), over the limit of {limit} in any "
        f"7 days: remove {over} of them and share {'it' if over == 1 else 'them'} in a "
        "later week",
    )


def weekly_limit_problems(member: Member, limit: int) -> list[Problem]:
    """Every stretch of 7 days in which ``member`` dated more than ``limit`` links."""
    links = by_date(member)
    dates = [link.date for link in links]
    return [week_problem(links, first, end, limit) for first, end in crowded_weeks(dates, limit)]
