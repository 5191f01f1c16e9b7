"""One link, shared once: across every member's file and every past issue."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path

from hearth_core.problems import Problem, display_path, problem
from hearth_members.model import Member
from hearth_members.urls import normalize_url

# Featured: an address found in an issue, with the file and line it is on.
Featured = tuple[str, Path, int]
# Where an address was first seen: the file, the line, and the member who shared
# it there (None for an issue that featured it).
Earlier = tuple[Path, int, str | None]

# One pattern finds inline links [x](url), autolinks <url>, reference
# definitions and bare addresses alike: each holds the address literally.
# Parentheses are allowed in pairs, for /wiki/Foo_(bar) inside [x](...).
# Written as runs of plain characters between pairs, not one character at a
# time, which scans 12 MB of issues a third faster; at least one of either.
_PLAIN = r"[^\s<>()\[\]\"'`]"
_PAIR = r"\([^\s<>()\"'`]*\)"
WEB_ADDRESS = re.compile(
    rf"https?://(?={_PLAIN}|{_PAIR}){_PLAIN}*(?:{_PAIR}{_PLAIN}*)*", re.IGNORECASE
)
TRAILING_PUNCTUATION = ".,;:!?*_~"


def urls_in_markdown(path: Path, body: str, first_line: int) -> list[Featured]:
    """Every http(s) address in an issue's Markdown ``body``, which starts on ``first_line``."""
    # One pass over the whole text, counting lines between matches: an address
    # holds no whitespace, so it never spans two lines.
    found = []
    line, counted = first_line, 0
    for match in WEB_ADDRESS.finditer(body):
        line += body.count("\n", counted, match.start())
        counted = match.start()
        found.append((match[0].rstrip(TRAILING_PUNCTUATION), path, line))
    return found


def duplicate_links(
    members: Iterable[Member],
    featured: Iterable[Featured],
    issue_dates: Mapping[Path, date] | None = None,
) -> list[Problem]:
    """Report each link whose address was featured in an issue or shared before.

    What a past issue already featured is not news to its readers. An issue
    dated after the link (``issue_dates``) may discuss it: the member was first.
    Among members, the earliest date wins, then the file name, so the member who
    shared first keeps the link.
    """
    # Described only when a duplicate is reported: most addresses never are, and
    # showing a path resolves it on disk.
    first: dict[str, Earlier] = {}
    issue_date: dict[str, date] = {}
    dates = issue_dates or {}
    for url, path, line in featured:
        key = normalize_url(url)
        if key not in first:
            first[key] = (path, line, None)
            if path in dates:
                issue_date[key] = dates[path]
    shown: dict[Path, str] = {}
    problems = []
    for link in sorted(
        (link for member in members for link in member.links),
        key=lambda link: (link.date, link.source.name, link.index),
    ):
        key = normalize_url(link.url)
        if key in issue_date and link.date < issue_date.pop(key):
            del first[key]
        earlier = first.get(key)
        if earlier is None:
            first[key] = (link.source, link.line_of("url"), link.member)
            continue
        problems.append(
            problem(
                link.source,
                link.line_of("url"),
                link.field_path("url"),
                f"{link.url} {_describe(earlier, shown)}: "
                "remove this link, or link to the conversation instead",
            )
        )
    return problems


def _describe(earlier: Earlier, shown: dict[Path, str]) -> str:
    path, line, member = earlier
    if path not in shown:
        shown[path] = display_path(path)
    if member is None:
        return f"was already featured in {shown[path]}:{line}"
    return f"was already shared by {member} in {shown[path]}:{line}"
