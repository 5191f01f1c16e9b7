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
    value = _convert(path, node, "", problems)
    if "#" in text:
        problems += _comments_after_values(path, node, text)
    return value, problems


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
        return None, [_invalid(path, text, error, kind)]
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


def _invalid(path: Path, text: str, error: yaml.MarkedYAMLError, kind: FileKind) -> Problem:
    """A YAML mistake in plain words, at its line: PyYAML's own wording ("expected
    <block end>, but found '?'") means nothing to a member, so it never reaches one."""
    mark = error.problem_mark or error.context_mark
    if error.context == "while scanning a simple key":
        # A line without its colon: PyYAML notices only on the next line.
        mark = error.context_mark or mark
    line = (mark.line + 1) if mark else 1
    started = (error.context_mark.line + 1) if error.context_mark else line
    column = mark.column if mark else 0
    mistake = _Mistake(text.splitlines() or [""], line, started, column, kind)
    wording = f"{error.problem} {error.context}"
    explain = next((explain for key, explain in _EXPLAINED if key in wording), _Mistake.unclear)
    where, message = explain(mistake)
    return problem(path, where, "", f"invalid YAML: {message}")


# A line's field name and what follows its colon: "  - url: https://..." or "title:x".
_FIELD = re.compile(r"^(?P<indent>[ ]*(?:- +)*)(?P<key>[^\s:#\-\[{'\"][^:#]*?):(?P<rest>.*)$")


@dataclass(frozen=True)
class _Mistake:
    """Where PyYAML stopped in a file, and how to say what is wrong there."""

    lines: list[str]
    line: int  # 1-based, where PyYAML stopped
    started: int  # 1-based, where what it was reading started
    column: int  # 0-based, where PyYAML stopped on its line
    kind: FileKind

    def text_of(self, line: int) -> str:
        return self.lines[line - 1] if 0 < line <= len(self.lines) else ""

    def tab(self) -> tuple[int, str]:
        line = next((n for n in range(self.started, self.line + 1) if "\t" in self.text_of(n)), 0)
        line = line or self.line
        return line, f"line {line} holds a tab — indent with spaces, never tabs"

    def reserved_start(self) -> tuple[int, str]:
        character = self.text_of(self.line)[self.column : self.column + 1].strip() or "it"
        example = '"@ada@social.example"' if character in "@`" else 'note: "*Really* good"'
        return self.line, (
            f"a value on line {self.line} starts with {character}, which YAML reserves — "
            f"put the whole value in quotes, like {example}"
        )

    def colon_in_value(self) -> tuple[int, str]:
        field = _FIELD.match(self.text_of(self.line))
        if field and ": " in field["rest"].strip():
            value = field["rest"].strip()
            shown = value if len(value) <= 40 else value[:37] + "..."
            return self.line, (
                f'the value of {field["key"].strip()} on line {self.line} holds ": ", which '
                "YAML reads as the start of another field — put the whole value in quotes: "
                f'{field["key"].strip()}: "{shown.replace(chr(34), chr(39))}"'
            )
        return self.misaligned()

    def misaligned(self) -> tuple[int, str]:
        here = self.line
        above = next(
            (n for n in range(here - 1, 0, -1) if self._content(n)),
            0,
        )
        if not above:
            return here, f"line {here} is indented, but nothing is above it — start it in column 1"
        name, column = self._field_at(here)
        above_name, above_column = self._field_at(above)
        if column == above_column:
            return here, (
                f"line {here} does not line up with the lines around it — {self.kind.indentation}"
            )
        return here, (
            f"{name} on line {here} starts in column {column}, but {above_name} on line "
            f"{above} starts in column {above_column} — align {name} with {above_name} "
            f"(or whichever is out of line), as {self.kind.indentation}"
        )

    def quote_trouble(self) -> tuple[int, str]:
        return self.line, (
            f"line {self.line} has text after a closing quote, or a quote opened above it "
            "closes only here — put a value that holds quotes in quotes as a whole, like "
            "title: \"It's 'done'\", and close each quote on its own line; inside 'single "
            "quotes' write a ' as ''"
        )

    def block_trouble(self) -> tuple[int, str]:
        before = self.text_of(self.line)[: self.column].rstrip()
        if before.endswith(("'", '"')):
            return self.quote_trouble()
        return self.misaligned()

    def no_colon(self) -> tuple[int, str]:
        line = self.started
        field = _FIELD.match(self.text_of(line))
        if field and field["rest"] and not field["rest"][0].isspace():
            key = field["key"].strip()
            return line, (
                f"line {line} has no space after {key}: — write {key}: and then the value, "
                "with a space between"
            )
        return line, (
            f"line {line} has no field name and colon — each line needs one, like "
            "title: A good post; a long value continues on lines indented under its field"
        )

    def unclosed_quote(self) -> tuple[int, str]:
        return self.started, (
            f"the quote opened on line {self.started} is never closed — close it on the same "
            "line; inside 'single quotes' write a ' as ''"
        )

    def unclosed_bracket(self) -> tuple[int, str]:
        return self.line, (
            f"the [ or {{ opened on line {self.started} is not closed before line {self.line} "
            "— close the bracket on its own line, and separate items with commas"
        )

    def second_document(self) -> tuple[int, str]:
        return self.line, (
            f"the --- on line {self.line} starts a second document — remove it: one "
            f"{self.kind.noun} per file"
        )

    def block_header(self) -> tuple[int, str]:
        return self.line, (
            f"the | or > on line {self.line} must end its line (a comment after it needs a "
            'space before the #) — or put the value in "quotes"'
        )

    def unclear(self) -> tuple[int, str]:
        return self.line, (
            f"line {self.line} cannot be read — check its quotes and indentation; "
            f"{self.kind.template} shows every field"
        )

    def _content(self, line: int) -> bool:
        stripped = self.text_of(line).strip()
        return bool(stripped) and not stripped.startswith("#")

    def _field_at(self, line: int) -> tuple[str, int]:
        """The field a line starts (or "the text") and its column, 1-based, after any "- "."""
        text = self.text_of(line)
        field = _FIELD.match(text)
        if field:
            return field["key"].strip() + ":", len(field["indent"]) + 1
        stripped = text.lstrip(" -")
        return "the text", len(text) - len(stripped) + 1


# PyYAML's wording, matched to what it means for a member; the first match wins.
_EXPLAINED = (
    ("'\\t'", _Mistake.tab),
    ("alias", _Mistake.reserved_start),
    ("anchor", _Mistake.reserved_start),
    ("cannot start any", _Mistake.reserved_start),
    ("mapping values are not allowed", _Mistake.colon_in_value),
    ("quoted scalar", _Mistake.unclosed_quote),
    ("flow", _Mistake.unclosed_bracket),
    ("single document", _Mistake.second_document),
    ("chomping", _Mistake.block_header),
    ("expected ':'", _Mistake.no_colon),
    ("simple key", _Mistake.no_colon),
    ("block", _Mistake.block_trouble),
)


# Values a comment can cut short or empty; after a date or a number it is only a comment.
_TEXT_TAGS = frozenset({_STR, _TAG + "null"})


def _comments_after_values(path: Path, root: yaml.Node, text: str) -> list[Problem]:
    """A # after a plain value starts a comment, which YAML silently leaves out:
    "title: Issue #1 review" is the title "Issue". Each one is reported."""
    found = []
    pending: list[tuple[yaml.Node, str]] = [(root, "")]
    while pending:
        node, where = pending.pop()
        if not where and isinstance(node, yaml.ScalarNode):
            continue  # a file of one value: refused as such by its checks
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                name = key.value if isinstance(key, yaml.ScalarNode) else "?"
                pending.append((value, f"{where}.{name}" if where else str(name)))
        elif isinstance(node, yaml.SequenceNode):
            pending += [(item, f"{where}[{index}]") for index, item in enumerate(node.value)]
        elif isinstance(node, yaml.ScalarNode) and not node.style and node.tag in _TEXT_TAGS:
            end = node.end_mark.index
            rest = text[end : text.find("\n", end) % (len(text) + 1)]
            if rest.lstrip().startswith("#"):
                found.append(_comment_in_value(path, node, where, rest))
    return sorted(found, key=lambda found: found.line)


def _comment_in_value(path: Path, node: yaml.ScalarNode, where: str, rest: str) -> Problem:
    line = node.end_mark.line + 1
    key = where.rsplit(".", 1)[-1].split("[", 1)[0]
    meant = f"{node.value} {rest.strip()}".strip().replace('"', "'")
    shown = meant if len(meant) <= 40 else meant[:37] + "..."
    return problem(
        path,
        line,
        where,
        f'YAML reads the " #" on line {line} and all after it as a comment and leaves it '
        f'out of the value: put the whole value in quotes, like {key}: "{shown}"',
    )


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
