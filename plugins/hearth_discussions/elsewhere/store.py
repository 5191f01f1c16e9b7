"""The committed file of discussions elsewhere: written by
``invoke sync-discussions --elsewhere``, read and checked once by every build.

JSON with sorted keys and one field per line, so a run's commit shows which
counts moved. Whoever wrote an entry (the sync or a person), it passes the same
rule (``entry_problem``) before it is written and when it is read.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from hearth_core.files import read_json_object, replace_if_changed
from hearth_core.problems import Problem, problem
from hearth_core.text import describe, first_forbidden
from hearth_discussions.elsewhere.model import (
    MOST_COMMENTS,
    TITLE_LIMIT,
    Found,
    discussion_url_problem,
)

ABOUT = (
    "Written by `invoke sync-discussions --elsewhere`; the build only reads it. "
    "Safe to edit by hand."
)
FIELDS = ("platform", "url", "comments", "title")
# Far above what one link gathers, far below what would slow a build.
MOST_PER_LINK = 20
MOST_BYTES = 8 * 1024 * 1024
LINK_LIMIT = 2000

Discussed = dict[str, tuple[Found, ...]]


def read_elsewhere(path: Path, lemmy_hosts: frozenset[str]) -> tuple[Discussed, list[Problem]]:
    """Discussions by link address; a missing file is none, a broken entry a problem."""
    if not path.exists() and not path.is_symlink():
        return {}, []
    text, links, unreadable = read_json_object(
        path, "links", '{"links": {URL: [...]}}', max_bytes=MOST_BYTES
    )
    if links is None:
        return {}, unreadable
    found: Discussed = {}
    problems: list[Problem] = []
    for link, entries in links.items():
        start = _line_of(text, link, 0)
        where = f"links[{link!r}]"
        message = link_problem(link) or _list_problem(entries)
        if message:
            problems.append(problem(path, start, where, message))
            continue
        kept = []
        for index, entry in enumerate(entries):
            entry_found, message = _entry(entry, lemmy_hosts)
            if message:
                line = _entry_line(text, link, entry, start)
                problems.append(problem(path, line, f"{where}[{index}]", message))
            else:
                kept.append(entry_found)
        found[link] = tuple(kept)
    return found, problems


def link_problem(link: str) -> str:
    if not link.startswith(("https://", "http://")) or len(link) > LINK_LIMIT:
        return f"must be an http(s) address of at most {LINK_LIMIT} characters"
    character = first_forbidden(link, one_line=True)
    if character or any(space in link for space in " \t"):
        return "must be an address without spaces or invisible characters"
    return ""


def _list_problem(entries: Any) -> str:
    if not isinstance(entries, list):
        return "must be a list of discussions: [{platform, url, comments, title}]"
    if len(entries) > MOST_PER_LINK:
        return f"lists {len(entries)} discussions: keep the {MOST_PER_LINK} most commented"
    return ""


def _entry(entry: Any, lemmy_hosts: frozenset[str]) -> tuple[Found, str]:
    empty = Found("", "", None)
    if not isinstance(entry, dict):
        return empty, "must be an object with platform, url, comments and title"
    unknown = sorted(set(entry) - set(FIELDS))
    if unknown:
        return empty, f"unknown field {unknown[0]}: use {', '.join(FIELDS)}"
    platform, url, comments, title = (entry.get(name) for name in FIELDS)
    if not isinstance(platform, str) or not isinstance(url, str):
        return empty, "platform and url must be text"
    if comments is not None and (isinstance(comments, bool) or not isinstance(comments, int)):
        return empty, "comments must be a whole number of at least 0, or null"
    if title is not None and not isinstance(title, str):
        return empty, "title must be text or null"
    found = Found(platform, url, comments, title)
    return found, entry_problem(found, lemmy_hosts)


def entry_problem(found: Found, lemmy_hosts: frozenset[str]) -> str:
    """Why the file may not hold ``found``, or "" if it may."""
    message = discussion_url_problem(found.platform, found.url, lemmy_hosts)
    if message:
        return message
    if found.comments is not None and not 0 <= found.comments <= MOST_COMMENTS:
        return f"comments must be between 0 and {MOST_COMMENTS:,}, or null"
    title = found.title
    if title is not None:
        character = first_forbidden(title, one_line=True)
        if character:
            return f"title holds {describe(character)}, which a title may not hold: remove it"
        if not title.strip() or len(title) > TITLE_LIMIT:
            return f"title must be 1 to {TITLE_LIMIT} characters long, or null"
    return ""


def _line_of(text: str, value: str, start: int) -> int:
    position = text.find(json.dumps(value, ensure_ascii=False), start)
    return text.count("\n", 0, position) + 1 if position >= 0 else 1


def _entry_line(text: str, link: str, entry: Any, start_line: int) -> int:
    """The line of the entry's url, after its link's key; else the link's own line."""
    url = entry.get("url") if isinstance(entry, dict) else None
    if not isinstance(url, str):
        return start_line
    after = text.find(json.dumps(link, ensure_ascii=False))
    line = _line_of(text, url, max(after, 0))
    return line if line >= start_line else start_line


def elsewhere_json(discussed: Mapping[str, Iterable[Found]]) -> str:
    """The file's text: stable, so a run that found nothing new leaves it byte for byte."""
    links = {
        link: [
            {"platform": f.platform, "url": f.url, "comments": f.comments, "title": f.title}
            for f in sorted(entries, key=lambda f: (f.platform, -(f.comments or 0), f.url))
        ]
        for link, entries in sorted(discussed.items())
        if entries
    }
    return json.dumps({"about": ABOUT, "links": links}, indent=2, ensure_ascii=False) + "\n"


def write_elsewhere(path: Path, discussed: Mapping[str, Iterable[Found]]) -> bool:
    """Replace the file in one step; return whether its content changed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return replace_if_changed(path, elsewhere_json(discussed))
