"""The committed activity file: what the last sync learned, read by every build.

Builds never go online: ``invoke sync-discussions`` writes this file, a person
commits it, and the build reads it. It is JSON with sorted keys and one field
per line, so a sync's commit shows exactly which counts changed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hearth_core.files import read_json_object, replace_if_changed
from hearth_core.memo import KeptByKey
from hearth_core.problems import Problem, problem
from hearth_core.text import describe, first_forbidden
from hearth_discussions.model import Activity

ABOUT = "Written by `invoke sync-discussions`; the build only reads it. Safe to edit by hand."
FIELDS = ("title", "replies", "last_activity")
# What an entry may hold, whoever wrote it: sync checks what it fetched against the
# same rule (entry_problem) before writing, so it never writes what a build refuses.
TITLE_LIMIT = 200
MOST_REPLIES = 1_000_000_000
EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)


def read_activity(
    path: Path, kept: KeptByKey[tuple[dict[str, Activity], list[Problem]]] | None = None
) -> tuple[dict[str, Activity], list[Problem]]:
    """Activity by thread URL; a missing file is no activity, a broken one is a problem.
    ``kept``: the last reads, used while the file's size and time of change are the same."""
    try:
        status = path.stat()
    except FileNotFoundError:
        return {}, []
    version = (status.st_size, status.st_mtime_ns)
    kept = KeptByKey() if kept is None else kept
    found, problems = kept.get(path, version, lambda: _read_activity(path))
    return dict(found), list(problems)


def _read_activity(path: Path) -> tuple[dict[str, Activity], list[Problem]]:
    text, threads, unreadable = read_json_object(
        path, "threads", '{"threads": {URL: {...}}}', then="invoke sync-discussions"
    )
    if threads is None:
        return {}, unreadable
    found: dict[str, Activity] = {}
    problems: list[Problem] = []
    for url, entry in threads.items():
        activity, message = _activity(entry)
        if message:
            problems.append(problem(path, _line_of(text, url), f"threads[{url!r}]", message))
        else:
            found[url] = activity
    return found, problems


def _activity(entry: Any) -> tuple[Activity, str]:
    if not isinstance(entry, dict):
        return Activity(), "must be an object with title, replies and last_activity"
    unknown = sorted(set(entry) - set(FIELDS))
    if unknown:
        return Activity(), f"unknown field {unknown[0]}: use {', '.join(FIELDS)}"
    title, replies, last = (entry.get(name) for name in FIELDS)
    if title is not None and not isinstance(title, str):
        return Activity(), "title must be text or null"
    if replies is not None and (isinstance(replies, bool) or not isinstance(replies, int)):
        return Activity(), REPLIES_RULE
    when = None
    if last is not None:
        when = _timestamp(last)
        if when is None:
            return Activity(), (
                f"last_activity {last!r} must be a time with its offset, "
                "like 2026-01-30T09:15:00+00:00, or null"
            )
    activity = Activity(title, replies, when)
    return activity, entry_problem(activity)


REPLIES_RULE = "replies must be a whole number of at least 0, or null"


def entry_problem(activity: Activity) -> str:
    """Why the activity file may not hold ``activity``, or "" if it may."""
    title, replies, when = activity.title, activity.replies, activity.last_activity
    if title is not None:
        if not title.strip():
            return "title must be text or null"
        found = first_forbidden(title, one_line=True)
        if found:
            return f"title holds {describe(found)}, which a title may not hold: remove it"
        if len(title) > TITLE_LIMIT:
            return f"title is {len(title)} characters long: shorten it to {TITLE_LIMIT} at most"
    if replies is not None and replies < 0:
        return REPLIES_RULE
    if replies is not None and replies > MOST_REPLIES:
        return f"replies must be at most {MOST_REPLIES:,}"
    if when is not None and not in_range(when):
        return (
            f"last_activity {when.isoformat()} must be between "
            f"{EARLIEST.date().isoformat()} and {LATEST.date().isoformat()}"
        )
    return ""


def in_range(when: datetime) -> bool:
    """Whether ``when`` is a time a discussion can have had activity (one with an offset)."""
    try:
        return EARLIEST <= when.astimezone(UTC) < LATEST
    except (OverflowError, ValueError):  # year 1 at +01:00 is before year 1 in UTC
        return False


def _timestamp(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None
    return when if when.tzinfo else None


def _line_of(text: str, url: str) -> int:
    """The line where ``url`` is a key, so a problem points at the right entry."""
    position = text.find(json.dumps(url, ensure_ascii=False))
    return text.count("\n", 0, position) + 1 if position >= 0 else 1


def activity_json(activity: Mapping[str, Activity]) -> str:
    """The file's text: stable, so an unchanged sync leaves it byte for byte the same."""
    threads = {
        url: {
            "title": entry.title,
            "replies": entry.replies,
            "last_activity": entry.last_activity.isoformat() if entry.last_activity else None,
        }
        for url, entry in sorted(activity.items())
    }
    return json.dumps({"about": ABOUT, "threads": threads}, indent=2, ensure_ascii=False) + "\n"


def write_activity(path: Path, activity: Mapping[str, Activity]) -> bool:
    """Replace the file in one step; return whether its content changed."""
    return replace_if_changed(path, activity_json(activity))
