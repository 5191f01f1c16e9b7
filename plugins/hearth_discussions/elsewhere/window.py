"""Which links a run looks at: those the newest issues feature and members shared lately."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from hearth_issues.model import Issue
from hearth_members.duplicates import urls_in_markdown
from hearth_members.model import Member
from hearth_members.past import is_published
from hearth_members.urls import normalize_url


def links_in_window(
    issues: Sequence[Issue],
    members: Sequence[Member],
    *,
    now: datetime,
    today: date,
    newest_issues: int,
    days: int,
) -> list[str]:
    """The links of the ``newest_issues`` published issues, newest first, then the
    member links of the last ``days`` days, newest first; each address once."""
    published = [issue for issue in issues if is_published(issue, now)]
    published.sort(key=lambda issue: (issue.date.date(), issue.number), reverse=True)
    found: dict[str, str] = {}
    for issue in published[:newest_issues]:
        for url, _path, _line in urls_in_markdown(issue.source, issue.body, issue.body_line):
            found.setdefault(normalize_url(url), url)
    since = today - timedelta(days=days)
    recent = [link for member in members for link in member.links if since <= link.date <= today]
    for link in sorted(recent, key=lambda link: (link.date, link.url), reverse=True):
        found.setdefault(normalize_url(link.url), link.url)
    return list(found.values())
