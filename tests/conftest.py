from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.sites import ROOT, build_site, served

# Under GitHub Actions a task prints text that could read as a workflow command inside
# stop-commands (hearth_core.console). The suite runs there too (deploy.yml), and a test
# reads a task's output as an author sees it; tests of the CI behaviour set it themselves.
os.environ.pop("GITHUB_ACTIONS", None)
# An author's shell buffers a program's output into a pipe: tests that read a task's output
# as it runs get what an author gets, not what a shell with PYTHONUNBUFFERED gets.
os.environ.pop("PYTHONUNBUFFERED", None)


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo newsletter, built once per test session exactly as shipped."""
    return build_site(ROOT / "content", tmp_path_factory.mktemp("demo") / "output")


@pytest.fixture
def project(tmp_path):
    """A copy of the project, so tasks can write into it."""
    copy = tmp_path / "site"
    for name in ("content", "theme", "plugins"):
        shutil.copytree(ROOT / name, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pelicanconf.py", "publishconf.py", "tasks.py", ".gitignore"):
        shutil.copy(ROOT / name, copy / name)
    if (ROOT / "node_modules").is_dir():
        # The checkers `npm install` put there, as in the author's own project.
        (copy / "node_modules").symlink_to(ROOT / "node_modules")
    return copy


@pytest.fixture(scope="session")
def test_tool() -> Callable[[str], Path]:
    """A file of the test tools in package.json, by its path under node_modules/.

    Without them the test is skipped and says how to install them; in CI
    (HEARTH_REQUIRE_TOOLS=1, set by .ci/run) it fails instead.
    """

    def find(relative: str) -> Path:
        path = ROOT / "node_modules" / relative
        if not path.is_file():
            install = "npm install --no-package-lock --ignore-scripts"
            missing(f"node_modules/{relative} is missing: run `{install}`")
        return path

    return find


def missing(reason: str) -> None:
    if os.environ.get("HEARTH_REQUIRE_TOOLS"):
        pytest.fail(f"{reason} (required here: HEARTH_REQUIRE_TOOLS is set)")
    pytest.skip(reason)


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("HEARTH_REQUIRE_BROWSER"):
            pytest.fail("Chromium is required here: apt-get install chromium")
        pytest.skip("Chromium not installed (apt-get install chromium) — browser tests skipped")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def site_url(demo_site):
    with served(demo_site) as url:
        yield url


@pytest.fixture
def new_page(browser):
    contexts = []

    def open_page(**options):
        context = browser.new_context(**options)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
