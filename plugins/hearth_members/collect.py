"""Validate every member file in content/members/ and the links across them."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path

from hearth_core.files import authored_files, read_text_file
from hearth_core.problems import Problem, problem
from hearth_core.yamlsource import MEMBER_FILES
from hearth_members.duplicates import Featured, duplicate_links
from hearth_members.model import Member
from hearth_members.validate import parse_member


def load_members(
    directory: Path,
    vocabulary: Collection[str],
    today: datetime.date,
    featured: Iterable[Featured] = (),
    issue_dates: Mapping[Path, datetime.date] | None = None,
    parsed: dict[Path, tuple[tuple, tuple[Member | None, list[Problem]]]] | None = None,
) -> tuple[list[Member], list[Problem]]:
    """Every valid member, and every problem: in one file or between files and issues.
    ``parsed``: earlier parses to use again (``hearth_members.caches``)."""
    parsed = {} if parsed is None else parsed
    members: list[Member] = []
    problems: list[Problem] = []
    for path in authored_files(directory):
        if path.is_dir() or path.suffix != ".yml":
            problems.append(problem(path, 1, "", _not_a_member_file(path, directory)))
            continue
        text, unreadable = read_text_file(path, max_bytes=MEMBER_FILES.max_bytes)
        if text is None:
            problems += unreadable
            continue
        member, file_problems = _parse_once(path, text, tuple(vocabulary), today, parsed)
        problems += file_problems
        if member is not None:
            members.append(member)
    return members, problems + duplicate_links(members, featured, issue_dates)


def _parse_once(
    path: Path,
    text: str,
    vocabulary: tuple[str, ...],
    today: datetime.date,
    parsed: dict[Path, tuple[tuple, tuple[Member | None, list[Problem]]]],
) -> tuple[Member | None, list[Problem]]:
    """Each unchanged file parsed once: ``parsed`` is the build state's (one build reads
    the members twice, the check then the site, and a live preview on every change).
    Members and problems are immutable, so sharing them is safe."""
    key = (hashlib.blake2b(text.encode(), digest_size=16).digest(), vocabulary, today)
    cached = parsed.get(path)
    if cached is None or cached[0] != key:
        cached = parsed[path] = (key, parse_member(path, text, vocabulary, today))
    member, problems = cached[1]
    return member, list(problems)


def _not_a_member_file(path: Path, directory: Path) -> str:
    if path.suffix == ".yaml":
        return f"member files end in .yml: rename it to {path.stem}.yml"
    what = "folders" if path.is_dir() else "files"
    return (
        f"only <handle>.yml files are read as members, not other {what}: "
        f"move it out of {directory.name}/"
    )
