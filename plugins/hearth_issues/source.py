"""Read one issue file into an :class:`Issue`, or report everything wrong with it."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from hearth_core.dates import check_day
from hearth_core.files import read_text_file
from hearth_core.headers import (
    FieldSpec,
    SourceDocument,
    comma_list,
    forbidden_in_body,
    required_text,
    split_header,
    stray_header_lines,
    too_deep_in_body,
    validate_fields,
)
from hearth_core.platforms import recognise
from hearth_core.problems import ContentError, Problem, problem
from hearth_core.topics import topic_slug
from hearth_core.weburl import check_web_url
from hearth_issues.model import Issue

FILE_NAME = re.compile(r"^(?P<number>\d{4})-(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)\.md$")


def parse_date(value: str) -> datetime:
    """``YYYY-MM-DD``, ``YYYY-MM-DD HH:MM`` or full ISO 8601 with an offset."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(
            f"cannot read {value!r} as a date: write YYYY-MM-DD or YYYY-MM-DD HH:MM"
        ) from None
    check_day(moment.date())
    return moment


def parse_status(value: str) -> str:
    status = value.strip().lower()
    if status not in ("draft", "published"):
        raise ValueError(f"{value!r} is not a status: write draft or published")
    return status


def parse_discussion(value: str) -> str:
    """A thread's address, as the chat's share menu gives it (``#`` kept in a fragment)."""
    thread = recognise(value)  # "copy the thread's full https:// address" for any other
    check_web_url(value, hash_in_fragment=True)
    return thread.url


def optional_text(value: str) -> str:
    """A single-line text value; ``Summary:`` with nothing after it is no summary."""
    return value


def parse_tags(value: str) -> tuple[str, ...]:
    """Topics, each with a letter or digit for the address of its page (topics/<slug>/).
    ``Tags:`` with nothing after it (as `invoke new-issue` writes it) is no topic."""
    if not value:
        return ()
    tags = comma_list(value)
    for tag in tags:
        if not topic_slug(tag):
            raise ValueError(
                f"the topic {tag!r} has no letter or digit to make its page's address from: "
                "name it with words"
            )
    return tags


def parse_community(value: str) -> tuple[str, ...]:
    """``none`` (no community section) or the member links to feature, by URL."""
    if value.strip().lower() == "none":
        return ()
    return tuple(check_web_url(url) for url in comma_list(value))


ISSUE_FIELDS = {
    spec.name.lower(): spec
    for spec in (
        FieldSpec("Title", required=True, parse=required_text),
        FieldSpec("Date", required=True, parse=parse_date),
        FieldSpec("Summary", parse=optional_text, max_length=1000),
        FieldSpec("Tags", parse=parse_tags),
        FieldSpec("Discussion", parse=parse_discussion),
        FieldSpec("Status", parse=parse_status),
        FieldSpec("Community", parse=parse_community, max_length=200_000),
    )
}


def site_zone(settings: Mapping[str, Any]) -> tzinfo:
    """The zone of the site's local time (Pelican's TIMEZONE), in which issues are dated."""
    return ZoneInfo(settings.get("TIMEZONE") or "UTC")


def site_today(settings: Mapping[str, Any]) -> date:
    """Today in the site's zone: the day a new issue is dated, whatever the machine's zone."""
    return datetime.now(site_zone(settings)).date()


def issue_file_name(number: int, slug: str) -> str:
    return f"{number:04d}-{slug}.md"


def read_issue(path: Path, zone: tzinfo = UTC, kept: KeptParses | None = None) -> Issue:
    """Read and validate one issue file; raise :class:`ContentError` listing all problems."""
    text, problems = read_text_file(path)
    issue, problems = parse_issue(path, text, zone, kept) if text is not None else (None, problems)
    if problems or issue is None:
        raise ContentError(problems)
    return issue


# A parse as kept: the text around the body, and the Issue, which holds the body:
# the same text again is found without a second copy of every issue in memory.
StoredParse = tuple[str, str, Issue]
# The last valid parse of each file, in the build state (``hearth_issues.caches``):
# a build reads every issue twice (the check, then Pelican's reader) and a live
# preview's next build finds all but the edited one unchanged. The same text gives
# the very same Issue, so later steps that compare issues find them equal at once.
KeptParses = dict[Path, StoredParse]


def parse_issue(
    path: Path, text: str, zone: tzinfo = UTC, kept: KeptParses | None = None
) -> tuple[Issue | None, list[Problem]]:
    """Parse one issue; a date written with an offset is read as ``zone``'s local time.
    ``kept``: the parses of earlier reads, used while a file's text is the same."""
    issue, problems = _parse_kept(path, text, {} if kept is None else kept)
    return (_in_zone(issue, zone) if issue else None), problems


def _in_zone(issue: Issue, zone: tzinfo) -> Issue:
    """The issue with its date as the site's local time, as every other date is.

    ``Date: 2025-10-10 08:00 +0200`` is the same moment as 07:00 in London; a naive
    date beside an aware one would stop every comparison of dates in the build.
    """
    if issue.date.tzinfo is None:
        return issue
    return replace(issue, date=issue.date.astimezone(zone).replace(tzinfo=None))


def _parse_kept(path: Path, text: str, kept: KeptParses) -> tuple[Issue | None, list[Problem]]:
    last = kept.get(path)
    if last and _is_text_of(last, text):
        return last[2], []
    issue, problems = _parse_issue(path, text)
    if issue is not None:
        start = text.rfind(issue.body)
        if start >= 0:  # else (a file with \r\n line ends) parsed again each time
            kept[path] = (text[:start], text[start + len(issue.body) :], issue)
    return issue, problems


def _is_text_of(kept: StoredParse, text: str) -> bool:
    before, after, issue = kept
    return (
        len(text) == len(before) + len(issue.body) + len(after)
        and text.startswith(before)
        and text.endswith(after)
        and text.startswith(issue.body, len(before))
    )


def kept_parses(issues: Iterable[Issue], kept: KeptParses) -> KeptParses:
    """The kept parses of ``issues``, to store for the next command (``hearth_issues.collect``)."""
    found = ((issue, kept.get(issue.source)) for issue in issues)
    return {issue.source: parse for issue, parse in found if parse and parse[2] == issue}


def _parse_issue(path: Path, text: str) -> tuple[Issue | None, list[Problem]]:
    doc, problems = split_header(path, text)
    values, field_problems = validate_fields(doc, ISSUE_FIELDS)
    problems += field_problems + stray_header_lines(doc, set(ISSUE_FIELDS))
    problems += forbidden_in_body(doc) + too_deep_in_body(doc)
    name = FILE_NAME.match(path.name)
    if not name or int(name["number"]) == 0:
        problems.append(
            problem(
                path,
                1,
                "",
                "file name must be NNNN-slug.md: the issue number in four digits from 0001, "
                "then a lowercase slug with hyphens, for example 0012-spring-cleaning.md",
            )
        )
    if problems or not name:
        return None, problems
    return _issue(doc, values, int(name["number"]), name["slug"]), []


# `invoke new-issue` starts the body with a note listing the topics in use (a header
# has no comments). It is for the author only: the reader drops it, so no page, feed
# or email shows it, even when the author leaves it in.
TOPICS_NOTE_START = "<!-- Topics in use:"
_TOPICS_NOTE = re.compile(r"\A\s*" + re.escape(TOPICS_NOTE_START) + r".*?-->[ \t]*\n*", re.DOTALL)


def without_topics_note(body: str) -> tuple[str, int]:
    """``body`` without new-issue's note on topics, and how many lines it took."""
    note = _TOPICS_NOTE.match(body)
    if not note:
        return body, 0
    return body[note.end() :], body.count("\n", 0, note.end())


def _issue(doc: SourceDocument, values: dict, number: int, slug: str) -> Issue:
    body, note_lines = without_topics_note(doc.body)
    return Issue(
        number=number,
        slug=slug,
        title=values["title"],
        date=values["date"],
        summary=values.get("summary", ""),
        tags=values.get("tags", ()),
        discussion=values.get("discussion"),
        status=values.get("status", "published"),
        community=values.get("community"),
        body=body,
        source=doc.path,
        body_line=doc.body_line + note_lines,
    )


def _published_first(issue: Issue) -> tuple[bool, str]:
    """The order in which issues claim numbers, names and topic spellings: a draft
    that clashes with a published issue is the one told to change, and left out of
    the build until it does (``hearth_site.check``), never the published issue."""
    return issue.is_draft, issue.source.name


def tag_spellings(issues: list[Issue]) -> list[Problem]:
    """One topic, one spelling: "Zines" and "zines" would share one page's address."""
    first_by_slug: dict[str, tuple[str, Issue]] = {}
    problems = []
    for issue in sorted(issues, key=_published_first):
        for tag in issue.tags:
            first, where = first_by_slug.setdefault(topic_slug(tag), (tag, issue))
            if first != tag:
                problems.append(
                    problem(
                        issue.source,
                        1,
                        "Tags",
                        f"{tag!r} is the topic {first!r} of {where.source.name} written "
                        f"another way: write it {first!r}",
                    )
                )
    return problems


def duplicate_slugs(issues: list[Issue]) -> list[Problem]:
    """Pelican refuses two issues with one slug, though their numbers differ."""
    first_by_slug: dict[str, Issue] = {}
    problems = []
    for issue in sorted(issues, key=_published_first):
        first = first_by_slug.setdefault(issue.slug, issue)
        if first is not issue:
            problems.append(
                problem(
                    issue.source,
                    1,
                    "",
                    f"the name after the number, {issue.slug}, is already used by "
                    f"{first.source.name}: give this issue another, like "
                    f"{issue_file_name(issue.number, f'{issue.slug}-{issue.number}')}",
                )
            )
    return problems


def duplicate_numbers(issues: list[Issue]) -> list[Problem]:
    """Two files with one issue number would fight over one URL and one email."""
    first_by_number: dict[int, Issue] = {}
    problems = []
    next_free = max((issue.number for issue in issues), default=0) + 1
    for issue in sorted(issues, key=_published_first):
        first = first_by_number.setdefault(issue.number, issue)
        if first is not issue:
            problems.append(
                problem(
                    issue.source,
                    1,
                    "",
                    f"issue number {issue.number} is already used by {first.source.name}: "
                    f"rename this file to {issue_file_name(next_free, issue.slug)}",
                )
            )
            next_free += 1
    return problems
