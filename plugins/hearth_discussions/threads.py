"""Read one standalone thread, ``content/discussions/<name>.yml``, or say what is wrong.

A thread file names a conversation that is not about one issue's page: a
show-and-tell, a question, a topic. It may point at the issue or the member
link it grew out of; ``collect`` checks that those exist.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Collection
from pathlib import Path
from types import MappingProxyType

from hearth_core.dates import check_day
from hearth_core.platforms import recognise
from hearth_core.problems import Problem, problem
from hearth_core.text import first_forbidden, forbidden_message
from hearth_core.topics import did_you_mean
from hearth_core.weburl import check_web_url
from hearth_core.yamlsource import FileKind, Value, describe, load_yaml
from hearth_discussions.model import Thread

TEMPLATE = "content/discussions/_template.yml"
THREAD_FILES = FileKind(
    "thread", TEMPLATE, "every field starts at the beginning of its line", max_bytes=64 * 1024
)
FIELDS = ("title", "url", "started", "tags", "issue", "link")
REQUIRED = {
    "title": "title: Show and tell, November",
    "url": "url: https://forum.example/t/show-and-tell/42",
    "started": "started: 2026-11-02",
}
TITLE_LIMIT = 120
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Adds a problem at a value's line (line 1 when the field is missing).
Report = Callable[[Value | None, str, str], None]


def parse_thread(
    path: Path, text: str, vocabulary: Collection[str], today: datetime.date
) -> tuple[Thread | None, list[Problem]]:
    """Validate one thread file; ``vocabulary`` is the tags a thread may carry."""
    root, problems = load_yaml(path, text, THREAD_FILES)
    if root is None:
        return None, problems
    if not isinstance(root.data, dict):
        what = "is empty" if root.data is None else f"holds {describe(root)}, not fields"
        return None, [problem(path, root.line, "", f"the file {what}: copy {TEMPLATE}")]
    fields: dict[str, Value] = root.data
    found: list[Problem] = []

    def report(value: Value | None, field: str, message: str) -> None:
        found.append(problem(path, value.line if value else 1, field, message))

    for key, value in fields.items():
        if key not in FIELDS:
            hint = did_you_mean(key, FIELDS)
            report(value, key, f"unknown field{hint}: use {', '.join(FIELDS)}, or remove it")
    for key, example in REQUIRED.items():
        if key not in fields or fields[key].data in (None, ""):
            report(fields.get(key), key, f"missing: add a line like {example}")
    title = _title(fields.get("title"), report)
    url = _url(fields.get("url"), report)
    started = _started(fields.get("started"), today, report)
    tags = _tags(fields.get("tags"), vocabulary, report)
    issue = _issue(fields.get("issue"), report)
    link = _link(fields.get("link"), report)
    if problems or found or title is None or url is None or started is None:
        return None, problems + found
    thread = Thread(
        url=url,
        title=title,
        started=started,
        tags=tags,
        issue=issue,
        link=link,
        source=path,
        lines=MappingProxyType({key: value.line for key, value in fields.items()}),
    )
    return thread, []


def _title(value: Value | None, report: Report) -> str | None:
    if value is None or value.data in (None, ""):
        return None
    if not isinstance(value.data, str):
        report(value, "title", f'must be text, not {describe(value)}: put it in "quotes"')
        return None
    title = " ".join(value.data.split())
    hidden = first_forbidden(title, one_line=True)
    if not title:
        report(value, "title", f"is empty: write it after the colon, like {REQUIRED['title']}")
        return None
    if hidden is not None:
        report(value, "title", forbidden_message(hidden))
        return None
    if len(title) > TITLE_LIMIT:
        report(value, "title", f"is {len(title)} characters long, over {TITLE_LIMIT}: shorten it")
        return None
    return title


def _url(value: Value | None, report: Report) -> str | None:
    if value is None or value.data in (None, ""):
        return None
    if not isinstance(value.data, str):
        report(value, "url", f"must be the thread's https:// address, not {describe(value)}")
        return None
    try:
        scheme = value.data.split(":", 1)[0].lower() if ":" in value.data else ""
        if scheme.isalpha() and scheme not in ("http", "https"):
            recognise(value.data)  # raises: "copy the thread's full https:// address"
        return recognise(check_web_url(value.data, hash_in_fragment=True)).url
    except ValueError as error:
        report(value, "url", str(error))
        return None


def _started(value: Value | None, today: datetime.date, report: Report) -> datetime.date | None:
    if value is None or value.data in (None, ""):
        return None
    day = value.data
    if isinstance(day, str):
        if not ISO_DATE.match(day.strip()):
            report(value, "started", f"cannot read {value.data!r} as a date: write YYYY-MM-DD")
            return None
        try:
            day = datetime.date.fromisoformat(day.strip())
        except ValueError:
            report(value, "started", f"cannot read {value.data!r} as a date: write YYYY-MM-DD")
            return None
    if isinstance(day, datetime.datetime) or not isinstance(day, datetime.date):
        report(value, "started", f"must be a day written YYYY-MM-DD, not {describe(value)}")
        return None
    try:
        check_day(day)
    except ValueError as error:
        report(value, "started", str(error))
        return None
    if day > today:
        report(
            value,
            "started",
            f"{day.isoformat()} is in the future (today is {today.isoformat()}): "
            "write the day the thread was started",
        )
        return None
    return day


def _tags(value: Value | None, vocabulary: Collection[str], report: Report) -> tuple[str, ...]:
    if value is None or value.data is None:
        return ()
    if not isinstance(value.data, list):
        report(value, "tags", f"must be a list like tags: [design, tools], not {describe(value)}")
        return ()
    allowed = sorted(vocabulary)
    tags: list[str] = []
    for index, item in enumerate(value.data):
        where = f"tags[{index}]"
        if not isinstance(item.data, str):
            report(item, where, f"must be a topic name, not {describe(item)}")
        elif item.data in tags:
            report(item, where, f"{item.data!r} is listed twice: keep one")
        elif item.data not in vocabulary:
            hint = did_you_mean(item.data, allowed)
            report(
                item,
                where,
                f"{item.data!r} is not a topic here{hint}: use one of {', '.join(allowed)}, "
                "or add it to HEARTH_MEMBERS['tags'] in pelicanconf.py",
            )
        else:
            tags.append(item.data)
    return tuple(tags)


def _issue(value: Value | None, report: Report) -> int | None:
    if value is None or value.data is None:
        return None
    if isinstance(value.data, bool) or not isinstance(value.data, int) or value.data < 1:
        report(value, "issue", f"must be an issue number like issue: 12, not {value.raw!r}")
        return None
    return value.data


def _link(value: Value | None, report: Report) -> str | None:
    if value is None or value.data is None:
        return None
    if not isinstance(value.data, str):
        report(value, "link", f"must be a member link's url, not {describe(value)}")
        return None
    try:
        return check_web_url(value.data)
    except ValueError as error:
        report(value, "link", str(error))
        return None
