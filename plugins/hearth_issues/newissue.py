"""Start the next issue: the right number, today's date, a header ready to fill."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from hearth_issues.source import FILE_NAME, TOPICS_NOTE_START, issue_file_name


def slugify(title: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return slug or "untitled"


def next_number(issues_dir: Path) -> int:
    """One more than the highest number in use; unreadable files do not matter here."""
    numbers = [int(m["number"]) for p in issues_dir.glob("*.md") if (m := FILE_NAME.match(p.name))]
    return max(numbers, default=0) + 1


def issue_text(
    title: str, today: date, community: Sequence[str] = (), topics: Sequence[str] = ()
) -> str:
    # Pending member links go in the header, one per continuation line, so the
    # author sees them and can strike the ones this issue should not feature.
    links = ",\n    ".join(community)
    return (
        f"Title: {title}\n"
        f"Date: {today.isoformat()}\n"
        "Status: draft\n"
        "Summary:\n"
        "Tags:\n" + (f"Community: {links}\n" if community else "") + "\n"
        f"{topics_note(topics)}\n\n"
        "Hello again,\n\n"
        "## This week\n\n"
        "Write here.\n"
    )


def topics_note(topics: Sequence[str]) -> str:
    """The note on topics in use, at the top of the body: a header has no comments, and
    the reader drops this note (``without_topics_note``), so no page or email shows it."""
    listed = ", ".join(topics) if topics else "none yet"
    return (
        f"{TOPICS_NOTE_START} {listed}. Pick some for the Tags: line above, "
        "separated by commas; this note never appears on the site or in email. -->"
    )


def create_issue(
    issues_dir: Path,
    title: str,
    today: date,
    community: Sequence[str] = (),
    topics: Sequence[str] = (),
) -> Path:
    """Write the new issue file and return its path; never overwrite one."""
    number = next_number(issues_dir)
    path = issues_dir / issue_file_name(number, slugify(title))
    issues_dir.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as handle:
        handle.write(issue_text(title, today, community, topics))
    return path
