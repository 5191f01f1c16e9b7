"""Read a hand-written YAML file into plain values that remember their line numbers.

``yaml.safe_load`` forgets where each value was, silently keeps the last of two
equal keys and turns ``name: yes`` into ``True``. Members and authors edit
these files by hand, so Hearth composes PyYAML's node tree itself (SafeLoader,
no ruamel) and reports every surprise with its line and field.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from hearth_core.problems import Problem, problem

_TAG = "tag:yaml.org,2002:"
SCALAR_TAGS = frozenset(
    _TAG + name for name in ("str", "int", "float", "bool", "null", "timestamp")
)
_CONSTRUCTOR = SafeConstructor()

# PyYAML's wording, matched to advice a member can act on; the first match wins.
HINTS = (
    ("'\\t'", "indent with spaces, never tabs"),
    ("alias", 'text that starts with * or & must be in "quotes", like note: "*Really* good"'),
    (
        "cannot start any",
        'text that starts with @ or ` must be in "quotes", like "@ada@social.example"',
    ),
    (
        "mapping values are not allowed",
        'text that contains ": " must be in "quotes"; otherwise check the indentation',
    ),
    ("quoted scalar", "close the quote; inside 'single quotes' write a ' as ''"),
    ("flow", "close the [ or { bracket, and separate items with commas"),
    ("single document", "remove the second --- line: one {noun} per file"),
    (
        "expected ':'",
        "each line needs a field name and a colon, like title: A good post; "
        "a long value continues on lines indented under its field",
    ),
    ("block", "check the indentation: {indentation}"),
)
DEFAULT_HINT = "check the quoting and indentation here; {template} shows every field"


@dataclass(frozen=True)
class FileKind:
    """What the messages call a file of this kind, and the template that shows its fields."""

    noun: str
    template: str
    indentation: str


MEMBER_FILES = FileKind(
    "member",
    "content/members/_template.yml",
    "each field of a link starts in the same column as url:",
)


@dataclass(frozen=True)
class Value:
    """One YAML value: a scalar, a ``list[Value]`` or a ``dict[str, Value]``.

    In a mapping, ``line`` is the key's line: a problem with ``links`` is best
    shown on the ``links:`` line, not on the first item below it.
    """

    data: Any
    line: int
    raw: str | None = None  # a scalar as written, to say "put 1984 in quotes"


def describe(value: Value) -> str:
    """What YAML made of a value, in words a member understands."""
    data = value.data
    if data is None:
        return "empty"
    if isinstance(data, bool):
        return "true/false"
    if isinstance(data, int | float):
        return "a number"
    if isinstance(data, datetime.datetime):
        return "a date and time"
    if isinstance(data, datetime.date):
        return "a date"
    if isinstance(data, list):
        return "a list"
    if isinstance(data, dict):
        return "a group of fields"
    return "text"


class _Loader(yaml.SafeLoader):
    """Notes anchors, aliases and tags, which the node tree no longer shows."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.features_seen: list[tuple[int, str]] = []

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent):
            self.features_seen.append((line, f"*{event.anchor} is a YAML alias"))
        elif getattr(event, "anchor", None):
            self.features_seen.append((line, f"&{event.anchor} is a YAML anchor"))
        if getattr(event, "tag", None):
            self.features_seen.append((line, f"{event.tag.replace(_TAG, '!!')} is a YAML tag"))
        return super().compose_node(parent, index)


def load_yaml(
    path: Path, text: str, kind: FileKind = MEMBER_FILES
) -> tuple[Value | None, list[Problem]]:
    """Parse ``text``; an empty file is ``Value(None, 1)``, broken YAML is ``None``."""
    try:
        loader = _Loader(text)
        node = _compose(loader)
    except yaml.MarkedYAMLError as error:
        return None, [_invalid(path, error, kind)]
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        message = (
            f"invalid YAML: the file contains the invisible character U+{error.character:04X} "
            "— delete it (retyping the line is the easiest way)"
        )
        return None, [problem(path, line, "", message)]
    if loader.features_seen:
        # These files never need them; where they appear, the writer meant the
        # character as text: "title: &Co" is an anchor and an empty title.
        return None, [
            problem(
                path,
                line,
                "",
                f"{what}, which {kind.noun} files do not use: "
                'put text that starts with *, & or ! in "quotes"',
            )
            for line, what in loader.features_seen
        ]
    if node is None:
        return Value(None, 1), []
    problems: list[Problem] = []
    return _convert(path, node, "", problems), problems


def _compose(loader: _Loader) -> yaml.Node | None:
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def _invalid(path: Path, error: yaml.MarkedYAMLError, kind: FileKind) -> Problem:
    mark = error.problem_mark or error.context_mark
    if error.context == "while scanning a simple key":
        # A line without its colon: PyYAML notices only on the next line.
        mark = error.context_mark or mark
    what = error.problem or error.context or "cannot be read"
    if error.context and error.problem and not error.context.startswith("while"):
        what = f"{error.context} {error.problem}"
    elif error.context and error.context_mark and mark and error.context_mark.line != mark.line:
        what += f" ({error.context} that started on line {error.context_mark.line + 1})"
    wording = f"{error.problem} {error.context}"
    hint = next((hint for key, hint in HINTS if key in wording), DEFAULT_HINT)
    for name, value in vars(kind).items():
        hint = hint.replace(f"{{{name}}}", value)
    return problem(path, (mark.line + 1) if mark else 1, "", f"invalid YAML: {what} — {hint}")


def _convert(path: Path, node: yaml.Node, where: str, problems: list[Problem]) -> Value:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.SequenceNode):
        items = [
            _convert(path, item, f"{where}[{index}]", problems)
            for index, item in enumerate(node.value)
        ]
        return Value(items, line)
    if isinstance(node, yaml.MappingNode):
        return Value(_mapping(path, node, where, problems), line)
    return Value(_scalar(node), line, node.value)


def _scalar(node: yaml.ScalarNode) -> Any:
    """What SafeLoader makes of a scalar; "<<" and "=" stay text."""
    construct = SafeConstructor.yaml_constructors.get(node.tag)
    if node.tag not in SCALAR_TAGS or construct is None:
        return node.value
    try:
        # Called directly, not through construct_object, which caches every node.
        return construct(_CONSTRUCTOR, node)
    except ValueError:
        # "2025-13-45" looks like a date to YAML but is none; keep the text so the
        # date check can say what is wrong with it.
        return node.value


def _mapping(
    path: Path, node: yaml.MappingNode, where: str, problems: list[Problem]
) -> dict[str, Value]:
    entries: dict[str, Value] = {}
    for key_node, value_node in node.value:
        key_line = key_node.start_mark.line + 1
        key = _scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else None
        if not isinstance(key, str):
            problems.append(problem(path, key_line, where, _not_a_name(key_node)))
            continue
        field = f"{where}.{key}" if where else key
        if key in entries:
            problems.append(
                problem(
                    path,
                    key_line,
                    field,
                    f"appears twice (first on line {entries[key].line}): keep one",
                )
            )
            continue
        value = _convert(path, value_node, field, problems)
        entries[key] = Value(value.data, key_line, value.raw)
    return entries


def _not_a_name(key: yaml.Node) -> str:
    if isinstance(key, yaml.ScalarNode):
        kind = describe(Value(_scalar(key), 0))
        return (
            f"the key {key.value or '(empty)'} is not a field name (YAML reads it as {kind}): "
            "write field names as the template does, like name: or url:"
        )
    return "a list or group of fields cannot be a key: write field names like name: or url:"
