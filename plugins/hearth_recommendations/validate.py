"""Read content/recommendations.yml into :class:`Recommendation` values, or report
everything wrong with it as ``path:line: field: what to do``."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from hearth_core.dates import check_day
from hearth_core.files import read_text_file
from hearth_core.problems import Problem, ProblemReport
from hearth_core.text import first_forbidden, forbidden_message
from hearth_core.topics import did_you_mean
from hearth_core.weburl import check_web_url
from hearth_core.yamlsource import FileKind, Value, describe, load_yaml
from hearth_recommendations.model import KINDS, Recommendation
from hearth_recommendations.settings import recommendations_path

RECOMMENDATION_FILES = FileKind(
    "recommendations",
    "docs/recommendations.md",
    "each field of a recommendation starts in the same column as url:",
)
FIELDS = ("url", "title", "description", "feed", "why", "kind", "added")
REQUIRED = ("url", "title", "why", "kind", "added")
LIMITS = {"title": 120, "description": 300, "why": 500}
EXAMPLES = {
    "url": "url: https://example.org/",
    "title": "title: The Small Letter",
    "why": "why: The kindest critiques of side projects anywhere",
    "kind": f"kind: newsletter (or {', '.join(KINDS[1:])})",
    "added": "added: 2026-11-30",
}
# Far above any real blogroll; each one is a line in an OPML file and a request to sync.
MOST = 500


def load_recommendations(settings: Mapping[str, Any]) -> tuple[list[Recommendation], list[Problem]]:
    """The site's recommendations; a missing file is none (the feature is off)."""
    path = recommendations_path(settings)
    if not path.exists() and not path.is_symlink():
        return [], []
    text, problems = read_text_file(path, max_bytes=RECOMMENDATION_FILES.max_bytes)
    if text is None:
        return [], problems
    return parse_recommendations(path, text, datetime.date.today())


def parse_recommendations(
    path: Path, text: str, today: datetime.date
) -> tuple[list[Recommendation], list[Problem]]:
    """Every recommendation of ``text``, or none and every problem: a build never shows
    half a list."""
    root, problems = load_yaml(path, text, RECOMMENDATION_FILES)
    report = ProblemReport(path, problems)
    if root is None:
        return [], report.problems
    if root.data is None:
        return [], report.problems
    if not isinstance(root.data, list):
        report.add(
            root.line,
            "",
            f"the file holds {describe(root)}: write a list of recommendations, each "
            'starting with "- url:" (see docs/recommendations.md)',
        )
        return [], report.problems
    if len(root.data) > MOST:
        report.add(root.line, "", f"lists {len(root.data)} sites, over the limit of {MOST}")
        return [], report.problems
    found = [_recommendation(report, item, index, today) for index, item in enumerate(root.data)]
    _duplicates(report, found)
    if report.problems:
        return [], report.problems
    return [r for r in found if r is not None], []


def _recommendation(
    report: ProblemReport, item: Value, index: int, today: datetime.date
) -> Recommendation | None:
    where = f"[{index}]"
    if not isinstance(item.data, dict):
        report.add(
            item.line,
            where,
            f"must be a recommendation with url:, title:, why:, kind: and added: lines, not "
            f"{describe(item)}",
        )
        return None
    before = len(report.problems)
    fields: dict[str, Value] = item.data
    for key, value in fields.items():
        if key not in FIELDS:
            hint = did_you_mean(key, FIELDS)
            report.add(
                value.line,
                f"{where}.{key}",
                f"unknown field{hint}: use one of {', '.join(FIELDS)}, or remove it",
            )
    for key in REQUIRED:
        if key not in fields:
            report.add(item.line, f"{where}.{key}", f"missing: add a line like {EXAMPLES[key]}")
    url = _url(report, fields.get("url"), f"{where}.url")
    feed = _url(report, fields.get("feed"), f"{where}.feed")
    title = _text(report, fields.get("title"), f"{where}.title")
    description = _text(report, fields.get("description"), f"{where}.description")
    why = _text(report, fields.get("why"), f"{where}.why")
    kind = _kind(report, fields.get("kind"), f"{where}.kind")
    added = _added(report, fields.get("added"), f"{where}.added", today)
    if len(report.problems) > before or not (url and title and why and kind and added):
        return None
    return Recommendation(url, title, description or "", why, kind, added, feed, item.line)


def _url(report: ProblemReport, value: Value | None, field: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value.data, str) or not value.data.strip():
        report.add(
            value.line,
            field,
            f"must be a web address like https://example.org/, not {describe(value)}",
        )
        return None
    try:
        return check_web_url(value.data.strip())
    except ValueError as error:
        report.add(value.line, field, str(error))
        return None


def _text(report: ProblemReport, value: Value | None, field: str) -> str | None:
    if value is None:
        return None
    key = field.rsplit(".", 1)[-1]
    if not isinstance(value.data, str) or not value.data.strip():
        shown = "empty" if value.data is None else describe(value)
        report.add(value.line, field, f"must be text, not {shown}: write it after the colon")
        return None
    text = " ".join(value.data.split())
    hidden = first_forbidden(text, one_line=True)
    if hidden is not None:
        report.add(value.line, field, forbidden_message(hidden))
    elif len(text) > LIMITS[key]:
        report.add(
            value.line,
            field,
            f"is {len(text)} characters long, over the limit of {LIMITS[key]}: shorten it",
        )
    else:
        return text
    return None


def _kind(report: ProblemReport, value: Value | None, field: str) -> str | None:
    if value is None:
        return None
    if isinstance(value.data, str) and value.data.strip() in KINDS:
        return value.data.strip()
    shown = repr(value.data) if isinstance(value.data, str) else describe(value)
    hint = did_you_mean(value.data, KINDS) if isinstance(value.data, str) else ""
    report.add(value.line, field, f"{shown} is not a kind{hint}: use one of {', '.join(KINDS)}")
    return None


def _added(
    report: ProblemReport, value: Value | None, field: str, today: datetime.date
) -> datetime.date | None:
    if value is None:
        return None
    day = value.data
    if isinstance(day, datetime.datetime) or not isinstance(day, datetime.date):
        shown = f"YAML reads {value.raw} as {describe(value)}" if value.raw else describe(value)
        report.add(value.line, field, f"must be the day you added it, YYYY-MM-DD, but {shown}")
        return None
    try:
        check_day(day)
    except ValueError as error:
        report.add(value.line, field, str(error))
        return None
    if day > today:
        report.add(
            value.line,
            field,
            f"{day.isoformat()} is in the future: write the day you added the recommendation",
        )
        return None
    return day


def _duplicates(report: ProblemReport, found: list[Recommendation | None]) -> None:
    """A site recommended twice (its address with or without the last slash)."""
    first: dict[str, Recommendation] = {}
    for index, recommendation in enumerate(found):
        if recommendation is None:
            continue
        earlier = first.setdefault(recommendation.url.rstrip("/"), recommendation)
        if earlier is not recommendation:
            report.add(
                recommendation.line,
                f"[{index}].url",
                f"{recommendation.url} is recommended on line {earlier.line} already: keep one",
            )
