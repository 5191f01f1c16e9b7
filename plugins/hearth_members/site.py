"""Members as the site sees them: settings, today's date, and loading with every check."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from hearth_core.files import folder_state, read_text_file
from hearth_core.headers import split_header
from hearth_core.problems import Problem, problem
from hearth_core.settings import SettingsError, plugin_settings
from hearth_core.state import build_state
from hearth_core.stored import load_stored, store_later
from hearth_core.topics import slipped_topic
from hearth_issues.model import Issue
from hearth_members.caches import CommunityAnswer, MemberCaches
from hearth_members.collect import load_members
from hearth_members.community import unknown_community_urls
from hearth_members.duplicates import Featured, urls_in_markdown
from hearth_members.model import Member
from hearth_members.past import (
    RECORD_NAME,
    Record,
    backdated_links,
    is_published,
    read_record,
    record_newly_published,
    site_now,
    weekly_limit_problems,
)

DEFAULTS: dict[str, Any] = {
    "path": "members",
    "tags": [],
    "moderators": [],
    "weekly_link_limit": 5,
    "recent_links": 50,
}


def member_options(settings: Mapping[str, Any]) -> dict[str, Any]:
    options = plugin_settings(settings, "HEARTH_MEMBERS", DEFAULTS)
    for key in ("tags", "moderators"):
        if not all(isinstance(item, str) and item.strip() for item in options[key]):
            raise SettingsError(
                f"must be a list of names, like ['tools', 'books'], not {options[key]!r}",
                setting="HEARTH_MEMBERS",
                key=(key,),
            )
    if options["recent_links"] < 1:
        raise SettingsError(
            "(how many links /links/ shows before its list of months) must be 1 or more, "
            f"not {options['recent_links']!r}",
            setting="HEARTH_MEMBERS",
            key=("recent_links",),
        )
    return options


def site_today(settings: Mapping[str, Any]) -> date:
    """Today where the newsletter lives: a link dated tomorrow there is in the future."""
    return datetime.now(ZoneInfo(settings.get("TIMEZONE") or "UTC")).date()


def _body_key(issue: Issue, caches: MemberCaches) -> tuple[int, bytes]:
    # Each issue's digest, by its text: most builds find most texts unchanged.
    digest = caches.digests.get(issue.source, issue.body, lambda: _digest(issue.body))
    return issue.body_line, digest


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


def _featured_in(issue: Issue, caches: MemberCaches) -> list[Featured]:
    # The addresses in each issue, by its text: a live preview asks on every change,
    # while issues rarely change.
    return caches.featured.get(
        issue.source,
        _body_key(issue, caches),
        lambda: urls_in_markdown(issue.source, issue.body, issue.body_line),
    )


def _issues_key(issues: Sequence[Issue], part: Callable[[Issue], Iterable[Any]]) -> tuple:
    # In file order: the check and the site list the issues in different orders.
    return tuple(
        sorted(
            (str(issue.source), issue.date, issue.is_draft, issue.community, *part(issue))
            for issue in issues
        )
    )


def _written(issues: Sequence[Issue], caches: MemberCaches) -> tuple:
    return _issues_key(issues, lambda issue: (_body_key(issue, caches),))


def _same_addresses(old: Sequence[Issue], new: Sequence[Issue], caches: MemberCaches) -> bool:
    """Whether the issues hold the same addresses, which the members are checked against;
    not the prose around them, which an author edits all the time. Only the issues whose
    text changed are searched again (one, after a save in the live preview)."""
    if _issues_key(old, lambda issue: ()) != _issues_key(new, lambda issue: ()):
        return False
    before = {issue.source: issue for issue in old}
    return all(_same_found(before[issue.source], issue, caches) for issue in new)


def _same_found(old: Issue, new: Issue, caches: MemberCaches) -> bool:
    if (old.body_line, old.body) == (new.body_line, new.body):
        return True
    return urls_in_markdown(old.source, old.body, old.body_line) == _featured_in(new, caches)


def _folder(settings: Mapping[str, Any]) -> Path:
    return Path(settings["PATH"], member_options(settings)["path"])


def _common(settings: Mapping[str, Any]) -> tuple:
    options = member_options(settings)
    return repr(options), site_today(settings), folder_state(_folder(settings), recursive=True)


def load_community(
    settings: Mapping[str, Any], issues: Sequence[Issue]
) -> tuple[list[Member], list[Problem]]:
    """Every member, checked on its own, against the others and against the issues.

    Checked again only when the member files, or the addresses in the issues,
    change; kept in this process and in CACHE_PATH for the next command.
    """
    caches = build_state(settings).part(MemberCaches)
    common, written = _common(settings), _written(issues, caches)
    last = caches.answer
    if (
        last is not None
        and last.common == common
        and last.written != written
        and _same_addresses(last.issues, issues, caches)
    ):
        last.written, last.issues = written, list(issues)
    if last is None or (last.common, last.written) != (common, written):
        cache = settings.get("CACHE_PATH")
        stored = Path(cache, "hearth-members.pickle") if cache else None
        result, found = _stored_answer(settings, stored, (common, written), issues, caches)
        if result is None:
            result = _load_community(settings, issues, caches)
            found = {str(issue.source): _featured_in(issue, caches) for issue in issues}
        if stored and found is not None:
            folder = _folder(settings)
            parsed = {p: entry for p, entry in caches.parsed.items() if p.parent == folder}
            kept = ((common, written), result, parsed, found)
            store_later(settings, stored, STORED_KEY, kept)
        last = caches.answer = CommunityAnswer(common, list(issues), written, result)
    members, problems = last.result
    # Not kept with the answer, which holds while the issues' addresses do: a tag is
    # fixed without touching them.
    slips = slipped_issue_tags(issues, member_options(settings)["tags"])
    return list(members), list(problems) + slips


def slipped_issue_tags(issues: Sequence[Issue], topics: Sequence[str]) -> list[Problem]:
    """Issue tags that misspell a configured topic ("desing" for "design"): their issues
    would miss the topic's page, which gathers the members' links on it."""
    distinct = {tag for issue in issues for tag in issue.tags}  # a few, used by hundreds
    slips = {tag: slipped_topic(tag, topics) for tag in distinct}
    return [
        problem(
            issue.source,
            header_line(issue.source, "Tags"),
            "Tags",
            f'"{tag}" is not a configured topic; did you mean "{slips[tag]}"? Write '
            f"{slips[tag]}, or, if it is a topic of its own, add {tag!r} to "
            "HEARTH_MEMBERS['tags'] in pelicanconf.py",
        )
        for issue in issues
        for tag in issue.tags
        if slips[tag]
    ]


def header_line(path: Path, key: str) -> int:
    """The line of ``key`` in the header of the valid Markdown file at ``path`` (else 1)."""
    text = read_text_file(path)[0] or ""
    fields = split_header(path, text)[0].fields
    return next((field.line for field in fields if field.key.lower() == key.lower()), 1)


# The stored answer carries what it was computed from (the member files' state, the day,
# the issues' texts), beside the member files' own parses, which are kept by each file's
# text: after one file or one issue changed, the other files need no parsing again.
STORED_KEY = "members"


# What the stored answer keeps of each issue: the addresses in its text, by its path.
FoundAddresses = dict[str, list[Featured]]


def _stored_answer(
    settings: Mapping[str, Any],
    stored: Path | None,
    asked: tuple,
    issues: Sequence[Issue],
    caches: MemberCaches,
) -> tuple[tuple[list[Member], list[Problem]] | None, FoundAddresses | None]:
    """The stored answer if it holds for ``asked``, and the addresses to store with it
    (None when the stored ones are those); the member files' parses in any case.

    As in one process (``_same_addresses``), an answer holds for issues whose texts
    changed if they hold the same addresses: an issue's prose is edited all the time.
    Only those issues are searched again.
    """
    kept = load_stored(stored, STORED_KEY, settings) if stored else None
    if kept is None:
        return None, None
    (common, written), result, parsed, found = kept
    for path, entry in parsed.items():
        caches.parsed.setdefault(path, entry)  # each checked against its file when used
    if (common, written) == asked:
        return result, None
    if common != asked[0] or _without_texts(written) != _without_texts(asked[1]):
        return None, None
    texts_before = {key[0]: key[-1] for key in written}
    changed = [
        issue for issue in issues if _body_key(issue, caches) != texts_before[str(issue.source)]
    ]
    now = {str(issue.source): _featured_in(issue, caches) for issue in changed}
    if any(found.get(source) != addresses for source, addresses in now.items()):
        return None, None
    return result, {**found, **now}


def _without_texts(written: tuple) -> tuple:
    # Each issue's key from ``_written`` without its text's digest, which comes last.
    return tuple(key[:-1] for key in written)


def _load_community(
    settings: Mapping[str, Any], issues: Sequence[Issue], caches: MemberCaches
) -> tuple[list[Member], list[Problem]]:
    options = member_options(settings)
    published = [issue for issue in issues if not issue.is_draft]
    featured = [found for issue in published for found in _featured_in(issue, caches)]
    dates = {issue.source: issue.date.date() for issue in published}
    today = site_today(settings)
    folder, tags = _folder(settings), options["tags"]
    members, problems = load_members(folder, tags, today, featured, dates, caches.parsed)
    links = [link for member in members for link in member.links]
    now = site_now(settings.get("TIMEZONE"))
    problems += unknown_community_urls(issues, links, lambda issue: is_published(issue, now))
    record, record_problems = read_record(record_path(settings))
    problems += record_problems + backdated_links(members, issues, record)
    for member in members:
        problems += weekly_limit_problems(member, options["weekly_link_limit"])
    return members, problems


def record_path(settings: Mapping[str, Any]) -> Path:
    """Where the links of the published issues are recorded (see ``hearth_members.past``)."""
    return _folder(settings) / RECORD_NAME


def recorded_links(settings: Mapping[str, Any]) -> Record:
    """The links recorded for the published issues; ``invoke check`` reports a broken record."""
    return read_record(record_path(settings))[0] or Record()


def record_published(
    settings: Mapping[str, Any], issues: Sequence[Issue], members: Sequence[Member]
) -> list[Issue]:
    """Record the links of the issues published since the last build (see ``past``)."""
    path = record_path(settings)
    record, problems = read_record(path)
    if problems:
        return []  # the check before the build has reported it
    links = [link for member in members for link in member.links]
    now = site_now(settings.get("TIMEZONE"))
    return record_newly_published(path, record, issues, links, now)
