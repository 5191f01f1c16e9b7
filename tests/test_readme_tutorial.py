"""README's tutorial, walked as a newcomer walks it: on a fresh copy of the project (what a
clone holds, with no output/, cache/ or node_modules/), without Java on the PATH and without a
Buttondown key, running README's own commands in README's order, each as its own process.

The walk takes each command from README as it goes and fails when README's command is not the
one this walk expects next, so README and the walk cannot drift apart: change one, change both.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.sites import ROOT, free_port

TUTORIAL_HEADING = "## Tutorial: your first issue in ten minutes"
ISSUE = "content/issues/0016-my-first-issue.md"
MEMBER = "content/members/ada.yml"


def tutorial_text() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return readme.split(TUTORIAL_HEADING, 1)[1].split("\n## ", 1)[0]


def blocks(language: str) -> list[str]:
    """The tutorial's fenced blocks of ``language``, in order."""
    return re.findall(rf"```{language}\n(.*?)```", tutorial_text(), flags=re.S)


def readme_commands() -> list[str]:
    return [line.strip() for block in blocks("sh") for line in block.splitlines() if line.strip()]


def fresh_clone(target: Path) -> Path:
    """What `git clone` of this project gives: its files as committed or about to be (tracked
    and untracked, never ignored ones such as .venv/, output/, cache/, node_modules/)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file() and not source.is_symlink():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    git = ["git", "-c", "user.name=Newcomer", "-c", "user.email=newcomer@example.org"]
    for command in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "clone"]):
        subprocess.run([*git, *command], cwd=target, check=True, capture_output=True)
    return target


def without_java(tmp_path: Path) -> dict[str, str]:
    """A newcomer's environment: git on the PATH, no Java, no Hearth or Buttondown variables."""
    tools = tmp_path / "bin"
    tools.mkdir()
    git = shutil.which("git")
    assert git, "the tutorial runs in a git clone"
    (tools / "git").symlink_to(git)
    assert shutil.which("java", path=str(tools)) is None
    kept = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("HEARTH_", "BUTTONDOWN_", "GITHUB_"))
    }
    return kept | {"PATH": str(tools)}


class Newcomer:
    """Follows README's tutorial: each command is the next one README gives."""

    def __init__(self, folder: Path, env: dict[str, str]) -> None:
        self.folder, self.env = folder, env
        self.commands: Iterator[str] = iter(readme_commands())

    def follows(self, expected: str) -> str:
        """Read README's next command; it must be the one the walk expects."""
        given = next(self.commands, None)
        assert given == expected, (
            f"README's tutorial says {given!r} where the walk has {expected!r}"
        )
        return given

    def process(self, command: str) -> tuple[dict[str, str], list[str]]:
        """``command`` as the shell runs it: ``NAME=value`` words first go to its environment."""
        words = shlex.split(command)
        env = dict(self.env)
        while words and re.fullmatch(r"[A-Z_]+=.*", words[0]):
            name, value = words.pop(0).split("=", 1)
            env[name] = value
        assert words[0] == "invoke", command
        return env, [sys.executable, "-m", "invoke", *words[1:]]

    def runs(self, command: str) -> subprocess.CompletedProcess[str]:
        return self.run(*self.process(self.follows(command)))

    def runs_again(self, command: str) -> subprocess.CompletedProcess[str]:
        """A command the prose asks for again (an aside), not a new line of README."""
        return self.run(*self.process(command))

    def run(self, env: dict[str, str], argv: list[str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            argv, cwd=self.folder, env=env, capture_output=True, text=True, timeout=300
        )

    def serves(self, command: str, path: str) -> str:
        """Run a serving command on a free port, read ``path`` from it, then Ctrl-C it."""
        env, argv = self.process(self.follows(command))
        port = free_port()
        server = subprocess.Popen(
            [*argv, "--port", str(port)],
            cwd=self.folder,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    with urllib.request.urlopen(f"http://localhost:{port}{path}") as response:
                        return response.read().decode()
                except OSError:
                    if server.poll() is not None:
                        pytest.fail(f"{command} exited: {server.stderr.read()}")  # type: ignore[union-attr]
                    assert time.monotonic() < deadline, f"{command} did not serve {path}"
                    time.sleep(0.2)
        finally:
            server.terminate()
            server.wait(timeout=10)

    def finished(self) -> None:
        left = list(self.commands)
        assert not left, f"README's tutorial goes on with commands this walk skips: {left}"

    def fills(self, name: str, key: str, line: str) -> None:
        """Replace the header line ``key:`` that is left empty with ``line``."""
        path = self.folder / name
        text = path.read_text(encoding="utf-8")
        text, found = re.subn(rf"^{key}:[ \t]*$", line, text, count=1, flags=re.M)
        assert found, f"{name} has no empty {key}: line to fill in, as README says"
        path.write_text(text, encoding="utf-8")

    def edits(self, name: str, old: str, new: str) -> None:
        path = self.folder / name
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{name} has no {old!r} to change, as README says"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")


def link_date() -> str:
    """Today, as the site's time zone and the machine both see it: never in the future."""
    here = date.today()
    site = datetime.now(ZoneInfo("Europe/Stockholm")).date()
    return min(here, site).isoformat()


def test_a_newcomer_completes_the_readme_tutorial_on_a_fresh_clone_without_java(tmp_path):
    clone = fresh_clone(tmp_path / "hearth")
    newcomer = Newcomer(clone, without_java(tmp_path))
    site_folder = Path("/tmp/workbench-site")
    existed = site_folder.exists()

    newcomer.follows(". .venv/bin/activate")  # the test's own Python is that environment

    # 1. Write an issue.
    result = newcomer.runs('invoke new-issue --title "My first issue"')
    assert result.returncode == 0, result.stderr
    assert f"Created {ISSUE}" in result.stdout
    assert f"Created {ISSUE}" in tutorial_text()
    (header,) = blocks("markdown")
    for line in header.splitlines():  # "Fill in the empty `Summary:` and `Tags:` lines"
        key = line.split(":", 1)[0]
        newcomer.fills(ISSUE, key, line)
    with (clone / ISSUE).open("a", encoding="utf-8") as body:  # "write the body"
        body.write("\nI built a birdhouse from one plank this week.\n")

    # 2. Preview it, and check it.
    page = newcomer.serves("invoke build --drafts serve", "/issues/16/")
    assert "My first issue" in page and "What I learned building a birdhouse" in page
    assert re.search(r"\bdraft\b", page, flags=re.I), "a draft is marked as one"
    result = newcomer.runs("invoke check")
    assert result.returncode == 0 and result.stdout.strip() == "No problems found."
    newcomer.edits(ISSUE, "\nDate:", "\nDat:")  # "Try it: change `Date:` to `Dat:`"
    result = newcomer.runs_again("invoke check")
    # A draft's problem is said, and never stops the published issues' build.
    assert result.returncode == 0, result.stderr
    assert f"{ISSUE}:2: Dat:" in result.stderr, result.stderr
    assert "left out of the build" in result.stderr
    assert "Traceback" not in result.stderr
    newcomer.edits(ISSUE, "\nDat:", "\nDate:")  # "then put the date back"

    # 3. Add a member link, and feature it in the issue.
    (member,) = blocks("yaml")
    member = re.sub(r"date: \d{4}-\d{2}-\d{2}", f"date: {link_date()}", member)
    (clone / MEMBER).write_text(member, encoding="utf-8")
    result = newcomer.runs("invoke check")
    assert result.returncode == 0 and result.stdout.strip() == "No problems found.", result.stderr
    (community_tail,) = blocks("text")
    last, added = community_tail.rstrip("\n").splitlines()
    newcomer.edits(ISSUE, last.rstrip(",") + "\n\n", f"{last}\n{added}\n\n")
    page = newcomer.serves("invoke build --drafts serve", "/issues/16/")
    assert "How I built a birdhouse" in page and "Ada Example" in page

    # 4. Publish.
    newcomer.edits(ISSUE, "Status: draft\n", "")
    result = newcomer.runs("invoke build")
    assert result.returncode == 0, result.stderr
    published = (clone / "output/issues/16/index.html").read_text(encoding="utf-8")
    assert "How I built a birdhouse" in published
    assert not re.search(r"\bdraft\b", published, flags=re.I), "published, no longer a draft"
    assert "https://ada.example/birdhouse" in (clone / "content/members/_featured.json").read_text()
    command = (
        "HEARTH_PUBLISH_TARGET=folder HEARTH_PUBLISH_FOLDER=/tmp/workbench-site "
        "invoke publish --dry-run"
    )
    result = newcomer.runs(command)
    assert result.returncode == 0, result.stderr
    assert "Dry run: nothing was deployed." in result.stdout
    assert "Skipped the HTML check" in result.stdout
    assert site_folder.exists() == existed, "a dry run deploys nothing"

    # 5. Send it.
    result = newcomer.runs("invoke email --issue 16")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "All checks passed." in result.stdout
    assert (clone / "output/email/16.html").is_file()
    result = newcomer.runs("invoke send --issue 16 --dry-run")
    assert result.returncode == 0, result.stderr
    assert "BUTTONDOWN_API_KEY is not set" in result.stdout

    newcomer.finished()


def test_what_the_tutorial_says_a_command_prints_is_what_it_prints():
    """The outputs README quotes, each asserted by the walk above."""
    text = " ".join(tutorial_text().split())
    for quoted in (
        f"prints `Created {ISSUE}`",
        "says `No problems found.`",
        "ends with `Dry run: nothing was deployed.`",
        "ends with `All checks passed.`",
        "says that `BUTTONDOWN_API_KEY` is not set",
    ):
        assert quoted in text, quoted
