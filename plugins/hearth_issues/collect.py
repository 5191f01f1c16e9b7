"""Validate every issue and page under content/ without building anything."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, tzinfo
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from hearth_core.files import read_text_file
from hearth_core.problems import Problem, problem
from hearth_core.state import build_state
from hearth_core.stored import load_stored, store_later
from hearth_issues.caches import IssueCaches
from hearth_issues.model import Issue
from hearth_issues.pages import Page, parse_page
from hearth_issues.source import (
    KeptParses,
    duplicate_numbers,
    duplicate_slugs,
    kept_parses,
    parse_issue,
    site_zone,
    tag_spellings,
)

T = TypeVar("T")


def load_site_issues(settings: Mapping[str, Any]) -> tuple[list[Issue], list[Problem]]:
    """Every issue in the site's ARTICLE_PATHS, and every problem in them.

    With a CACHE_PATH, the parses of the last command are kept there: `invoke email`
    then reads 700 issues' texts without parsing their headers again.
    """
    caches = build_state(settings).part(IssueCaches)
    stored = Path(settings["CACHE_PATH"], STORED_NAME) if settings.get("CACHE_PATH") else None
    if stored and stored not in caches.stored:
        caches.stored[stored] = load_stored(stored, STORED_NAME, settings) or {}
        for path, parse in caches.stored[stored].items():
            caches.parsed.setdefault(path, parse)
    issues: list[Issue] = []
    problems: list[Problem] = []
    for folder in settings["ARTICLE_PATHS"]:
        folder_path, zone = Path(settings["PATH"], folder), site_zone(settings)
        found, folder_problems = load_issues(folder_path, zone, caches.parsed)
        issues += found
        problems += folder_problems
    if stored:
        parses = kept_parses(issues, caches.parsed)
        if parses != caches.stored[stored]:
            caches.stored[stored] = parses
            store_later(settings, stored, STORED_NAME, parses)
    return issues, problems


STORED_NAME = "hearth-issues.pickle"


def source_files(directory: Path) -> Iterator[Path]:
    """Files an author put in ``directory``, without editor and OS litter."""
    for path in sorted(directory.rglob("*")):
        # Not is_file(): that follows links and skips a FIFO in silence; reading
        # refuses both, by name (hearth_core.files.read_text_file).
        if (
            not path.is_dir()
            and not path.name.startswith((".", "#", "_"))
            and not path.name.endswith("~")
        ):
            yield path


def _load(
    directory: Path, parse: Callable[[Path, str], tuple[T | None, list[Problem]]], what: str
) -> tuple[list[T], list[Problem]]:
    items: list[T] = []
    problems: list[Problem] = []
    for path in source_files(directory):
        if path.suffix != ".md":
            problems.append(
                problem(
                    path,
                    1,
                    "",
                    f"only Markdown files ending in .md are read as {what}: "
                    f"rename it, or move it out of {directory.name}/",
                )
            )
            continue
        text, unreadable = read_text_file(path)
        if text is None:
            problems += unreadable
            continue
        item, file_problems = parse(path, text)
        problems += file_problems
        if item is not None:
            items.append(item)
    return items, problems


def load_issues(
    directory: Path, zone: tzinfo = UTC, kept: KeptParses | None = None
) -> tuple[list[Issue], list[Problem]]:
    """The issues in ``directory``; a date with an offset is read as ``zone``'s local time.
    ``kept``: earlier parses to use again (``hearth_issues.caches``)."""
    parse = partial(parse_issue, zone=zone, kept={} if kept is None else kept)
    issues, problems = _load(directory, parse, "issues")
    crossed = duplicate_numbers(issues) + duplicate_slugs(issues) + tag_spellings(issues)
    return issues, problems + crossed


def load_pages(directory: Path) -> tuple[list[Page], list[Problem]]:
    return _load(directory, parse_page, "pages")
