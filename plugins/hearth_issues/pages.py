"""Standalone pages (about, code of conduct ...): a smaller header than issues."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from hearth_core.files import read_text_file
from hearth_core.headers import (
    FieldSpec,
    forbidden_in_body,
    required_text,
    split_header,
    stray_header_lines,
    too_deep_in_body,
    validate_fields,
)
from hearth_core.problems import ContentError, Problem, problem

PAGE_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\.md$")


def parse_page_status(value: str) -> str:
    status = value.strip().lower()
    if status not in ("published", "hidden", "draft"):
        raise ValueError(f"{value!r} is not a page status: write published, hidden or draft")
    return status


PAGE_FIELDS = {
    spec.name.lower(): spec
    for spec in (
        FieldSpec("Title", required=True, parse=required_text),
        FieldSpec("Summary", parse=required_text, max_length=1000),
        FieldSpec("Status", parse=parse_page_status),
    )
}


@dataclass(frozen=True)
class Page:
    slug: str
    title: str
    summary: str
    status: str
    body: str
    source: Path
    # The line of the file where the body starts, for problems found in it.
    body_line: int = 1


def read_page(path: Path) -> Page:
    text, problems = read_text_file(path)
    page, problems = parse_page(path, text) if text is not None else (None, problems)
    if problems or page is None:
        raise ContentError(problems)
    return page


def parse_page(path: Path, text: str) -> tuple[Page | None, list[Problem]]:
    doc, problems = split_header(path, text)
    values, field_problems = validate_fields(doc, PAGE_FIELDS)
    problems += field_problems + stray_header_lines(doc, set(PAGE_FIELDS))
    problems += forbidden_in_body(doc) + too_deep_in_body(doc)
    if not PAGE_NAME.match(path.name):
        problems.append(
            problem(
                path,
                1,
                "",
                "page file names become URLs: use lowercase letters, digits and hyphens "
                "ending in .md, for example code-of-conduct.md",
            )
        )
    if problems:
        return None, problems
    page = Page(
        slug=path.stem,
        title=values["title"],
        summary=values.get("summary", ""),
        status=values.get("status", "published"),
        body=doc.body,
        source=path,
        body_line=doc.body_line,
    )
    return page, []
