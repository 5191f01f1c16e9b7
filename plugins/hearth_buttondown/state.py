"""The committed state file: which Buttondown email is each issue's, and where it stands.

It is the first thing ``invoke send`` reads, so an issue recorded as sent is never
sent again, even by someone whose Buttondown search would miss it. Plain JSON,
one field per line, issues in number order: a send's commit shows what moved.
A file that cannot be read stops every task before any request, and is never
overwritten: writing over it would forget what was sent. What is written is checked
by the same rules first, with the API key blanked out, and replaces the file in one
step: a bad answer from Buttondown can fail the task but never break the file.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hearth_buttondown.answers import EMAIL_ID
from hearth_core.errors import HearthError
from hearth_core.files import read_text_file, replace_if_changed
from hearth_core.problems import display_path
from hearth_core.redaction import NO_SECRETS, Redactor

STATE_FILE = "buttondown.json"
ABOUT = (
    "Written by `invoke send` and `invoke import-buttondown`: each issue's email on "
    "Buttondown. Commit it: it is how Hearth knows an issue was already sent."
)


@dataclass(frozen=True, kw_only=True)
class Record:
    """Issue N's email on Buttondown, as the last task saw it."""

    id: str
    status: str
    slug: str
    subject: str
    # What the task did last ("created draft", "scheduled", "sent", "imported" ...) and when.
    action: str
    at: str
    # When Buttondown sends (scheduled) or sent it, in UTC.
    publish_date: str | None = None


FIELDS = tuple(field.name for field in fields(Record))
REQUIRED = tuple(name for name in FIELDS if name != "publish_date")


class StateError(HearthError):
    """The state file cannot be read; the message names it and says how to fix it."""


def state_path(settings: Mapping[str, Any]) -> Path:
    return Path(settings["PATH"], STATE_FILE)


def record_of(email: Mapping[str, Any], action: str, now: datetime | None = None) -> Record:
    """A Record for a Buttondown email object, stamped now."""
    return Record(
        id=str(email["id"]),
        status=str(email.get("status") or "unknown"),
        slug=str(email.get("slug") or ""),
        subject=str(email.get("subject") or ""),
        action=action,
        at=(now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        publish_date=email.get("publish_date") or None,
    )


def read_state(path: Path) -> dict[int, Record]:
    """Records by issue number; a missing file is none, a broken one raises StateError."""
    if not path.exists():
        return {}
    text, unreadable = read_text_file(path)
    if text is None:
        raise StateError(str(unreadable[0]))
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise _broken(path, error.lineno, f"not valid JSON ({error.msg})") from None
    issues = data.get("issues") if isinstance(data, dict) else None
    if not isinstance(issues, dict):
        raise _broken(path, 1, 'it must be an object like {"issues": {"3": {...}}}')
    return {
        _number(path, text, key): _record(path, text, key, entry) for key, entry in issues.items()
    }


def state_json(records: Mapping[int, Record]) -> str:
    """The file's text: the same records always give the same bytes."""
    issues = {
        str(number): dict(sorted(asdict(records[number]).items())) for number in sorted(records)
    }
    return json.dumps({"about": ABOUT, "issues": issues}, indent=2, ensure_ascii=False) + "\n"


def write_state(path: Path, records: Mapping[int, Record], redact: Redactor = NO_SECRETS) -> bool:
    """Replace the file in one step; return whether its content changed.

    Raises StateError, leaving the file as it was, if a record is one that
    :func:`read_state` would refuse.
    """
    check_records(path, records)
    return replace_if_changed(path, redact(state_json(records)))


def check_records(path: Path, records: Mapping[int, Record]) -> None:
    """Raise StateError unless :func:`read_state` would read every record back."""
    for number, record in records.items():
        problem = _problem(asdict(record))
        if problem:
            raise StateError(
                f"{display_path(path)} was not changed: issue {number}'s record {problem}. "
                "Nothing else was recorded"
            )


def _number(path: Path, text: str, key: str) -> int:
    if not key.isdigit() or int(key) == 0:
        raise _broken(path, _line_of(text, key), f"issues: {key!r} is not an issue number")
    return int(key)


def _record(path: Path, text: str, key: str, entry: Any) -> Record:
    where = f'issues["{key}"]'
    if not isinstance(entry, dict):
        raise _broken(path, _line_of(text, key), f"{where} must be an object")
    problem = _problem(entry)
    if problem:
        raise _broken(path, _line_of(text, key), f"{where}: {problem}")
    return Record(**entry)


def _problem(entry: Mapping[str, Any]) -> str | None:
    """What is wrong with one issue's entry, or None."""
    unknown = sorted(set(entry) - set(FIELDS))
    missing = [name for name in REQUIRED if not isinstance(entry.get(name), str)]
    if unknown:
        return f"unknown field {unknown[0]}"
    if missing:
        return f"{missing[0]} must be text"
    if not isinstance(entry.get("publish_date"), str | None):
        return "publish_date must be text or null"
    if not EMAIL_ID.fullmatch(entry["id"]):
        # It goes into request paths: only what a Buttondown id is made of.
        return "id must be a Buttondown email id (letters, digits, - and _)"
    return None


def _broken(path: Path, line: int, problem: str) -> StateError:
    shown = display_path(path)
    return StateError(
        f"{shown}:{line}: {problem}. Fix it by hand, or restore it with `git checkout {shown}`; "
        "nothing was sent and the file was not changed"
    )


def _line_of(text: str, key: str) -> int:
    position = text.find(json.dumps(key))
    return text.count("\n", 0, position) + 1 if position >= 0 else 1
