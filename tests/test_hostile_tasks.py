"""No value given to any task ends in a traceback, and nothing a member wrote runs in a CI log.

The tasks run as the author runs them: `invoke ...` in a copy of the project.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from unittest import mock

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from hearth_buttondown.errors import SendError
from hearth_buttondown.send import parse_schedule
from hearth_core.console import InertStream, inert, workflow_command
from hearth_core.text import first_forbidden
from hearth_site import arguments
from hearth_site.arguments import ArgumentError
from tests.sites import ROOT, invoke

# Numbers Python reads too kindly or not at all: '²'.isdigit() is True but int('²') fails,
# int('١٢') is 12, float('inf') and float('1_0') are numbers, int() of 5,000 digits raises.
NOT_WHOLE_NUMBERS = ["²", "١٢", "１", "abc", "", "-1", "0", "1e3", "0x10", "1_0", "9" * 5000]
NOT_PORTS = [*NOT_WHOLE_NUMBERS, "65536", "99999", "8000.0"]
NOT_SCALES = ["inf", "nan", "-inf", "-1", "0", "1e400", "1_0", "0x1p3", "²", "abc", "9" * 5000]
NOT_TITLES = ["", "   ", "Spring\nStatus: published", "Spring\rDate: 1873-01-01", "\u202egnirpS"]
NOT_SCHEDULES = [
    "9999-12-31T23:59:59-23:59",
    "0001-01-01T00:00+23:59",
    "2026-13-01T00:00Z",
    "２０２６-01-01T00:00Z",
    "2099-01-01T09:00",
    "tomorrow",
]

# Every option of every task that takes a value, with values it must refuse, and what the
# refusal names: a few each, run as processes (the readers themselves get every value
# above, and generated ones, in process below). Flags (--drafts, --dry-run ...) take no
# value.
HOSTILE = {
    ("email", "--issue"): (["²", "9" * 5000], "--issue"),
    ("send", "--issue"): (["١٢"], "--issue"),
    ("send", "--schedule"): (["0001-01-01T00:00+23:59", "tomorrow"], "--schedule"),
    ("send", "--preview"): (["not-an-address"], "--preview"),
    ("serve", "--port"): (["65536"], "--port"),
    # Refused before any name is looked up: no test may send a DNS query.
    ("serve", "--bind"): (["a" * 300, "::error::x"], "--bind"),
    ("reserve", "--port"): (["0"], "--port"),
    ("livereload", "--port"): (["²"], "--port"),
    ("bench", "--scale"): (["nan", "1_0"], "--scale"),
    ("bench", "--keep"): (["tasks.py", "/proc/self/no/such/folder"], "--keep"),
    ("bench", "--saves"): (["0", "²", "1e3", "9" * 5000], "--saves"),
    ("new-issue", "--title"): (["Spring\rDate: 1873-01-01", "\u202egnirpS"], "--title"),
    ("sync-discussions", "--platform"): (["::error::x", "", " , "], "--platform"),
    ("sync-discussions", "--issues"): (["::error::x", "0", "²", "9" * 5000], "--issues"),
    ("sync-discussions", "--days"): (["-1", "1e3", ""], "--days"),
    ("sync-discussions", "--budget"): (["-1", "\u202e1"], "--budget"),
    ("check-pr", "--author"): (["::error::x", "a/../b", "\u202ex", "a" * 300], "--author"),
    ("check-pr", "--pr"): (["-x", "--output=/tmp/x", "no-such-ref"], "--pr"),
    ("check-pr", "--base"): (["-x", "no-such-ref"], "base"),
    ("submission", "--author"): (["../../etc/passwd", "::error::x", "a" * 300], "--author"),
    ("submission", "--body-file"): (["/proc/self/no/such", "content"], "--body-file"),
    ("submission", "--comment-file"): (["/proc/self/no/such/c.md", "content"], "--comment-file"),
    ("announce", "--issue"): (["²", "", "9" * 5000], "--issue"),
    ("announce", "--platform"): (["::error::x", "", " , "], "--platform"),
    ("import-archive", "--source"): (["/proc/self/no/such", "no-such-export.zip"], "no such"),
    ("import-archive", "--format"): (["nope", "::error::x"], "--format"),
    ("import-archive", "--old-url"): (
        ["::error::x", "javascript:alert(1)", "a" * 5000],
        "--old-url",
    ),
    ("check-links", "--report"): (["/proc/self/no/such/r.md", "content"], "--report"),
}
NOT_BIND_ADDRESSES = ["a" * 300, "x" * 64 + ".ex", "bad host", "::error::x", "²", ""]
NOT_HERE: set[str] = set()
# What a task needs besides the option, so that the option is what gets refused.
ALSO = {
    "send": {"--issue": "1", "--dry-run": None},
    "bench": {"--scale": "0.001"},
    "sync-discussions": {"--dry-run": None},  # should a value get through: no requests
    "check-pr": {"--author": "ada", "--pr": "HEAD"},
    "submission": {"--author": "ada", "--body-file": "tasks.py"},
    "announce": {"--issue": "14", "--dry-run": None},  # should a value get through: no requests
    "import-archive": {"--source": "tasks.py", "--dry-run": None},  # never writes
}


def test_every_option_of_every_task_is_fed_hostile_values(project):
    listing = """
import json, tasks
from invoke import Collection
tasks_ = Collection.from_module(tasks)
print(json.dumps({name: [(a.name, a.kind.__name__) for a in tasks_[name].get_arguments()]
                  for name in tasks_.task_names}))
"""
    found = subprocess.run(
        [sys.executable, "-c", listing], cwd=project, capture_output=True, text=True, check=True
    )
    options = {
        (task, "--" + name.replace("_", "-"))
        for task, args in json.loads(found.stdout).items()
        for name, kind in args
        if kind != "bool" and task not in NOT_HERE
    }
    assert options == set(HOSTILE)


def cases() -> list:
    return list(_cases())


def _cases():
    for (task, option), (values, names) in HOSTILE.items():
        for value in values:
            shown = value if len(value) < 30 else value[:10] + "..."
            yield pytest.param(task, option, value, names, id=f"{task} {option} {shown!r}")


@pytest.fixture(scope="module")
def one_project(tmp_path_factory):
    """One copy of the project for every refused value: a refusal changes nothing in it."""
    copy = tmp_path_factory.mktemp("hostile") / "site"
    for name in ("content", "theme", "plugins", "benchmarks"):
        shutil.copytree(ROOT / name, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pelicanconf.py", "publishconf.py", "tasks.py"):
        shutil.copy(ROOT / name, copy / name)
    (copy / "output").mkdir()
    (copy / "output/index.html").write_text("<p>Built</p>")  # so that serve gets to --bind
    # A repository, so that check-pr gets to --pr and --base.
    identity = ["-c", "user.name=Test", "-c", "user.email=test@example.org"]
    for command in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "site"]):
        subprocess.run(["git", *identity, *command], cwd=copy, check=True, capture_output=True)
    return copy


@pytest.mark.parametrize(("task", "option", "value", "names"), cases())
def test_no_value_of_any_option_ends_in_a_traceback(one_project, task, option, value, names):
    project = one_project
    extra = [
        word
        for name, given in ALSO.get(task, {}).items()
        if name != option
        for word in (name, given)
        if word is not None
    ]
    result = invoke(project, task, *extra, option, value, timeout=60)
    assert "Traceback" not in result.stdout + result.stderr
    assert result.returncode == 1, result.stdout + result.stderr
    assert names in result.stderr
    assert len(result.stderr.splitlines()) <= 3, result.stderr
    if task == "new-issue":
        assert sorted(project.glob("content/issues/0016-*")) == []


def test_email_issue_superscript_two(project):
    result = invoke(project, "email", "--issue", "²")
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == "--issue '²': give a whole number from 1 to 99999, like --issue 12\n"


def test_serve_port_abc(project):
    result = invoke(project, "serve", "--port", "abc")
    assert result.returncode == 1
    assert result.stderr == (
        "--port 'abc': give a whole number from 1 to 65535, like --port 8000\n"
    )


def test_bench_scale_inf(project):
    result = invoke(project, "bench", "--scale", "inf")
    assert result.returncode == 1
    assert result.stderr == (
        "--scale 'inf': give a number above 0 and at most 100, like 1 or 0.5\n"
    )


def test_send_schedule_9999_12_31T23_59_59_minus_23_59(project):
    result = invoke(
        project, "send", "--issue", "3", "--schedule", "9999-12-31T23:59:59-23:59", "--dry-run"
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr == (
        "--schedule 9999-12-31T23:59:59-23:59: that time is out of range; "
        "give one like 2026-11-25T09:00+01:00\n"
    )


def test_new_issue_refuses_an_empty_title(project):
    result = invoke(project, "new-issue", "--title", "")
    assert result.returncode == 1
    assert "--title is empty" in result.stderr
    assert sorted(project.glob("content/issues/0016-*")) == []


def test_new_issue_refuses_a_title_with_a_newline_which_would_inject_header_lines(project):
    result = invoke(project, "new-issue", "--title", "Spring\nStatus: published")
    assert result.returncode == 1
    assert "--title holds a line break: a title is one line" in result.stderr
    assert sorted(project.glob("content/issues/0016-*")) == []


def test_new_issue_refuses_a_character_no_text_field_may_hold(project):
    result = invoke(project, "new-issue", "--title", "Spring \u202eeman")
    assert result.returncode == 1
    assert "--title holds the invisible or control character U+202E" in result.stderr


def test_new_issue_keeps_an_ordinary_title_with_punctuation(project):
    result = invoke(project, "new-issue", "--title", "  Spring: <tools> & 'notes'  ")
    assert result.returncode == 0, result.stderr
    [created] = project.glob("content/issues/0016-*")
    assert created.read_text().splitlines()[0] == "Title: Spring: <tools> & 'notes'"
    assert invoke(project, "check").returncode == 0


def test_a_template_syntax_error_names_the_template_line_and_message(project):
    base = project / "theme/templates/base.html"
    lines = base.read_text().splitlines(keepends=True)
    base.write_text("".join([*lines[:2], "{% if %}\n", *lines[2:]]))
    result = invoke(project, "build")
    assert result.returncode == 1
    assert result.stderr == (
        "Build failed: theme/templates/base.html:3: template syntax error: "
        "Expected an expression, got 'end of statement block'\n"
    )


def test_an_email_template_error_names_the_template_and_line(project):
    template = project / "theme/templates/email/issue.txt"
    template.write_text(template.read_text() + "{{ issue.no_such_field.upper() }}\n")
    lines = len(template.read_text().splitlines())
    result = invoke(project, "email", "--issue", "3")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"theme/templates/email/issue.txt:{lines}: template error: " in result.stderr


# GitHub's runner, as actions/runner reads a job's output (ActionCommand.TryParseV2 and
# TryParse, ActionCommandManager): a line is split at \r and \n; after leading white space,
# `::name props::data` is a command, and so is `##[name props]data` anywhere in a line;
# after `::stop-commands::TOKEN` nothing runs until `::TOKEN::`. Any name counts here.
def workflow_commands(log: str) -> list[tuple[str, dict[str, str], str]]:
    run, stopped_until = [], None
    for line in re.split(r"\r\n|\r|\n", log):
        command = _modern(line) or _legacy(line)
        if command is None:
            continue
        if stopped_until is not None:
            if command[0].lower() == stopped_until.lower():
                stopped_until = None
            continue
        if command[0] == "stop-commands":
            stopped_until = command[2]
            continue
        run.append(command)
    return run


def _modern(line: str):
    line = line.lstrip()
    end = line.find("::", 2)
    if not line.startswith("::") or end < 0:
        return None
    name, _, given = line[2:end].partition(" ")
    if not name:
        return None
    return (
        name,
        _properties(given.strip().split(","), _unescape_property),
        _unescape(line[end + 2 :]),
    )


def _legacy(line: str):
    start = line.find("##[")
    end = line.find("]", start)
    if start < 0 or end < 0:
        return None
    name, _, given = line[start + 3 : end].partition(" ")
    return (name, _properties(given.split(";"), _unescape), line[end + 1 :]) if name else None


def _properties(pairs: list[str], unescape) -> dict[str, str]:
    split = (pair.split("=", 1) for pair in pairs if pair)
    return {key: unescape(value) for key, value in (p for p in split if len(p) == 2)}


def _unescape(text: str) -> str:
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def _unescape_property(text: str) -> str:
    for escaped, raw in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(escaped, raw)
    return text


FORGED = "x\n::error file=README.md,line=1::Approved by a moderator"
COMMAND_PIECES = st.sampled_from(
    ["::", "::error", " file=README.md", ",line=1", "\n", "\r", "##[", "]", "error", " \t",
     "stop-commands", "%0A", "%25", ":", ",", "=", "a", "é"]
)  # fmt: skip
HOSTILE_TEXT = st.text() | st.lists(COMMAND_PIECES).map("".join)


def test_a_key_or_file_name_holding_a_workflow_command_forges_no_annotation(project, monkeypatch):
    members = project / "content/members"
    key = FORGED.replace("\n", "\\n")  # as YAML writes a line break in double quotes
    (members / "eve.yml").write_text(f'name: Eve\n"{key}": 1\n')
    (members / "m\n::error file=README.md::forged.yml").write_text("name: Mallory\n")
    assert workflow_commands(FORGED) != []  # what the runner would have run until now
    plain = invoke(project, "check")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    result = invoke(project, "check")
    assert result.returncode == 1
    assert "Approved by a moderator" in result.stderr and "forged.yml" in result.stderr
    assert workflow_commands(result.stdout + result.stderr) == []
    # Elsewhere the same text is printed as it is.
    assert "::stop-commands::" not in plain.stderr
    assert FORGED.replace("x\n", "") in plain.stderr


@given(HOSTILE_TEXT)
def test_no_text_printed_under_github_actions_runs_a_command(text):
    with mock.patch.dict(os.environ, {"GITHUB_ACTIONS": "true"}):
        printed = inert(text)
    assert workflow_commands(printed) == []
    assert text in printed


@given(st.lists(HOSTILE_TEXT, max_size=8))
@example(["x\n##", "[error]forged"])
@example(["#", "#", "[error]forged"])
@example(["one ", "line\n::error::forged"])
def test_nothing_written_in_pieces_under_github_actions_runs_a_command(pieces):
    """Separate writes (print's text, then its newline; a logger's parts) are checked
    together, so a command cut in two, `##` then `[error]x`, runs no more than a whole one."""
    log = io.StringIO()
    stream = InertStream(log)
    with mock.patch.dict(os.environ, {"GITHUB_ACTIONS": "true"}):
        for piece in pieces[:-1]:
            stream.write(piece)
        stream.writelines(pieces[-1:])
    assert workflow_commands(log.getvalue()) == []
    assert all(piece in log.getvalue() for piece in pieces)


@given(HOSTILE_TEXT)
def test_outside_github_actions_text_is_printed_as_it_is(text):
    with mock.patch.dict(os.environ, {"GITHUB_ACTIONS": "false"}):
        assert inert(text) == text


@given(message=HOSTILE_TEXT, path=HOSTILE_TEXT.filter(bool), title=HOSTILE_TEXT.filter(bool))
def test_a_command_hearth_writes_carries_its_values_exactly(message, path, title):
    line = workflow_command("error", message, file=path, title=title)
    [(name, properties, data)] = workflow_commands(line)
    assert (name, data) == ("error", message)
    assert set(properties) <= {"file", "title"}


READERS = [
    (arguments.issue_number, NOT_WHOLE_NUMBERS),
    (arguments.port, NOT_PORTS),
    (arguments.scale, NOT_SCALES),
    (arguments.issue_title, NOT_TITLES),
    (arguments.bind_address, NOT_BIND_ADDRESSES),
]


@pytest.mark.parametrize(
    ("read", "value"),
    [(read, value) for read, values in READERS for value in values],
    ids=lambda given: getattr(given, "__name__", repr(given)[:20]),
)
def test_every_reader_refuses_every_hostile_value_with_a_message(read, value):
    with pytest.raises(ArgumentError, match=r"^--[a-z]+ "):
        read(value)


@pytest.mark.parametrize("value", NOT_SCHEDULES)
def test_every_hostile_schedule_is_refused_with_a_message(value):
    with pytest.raises(SendError, match=r"^--schedule "):
        parse_schedule(value, now=datetime(2026, 1, 1, tzinfo=UTC))


# The same rules, property-tested on the readers every task uses.
@given(st.text())
def test_a_port_is_ascii_digits_from_1_to_65535_or_refused(text):
    try:
        number = arguments.port(text)
    except ArgumentError as error:
        assert str(error).startswith("--port ")
    else:
        assert 1 <= number <= 65535 and text.strip().isascii() and text.strip().isdigit()


@given(st.text() | st.integers().map(str))
def test_an_issue_number_is_ascii_digits_or_refused(text):
    try:
        number = arguments.issue_number(text)
    except ArgumentError:
        return
    assert number >= 1 and text.strip().isascii() and str(number) == text.strip().lstrip("0")


@given(st.text() | st.floats().map(str))
def test_a_scale_is_a_finite_number_above_0_or_refused(text):
    try:
        scale = arguments.scale(text)
    except ArgumentError:
        return
    assert 0 < scale <= 100 and text.strip().isascii()


@given(st.text())
def test_a_title_is_one_line_of_allowed_characters_or_refused(text):
    try:
        title = arguments.issue_title(text)
    except ArgumentError:
        return
    assert title and "\n" not in title and first_forbidden(title, one_line=True) is None


@given(st.datetimes(timezones=st.timezones()).map(datetime.isoformat) | st.text())
def test_a_schedule_is_a_future_time_in_utc_or_refused(text):
    now = datetime(2026, 1, 1, tzinfo=UTC)
    try:
        when = parse_schedule(text, now=now)
    except SendError:
        return
    assert when.tzinfo is UTC and when > now
