"""Read and validate Pelican's ``Key: value`` header, keeping line numbers.

Python-Markdown's ``meta`` extension forgets where each key was and silently
moves keys that follow a stray blank line into the body. Hearth parses the
header itself so every problem can name its line.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hearth_core.problems import Problem, problem
from hearth_core.text import FORBIDDEN, first_forbidden, forbidden_message

# A line ends where the author's editor and Markdown end it: at LF, CRLF or CR. Python's
# str.splitlines also breaks at U+2028, U+2029, NEL (U+0085) and more, which a header
# value or the body may hold: a Summary ending "U+2028 U+2028 text" would end the header
# there and put "text" (raw HTML and all) at the top of the body.
_LINE_END = re.compile(r"\r\n|\r|\n")


def source_lines(text: str) -> list[str]:
    """``text`` cut into lines as an editor shows them (like splitlines, LF/CRLF/CR only)."""
    lines = _LINE_END.split(text)
    return lines[:-1] if lines and not lines[-1] else lines


KEY_LINE = re.compile(r"^(?P<key>[A-Za-z][A-Za-z0-9_-]*)[ \t]*:(?:[ \t]+(?P<value>.*))?$")

# Keys Pelican itself understands: seen at the top of a body, they almost
# certainly belong to a header that a blank line cut short.
PELICAN_KEYS = frozenset(
    {
        *("title", "date", "modified", "tags", "category", "author", "authors", "slug"),
        *("summary", "status", "lang", "translation", "template", "save_as", "url"),
    }
)


@dataclass(frozen=True)
class HeaderField:
    key: str
    value: str
    line: int


@dataclass(frozen=True)
class SourceDocument:
    """A Markdown source split into its header fields and its body."""

    path: Path
    fields: tuple[HeaderField, ...]
    body: str
    body_line: int


@dataclass(frozen=True)
class FieldSpec:
    """How one header key is read: ``parse`` raises ValueError saying what to write."""

    name: str
    required: bool = False
    parse: Callable[[str], Any] = str
    max_length: int = 300


def split_header(path: Path, text: str) -> tuple[SourceDocument, list[Problem]]:
    """Split ``text`` into header fields and body; report lines that fit neither."""
    lines = source_lines(text.lstrip("\ufeff"))
    fields: list[HeaderField] = []
    problems: list[Problem] = []
    index = 0
    while index < len(lines) and lines[index].strip():
        line, number = lines[index], index + 1
        match = KEY_LINE.match(line)
        if match:
            fields.append(HeaderField(match["key"], (match["value"] or "").strip(), number))
        elif line[:1] in " \t" and fields:
            last = fields[-1]
            fields[-1] = HeaderField(last.key, f"{last.value} {line.strip()}".strip(), last.line)
        else:
            problems.append(
                problem(
                    path,
                    number,
                    "",
                    "this line is neither a `Key: value` header line nor after the header: "
                    "put one blank line between the header and the body",
                )
            )
        index += 1
    body_start = index + 1
    body = "\n".join(lines[body_start:])
    return SourceDocument(path, tuple(fields), body, body_start + 1), problems


def stray_header_lines(doc: SourceDocument, keys: set[str]) -> list[Problem]:
    """Report ``Key: value`` lines at the top of the body.

    A blank line inside the header ends it early; the keys after it become body
    text (a large Pelican newsletter once grew a stray category that way).
    """
    lines = source_lines(doc.body)
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return []
    known = PELICAN_KEYS | {key.lower() for key in keys}
    problems = []
    for offset, line in enumerate(lines[first:]):
        if not line.strip():
            break
        match = KEY_LINE.match(line)
        if match and match["key"].lower() in known:
            problems.append(
                problem(
                    doc.path,
                    doc.body_line + first + offset,
                    match["key"],
                    f"this header line is in the body: the blank line on line "
                    f"{doc.body_line - 1} ends the header. Remove the blank lines inside "
                    "the header so this key is read",
                )
            )
    return problems


def validate_fields(
    doc: SourceDocument, specs: Mapping[str, FieldSpec]
) -> tuple[dict[str, Any], list[Problem]]:
    """Parse every header field by its spec; keys in the result are lower case."""
    values: dict[str, Any] = {}
    seen: dict[str, int] = {}
    problems: list[Problem] = []
    for field in doc.fields:
        name = field.key.lower()
        spec = specs.get(name)
        if spec is None:
            problems.append(
                problem(doc.path, field.line, field.key, _unknown_key(field.key, specs))
            )
        elif name in seen:
            problems.append(
                problem(
                    doc.path,
                    field.line,
                    spec.name,
                    f"appears twice (first on line {seen[name]}): keep one",
                )
            )
        else:
            seen[name] = field.line
            try:
                values[name] = spec.parse(_bounded_text(field.value, spec.max_length))
            except ValueError as error:
                problems.append(problem(doc.path, field.line, spec.name, str(error)))
    for name, spec in specs.items():
        if spec.required and name not in seen:
            problems.append(
                problem(
                    doc.path,
                    1,
                    spec.name,
                    f"missing: add a `{spec.name}: ...` line to the header at the top",
                )
            )
    return values, problems


def _bounded_text(value: str, limit: int) -> str:
    """``value`` if it holds only characters a page can show, within ``limit``."""
    hidden = first_forbidden(value, one_line=True)
    if hidden is not None:
        raise ValueError(forbidden_message(hidden))
    if len(value) > limit:
        raise ValueError(f"is {len(value)} characters long, over the limit of {limit}: shorten it")
    return value


def forbidden_in_body(doc: SourceDocument) -> list[Problem]:
    """The first character the body may not hold (a control, a direction control...)."""
    found = FORBIDDEN.search(doc.body)
    if found is None:
        return []
    line = doc.body_line + doc.body.count("\n", 0, found.start())
    return [problem(doc.path, line, "", forbidden_message(found.group()))]


# Python-Markdown recurses once per list or quote a line opens: some 250 levels end
# in a RecursionError. A line may start with this many characters of them at most.
MAX_NESTING_PREFIX = 256
_NESTING_PREFIX = re.compile(f"^[ \\t>*+\\-0-9.)]{{{MAX_NESTING_PREFIX + 1},}}", re.MULTILINE)


def too_deep_in_body(doc: SourceDocument) -> list[Problem]:
    """The first line of the body that opens lists or quotes too deep to convert."""
    found = _NESTING_PREFIX.search(doc.body)
    if found is None:
        return []
    line = doc.body_line + doc.body.count("\n", 0, found.start())
    message = (
        f"this line starts with over {MAX_NESTING_PREFIX} characters of list and quote "
        "marks and indentation, too deeply nested to convert: flatten it"
    )
    return [problem(doc.path, line, "", message)]


def _unknown_key(key: str, specs: Mapping[str, FieldSpec]) -> str:
    allowed = [spec.name for spec in specs.values()]
    close = difflib.get_close_matches(key.lower(), list(specs), n=1)
    hint = f" (did you mean {specs[close[0]].name}?)" if close else ""
    return f"unknown header key{hint}: use one of {', '.join(allowed)}, or remove it"


def required_text(value: str) -> str:
    """A non-empty single-line text value."""
    if not value:
        raise ValueError("is empty: write a value after the colon")
    return value


def comma_list(value: str) -> tuple[str, ...]:
    """A comma-separated list without empty items."""
    items = tuple(item.strip() for item in value.split(","))
    if not value or any(not item for item in items):
        raise ValueError(f"{value!r} has an empty item: separate values with single commas")
    return items
