"""The committed state file, content/announce.json: which threads each issue has.

It is the first thing `invoke announce` reads, so a thread recorded here is never
opened again. It is written after each thread opens, in one step (a temporary file
renamed over it), so a crash leaves the last good file. A crash between a thread
opening and this write loses the record but not the guarantee: before opening a
thread the task looks for it on the platform (see clients.py).
A file that cannot be read stops the task before any request and is never overwritten.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from hearth_announce.errors import AnnounceError
from hearth_core.files import read_text_file, replace_if_changed
from hearth_core.problems import display_path
from hearth_core.weburl import check_web_url

STATE_FILE = "announce.json"
ABOUT = (
    "Written by `invoke announce`: the threads it opened for each issue. Commit it: it is "
    "how Hearth knows a thread was already opened."
)
NAME = re.compile(r"[a-z][a-z0-9-]{0,30}")

# issue number -> target name -> thread address
Threads = dict[int, dict[str, str]]


def state_path(settings: Mapping[str, Any]) -> Path:
    return Path(settings["PATH"], STATE_FILE)


def read_state(path: Path) -> Threads:
    """Threads by issue and target; a missing file is none, a broken one raises."""
    if not path.exists():
        return {}
    text, unreadable = read_text_file(path)
    if text is None:
        raise AnnounceError(str(unreadable[0]))
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise _broken(path, "it is not valid JSON") from None
    issues = data.get("issues") if isinstance(data, dict) else None
    if not isinstance(issues, dict):
        raise _broken(
            path, 'it must be an object like {"issues": {"3": {"mastodon": "https://…"}}}'
        )
    threads: Threads = {}
    for key, entry in issues.items():
        if not key.isascii() or not key.isdigit() or int(key) == 0:
            raise _broken(path, f"issues: {key[:20]!r} is not an issue number")
        if not isinstance(entry, dict) or not all(_valid(n, u) for n, u in entry.items()):
            raise _broken(path, f'issues["{key}"] must map target names to thread addresses')
        threads[int(key)] = dict(entry)
    return threads


def write_state(path: Path, threads: Threads) -> None:
    """Replace the file in one step; the same threads always give the same bytes."""
    issues = {str(n): dict(sorted(threads[n].items())) for n in sorted(threads) if threads[n]}
    text = json.dumps({"about": ABOUT, "issues": issues}, indent=2, ensure_ascii=False)
    replace_if_changed(path, text + "\n")


def _valid(name: Any, url: Any) -> bool:
    if not isinstance(name, str) or not NAME.fullmatch(name) or not isinstance(url, str):
        return False
    try:
        check_web_url(url)
    except ValueError:
        return False
    return url.startswith("https://")


def _broken(path: Path, problem: str) -> AnnounceError:
    shown = display_path(path)
    return AnnounceError(
        f"{shown}: {problem}. Fix it by hand, or restore it with `git checkout {shown}`; "
        "nothing was announced and the file was not changed"
    )
