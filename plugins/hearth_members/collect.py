"""Validate every member file in content/members/ and the links across them."""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path

from hearth_core.files import authored_files, read_text_file
from hearth_core.problems import Problem, problem
from hearth_members.duplicates import Featured, duplicate_links
from hearth_members.model import Member
from hearth_members.validate import parse_member


def load_members(
    directory: Path,
    vocabulary: Collection[str],
    today: datetime.date,
    featured: Iterable[Featured] = (),
    issue_dates: Mapping[Path, datetime.date] | None = None,
) -> tuple[list[Member], list[Problem]]:
    """Every valid member, and every problem: in one file or between files and issues."""
    members: list[Member] = []
    problems: list[Problem] = []
    for path in authored_files(directory):
        if path.is_dir() or path.suffix != ".yml":
            problems.append(problem(path, 1, "", _not_a_member_file(path, directory)))
            continue
        text, unreadable = read_text_file(path)
        if text is None:
            problems += unreadable
            continue
        member, file_problems = parse_member(path, text, vocabulary, today)
        problems += file_problems
        if member is not None:
            members.append(member)
    return members, problems + duplicate_links(members, featured, issue_dates)


def _not_a_member_file(path: Path, directory: Path) -> str:
    if path.suffix == ".yaml":
        return f"member files end in .yml: rename it to {path.stem}.yml"
    what = "folders" if path.is_dir() else "files"
    return (
        f"only <handle>.yml files are read as members, not other {what}: "
        f"move it out of {directory.name}/"
    )
