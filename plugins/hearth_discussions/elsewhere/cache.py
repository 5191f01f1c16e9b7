"""When each platform was last asked about each link: what lets a run resume.

Kept in the build's cache folder, not committed. A cache that cannot be read is
started afresh (its loss costs requests, never data): the answers themselves are
in the committed file.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from hearth_core.files import write_atomically
from hearth_core.json_limits import JsonRefused, loads_bounded

NAME = "elsewhere-asked.json"
MOST_BYTES = 16 * 1024 * 1024

Asked = dict[str, datetime]


def query_key(source_key: str, link: str) -> str:
    return f"{source_key} {link}"


def read_asked(path: Path) -> Asked:
    try:
        data = path.read_bytes() if path.is_file() and path.stat().st_size < MOST_BYTES else b""
        asked = loads_bounded(data).get("asked", {}) if data else {}
    except (OSError, JsonRefused, AttributeError):
        return {}
    found: Asked = {}
    for key, when in asked.items() if isinstance(asked, dict) else ():
        try:
            moment = datetime.fromisoformat(when)
            if moment.tzinfo is not None:
                found[key] = moment.astimezone(UTC)
        except (TypeError, ValueError, OverflowError):  # year 1 east of UTC: asked again
            continue
    return found


def write_asked(path: Path, asked: Asked) -> None:
    data = {"asked": {key: when.isoformat() for key, when in sorted(asked.items())}}
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, (json.dumps(data, indent=1) + "\n").encode("utf-8"))
