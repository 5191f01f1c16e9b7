"""``invoke import-buttondown``: a Buttondown archive's sent emails as numbered issues.

An email already in ``content/issues/`` (same number, subject or slug, or recorded
in the state file) is skipped, so importing twice changes nothing. Each imported
issue is recorded in the state file as sent, so ``invoke send`` never sends it.
The whole archive is read and checked before the first file is written, and each
file is written in one step.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from hearth_buttondown.client import API_URL, ButtondownClient
from hearth_buttondown.errors import ButtondownError
from hearth_buttondown.identity import METADATA_KEY
from hearth_buttondown.state import (
    check_records,
    read_state,
    record_of,
    state_path,
    write_state,
)
from hearth_core.files import write_atomically
from hearth_core.headers import KEY_LINE
from hearth_core.problems import ContentError, display_path
from hearth_issues.collect import load_issues
from hearth_issues.model import Issue
from hearth_issues.newissue import slugify
from hearth_issues.source import issue_file_name

ARCHIVE_STATUSES = ("sent", "imported")
EDITOR_MODE = re.compile(r"\A\s*<!--\s*buttondown-editor-mode:\s*\w+\s*-->[ \t]*\n?")
# HTML that says nothing Markdown cannot: bare paragraphs of text without markup characters.
TRIVIAL_HTML = re.compile(r"(?:\s*<p>[^<>&*_`#\[\]\\|~]*</p>)+\s*")


@dataclass(frozen=True)
class Planned:
    """One sent email and the issue file it becomes."""

    email: dict[str, Any]
    number: int
    path: Path


def import_archive(
    client: ButtondownClient, settings: Mapping[str, Any], *, out: TextIO | None = None
) -> list[Path]:
    """Write every sent email not yet in the issues folder; return the files written."""
    out = client.redact.stream(out or sys.stdout)
    issues_dir = Path(settings["PATH"], settings["ARTICLE_PATHS"][0])
    state_file = state_path(settings)
    records = read_state(state_file)
    issues, problems = load_issues(issues_dir)
    if problems:
        raise ContentError(problems)
    known = {record.id for record in records.values()}
    archive = list(_archive(client))
    emails = [email for email in archive if email.get("id") not in known]
    plan, skipped = plan_import(emails, issues, issues_dir)
    zone = ZoneInfo(settings.get("TIMEZONE") or "UTC")
    for planned in plan:
        records[planned.number] = record_of(planned.email, "imported")
    # Before the first issue file: an import either records what it writes, or writes nothing.
    check_records(state_file, records)
    for planned in plan:
        _write_new(planned.path, client.redact(issue_text(planned.email, zone)))
    print("\n".join(_report(plan, skipped, len(archive))), file=out)
    if plan and write_state(state_file, records, client.redact):
        print(f"Recorded them in {display_path(state_file)}.", file=out)
    if plan:
        print("Run `invoke check`, then commit the new issues and the state file.", file=out)
    return [planned.path for planned in plan]


def dry_run_lines(api_url: str, issues_dir: Path) -> list[str]:
    query = "&".join(f"status={status}" for status in ARCHIVE_STATUSES)
    return [
        f"Dry run: no request made, nothing written. Buttondown API: {api_url or API_URL}",
        f"  GET /emails?{query}&ordering=publish_date  (then each next page)",
        f"A real run writes each email not yet in {display_path(issues_dir)}/ as NNNN-slug.md "
        "and records it in the state file.",
    ]


def plan_import(
    emails: Sequence[Mapping[str, Any]], issues: Sequence[Issue], issues_dir: Path
) -> tuple[list[Planned], list[dict[str, Any]]]:
    """Which emails become which files, oldest first; and the emails already present."""
    taken = {issue.number for issue in issues}
    titles = {issue.title.strip().casefold() for issue in issues}
    slugs = {issue.slug for issue in issues} | {f"{i.number}-{i.slug}" for i in issues}
    plan: list[Planned] = []
    skipped: list[dict[str, Any]] = []
    for email in sorted(emails, key=_sent_at):
        if _present(email, taken, titles, slugs):
            skipped.append(dict(email))
            continue
        number = _number(email, taken)
        taken.add(number)
        titles.add(_title(email, number).casefold())
        path = issues_dir / issue_file_name(number, _slug(email, number))
        plan.append(Planned(dict(email), number, path))
    return plan, skipped


def issue_text(email: Mapping[str, Any], zone: ZoneInfo) -> str:
    """The issue file: Hearth's header, then the body as Buttondown holds it."""
    number = _claimed_number(email) or 0
    header = [f"Title: {_title(email, number)}", f"Date: {_local(_sent_at(email), zone)}"]
    description = " ".join(str(email.get("description") or "").split())
    if description:
        header.append(f"Summary: {description}")
    # It was sent without a community section; the archive shows it as it was sent.
    header.append("Community: none")
    return "\n".join(header) + "\n\n" + issue_body(str(email.get("body") or "")) + "\n"


def issue_body(body: str) -> str:
    """The body without Buttondown's editor-mode line; simple HTML as Markdown, other HTML
    kept as it is (Markdown passes raw HTML through)."""
    body = EDITOR_MODE.sub("", body, count=1).strip()
    if TRIVIAL_HTML.fullmatch(body):
        paragraphs = re.findall(r"<p>([^<]*)</p>", body)
        body = "\n\n".join(" ".join(text.split()) for text in paragraphs)
    first = body.split("\n\n", 1)[0].splitlines()
    if any(KEY_LINE.match(line) for line in first):
        # "Note: ..." at the top would read as a header line a blank line cut off.
        body = "<!-- Imported from Buttondown. -->\n\n" + body
    return body or "<!-- Imported from Buttondown with an empty body. -->"


def _write_new(path: Path, text: str) -> None:
    """Write a new file in one step; an existing file of that name is never overwritten."""
    if path.exists():
        raise ButtondownError(
            f"{display_path(path)} already exists: move it away, then import again"
        )
    write_atomically(path, text.encode("utf-8"))


def _archive(client: ButtondownClient) -> Iterable[dict[str, Any]]:
    return client.list_emails(status=ARCHIVE_STATUSES, ordering="publish_date")


def _present(email: Mapping[str, Any], taken: set[int], titles: set[str], slugs: set[str]) -> bool:
    number = _claimed_number(email)
    subject = str(email.get("subject") or "").strip().casefold()
    return (number in taken) or (bool(subject) and subject in titles) or email.get("slug") in slugs


def _claimed_number(email: Mapping[str, Any]) -> int | None:
    """The issue number the email itself names: Hearth's metadata, else its secondary_id."""
    metadata = email.get("metadata")
    named = metadata.get(METADATA_KEY) if isinstance(metadata, Mapping) else None
    for value in (named, email.get("secondary_id")):
        if isinstance(value, int | str) and str(value).isdigit() and int(value) > 0:
            return int(value)
    return None


def _number(email: Mapping[str, Any], taken: set[int]) -> int:
    claimed = _claimed_number(email)
    if claimed is not None and claimed not in taken and claimed < 10_000:
        return claimed
    return max(taken, default=0) + 1


def _title(email: Mapping[str, Any], number: int) -> str:
    return " ".join(str(email.get("subject") or "").split()) or f"Issue {number}"


def _slug(email: Mapping[str, Any], number: int) -> str:
    slug = str(email.get("slug") or "")
    slug = re.sub(rf"^{number}-", "", slug) if number else slug
    return slugify(slug or _title(email, number))


def _sent_at(email: Mapping[str, Any]) -> datetime:
    value = email.get("publish_date") or email.get("creation_date") or "1970-01-01T00:00:00Z"
    return datetime.fromisoformat(str(value))


def _local(when: datetime, zone: ZoneInfo) -> str:
    return when.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def _report(plan: Sequence[Planned], skipped: Sequence[Mapping[str, Any]], total: int) -> list[str]:
    if not plan and not total:
        return ["Nothing to import: Buttondown has no sent emails."]
    if not plan:
        return [f"Nothing to import: the {total} sent email(s) on Buttondown are already issues."]
    lines = [f"Imported {len(plan)} issue(s) from Buttondown:"]
    lines += [
        f"  {display_path(p.path)}  (email {p.email.get('id')}, sent {_sent_at(p.email):%Y-%m-%d})"
        for p in plan
    ]
    if skipped:
        subjects = ", ".join(f'"{_title(email, 0)}"' for email in skipped)
        lines.append(f"Skipped {len(skipped)} already in the issues folder: {subjects}")
    return lines
