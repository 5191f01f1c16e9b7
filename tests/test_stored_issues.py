"""Parsed issues and compiled email templates are kept for the next command, never past a change."""

from __future__ import annotations

import shutil

import pytest

from hearth_core.state import BuildState, build_state, with_state
from hearth_core.stored import store_pending
from hearth_email.render import render_email
from hearth_issues import source
from hearth_issues.collect import load_site_issues
from tests.sites import ROOT, issue, settings_for, write_content


@pytest.fixture
def project(tmp_path):
    files = dict([issue(1, "One", "2025-10-03 08:00"), issue(2, "Two", "2025-10-10 08:00")])
    content = write_content(tmp_path, files)
    return content, with_state(settings_for(content, tmp_path / "output"), BuildState())


def new_process(settings):
    """Forget what this process read and parsed."""
    build_state(settings).reset()


def load(settings):
    """As a build does: what it stores is written by the time it ends."""
    result = load_site_issues(settings)
    store_pending(build_state(settings))
    return result


@pytest.fixture
def parsed(monkeypatch):
    """The names of the files parsed, as a new process would, with nothing kept in memory."""
    names: list[str] = []
    parse = source._parse_issue
    monkeypatch.setattr(
        source, "_parse_issue", lambda path, text: names.append(path.name) or parse(path, text)
    )
    return names


def test_the_next_command_reads_the_issues_as_parsed(project, parsed):
    _content, settings = project
    issues, problems = load(settings)
    assert parsed == ["0001-one.md", "0002-two.md"]
    new_process(settings)
    assert load(settings) == (issues, problems)
    assert parsed == ["0001-one.md", "0002-two.md"], "none parsed again"


def edited_in_the_next_command(project, old: str, new: str):
    """Issue two edited after a command stored the parses; what the next command loads."""
    content, settings = project
    load(settings)
    new_process(settings)
    two = content / "issues/0002-two.md"
    two.write_text(two.read_text().replace(old, new))
    return load(settings)


def test_an_edited_issue_is_parsed_again(project, parsed):
    issues, problems = edited_in_the_next_command(project, "Title: Two", "Title: Two, retitled")
    assert parsed[2:] == ["0002-two.md"]
    assert [issue.title for issue in issues] == ["One", "Two, retitled"] and problems == []


@pytest.mark.parametrize(
    ("old", "new", "body"),
    [
        ("Hello.", "Hullo.", "Hullo."),  # the same length
        ("Hello.\n", "Hello.\nMore.\n", "Hello.\nMore."),
        ("Hello.\n", "Hello.", "Hello."),  # only the file's last line end
        ("\n\nHello.", "\n\n\nHello.", "\nHello."),  # one more blank line before it
    ],
    ids=["same length", "appended", "last line end", "blank line"],
)
def test_an_edited_body_is_parsed_again(project, parsed, old, new, body):
    issues, problems = edited_in_the_next_command(project, old, new)
    assert parsed[2:] == ["0002-two.md"]
    assert issues[1].body == body and problems == []
    assert load(project[1])[0][1].body == body, "and then kept as it now is"


def test_an_issue_broken_after_it_was_stored_is_reported(project, parsed):
    issues, problems = edited_in_the_next_command(project, "Date: 2025-10-10 08:00", "Date: x")
    assert [issue.number for issue in issues] == [1]
    assert [(p.path.rsplit("/", 1)[-1], p.field) for p in problems] == [("0002-two.md", "Date")]


def test_an_edited_email_template_shows_in_the_next_email(tmp_path):
    content = write_content(tmp_path, dict([issue(1, "One", "2025-10-03 08:00")]))
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    settings = settings_for(content, tmp_path / "output", THEME=str(theme))
    first = render_email(settings, 1)
    assert list((tmp_path / "cache/email-templates").iterdir()), "compiled once, kept"
    assert render_email(settings, 1) == first
    template = theme / "templates/email/issue.txt"
    template.write_text("Edited: " + template.read_text())
    assert render_email(settings, 1).text == "Edited: " + first.text
