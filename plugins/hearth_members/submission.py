"""A link shared with the "Share a link" issue form, added to its author's member file.

GitHub renders an issue form into the issue's body as ``### Label`` sections, in the
form's order: "_No response_" for an optional field left empty, and a checkbox list as
``- [X] topic`` / ``- [ ] topic`` lines. ``invoke submission`` reads that body, writes
the link into ``content/members/<login>.yml`` as a member would (a new file for a
first-timer; an existing file keeps every line and comment it had), and checks the
result with the very checks ``invoke check`` runs (the content check, passed in by
tasks.py), on a copy of the content. Only a link that passes is written, whole.

The body is untrusted text. It reaches the member file only as YAML scalars written by
PyYAML's emitter, never spliced in as YAML, and the file is read back to prove that it
holds exactly the old data and the new link before it is written.
"""

from __future__ import annotations

import datetime
import math
import re
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from hearth_core.errors import HearthError
from hearth_core.files import read_text_file, write_atomically
from hearth_core.problems import Problem, display_path, problem
from hearth_core.state import BuildState, with_state
from hearth_members.pullrequest import LOGIN, ContentCheck, moved_problem
from hearth_members.site import member_options, site_today
from hearth_members.validate import parse_member

FORM = ".github/ISSUE_TEMPLATE/share-a-link.yml"
NO_RESPONSE = "_No response_"
# GitHub keeps at most 65,536 characters of an issue's body: four bytes each at most.
MAX_BODY_BYTES = 4 * 65536
# What one problem may show of itself in a comment or a log: a value it quotes may be huge.
MAX_SHOWN = 500
MAX_PROBLEMS_SHOWN = 50
_CHECKBOX = re.compile(r"^- \[(?P<mark>[ xX])\] (?P<label>.*)$")


@dataclass(frozen=True)
class FormField:
    """One field of the form: ``key`` is both its id and the link's field it fills."""

    key: str
    label: str
    kind: str  # "input", "textarea" or "checkboxes", as the form's types
    required: bool = False


FIELDS = (
    FormField("url", "Address", "input", required=True),
    FormField("title", "Title", "input", required=True),
    FormField("note", "Why it is worth reading", "textarea"),
    FormField("tags", "Topics", "checkboxes"),
    FormField("discussion", "Discussion address", "input"),
)
LABELS = {form_field.key: form_field.label for form_field in FIELDS}


class SubmissionError(HearthError):
    """The command cannot run at all (a wrong login, no settings); the message says why."""


@dataclass(frozen=True)
class SharedLink:
    """What the form said, as text; the member file's checks judge it."""

    url: str
    title: str
    note: str = ""
    tags: tuple[str, ...] = ()
    discussion: str = ""
    # The line of each field's heading in the body, for the problems.
    lines: dict[str, int] = field(default_factory=dict, compare=False)

    def as_link(self, day: datetime.date) -> dict[str, Any]:
        """The link as a member file holds it, fields in the template's order."""
        link: dict[str, Any] = {"url": self.url, "title": self.title, "date": day}
        if self.note:
            link["note"] = self.note
        if self.tags:
            link["tags"] = list(self.tags)
        if self.discussion:
            link["discussion"] = self.discussion
        return link


@dataclass(frozen=True)
class Outcome:
    """Where the link went, or every problem that kept it out."""

    path: Path
    created: bool = False
    problems: tuple[Problem, ...] = ()


def check_login(login: str) -> str:
    """The member's login, refused unless GitHub could have made it: it names a file."""
    if not LOGIN.match(login) or login.endswith("[bot]"):
        raise SubmissionError(
            f"--author {login[:60]!r} is not a member's GitHub login: pass the login of the "
            "issue's author, like --author ada-lovelace"
        )
    return login


# Reading the rendered body.


def parse_body(path: Path, text: str) -> tuple[SharedLink | None, list[Problem]]:
    """The fields of a rendered form, or a problem for each one that cannot be read."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    headings, problems = _headings(path, lines)
    if problems:
        return None, problems
    values = _values(lines, headings)
    for form_field in FIELDS:
        if form_field.required and not values[form_field.key]:
            problems.append(
                problem(
                    path,
                    headings[form_field.key] + 1,
                    form_field.label,
                    "is empty: edit the issue and fill it in",
                )
            )
    tags, tag_problems = _ticked(path, values["tags"], headings["tags"])
    problems += tag_problems
    if problems:
        return None, problems
    shared = SharedLink(
        url=values["url"],
        title=values["title"],
        note=values["note"],
        tags=tags,
        discussion=values["discussion"],
        lines={key: line + 1 for key, line in headings.items()},
    )
    return shared, []


def _headings(path: Path, lines: list[str]) -> tuple[dict[str, int], list[Problem]]:
    """The line of each field's heading.

    Only the textarea holds lines a member typed, so a heading they typed in it must not
    be taken for a field's: the fields before it are found from the start, and the
    fields after it from the end.
    """
    split = next(i for i, form_field in enumerate(FIELDS) if form_field.kind == "textarea")
    found: dict[str, int] = {}
    start, end = 0, len(lines)
    for form_field in FIELDS[: split + 1]:
        at = _heading(lines, form_field.label, range(start, end))
        if at is None:
            return found, [_no_section(path, form_field)]
        found[form_field.key], start = at, at + 1
    for form_field in reversed(FIELDS[split + 1 :]):
        at = _heading(lines, form_field.label, range(end - 1, start - 1, -1))
        if at is None:
            return found, [_no_section(path, form_field)]
        found[form_field.key], end = at, at
    return found, []


def _heading(lines: list[str], label: str, where: range) -> int | None:
    return next((i for i in where if lines[i].rstrip() == f"### {label}"), None)


def _no_section(path: Path, form_field: FormField) -> Problem:
    return problem(
        path,
        1,
        form_field.label,
        f'the issue has no "### {form_field.label}" section: open a new issue with the '
        '"Share a link" form and fill it in',
    )


def _values(lines: list[str], headings: dict[str, int]) -> dict[str, str]:
    """Each field's text: the lines between its heading and the next one."""
    order = sorted(headings.items(), key=lambda item: item[1])
    values = {}
    for (key, at), following in zip(order, [*order[1:], ("", len(lines))], strict=True):
        value = "\n".join(lines[at + 1 : following[1]]).strip()
        values[key] = "" if value == NO_RESPONSE else value
    return values


def _ticked(path: Path, section: str, heading: int) -> tuple[tuple[str, ...], list[Problem]]:
    tags, problems = [], []
    for line in section.split("\n"):
        found = _CHECKBOX.match(line.strip())
        if found and found["mark"] in "xX":
            tags.append(found["label"].strip())
        elif line.strip() and not found:
            problems.append(
                problem(
                    path,
                    heading + 1,
                    LABELS["tags"],
                    f"cannot read {line.strip()[:80]!r} as a topic: edit the issue and tick "
                    "the topics in the form",
                )
            )
    return tuple(tags), problems


# Writing the member file.


_STR, _DATE = "tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp"
# Line breaks other than "\n", which PyYAML writes unescaped inside single quotes and
# then reads as a break; and what else no member can see: escaped in double quotes.
_ESCAPED = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]")


def _node(value: Any) -> yaml.Node:
    """A link's value as a YAML node. PyYAML's emitter writes a text plain only where
    it reads back as the same text (never "yes" or "1984" or "a: b"), else in quotes; a
    text of several lines as a literal block where it can."""
    if isinstance(value, datetime.date):
        return yaml.ScalarNode(_DATE, value.isoformat())
    if isinstance(value, list):
        return yaml.SequenceNode(
            "tag:yaml.org,2002:seq", [_node(v) for v in value], flow_style=True
        )
    style = '"' if _ESCAPED.search(value) else "|" if "\n" in value else None
    return yaml.ScalarNode(_STR, value, style=style)


def link_block(link: dict[str, Any], column: int) -> str:
    """The link as one item of a block list whose dashes are at ``column``."""
    fields = [(yaml.ScalarNode(_STR, key), _node(value)) for key, value in link.items()]
    item = yaml.MappingNode("tag:yaml.org,2002:map", fields, flow_style=False)
    listed = yaml.SequenceNode("tag:yaml.org,2002:seq", [item], flow_style=False)
    dumped = yaml.serialize(listed, Dumper=yaml.SafeDumper, allow_unicode=True, width=math.inf)
    indent = " " * column
    return "".join(indent + line if line.strip() else line for line in dumped.splitlines(True))


def new_member_file(login: str, link: dict[str, Any]) -> str:
    name = yaml.serialize(yaml.ScalarNode(_STR, login), Dumper=yaml.SafeDumper).splitlines()[0]
    return (
        "# Started with the Share a link form. To show another name, or add a bio, a website\n"
        "# or a fediverse address, edit this file: content/members/_template.yml shows how.\n"
        f"name: {name}\n"
        "links:\n" + link_block(link, 2)
    )


def file_with_link(existing: str, link: dict[str, Any]) -> str | None:
    """``existing`` with ``link`` added at the end of its ``links:`` list, every other
    line kept as it was; None where the file's shape leaves no safe place for it."""
    try:
        root = yaml.compose(existing, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    if not isinstance(root, yaml.MappingNode):
        return None
    lines = existing.splitlines(True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    entry = next(((k, v) for k, v in root.value if k.value == "links"), None)
    if entry is None:
        return "".join(lines) + "links:\n" + link_block(link, 2)
    key, value = entry
    if isinstance(value, yaml.SequenceNode) and value.value and not value.flow_style:
        after = _last_line(value.value[-1])
        # A block list starts at its first dash: the new item's dash goes in that column.
        block = link_block(link, value.start_mark.column)
        return "".join(lines[: after + 1]) + block + "".join(lines[after + 1 :])
    if _is_empty_list(value) and value.start_mark.line == key.start_mark.line:
        # "links: []" or "links:": the line becomes "links:", the link goes below it.
        line = lines[key.start_mark.line]
        kept = line[: value.start_mark.column] + line[value.end_mark.column :]
        head = "".join(lines[: key.start_mark.line]) + kept.rstrip() + "\n"
        tail = "".join(lines[key.start_mark.line + 1 :])
        return head + link_block(link, key.start_mark.column + 2) + tail
    return None


def _is_empty_list(value: yaml.Node) -> bool:
    if isinstance(value, yaml.SequenceNode):
        return not value.value
    return isinstance(value, yaml.ScalarNode) and value.tag.endswith(":null")


def _last_line(node: yaml.Node) -> int:
    """The last line holding any of ``node``'s text (a block's end is the next line)."""
    children: list[yaml.Node] = []
    if isinstance(node, yaml.MappingNode):
        children = [part for pair in node.value for part in pair]
    elif isinstance(node, yaml.SequenceNode):
        children = list(node.value)
    ends = [_last_line(child) for child in children]
    if isinstance(node, yaml.ScalarNode) or getattr(node, "flow_style", False):
        mark = node.end_mark
        ends.append(mark.line if mark.column > 0 else mark.line - 1)
    return max(ends, default=node.start_mark.line)


def adds_exactly(before: str | None, after: str, link: dict[str, Any], login: str) -> bool:
    """Whether ``after`` holds what ``before`` did, plus ``link`` as its last link."""
    try:
        old = yaml.safe_load(before) if before is not None else {"name": login}
        new = yaml.safe_load(after)
    except yaml.YAMLError:
        return False
    if not isinstance(old, dict) or not isinstance(new, dict):
        return False
    old_links = old.pop("links", None) or []
    new_links = new.pop("links", None)
    return old == new and isinstance(new_links, list) and new_links == [*old_links, link]


# The whole command.


def add_shared_link(
    settings: dict[str, Any],
    login: str,
    body_path: Path,
    *,
    check_content: ContentCheck,
    today: datetime.date | None = None,
) -> Outcome:
    """Add the link of the rendered form in ``body_path`` to ``login``'s member file."""
    login = check_login(login)
    options = member_options(settings)
    folder = Path(settings["PATH"], options["path"])
    target = folder / f"{login.lower()}.yml"
    body, problems = read_text_file(body_path, max_bytes=MAX_BODY_BYTES)
    if body is None:
        return Outcome(target, problems=tuple(problems))
    shared, problems = parse_body(body_path, body)
    if shared is None:
        return Outcome(target, problems=tuple(problems))
    day = today or site_today(settings)
    existing, problems = _existing(target, options["tags"], day)
    if problems:
        return Outcome(target, problems=tuple(problems))
    link = shared.as_link(day)
    text = new_member_file(login, link) if existing is None else file_with_link(existing, link)
    if text is None or not adds_exactly(existing, text, link, login):
        return Outcome(target, problems=(_no_safe_place(target),))
    index = 0 if existing is None else _link_count(existing)
    found = _problems_with(settings, check_content, target, text)
    problems = [_on_form(p, target, index, body_path, shared) for p in found]
    if problems:
        return Outcome(target, problems=tuple(sorted(problems)))
    write_atomically(target, text.encode("utf-8"))
    return Outcome(target, created=existing is None)


def _existing(
    target: Path, vocabulary: Sequence[str], today: datetime.date
) -> tuple[str | None, list[Problem]]:
    """The member file as it is, None for a first-timer, or its problems: a file
    that does not pass ``invoke check`` already is fixed first, by its owner."""
    if not target.exists() and not target.is_symlink():
        return None, []
    text, problems = read_text_file(target)
    if text is None:
        return None, problems
    return text, parse_member(target, text, vocabulary, today)[1]


def _link_count(text: str) -> int:
    links = (yaml.safe_load(text) or {}).get("links") or []
    return len(links)


def _no_safe_place(target: Path) -> Problem:
    return problem(
        target,
        1,
        "links",
        "the link cannot be added to this file without changing how it is written: add it "
        "by hand (docs/members.md says how), or ask a moderator",
    )


def _problems_with(
    settings: dict[str, Any], check_content: ContentCheck, target: Path, text: str
) -> list[Problem]:
    """What ``invoke check`` finds with the member file as ``text`` and did not find
    before: problems already on the site are not this link's doing. Both checks run on
    a copy of the content, so nothing half-checked is ever in the real folder."""
    content = Path(settings["PATH"])
    relative = target.resolve().relative_to(content.resolve())
    with tempfile.TemporaryDirectory(prefix="hearth-submission-") as folder:
        copy = Path(folder, "content")
        shutil.copytree(content, copy, symlinks=True, ignore=shutil.ignore_patterns(".*"))
        at_copy = {**settings, "PATH": str(copy), "CACHE_PATH": ""}
        # Each check with a state of its own: nothing the first one kept is used again.
        before = set(check_content(with_state(at_copy, BuildState())))
        (copy / relative).write_text(text, encoding="utf-8")
        after = check_content(with_state(at_copy, BuildState()))
        return [moved_problem(p, copy, content) for p in after if p not in before]


def _on_form(
    found: Problem, target: Path, index: int, body_path: Path, shared: SharedLink
) -> Problem:
    """A problem with the new link, named by the form's field it came from."""
    prefix = f"links[{index}]"
    if found.path != display_path(target) or not found.field.startswith(prefix):
        return found
    key = re.split(r"[.\[]", found.field[len(prefix) :].lstrip("."), maxsplit=1)[0]
    label = LABELS.get(key, "Date" if key == "date" else "Link")
    return problem(body_path, shared.lines.get(key, 1), label, found.message)


# Telling the member.


def shown(found: Problem, body_path: Path) -> str:
    """One problem as a member reads it: a form field's by its label alone."""
    text = str(found)
    if found.path == display_path(body_path):
        text = (
            f"{found.field}: {found.message}"
            if found.field
            else f"The issue's text {found.message}"
        )
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


def comment_markdown(problems: Sequence[Problem], body_path: Path) -> str:
    """The problems as a comment for the issue: in a code block, so nothing a member
    typed (a mention, a link, an image) becomes live Markdown."""
    listed = [shown(found, body_path) for found in problems[:MAX_PROBLEMS_SHOWN]]
    if len(problems) > MAX_PROBLEMS_SHOWN:
        listed.append(f"… and {len(problems) - MAX_PROBLEMS_SHOWN} more")
    text = "\n".join(listed)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return (
        "Thank you for sharing! The link could not be added yet:\n\n"
        f"{fence}text\n{text}\n{fence}\n\n"
        "Edit this issue to fix the fields named above: the check runs again after each "
        "edit. docs/members.md explains each rule.\n"
    )


# The form itself.


def form_problems(form_text: str, topics: Sequence[str]) -> list[str]:
    """How the issue form differs from what ``parse_body`` reads and from the topics
    configured (``HEARTH_MEMBERS["tags"]``): each difference, with what to change."""
    try:
        form = yaml.safe_load(form_text)
    except yaml.YAMLError as error:
        return [f"{FORM}: is not YAML ({error}): fix it"]
    body = form.get("body") if isinstance(form, dict) else None
    if not isinstance(body, list):
        return [f"{FORM}: has no body: list of fields: restore it"]
    fields = [item for item in body if isinstance(item, dict) and item.get("type") != "markdown"]
    found = [_described(item) for item in fields]
    wanted = [(f.key, f.kind, f.label, f.required) for f in FIELDS]
    problems = []
    if found != wanted:
        problems.append(
            f"{FORM}: its fields are {found}, but invoke submission reads {wanted} "
            "(id, type, label, required): make them the same"
        )
    options = next(
        (item.get("attributes", {}).get("options") for item in fields if item.get("id") == "tags"),
        None,
    )
    labels = [o.get("label") for o in options or [] if isinstance(o, dict)]
    if labels != list(topics):
        problems.append(
            f"{FORM}: its topics are {labels}, but pelicanconf.py's HEARTH_MEMBERS['tags'] "
            f"are {list(topics)}: list the same topics, in the same order, as the options"
        )
    return problems


def _described(item: dict[str, Any]) -> tuple[Any, Any, Any, bool]:
    attributes = item.get("attributes") or {}
    validations = item.get("validations") or {}
    return (
        item.get("id"),
        item.get("type"),
        attributes.get("label"),
        bool(validations.get("required")),
    )
