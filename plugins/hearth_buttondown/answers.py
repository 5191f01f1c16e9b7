"""What Buttondown answers, checked against its API's shapes before Hearth uses any of it.

Buttondown's OpenAPI description says what an email object and a page of them hold.
Hearth keeps only the fields it uses, each checked for its type and bounded, its text
stripped of the characters no text field may hold (``hearth_core.text``), and returns
them as a plain dict; anything else the server sent is dropped here, where the answer
enters. A field Hearth cannot do without, or one of the wrong type, raises ShapeError.

Optional fields may be missing or null: the code reading them copes with both, and a
listing can leave fields out (``excluded_fields``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from hearth_core.text import strip_forbidden

# A TypeID ("em_...") or an older UUID. An id goes into request paths and the committed
# state file, so nothing that could be a path segment like ".." or carry a "/" passes.
EMAIL_ID = re.compile(r"[A-Za-z0-9_-]{1,100}")
# The spec lists the statuses; a new one Buttondown adds is still a word, and Hearth
# treats any status but "draft" as "leave it alone".
STATUS = re.compile(r"[a-z_]{1,40}")
# The spec's maxLength for a subject; the other one-line fields get the same bound.
LINE_LIMIT = 2000
# Buttondown sent these years or will in any plausible future; outside them, a date is noise.
YEARS = range(2000, 3000)

# The fields Hearth reads, by the type the spec gives them (tests hold these to the spec).
REQUIRED = ("id", "status", "subject")
ONE_LINE_TEXTS = ("subject", "slug", "description", "canonical_url")
DATE_TIMES = ("publish_date", "creation_date", "modification_date")

Redact = Callable[[str], str]


class ShapeError(ValueError):
    """The answer is not shaped as the spec says; the message names the field."""


def email_from(answer: Any, redact: Redact) -> dict[str, Any]:
    """The fields Hearth uses of one email object, checked and cleaned."""
    if not isinstance(answer, dict):
        raise ShapeError(f"the answer is {_kind(answer)}, not an email object")
    email: dict[str, Any] = {
        "id": _matching(answer, "id", EMAIL_ID, "an email id", redact),
        "status": _matching(answer, "status", STATUS, "a status", redact),
    }
    for name in ONE_LINE_TEXTS:
        email[name] = _text(answer, name, redact, required=name in REQUIRED)
    email["body"] = _text(answer, "body", redact, one_line=False)
    for name in DATE_TIMES:
        email[name] = _date_time(answer, name, redact)
    email["secondary_id"] = _integer(answer, "secondary_id")
    email["metadata"] = _metadata(answer, redact)
    # Absent stays absent: "no body in this listing" differs from "an empty body".
    return {name: value for name, value in email.items() if name in answer}


def page_from(answer: Any, redact: Redact) -> tuple[list[dict[str, Any]], str | None]:
    """The emails of one page of a listing, and the address of the next page (or None)."""
    if not isinstance(answer, dict):
        raise ShapeError(f"the answer is {_kind(answer)}, not a page of emails")
    results = answer.get("results")
    if not isinstance(results, list):
        raise ShapeError(f"results is {_kind(results)}, not a list of emails")
    emails = []
    for index, item in enumerate(results):
        try:
            emails.append(email_from(item, redact))
        except ShapeError as error:
            raise ShapeError(f"results[{index}]: {error}") from None
    next_url = answer.get("next")
    if next_url is not None and not isinstance(next_url, str):
        raise ShapeError(f"next is {_kind(next_url)}, not an address or null")
    return emails, next_url or None


def _matching(answer: Mapping[str, Any], name: str, pattern: re.Pattern, what: str, redact: Redact):
    value = answer.get(name)
    if name not in answer:
        raise ShapeError(f"{name} is missing")
    if not isinstance(value, str):
        raise ShapeError(f"{name} is {_kind(value)}, not text")
    value = redact(value)
    if not pattern.fullmatch(value):
        raise ShapeError(f"{name} {_quoted(value)} is not {what}")
    return value


def _text(
    answer: Mapping[str, Any],
    name: str,
    redact: Redact,
    *,
    required: bool = False,
    one_line: bool = True,
) -> str | None:
    value = answer.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise ShapeError(f"{name} is {_kind(value) if name in answer else 'missing'}, not text")
    if one_line and len(value) > LINE_LIMIT:
        raise ShapeError(f"{name} is {len(value)} characters long, more than {LINE_LIMIT}")
    return strip_forbidden(redact(value), one_line=one_line)


def _date_time(answer: Mapping[str, Any], name: str, redact: Redact) -> str | None:
    """A date-time with its offset, as UTC in one form (``2026-11-25T08:00:00Z``)."""
    value = answer.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ShapeError(f"{name} is {_kind(value)}, not a date and time")
    value = redact(value)
    try:
        when = datetime.fromisoformat(value)
        if when.tzinfo is None:
            raise ValueError("no offset")
        when = when.astimezone(UTC)
    except (ValueError, OverflowError):
        raise ShapeError(
            f"{name} {_quoted(value)} is not a date and time with its offset"
        ) from None
    if when.year not in YEARS:
        raise ShapeError(f"{name} {_quoted(value)} is not a date Buttondown could have")
    return when.isoformat().replace("+00:00", "Z")


def _integer(answer: Mapping[str, Any], name: str) -> int | None:
    value = answer.get(name)
    # JSON true and false are Python ints too: they are not numbers here.
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    raise ShapeError(f"{name} is {_kind(value)}, not a whole number")


def _metadata(answer: Mapping[str, Any], redact: Redact) -> dict[str, Any]:
    """Metadata's top-level values that are text or numbers; nested ones Hearth never reads."""
    value = answer.get("metadata")
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ShapeError(f"metadata is {_kind(value)}, not an object")
    kept: dict[str, Any] = {}
    for key, item in value.items():
        if isinstance(item, str):
            item = _line(item, redact)
        elif not isinstance(item, int | float) or isinstance(item, bool):
            continue
        kept[_line(key, redact)] = item
    return kept


def _line(text: str, redact: Redact) -> str:
    # Redacted before it is cut short: a cut could leave half a key that no longer matches.
    return strip_forbidden(redact(text), one_line=True)[:LINE_LIMIT]


def _kind(value: Any) -> str:
    """How a message names a JSON value's type."""
    if value is None:
        return "null"
    names = {bool: "true or false", int: "a number", float: "a number", str: "text"}
    names |= {list: "a list", dict: "an object"}
    return names.get(type(value), type(value).__name__)


def _quoted(value: str) -> str:
    """A bad value as a message shows it: short, and with nothing a terminal would act on."""
    shown = strip_forbidden(value, one_line=True)
    return repr(shown if len(shown) <= 40 else shown[:40] + "…")
