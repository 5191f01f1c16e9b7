"""The committed activity file: what the last sync learned, read by every build.

Builds never go online: ``invoke sync-discussions`` writes this file, a person
commits it, and the build reads it. It is JSON with sorted keys and one field
per line, so a sync's commit shows exactly which counts changed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from hearth_core.files import read_text_file, replace_if_changed
from hearth_core.memo import KeptByKey
from hearth_core.problems import Problem, display_path, problem
from hearth_discussions.model import Activity

ABOUT = "Written by `invoke sync-discussions`; the build only reads it. Safe to edit by hand."
FIELDS = ("title", "replies", "last_activity")


# By the file's size and time of change: every build reads it three times, and a
# live preview's builds mostly find it unchanged.
_READ: KeptByKey[tuple[dict[str, Activity], list[Problem]]] = KeptByKey()


def read_activity(path: Path) -> tuple[dict[str, Activity], list[Problem]]:
    """Activity by thread URL; a missing file is no activity, a broken one is a problem."""
    try:
        status = path.stat()
    except FileNotFoundError:
        return {}, []
    version = (status.st_size, status.st_mtime_ns)
    found, problems = _READ.get(path, version, lambda: _read_activity(path))
    return dict(found), list(problems)


def _read_activity(path: Path) -> tuple[dict[str, Activity], list[Problem]]:
    text, unreadable = read_text_file(path)
    if text is None:
        return {}, unreadable
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        return {}, [
            problem(
                path,
                error.lineno,
                "",
                f"invalid JSON: {error.msg}; fix it by hand, or restore it with "
                f"`git checkout {display_path(path)}` and run `invoke sync-discussions`",
            )
        ]
    threads = data.get("threads") if isinstance(data, dict) else None
    if not isinstance(threads, dict):
        return {}, [problem(path, 1, "threads", 'must be an object: {"threads": {URL: {...}}}')]
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
    if title is not None and (not isinstance(title, str) or not title.strip()):
        return Activity(), "title must be text or null"
    if replies is not None and (
        isinstance(replies, bool) or not isinstance(replies, int) or replies < 0
    ):
        return Activity(), "replies must be a whole number of at least 0, or null"
    when = None
    if last is not None:
        when = _timestamp(last)
        if when is None:
            return Activity(), (
                f"last_activity {last!r} must be a time with its offset, "
                "like 2026-01-30T09:15:00+00:00, or null"
            )
    return Activity(title, replies, when), ""


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
