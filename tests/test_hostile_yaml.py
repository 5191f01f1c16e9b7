"""Hand-edited YAML, broken the ways people break it: every mistake in a member or
thread file is told in plain words at its line; PyYAML's own wording never reaches
a member ("expected <block end>, but found '?'")."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hearth_discussions.threads import parse_thread
from hearth_members.validate import parse_member
from tests.sites import ROOT, invoke

MEMBERS = sorted((ROOT / "content/members").glob("*.yml"))
THREADS = sorted((ROOT / "content/discussions").glob("*.yml"))
TOPICS = ["apps", "design", "typography", "writing", "zines", "side-projects", "tools"]
TOPICS += ["shipping", "accessibility"]
TODAY = datetime.date(2026, 12, 1)

# What PyYAML's errors say, which means nothing to a member.
PYYAML_WORDING = (
    "expected <block end>",
    "mapping values are not allowed",
    "could not find expected",
    "did not find expected",
    "while scanning",
    "while parsing",
    "but found",
    "but got",
    "found character",
    "found unexpected",
    "cannot start any token",
    "simple key",
    "<block",
    "<scalar>",
    "expected alphabetic",
    "expected chomping",
    "end of stream",
)
LOCATED = re.compile(r"^(?P<path>[^:]+\.yml):(?P<line>[0-9]+): ")


def plain(problems, text: str) -> None:
    """Each problem names a line of the file, and none speaks PyYAML."""
    lines = text.count("\n") + 1
    for found in problems:
        message = str(found)
        located = LOCATED.match(message)
        assert located, message
        assert 1 <= int(located["line"]) <= lines, message
        for phrase in PYYAML_WORDING:
            assert phrase not in message, message


def member_problems(text: str, name: str = "ada.yml"):
    return parse_member(Path("content/members", name), text, TOPICS, TODAY)[1]


def thread_problems(text: str):
    return parse_thread(Path("content/discussions/talk.yml"), text, TOPICS, TODAY)[1]


# One mistake, at one line of a valid file.
def reindent(line: str, shift: int) -> str:
    body = line.lstrip(" ")
    return " " * max(0, len(line) - len(body) + shift) + body


def no_space_after_colon(line: str, _shift: int) -> str:
    return line.replace(": ", ":", 1)


def colon_in_value(line: str, _shift: int) -> str:
    return line.replace(": ", ": Part one: ", 1) if ": " in line else line + ": x"


def hash_in_value(line: str, _shift: int) -> str:
    return line.replace(": ", ": #1 ", 1) if ": " in line else line + " #1"


def tab_indent(line: str, _shift: int) -> str:
    return "\t" + line


def stray_quote(line: str, shift: int) -> str:
    return line.replace(": ", ': "' if shift > 0 else ": '", 1)


def no_colon(line: str, _shift: int) -> str:
    return line.replace(":", "", 1)


MISTAKES = [reindent, no_space_after_colon, colon_in_value, hash_in_value, tab_indent]
MISTAKES += [stray_quote, no_colon]


def broken(text: str, data) -> str:
    lines = text.split("\n")
    content = [n for n, line in enumerate(lines) if line.strip()]
    for _ in range(data.draw(st.integers(1, 2), label="mistakes")):
        at = data.draw(st.sampled_from(content), label="line")
        mistake = data.draw(st.sampled_from(MISTAKES), label="mistake")
        shift = data.draw(st.sampled_from([-3, -2, -1, 1, 2, 3]), label="shift")
        lines[at] = mistake(lines[at], shift)
    return "\n".join(lines)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_broken_member_files_get_plain_words_at_a_line(data):
    source = data.draw(st.sampled_from(MEMBERS), label="file")
    text = broken(source.read_text(), data)
    plain(member_problems(text, source.name), text)


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_broken_thread_files_get_plain_words_at_a_line(data):
    source = data.draw(st.sampled_from(THREADS), label="file")
    text = broken(source.read_text(), data)
    plain(thread_problems(text), text)


MEMBER = (
    "name: Ada\n"
    "links:\n"
    "  - url: https://example.org/post\n"
    "    title: A good post\n"
    "    date: 2026-02-01\n"
)


def checked(project, text: str) -> str:
    """What `invoke check` says about a member file holding ``text``."""
    (project / "content/members/ada.yml").write_text(text)
    result = invoke(project, "check")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    plain([line for line in result.stderr.splitlines() if ".yml:" in line], text)
    return next(line for line in result.stderr.splitlines() if "ada.yml" in line)


def test_a_mis_indented_line_in_a_member_file_says_which_line_to_align_with_what(project):
    text = MEMBER.replace("    title:", "   title:")
    assert checked(project, text) == (
        "content/members/ada.yml:4: invalid YAML: title: on line 4 starts in column 4, but "
        "url: on line 3 starts in column 5 — align title: with url: (or whichever is out of "
        "line), as each field of a link starts in the same column as url:"
    )


def test_a_line_indented_too_far_says_which_line_to_align_with_what(project):
    text = MEMBER.replace("    title:", "      title:")
    assert checked(project, text).startswith(
        "content/members/ada.yml:4: invalid YAML: title: on line 4 starts in column 7, but "
        "url: on line 3 starts in column 5 — align title: with url:"
    )


def test_a_missing_space_after_a_colon_says_to_add_one(project):
    text = MEMBER.replace("title: A", "title:A")
    assert checked(project, text) == (
        "content/members/ada.yml:4: invalid YAML: line 4 has no space after title: — write "
        "title: and then the value, with a space between"
    )


def test_an_unquoted_colon_space_in_a_value_says_what_to_quote(project):
    text = MEMBER.replace("title: A good post", "title: Part one: a good post")
    assert checked(project, text) == (
        'content/members/ada.yml:4: invalid YAML: the value of title on line 4 holds ": ", '
        "which YAML reads as the start of another field — put the whole value in quotes: "
        'title: "Part one: a good post"'
    )


def test_an_unquoted_hash_in_a_value_says_what_to_quote(project):
    text = MEMBER.replace("title: A good post", "title: Issue #1 review")
    assert checked(project, text) == (
        'content/members/ada.yml:4: links[0].title: YAML reads the " #" on line 4 and all '
        "after it as a comment and leaves it out of the value: put the whole value in quotes, "
        'like title: "Issue #1 review"'
    )


def test_a_value_that_starts_with_a_hash_is_not_silently_empty(project):
    text = MEMBER.replace("title: A good post", "title: #1 of the week")
    assert 'put the whole value in quotes, like title: "#1 of the week"' in checked(project, text)


def test_a_hash_in_quotes_or_without_a_space_before_it_is_text(project):
    text = MEMBER.replace("title: A good post", 'title: "Issue #1 review"') + "bio: C#is fine\n"
    (project / "content/members/ada.yml").write_text(text)
    result = invoke(project, "check")
    assert "ada.yml" not in result.stderr, result.stderr


def test_a_mis_indented_thread_file_gets_plain_words(project):
    thread = project / "content/discussions/contrast-checkers.yml"
    thread.write_text(thread.read_text().replace("started:", "  started:"))
    result = invoke(project, "check")
    assert result.returncode == 1
    line = next(line for line in result.stderr.splitlines() if "contrast-checkers" in line)
    plain([line], thread.read_text())
    assert line.startswith("content/discussions/contrast-checkers.yml:3: invalid YAML:")


def test_a_comment_after_a_date_or_a_number_is_only_a_comment(project):
    text = MEMBER.replace("date: 2026-02-01", "date: 2026-02-01  # found it that day")
    (project / "content/members/ada.yml").write_text(text)
    result = invoke(project, "check")
    assert "ada.yml" not in result.stderr, result.stderr
