"""`invoke new-issue` as an author runs it: on a terminal it asks for the title; in a
script it needs --title; the file it writes has Summary: and Tags: lines and a note of
the topics in use, which never reaches a page, a feed or an email."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

from tests.sites import invoke

NOTE = "Topics in use"


def _new_issue_on_a_terminal(project, answer: bytes) -> tuple[int, str]:
    """Run `invoke new-issue` with a terminal as its stdin, type ``answer``."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "invoke", "new-issue"],
        cwd=project,
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
    )
    os.close(terminal)
    seen = b""
    while b"Title of the new issue:" not in seen:
        ready, _, _ = select.select([controller], [], [], 60)
        assert ready, f"no prompt for a title within a minute: {seen!r}"
        seen += os.read(controller, 1024)
    os.write(controller, answer)
    output = b""
    try:
        while chunk := os.read(controller, 1024):
            output += chunk
    except OSError:  # the terminal closes as the process ends
        pass
    os.close(controller)
    return process.wait(timeout=60), (seen + output).decode(errors="replace")


def test_new_issue_without_title_asks_for_one_on_a_terminal(project):
    code, output = _new_issue_on_a_terminal(project, b"Spring cleaning\n")
    assert code == 0, output
    created = project / "content/issues/0016-spring-cleaning.md"
    assert created.read_text().startswith("Title: Spring cleaning\n")
    assert "Created content/issues/0016-spring-cleaning.md" in output


def test_new_issue_on_a_terminal_still_refuses_an_empty_answer(project):
    code, output = _new_issue_on_a_terminal(project, b"   \n")
    assert code == 1
    assert "--title is empty" in output
    assert sorted(project.glob("content/issues/0016-*")) == []


def test_new_issue_without_title_outside_a_terminal_refuses_with_a_clear_message(project):
    result = subprocess.run(
        [sys.executable, "-m", "invoke", "new-issue"],
        cwd=project,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert result.stderr.strip() == (
        'Give the new issue a title: invoke new-issue --title "Spring cleaning"'
    )
    assert "Traceback" not in result.stderr
    assert sorted(project.glob("content/issues/0016-*")) == []  # never 0016-untitled.md


def test_new_issue_writes_summary_and_tags_lines_and_the_topics_in_use(project):
    result = invoke(project, "new-issue", "--title", "Spring")
    assert result.returncode == 0, result.stderr
    text = (project / "content/issues/0016-spring.md").read_text()
    header, body = text.split("\n\n", 1)
    assert "\nSummary:\n" in header + "\n" and "\nTags:\n" in header + "\n"
    note = body.splitlines()[0]
    assert note.startswith(f"<!-- {NOTE}: ") and note.endswith("-->")
    # The issues' topics, then the topics configured for member links, each once.
    for topic in ("side-projects", "writing", "typography", "accessibility"):
        assert topic in note
    assert note.count("writing") == 1
    # As written, the draft passes the checks.
    assert invoke(project, "check").stdout.strip() == "No problems found."


def test_new_issue_topics_note_never_reaches_the_page_feeds_or_email(project):
    assert invoke(project, "new-issue", "--title", "Spring").returncode == 0
    issue = project / "content/issues/0016-spring.md"
    text = issue.read_text().replace("Status: draft\n", "")
    text = text.replace("Summary:\n", "Summary: A spring issue.\n").replace(
        "Tags:\n", "Tags: tools\n"
    )
    issue.write_text(text)
    built = invoke(project, "build")
    assert built.returncode == 0, built.stderr
    page = project / "output/issues/16/index.html"
    assert "Write here." in page.read_text()
    for path in (project / "output").rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".json", ".txt"):
            assert NOTE not in path.read_text(errors="replace"), path
    emailed = invoke(project, "email", "--issue", "16")
    assert "Wrote output/email/16.html" in emailed.stdout, emailed.stderr
    for name in ("16.html", "16.txt"):
        email = (project / "output/email" / name).read_text()
        assert "Write here." in email and NOTE not in email


def test_new_issue_is_dated_today_in_the_sites_time_zone_not_the_machines(project):
    """Issue dates are read in TIMEZONE; new-issue dated them by the machine's own day, so
    an author whose clock was a day ahead of the site's zone wrote an issue dated
    tomorrow, which a build then held back as not yet due."""
    zone = "Pacific/Kiritimati"  # UTC+14: never on the same day as UTC-12
    settings = project / "pelicanconf.py"
    settings.write_text(settings.read_text() + f"\nTIMEZONE = {zone!r}\n")
    before = datetime.now(ZoneInfo(zone)).date()
    result = subprocess.run(
        [sys.executable, "-m", "invoke", "new-issue", "--title", "Spring"],
        cwd=project,
        env={**os.environ, "TZ": "Etc/GMT+12"},  # UTC-12, as POSIX writes it
        capture_output=True,
        text=True,
        timeout=120,
    )
    after = datetime.now(ZoneInfo(zone)).date()
    assert result.returncode == 0, result.stderr
    dated = (project / "content/issues/0016-spring.md").read_text().splitlines()[1]
    assert dated in (f"Date: {before}", f"Date: {after}")
