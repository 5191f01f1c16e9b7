"""`invoke publish` and `invoke gh-pages`: nothing is deployed unless the staged site passed."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap

import pytest

from hearth_core.settings import load_settings
from hearth_site.build import build
from hearth_site.publish import broken_links
from tests.conftest import missing
from tests.sites import ROOT, invoke, page

SETTINGS = ("TARGET", "FOLDER", "BRANCH")


@pytest.fixture(autouse=True)
def no_publish_settings_from_outside(monkeypatch):
    for name in SETTINGS:
        monkeypatch.delenv(f"HEARTH_PUBLISH_{name}", raising=False)
    monkeypatch.delenv("HEARTH_RSYNC_DEST", raising=False)
    monkeypatch.delenv("HEARTH_SITEURL", raising=False)


@pytest.fixture
def html_checker(test_tool):
    """Java and vnu.jar, which every publish runs on every page before it deploys anything.

    Without them a publish refuses (as it should), so a test that expects one to succeed is
    skipped with the reason; in CI (HEARTH_REQUIRE_TOOLS) it fails instead.
    """
    if shutil.which("java") is None:
        missing("Java is missing (apt-get install default-jre-headless): publishing runs vnu.jar")
    return test_tool("vnu-jar/build/dist/vnu.jar")


@pytest.fixture
def deployed(tmp_path, monkeypatch):
    """A folder target holding a previously published site."""
    folder = tmp_path / "www"
    (folder / "issues/1").mkdir(parents=True)
    (folder / "index.html").write_text("<p>The site as published last week</p>")
    (folder / "issues/1/index.html").write_text("<p>Issue one, last week</p>")
    monkeypatch.setenv("HEARTH_PUBLISH_TARGET", "folder")
    monkeypatch.setenv("HEARTH_PUBLISH_FOLDER", str(folder))
    return folder


def snapshot(folder):
    return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def git(repo, *args):
    return subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, text=True, check=True
    ).stdout.strip()


def test_publish_swaps_the_checked_site_into_the_folder(html_checker, project, deployed):
    result = invoke(project, "publish")
    assert result.returncode == 0, result.stderr
    assert "checked it: " in result.stdout and f"Published to {deployed}/" in result.stdout
    assert "https://theworkbench.example/issues/1/" in (deployed / "sitemap.xml").read_text()
    assert page(deployed, "/issues/1/").css_first("main h1").text().strip()
    # Only the site remains: no copy, old site or staging folder beside it, no output/.
    assert sorted(p.name for p in deployed.parent.iterdir()) == ["site", "www"]
    assert not (project / "output").exists()


def test_a_content_problem_leaves_the_deployed_site_byte_identical(project, deployed):
    before = snapshot(deployed)
    source = project / "content/issues/0003-the-one-screen-app.md"
    source.write_text(source.read_text().replace("Date:", "Dated:", 1))
    result = invoke(project, "publish")
    assert result.returncode == 1
    assert "content/issues/0003-the-one-screen-app.md:1: Date: missing" in result.stderr
    assert "Nothing was published" in result.stderr and "Traceback" not in result.stderr
    assert snapshot(deployed) == before


def test_a_broken_link_or_anchor_leaves_the_deployed_site_byte_identical(project, deployed):
    before = snapshot(deployed)
    source = project / "content/issues/0003-the-one-screen-app.md"
    text = "\nSee [issue 99](/issues/99/) and [the notes](#notes-that-do-not-exist).\n"
    source.write_text(source.read_text() + text)
    result = invoke(project, "publish")
    assert result.returncode == 1
    assert "issues/3/index.html: /issues/99/\n" in result.stderr
    assert "issues/3/index.html: #notes-that-do-not-exist\n" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(deployed) == before


def test_a_folder_that_is_not_a_published_site_is_never_replaced(project, deployed):
    (deployed / "index.html").unlink()
    (deployed / "notes.txt").write_text("mine")
    result = invoke(project, "publish")
    assert result.returncode == 1
    assert "does not look like a published site" in result.stderr
    assert (deployed / "notes.txt").read_text() == "mine"


def test_an_unconfigured_target_says_what_to_set(project, monkeypatch):
    result = invoke(project, "publish")
    assert result.returncode == 1
    assert re.match(r"publishconf\.py:\d+: HEARTH_PUBLISH\['target'\]: is not set", result.stderr)
    assert "HEARTH_PUBLISH_TARGET environment variable, to folder, rsync or gh-pages" in (
        result.stderr
    )
    monkeypatch.setenv("HEARTH_PUBLISH_TARGET", "folder")
    result = invoke(project, "publish")
    assert result.returncode == 1
    assert re.match(
        r"publishconf\.py:\d+: HEARTH_PUBLISH\['folder'\]: the folder target needs it, or the "
        "HEARTH_PUBLISH_FOLDER",
        result.stderr,
    )
    assert "Traceback" not in result.stderr


def test_rsync_dry_run_prints_the_command_and_deploys_nothing(html_checker, project, monkeypatch):
    monkeypatch.setenv("HEARTH_PUBLISH_TARGET", "rsync")
    monkeypatch.setenv("HEARTH_RSYNC_DEST", "mara@news.example:/var/www/news/")
    result = invoke(project, "publish", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "nothing was deployed" in result.stdout
    assert "rsync -az --delete-delay --delay-updates /" in result.stdout
    assert "/site/ mara@news.example:/var/www/news/" in result.stdout


@pytest.mark.skipif(not shutil.which("rsync"), reason="rsync not installed")
def test_rsync_publishes_the_site_and_removes_what_it_no_longer_has(
    html_checker, project, deployed, monkeypatch
):
    monkeypatch.setenv("HEARTH_PUBLISH_TARGET", "rsync")
    monkeypatch.setenv("HEARTH_RSYNC_DEST", f"{deployed}/")
    (deployed / "gone.html").write_text("removed from the site")
    result = invoke(project, "publish")
    assert result.returncode == 0, result.stderr
    assert not (deployed / "gone.html").exists()
    assert page(deployed, "/issues/1/").css_first("main h1").text().strip()


def test_rsync_missing_says_how_to_install_it(project, deployed, tmp_path, monkeypatch):
    monkeypatch.setenv("HEARTH_PUBLISH_TARGET", "rsync")
    monkeypatch.setenv("HEARTH_RSYNC_DEST", f"{deployed}/")
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs-here"))
    result = invoke(project, "publish")
    assert result.returncode == 1
    assert "rsync is not installed: install it" in result.stderr


@pytest.fixture
def repository(project):
    """The project as a git clone on main, with a remote to push to."""
    remote = project.parent / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    git(project, "init", "-q", "-b", "main")
    git(project, "config", "user.name", "Mara")
    git(project, "config", "user.email", "mara@news.example")
    git(project, "remote", "add", "origin", str(remote))
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "The newsletter")
    return project


def test_gh_pages_commits_the_site_to_its_branch_and_leaves_the_checkout_alone(
    html_checker, repository
):
    head = git(repository, "rev-parse", "HEAD")
    result = invoke(repository, "gh-pages", "--push")
    assert result.returncode == 0, result.stderr
    assert "pushed it to origin" in result.stdout
    files = git(repository, "ls-tree", "-r", "--name-only", "gh-pages").splitlines()
    assert {"index.html", ".nojekyll", "issues/1/index.html", "sitemap.xml"} <= set(files)
    remote = repository.parent / "remote.git"
    assert git(remote, "rev-parse", "gh-pages") == git(repository, "rev-parse", "gh-pages")
    assert git(repository, "symbolic-ref", "--short", "HEAD") == "main"
    assert git(repository, "rev-parse", "HEAD") == head
    assert git(repository, "status", "--porcelain") == ""


def test_gh_pages_refuses_to_replace_the_checked_out_branch(repository, monkeypatch):
    monkeypatch.setenv("HEARTH_PUBLISH_BRANCH", "main")
    head = git(repository, "rev-parse", "HEAD")
    result = invoke(repository, "gh-pages")
    assert result.returncode == 1
    assert "You are on branch main, which publishing replaces" in result.stderr
    assert git(repository, "rev-parse", "HEAD") == head


def write_site(root, pages):
    for name, body in pages.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(body))
    return root


def test_broken_links_finds_links_and_anchors_that_lead_nowhere(tmp_path):
    site = write_site(
        tmp_path / "site",
        {
            "index.html": """
                <link rel="stylesheet" href="/theme/site.css">
                <link rel="canonical" href="https://news.example/">
                <a href="/issues/1/">ok</a> <a href="issues/1/#intro">ok</a> <a href="#top">ok</a>
                <a href="/issues/1">ok, the folder</a> <a href="https://elsewhere.example/x">other</a>
                <a href="mailto:mara@news.example">mail</a> <img src="images/cat.svg" alt="">
                <a href="/issues/2/">broken</a> <a href="#nowhere">broken</a>
                <a href="https://news.example/missing/">broken</a> <img src="/images/dog.svg">
                <h1 id="top">Home</h1>
            """,
            "issues/1/index.html": """
                <h2 id="intro">Intro</h2> <a href="../../">ok</a> <a href="../1/#outro">broken</a>
                <a href="../../../outside.html">broken</a>
            """,
            "theme/site.css": "",
            "images/cat.svg": "<svg/>",
        },
    )
    assert broken_links(site, "https://news.example") == [
        "index.html: /issues/2/",
        "index.html: #nowhere",
        "index.html: https://news.example/missing/",
        "index.html: /images/dog.svg",
        "issues/1/index.html: ../1/#outro",
        "issues/1/index.html: ../../../outside.html",
    ]


def test_root_relative_links_must_stay_under_the_site_s_path(tmp_path):
    site = write_site(
        tmp_path / "site",
        {"index.html": '<a href="/news/">ok</a> <a href="/about/">broken: outside /news/</a>'},
    )
    (site / "about").mkdir()
    (site / "about/index.html").write_text("About")
    assert broken_links(site, "https://owner.github.io/news") == ["index.html: /about/"]


def test_the_demo_has_no_broken_links(demo_site):
    assert broken_links(demo_site, "http://localhost:8000") == []


def test_links_work_under_a_sub_path_like_github_project_pages(tmp_path):
    site_url = "https://owner.github.io/hearth"
    output = tmp_path / "site"
    overrides = {"OUTPUT_PATH": str(output), "SITEURL": site_url, "FEED_DOMAIN": site_url}
    build(load_settings(ROOT / "publishconf.py", overrides))
    assert broken_links(output, site_url) == []
    issue = page(output, "/issues/8/")
    hrefs = {a.attributes["href"] for a in issue.css("main a[href]")}
    assert "/hearth/issues/3/" in hrefs  # written as /issues/3/ in the issue
    assert f"{site_url}/issues/7/" in hrefs  # the previous-issue link, from the theme
    assert issue.css_first('link[rel="canonical"]').attributes["href"] == f"{site_url}/issues/8/"
    feed = (output / "feeds/issues.atom.xml").read_text()
    assert f'href="{site_url}/issues/3/"' in feed
    assert 'href="https://owner.github.io/issues/' not in feed


NEEDS_THE_CHECKER = [
    "tests/test_publish.py::test_publish_swaps_the_checked_site_into_the_folder",
    "tests/test_publish.py::test_rsync_dry_run_prints_the_command_and_deploys_nothing",
    "tests/test_publish.py::test_gh_pages_commits_the_site_to_its_branch_and_leaves_the_checkout_alone",
]


@pytest.mark.parametrize("in_ci", [False, True], ids=["on a fresh clone", "in CI"])
def test_without_java_the_publish_tests_skip_on_a_fresh_clone_and_fail_in_ci(tmp_path, in_ci):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("HEARTH_REQUIRE")}
    environment["PATH"] = str(tmp_path)  # no java here
    if in_ci:
        environment["HEARTH_REQUIRE_TOOLS"] = "1"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *NEEDS_THE_CHECKER],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    summary = result.stdout.strip().splitlines()[-1]
    if in_ci:
        assert result.returncode == 1 and "3 errors" in summary, result.stdout
        assert "required here: HEARTH_REQUIRE_TOOLS is set" in result.stdout
    else:
        assert result.returncode == 0 and "3 skipped" in summary, result.stdout
        assert "Java is missing (apt-get install default-jre-headless)" in result.stdout
