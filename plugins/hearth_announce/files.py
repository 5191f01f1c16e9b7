"""What an opened thread leaves in the content: its thread file, and the issue's header.

Both are written in one step (a temporary file renamed into place). The issue file
changes by one line only: its ``Discussion:`` header, and only when it is empty.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from hearth_core.files import write_atomically

THREADS_FOLDER = "discussions"
DISCUSSION_LINE = re.compile(
    rb"^discussion[ \t]*:[ \t]*(?P<value>[^\r\n]*?)[ \t]*(?P<end>\r\n|\n|\r|)", re.I
)


def thread_file(content: Path, number: int, target_name: str) -> Path:
    return content / THREADS_FOLDER / f"issue-{number}-{target_name}.yml"


def thread_text(title: str, url: str, started: date, number: int, label: str) -> str:
    """A thread file as content/discussions/_template.yml describes it."""
    # JSON's double-quoted strings are YAML's too: any title is read back as written.
    return (
        f"# Written by `invoke announce`: issue {number}'s thread on {label}.\n"
        f"title: {json.dumps(title, ensure_ascii=False)}\n"
        f"url: {json.dumps(url)}\n"
        f"started: {started.isoformat()}\n"
        f"issue: {number}\n"
    )


def write_thread_file(path: Path, text: str) -> bool:
    """Write it unless it is there; a file someone edited is kept as it is."""
    if path.exists():
        return False
    write_atomically(path, text.encode("utf-8"))
    return True


def set_empty_discussion(issue_file: Path, url: str) -> bool:
    """Set the issue's ``Discussion:`` header to ``url`` if it is empty or missing; every
    other byte of the file stays. Return whether the file changed."""
    data = issue_file.read_bytes()
    lines = data.splitlines(keepends=True)
    header_end = 0
    for index, line in enumerate(lines):
        if not line.strip():
            break
        found = DISCUSSION_LINE.fullmatch(line)
        if found:
            if found.group("value").strip():
                return False
            before = line[: found.start("value")]
            if not before.endswith((b" ", b"\t")):
                before += b" "
            lines[index] = before + url.encode() + found.group("end")
            write_atomically(issue_file, b"".join(lines))
            return True
        header_end = index + 1
    last = lines[header_end - 1] if header_end else b""
    ending = last[len(last.rstrip(b"\r\n")) :] or b"\n"
    if header_end and not last.endswith((b"\n", b"\r")):
        lines[header_end - 1] = last + ending
    lines.insert(header_end, b"Discussion: " + url.encode() + ending)
    write_atomically(issue_file, b"".join(lines))
    return True
