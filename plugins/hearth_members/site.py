"""Members as the site sees them: settings, today's date, and loading with every check."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from hearth_core.problems import Problem
from hearth_core.settings import plugin_settings
from hearth_issues.model import Issue
from hearth_members.collect import load_members
from hearth_members.community import unknown_community_urls
from hearth_members.duplicates import Featured, urls_in_markdown
from hearth_members.model import Member

DEFAULTS: dict[str, Any] = {
    "path": "members",
    "tags": [],
    "moderators": [],
    "weekly_link_limit": 5,
}


def member_options(settings: dict[str, Any]) -> dict[str, Any]:
    return plugin_settings(settings, "HEARTH_MEMBERS", DEFAULTS)


def site_today(settings: dict[str, Any]) -> date:
    """Today where the newsletter lives: a link dated tomorrow there is in the future."""
    return datetime.now(ZoneInfo(settings.get("TIMEZONE") or "UTC")).date()


# The addresses in each issue, by its text: a build asks twice (the check, then
# the site) and a live preview on every change, while issues rarely change.
_FEATURED: dict[Path, tuple[tuple[int, bytes], list[Featured]]] = {}


def _body_key(issue: Issue) -> tuple[int, bytes]:
    return issue.body_line, hashlib.blake2b(issue.body.encode(), digest_size=16).digest()


def _featured_in(issue: Issue) -> list[Featured]:
    key = _body_key(issue)
    cached = _FEATURED.get(issue.source)
    if cached is None or cached[0] != key:
        found = urls_in_markdown(issue.source, issue.body, issue.body_line)
        cached = _FEATURED[issue.source] = (key, found)
    return cached[1]


# The last answer, with what it was computed from: the check and the site in one
# build ask the same question, and checking 20,000 links across an archive is costly.
_LAST: list[tuple[tuple, tuple[list[Member], list[Problem]]]] = []


def _inputs(settings: dict[str, Any], issues: Sequence[Issue]) -> tuple:
    options = member_options(settings)
    folder = Path(settings["PATH"], options["path"])
    stats = [(path, path.stat()) for path in (folder.rglob("*") if folder.is_dir() else ())]
    files = sorted((str(path), stat.st_mtime_ns, stat.st_size) for path, stat in stats)
    # What the members are checked against: not the issues' prose, which an
    # author edits all the time, but the addresses in it; in file order, as the
    # check and the site list the issues in different orders.
    written = tuple(
        sorted(
            (str(issue.source), issue.date, issue.is_draft, issue.community, *_featured_in(issue))
            for issue in issues
        )
    )
    return repr(options), site_today(settings), tuple(files), written


def load_community(
    settings: dict[str, Any], issues: Sequence[Issue]
) -> tuple[list[Member], list[Problem]]:
    """Every member, checked on its own, against the others and against the issues."""
    inputs = _inputs(settings, issues)
    if not _LAST or _LAST[0][0] != inputs:
        _LAST[:] = [(inputs, _load_community(settings, issues))]
    members, problems = _LAST[0][1]
    return list(members), list(problems)


def _load_community(
    settings: dict[str, Any], issues: Sequence[Issue]
) -> tuple[list[Member], list[Problem]]:
    options = member_options(settings)
    published = [issue for issue in issues if not issue.is_draft]
    featured = [found for issue in published for found in _featured_in(issue)]
    folder = Path(settings["PATH"], options["path"])
    dates = {issue.source: issue.date.date() for issue in published}
    members, problems = load_members(folder, options["tags"], site_today(settings), featured, dates)
    links = [link for member in members for link in member.links]
    return members, problems + unknown_community_urls(issues, links)
