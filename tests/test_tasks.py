"""The author's tasks, run as the author runs them: `invoke ...` in a copy of the project."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from datetime import datetime
from zoneinfo import ZoneInfo

from tests.sites import free_port, invoke

TASKS = [
    "announce", "bench", "build", "check", "clean", "email", "gh-pages", "import-archive",
    "import-buttondown", "livereload", "new-issue", "preview", "publish", "rebuild",
    "regenerate", "reserve", "screenshots", "send", "serve", "sync-discussions",
    "sync-neighbours",
]  # fmt: skip


def test_every_task_has_a_one_line_help(project):
    listing = invoke(project, "--list").stdout
    for name in TASKS:
        line = next(line for line in listing.splitlines() if line.strip().startswith(name + " "))
        assert len(line.split(None, 1)[1]) > 10, line


def test_no_task_s_one_line_help_is_cut_off_mid_sentence(project):
    """`invoke --list` shows a docstring's first line: check-pr's and submission's ended in
    a comma there, half a sentence."""
    listing = invoke(project, "--list").stdout.splitlines()[2:]
    entries: list[str] = []
    for line in listing:
        if line.startswith("  ") and not line.startswith("   "):
            entries.append(line.strip())
        elif line.strip() and entries:
            entries[-1] += " " + line.strip()
    assert len(entries) >= len(TASKS)
    for entry in entries:
        assert entry.endswith("."), entry


def test_check_passes_on_the_demo_and_lists_problems_without_traceback(project):
    assert invoke(project, "check").stdout.strip() == "No problems found."
    broken = project / "content/issues/0003-the-one-screen-app.md"
    broken.write_text(broken.read_text().replace("Date:", "Dated:", 1))
    result = invoke(project, "check")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stderr.splitlines()[:2] == [
        "content/issues/0003-the-one-screen-app.md:1: Date: missing: add a `Date: ...` line "
        "to the header at the top",
        "content/issues/0003-the-one-screen-app.md:2: Dated: unknown header key (did you mean "
        "Date?): use one of Title, Date, Summary, Tags, Discussion, Status, "
        "Community, or remove it",
    ]


def test_build_refuses_invalid_content_and_writes_nothing(project):
    (project / "content/issues/0099-x.md").write_text("Title: X\n\nDate: 2025-01-01\n\nBody\n")
    result = invoke(project, "build")
    assert result.returncode == 1
    assert "content/issues/0099-x.md:3: Date: this header line is in the body" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (project / "output").exists()


def test_new_issue_starts_the_next_number_as_a_draft_dated_today(project):
    result = invoke(project, "new-issue", "--title", "Hello, spring!")
    assert result.returncode == 0, result.stderr
    created = project / "content/issues/0016-hello-spring.md"
    assert created.is_file()
    header = created.read_text().split("\n\n")[0].splitlines()
    assert header[:5] == [
        "Title: Hello, spring!",
        f"Date: {datetime.now(ZoneInfo('Europe/Stockholm')).date()}",  # the demo's TIMEZONE
        "Status: draft",
        "Summary:",
        "Tags:",
    ]
    # The member links shared since the last published issue (2026-01-23), newest first.
    assert header[5:] == [
        "Community: https://fieldnote-app.example/changelog,",
        "    https://loupaper.example/notes/pencil-changelog,",
        "    https://wenmakes.example/pocket-ledger/changelog,",
        "    https://maralindqvist.example/bench/tea-timer/icon",
    ]
    assert "4 member link(s) shared since the last issue" in result.stdout
    assert invoke(project, "check").returncode == 0
    assert invoke(project, "build").returncode == 0
    assert not (project / "output/issues/16").exists()
    assert invoke(project, "build", "--drafts").returncode == 0
    assert (project / "output/issues/16/index.html").is_file()


def test_preview_builds_with_the_public_address(project):
    result = invoke(project, "preview")
    assert result.returncode == 0, result.stderr
    feed = (project / "output/feeds/issues.atom.xml").read_text()
    assert "https://theworkbench.example/issues/1/" in feed


def test_serve_without_a_build_says_what_to_run(project):
    result = invoke(project, "serve")
    assert result.returncode == 1
    assert "run `invoke build` first" in result.stderr


def test_build_serve_serves_the_demo_site(project):
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "invoke", "build", "serve", "--port", str(port)],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://localhost:{port}/issues/") as response:
                    assert b"All issues" in response.read()
                    break
            except OSError:
                assert time.monotonic() < deadline, "the server did not come up"
                assert server.poll() is None, "invoke build serve exited"
                time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_tasks_that_take_an_issue_number_explain_a_wrong_one(project):
    for task in ("email", "send"):
        for given in ("x", "0"):
            result = invoke(project, task, "--issue", given)
            assert result.returncode == 1
            assert result.stderr.strip() == (
                f"--issue '{given}': give a whole number from 1 to 99999, like --issue 12"
            ), task
        result = invoke(project, task)
        assert result.stderr.startswith("--issue is missing: give a whole number"), task


def test_a_task_keeps_hearth_s_compiled_code_for_the_next_unless_told_not_to(project, monkeypatch):
    # invoke turns bytecode writing off; each command would compile Hearth again.
    compiled = project / "plugins/hearth_core/__pycache__"
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    assert invoke(project, "check").returncode == 0
    assert not compiled.exists(), "the environment asked for no bytecode"
    monkeypatch.delenv("PYTHONDONTWRITEBYTECODE")
    assert invoke(project, "check").returncode == 0
    assert list(compiled.glob("*.pyc"))


SETTINGS_AS_PELICAN_READS_THEM = """
import sys
sys.path.insert(0, "plugins")
from hearth_core.settings import load_settings
settings = load_settings("publishconf.py")
from pelican.settings import read_settings
print(read_settings("publishconf.py") == settings, "pelican.generators" in sys.modules)
"""


def test_the_settings_are_read_by_pelican_s_own_package(project):
    # Loaded the plain way, by importing Pelican: no half-imported package is left in
    # sys.modules for a later `import pelican` to trip over.
    result = subprocess.run(
        [sys.executable, "-c", SETTINGS_AS_PELICAN_READS_THEM],
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True"]


def test_a_mistake_in_the_settings_names_its_file_and_line_without_a_traceback(project):
    settings = project / "pelicanconf.py"
    lines = settings.read_text().count("\n")
    for mistake, reason in (("SITEURL = ", "SyntaxError"), ("THEME = themes", "NameError")):
        settings.write_text(settings.read_text() + mistake + "\n")
        for task in (["build"], ["check"], ["new-issue", "--title", "Spring"]):
            result = invoke(project, *task)
            assert result.returncode == 1
            assert f"pelicanconf.py:{lines + 1}: {reason}" in result.stdout + result.stderr
            assert "Traceback" not in result.stderr, task
        settings.write_text(settings.read_text().replace(mistake + "\n", ""))
