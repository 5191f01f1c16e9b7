"""Say what is missing: a dry run names the key or the tool a real run would need, and
runs everything it can without it; the real run still requires it. The tasks run as
processes, as an author runs them, with the environment an author's machine may have."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from hearth_site.gates import VNU
from tests.conftest import missing

KEY = "BUTTONDOWN_API_KEY"
INSTALL_JAVA = "install Java (apt-get install default-jre-headless)"


def run_task(project, env, *args):
    return subprocess.run(
        [sys.executable, "-m", "invoke", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def environment(**changes):
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("HEARTH_", "BUTTONDOWN_"))
    }
    return env | changes


def test_send_dry_run_says_the_api_key_is_unset(project):
    result = run_task(project, environment(), "send", "--issue", "3", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "Dry run: no request made" in result.stdout
    assert f"{KEY} is not set: the real command would stop before any request" in result.stdout


def test_send_dry_run_with_the_key_set_neither_complains_nor_prints_it(project):
    secret = "hearth-test-key-5f1c9a"
    env = environment(**{KEY: secret})
    result = run_task(project, env, "send", "--issue", "3", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert f"{KEY} is not set" not in result.stdout
    assert secret not in result.stdout + result.stderr


def test_import_buttondown_dry_run_says_the_api_key_is_unset(project):
    result = run_task(project, environment(), "import-buttondown", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert f"{KEY} is not set" in result.stdout


@pytest.fixture
def without_java(project, tmp_path):
    """The environment of a machine without Java, publishing to a folder target."""
    folder = tmp_path / "www"
    folder.mkdir()
    (folder / "index.html").write_text("<p>The site as published last week</p>")
    empty = tmp_path / "no-java-here"
    empty.mkdir()
    env = environment(
        PATH=str(empty), HEARTH_PUBLISH_TARGET="folder", HEARTH_PUBLISH_FOLDER=str(folder)
    )
    return env, folder


def test_publish_dry_run_without_java_runs_the_other_checks_and_says_how_to_install_it(
    project, without_java
):
    env, folder = without_java
    result = run_task(project, env, "publish", "--dry-run")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()[-3:]
    assert lines[0].startswith("Built the site with publishconf.py and ran the other checks:")
    assert lines[1].startswith("Skipped the HTML check: the Nu HTML Checker")
    assert INSTALL_JAVA in lines[1]
    assert ("npm install" in lines[1]) == (not (project / VNU).is_file())
    assert "A real publish runs it, and stops without it." in lines[1]
    assert lines[2].startswith("Dry run: nothing was deployed.")
    assert [p.name for p in folder.iterdir()] == ["index.html"]


def test_publish_dry_run_without_java_still_refuses_a_broken_link(project, without_java):
    env, _folder = without_java
    about = project / "content/pages/about.md"
    about.write_text(about.read_text() + "\n\n[Gone](/no-such-page/)\n")
    result = run_task(project, env, "publish", "--dry-run")
    assert result.returncode == 1
    assert "Broken links (page: link):" in result.stderr
    assert "/no-such-page/" in result.stderr


def test_real_publish_without_java_still_requires_it(project, without_java):
    """Said on its own line, not under a heading of invalid HTML: no page was checked."""
    env, folder = without_java
    result = run_task(project, env, "publish")
    assert result.returncode == 1
    assert "Invalid HTML" not in result.stderr
    assert "Not checked: the Nu HTML Checker" in result.stderr
    assert INSTALL_JAVA in result.stderr and "publish --dry-run" in result.stderr
    assert "Nothing was published" in result.stderr
    assert (folder / "index.html").read_text() == "<p>The site as published last week</p>"


def test_publish_with_java_but_without_the_checker_asks_only_for_npm_install(project, without_java):
    """Java installed, `npm install` not run: the message told the author to install the
    Java they have, under a heading of invalid HTML."""
    if shutil.which("java") is None:
        missing("Java is missing (apt-get install default-jre-headless): this is its case")
    env, folder = without_java
    if (project / "node_modules").is_symlink():
        (project / "node_modules").unlink()  # the checkers the suite's own npm install put
    env = env | {"PATH": os.environ["PATH"]}
    for args in (("publish", "--dry-run"), ("publish",)):
        result = run_task(project, env, *args)
        said = result.stdout + result.stderr
        assert "the Nu HTML Checker is not installed: run `npm install" in said, args
        assert "install Java" not in said and "Invalid HTML" not in said, args
    assert result.returncode == 1
    assert (folder / "index.html").read_text() == "<p>The site as published last week</p>"


def test_publish_dry_run_with_java_does_not_mention_a_skip(project, without_java, test_tool):
    if shutil.which("java") is None:
        missing("Java is missing (apt-get install default-jre-headless): publishing runs vnu.jar")
    test_tool("vnu-jar/build/dist/vnu.jar")
    env, _folder = without_java
    result = run_task(project, env | {"PATH": os.environ["PATH"]}, "publish", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "Skipped" not in result.stdout
    assert "and checked it:" in result.stdout
