"""Read a hand-written YAML file into plain values that remember their line numbers.

``yaml.safe_load`` forgets where each value was, silently keeps the last of two
equal keys and turns ``name: yes`` into ``True``. Members and authors edit
these files by hand, so Hearth composes PyYAML's node tree itself (SafeLoader,
no ruamel) and reports every surprise with its line and field.
"""

from __future__ import annotations

import datetime
import gc
import re
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any, NamedTuple

import yaml
from yaml.constructor import SafeConstructor

from hearth_core.problems import Problem, problem

_TAG = "tag:yaml.org,2002:"
SCALAR_TAGS = frozenset(
    _TAG + name for name in ("str", "int", "float", "bool", "null", "timestamp")
)
_STR = _TAG + "str"
_TIMESTAMP = _TAG + "timestamp"
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CONSTRUCTOR = SafeConstructor()

# libyaml composes the node tree in C, over ten times faster than PyYAML's pure-Python
# scanner, but the tree hides anchors, aliases and tags, and libyaml words its errors
# unlike the ones HINTS match. So libyaml reads only files it is known to read exactly
# as PyYAML does (tests/test_yaml_speed_paths.py compares); _Loader reads the rest and
# every file libyaml rejects, so each problem is still worded by PyYAML.
#
# Characters PyYAML refuses (its ReaderError), and tabs, line breaks other than "\n"
# and byte order marks, which the two allow in different places or count lines around
# differently.
_PYTHON_ONLY_CHARACTER = re.compile(
    "[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
# An anchor (&), alias (*) or tag (!) can only start a node, so it follows a line break
# or an indicator and spaces; "a *really* good post" has none. A % there is a directive
# or a mistake.
_NODE_PROPERTY = re.compile(r"[\n\-?:,\[{] *[&*!%]")
# A block scalar's header with a comment but no space before it ("bio: |#x"), which
# libyaml reads and PyYAML refuses.
_HEADER_COMMENT = re.compile(r"[|>][0-9+-]*#")
_UNSURE = object()

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
    """What the messages call a file of this kind, and the template that shows its fields.

    ``max_bytes`` bounds the file before it is parsed: far above any real one.
    """

    noun: str
    template: str
    indentation: str
    max_bytes: int = 1024 * 1024


MEMBER_FILES = FileKind(
    "member",
    "content/members/_template.yml",
    "each field of a link starts in the same column as url:",
)
# Lists in groups in lists...: a member file needs four levels. Deeper nesting only
# costs: PyYAML's composer recurses once per level (500 give a RecursionError) and
# libyaml's overflows the C stack (50,000 end the process), so it is refused before.
MAX_DEPTH = 32
# Spaces, "- " and "? " that start a line: the most its nodes can nest in block style.
_LINE_START = re.compile(r"^[ \t?-]*", re.MULTILINE)
# Brackets, and what can hide one from a parser: quotes, comments, tags.
_FLOW_MARK = re.compile(r"[\[\]{}'\"#!]")
_STARTS = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
_ENDS = (yaml.SequenceEndEvent, yaml.MappingEndEvent)


class Value(NamedTuple):
    """One YAML value: a scalar, a ``list[Value]`` or a ``dict[str, Value]``.

    In a mapping, ``line`` is the key's line: a problem with ``links`` is best
    shown on the ``links:`` line, not on the first item below it. A named tuple,
    made in C: a 20,000-link archive has 140,000 of them.
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
    # A large file makes hundreds of thousands of nodes and values but no reference
    # cycle, so the cycle collector would only rescan them again and again.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _load(path, text, kind)
    finally:
        if collecting:
            gc.enable()


def _load(path: Path, text: str, kind: FileKind) -> tuple[Value | None, list[Problem]]:
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > kind.max_bytes:
        message = (
            f"the file is {size // 1024} KiB, over the limit of {kind.max_bytes // 1024} KiB "
            f"for a {kind.noun} file: shorten it"
        )
        return None, [problem(path, 1, "", message)]
    too_deep = _too_deep(text)
    if too_deep:
        message = (
            f"invalid YAML: lists and groups of fields nest over {MAX_DEPTH} levels deep here "
            f"— a {kind.noun} file needs a few: check the brackets and the indentation"
        )
        return None, [problem(path, too_deep, "", message)]
    node = _compose_in_c(text)
    if node is _UNSURE:
        node, problems = _compose_in_python(path, text, kind)
        if problems:
            return None, problems
    if node is None:
        return Value(None, 1), []
    assert isinstance(node, yaml.Node)
    problems = []
    return _convert(path, node, "", problems), problems


def _too_deep(text: str) -> int:
    """The line where nesting first passes MAX_DEPTH, or 0; without composing any node."""
    # A bound first, from the brackets and the starts of lines, which nearly every file
    # stays below; only past it are the parser's events counted, a second parse.
    flow = _flow_depth_bound(text)
    block = max(map(len, _LINE_START.findall(text)), default=0)
    # A list may start in its key's column, so each column can hold two levels; and a
    # [ two, with the mapping of a "[key: value]" entry.
    if 2 * flow + 2 * block + 2 <= MAX_DEPTH:
        return 0
    try:
        return _deepest_event(yaml.CSafeLoader(text))
    except yaml.YAMLError:
        # libyaml stops where PyYAML may read on: PyYAML's own parser, which keeps
        # its states in a list, not on the stack, says how deep it goes.
        return _deepest_event(yaml.SafeLoader(text))


def _flow_depth_bound(text: str) -> int:
    """The most ``[`` and ``{`` that can be open at once in ``text``, without a parser.

    Inside a real [ or {, a bracket is text only in quotes, a comment or a tag (the
    others end a plain scalar there). So a ] or } closes the bracket counted last unless
    a quote, # or ! came after that bracket: then it stays counted, to the file's end.
    In a file of ``tags: [a, b]`` lines the bound stays 1.
    """
    opened: list[bool] = []  # each [ or { still counted: whether a quote, # or ! followed
    deepest = 0
    for mark in _FLOW_MARK.findall(text):
        if mark in "[{":
            opened.append(False)
            deepest = max(deepest, len(opened))
        elif mark in "]}":
            if opened and not opened[-1]:
                opened.pop()
        elif opened:
            opened[-1] = True
    return deepest


def _deepest_event(loader: Any) -> int:
    depth = 0
    try:
        while (event := loader.get_event()) is not None:
            if isinstance(event, _STARTS):
                depth += 1
                if depth > MAX_DEPTH:
                    return event.start_mark.line + 1 if event.start_mark else 1
            elif isinstance(event, _ENDS):
                depth -= 1
    except yaml.YAMLError:
        pass  # the nesting up to the mistake is all a composer would reach
    finally:
        loader.dispose()
    return 0


def _compose_in_c(text: str) -> yaml.Node | object | None:
    """libyaml's node tree of ``text``, or ``_UNSURE`` when only _Loader may read it."""
    # The "\n" puts the first line, like every other, after a line break.
    if (
        _PYTHON_ONLY_CHARACTER.search(text)
        or _NODE_PROPERTY.search("\n" + text)
        or _HEADER_COMMENT.search(text)
    ):
        return _UNSURE
    try:
        node = yaml.CSafeLoader(text).get_single_node()
    except yaml.YAMLError:
        return _UNSURE
    if isinstance(node, yaml.ScalarNode):
        # A file of one value: libyaml may put an empty one ("---") a line lower.
        return _UNSURE
    if node is not None and "?" in text and _question_mark_in_flow(node, text):
        return _UNSURE
    return node


def _question_mark_in_flow(node: yaml.Node, text: str) -> bool:
    """Whether ``node`` holds a [ ] or { } with a ? inside, which libyaml reads unlike PyYAML.

    PyYAML ends text at a ? there and fails, libyaml reads on: [what? yes]. And
    libyaml puts the empty key of {?} on the line of the }.
    """
    if not isinstance(node, yaml.nodes.CollectionNode):
        return False
    if node.flow_style:
        return "?" in text[node.start_mark.index : node.end_mark.index]
    children = node.value if isinstance(node, yaml.SequenceNode) else chain(*node.value)
    return any(_question_mark_in_flow(child, text) for child in children)


def _compose_in_python(
    path: Path, text: str, kind: FileKind
) -> tuple[yaml.Node | None, list[Problem]]:
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
    return node, []


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
        hint = hint.replace(f"{{{name}}}", str(value))
    return problem(path, (mark.line + 1) if mark else 1, "", f"invalid YAML: {what} — {hint}")


def _convert(
    path: Path, node: yaml.Node, where: str, problems: list[Problem], line: int = 0
) -> Value:
    """``line`` is the node's own line unless given: a mapping passes its key's."""
    line = line or node.start_mark.line + 1
    if isinstance(node, yaml.ScalarNode):
        return Value(_scalar(node), line, node.value)
    if isinstance(node, yaml.MappingNode):
        return Value(_mapping(path, node, where, problems), line)
    items = [
        _convert(path, item, f"{where}[{index}]", problems) for index, item in enumerate(node.value)
    ]
    return Value(items, line)


def _scalar(node: yaml.ScalarNode) -> Any:
    """What SafeLoader makes of a scalar; "<<" and "=" stay text."""
    if node.tag == _STR:
        return node.value  # all that construct_yaml_str does
    construct = SafeConstructor.yaml_constructors.get(node.tag)
    if node.tag not in SCALAR_TAGS or construct is None:
        return node.value
    try:
        if node.tag == _TIMESTAMP and _DATE.fullmatch(node.value):
            # All that construct_yaml_timestamp does with a date, in a tenth of the time.
            return datetime.date.fromisoformat(node.value)
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
        entries[key] = _convert(path, value_node, field, problems, key_line)
    return entries


def _not_a_name(key: yaml.Node) -> str:
    if isinstance(key, yaml.ScalarNode):
        kind = describe(Value(_scalar(key), 0))
        return (
            f"the key {key.value or '(empty)'} is not a field name (YAML reads it as {kind}): "
            "write field names as the template does, like name: or url:"
        )
    return "a list or group of fields cannot be a key: write field names like name: or url:"
