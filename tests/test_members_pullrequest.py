"""A member's pull request may change only their own file, keep others' links, and pace its links.

Every test builds a real git repository: a base commit on main, then a pull request branch.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hearth_members.pullrequest import (
    PullRequestError,
    check_pull_request,
    permission_problems,
)
from hearth_site.check import check_content
from tests.sites import ROOT

MEMBERS = "content/members"
SETTINGS_FILE = 'HEARTH_MEMBERS = {"tags": ["tools", "design"], "moderators": ["mara"]}\n'


@pytest.fixture(autouse=True)
def git_identity(monkeypatch):
    """Commits work on a fresh CI machine, whatever the user's own git configuration says."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "t")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "t@example.org")


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout


def member(handle: str, *links: tuple[str, str]) -> str:
    """A valid member file with ``links`` as (url, date) pairs, one field per line."""
    lines = [f"name: {handle.title()}", "links:"]
    for url, day in links:
        lines += [f"  - url: {url}", f"    title: Post at {url}", f"    date: {day}"]
    return "\n".join(lines) + ("\n" if links else " []\n")


def write(repo: Path, files: dict[str, str | None], message: str = "change") -> None:
    """Write (or, for None, delete) ``files`` and commit them."""
    for name, text in files.items():
        path = repo / name
        if text is None:
            path.unlink()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "--allow-empty", "-m", message)


ANA = member(
    "ana", ("https://ana.example/one", "2025-03-03"), ("https://ana.example/two", "2025-03-20")
)
BO = member("bo", ("https://bo.example/first", "2025-02-01"))


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """main: ana, bo and mara (the moderator); HEAD: a fresh pull request branch."""
    root = tmp_path / "site"
    root.mkdir()
    git(root, "init", "--quiet", "--initial-branch=main")
    files = {
        "pelicanconf.py": SETTINGS_FILE,
        f"{MEMBERS}/ana.yml": ANA,
        f"{MEMBERS}/bo.yml": BO,
        f"{MEMBERS}/mara.yml": member("mara"),
        f"{MEMBERS}/_template.yml": "name: Ada Example\nlinks: []\n",
    }
    write(root, files, "base")
    git(root, "checkout", "--quiet", "-b", "pull-request")
    monkeypatch.chdir(root)
    return root


def settings(repo: Path, **members: object) -> dict:
    options = {"tags": ["tools", "design"], "moderators": ["mara"], **members}
    return {
        "PATH": str(repo / "content"),
        "ARTICLE_PATHS": ["issues"],
        "PAGE_PATHS": ["pages"],
        "TIMEZONE": "UTC",
        "HEARTH_MEMBERS": options,
    }


def check(repo: Path, author: str, base: str | None = "main", **members: object) -> list[str]:
    found = check_pull_request(
        repo, settings(repo, **members), author, base, check_content=check_content
    )
    return [str(p) for p in found]


def test_member_adds_a_link_to_their_own_file(repo):
    links = [("https://bo.example/first", "2025-02-01"), ("https://bo.example/new", "2025-04-01")]
    write(repo, {f"{MEMBERS}/bo.yml": member("bo", *links)})
    assert check(repo, "bo") == []


def test_login_is_compared_without_case(repo):
    links = [("https://bo.example/first", "2025-02-01"), ("https://bo.example/new", "2025-04-01")]
    write(repo, {f"{MEMBERS}/bo.yml": member("bo", *links)})
    assert check(repo, "Bo") == []


def test_editing_another_members_file_names_the_file_and_the_author(repo):
    changed = ANA.replace("Post at https://ana.example/one", "Better title")
    write(repo, {f"{MEMBERS}/ana.yml": changed})
    assert check(repo, "bo") == [
        "content/members/ana.yml:1: bo may change only content/members/bo.yml, not this file: "
        "undo the change, or ask ana or a moderator (mara) to make it",
        "content/members/ana.yml:4: links[0].title: bo changed ana's link https://ana.example/one: "
        "only ana or a moderator (mara) may edit it; undo the change",
    ]


def test_removing_another_members_link_is_an_error(repo):
    write(repo, {f"{MEMBERS}/ana.yml": member("ana", ("https://ana.example/one", "2025-03-03"))})
    problems = check(repo, "bo")
    assert (
        "content/members/ana.yml:1: links: bo removed ana's link https://ana.example/two "
        "(2025-03-20): only ana or a moderator (mara) may remove it; put it back"
    ) in problems


def test_deleting_another_members_file_reports_every_link_lost(repo):
    write(repo, {f"{MEMBERS}/ana.yml": None})
    problems = check(repo, "bo")
    assert problems[0].startswith("content/members/ana.yml:1: bo may change only")
    assert sum("bo removed ana's link" in line for line in problems) == 2


def test_adding_a_file_for_someone_else_is_an_error(repo):
    write(repo, {f"{MEMBERS}/cy.yml": member("cy")})
    assert check(repo, "bo") == [
        "content/members/cy.yml:1: adds a file for cy, but this pull request is by bo: each "
        "member adds their own file, named by their GitHub login; rename it to "
        "content/members/bo.yml"
    ]


def test_a_new_member_adds_their_own_file(repo):
    write(repo, {f"{MEMBERS}/cy.yml": member("cy", ("https://cy.example/hello", "2025-05-05"))})
    assert check(repo, "cy") == []


def test_author_edits_and_removes_their_own_links(repo):
    # The title is the author's to edit; a date is not (tests/test_hostile_past.py).
    edited = member("ana", ("https://ana.example/one", "2025-03-03")).replace("Post at", "Notes on")
    write(repo, {f"{MEMBERS}/ana.yml": edited})
    assert check(repo, "ana") == []


def test_moderator_may_change_anything(repo):
    write(
        repo,
        {
            f"{MEMBERS}/ana.yml": member("ana", ("https://ana.example/one", "2025-03-04")),
            f"{MEMBERS}/bo.yml": None,
            f"{MEMBERS}/_template.yml": "name: Someone\nlinks: []\n",
            "theme/extra.css": "body { color: black }\n",
        },
    )
    assert check(repo, "mara") == []
    assert check(repo, "MARA") == []


def test_files_outside_members_are_for_moderators(repo):
    write(repo, {"theme/extra.css": "body {}\n", f"{MEMBERS}/_template.yml": "links: []\n"})
    assert check(repo, "bo") == [
        "theme/extra.css: only a moderator (mara) may change files outside content/members/, "
        "and bo may change only content/members/bo.yml: move this change to another pull request",
        "content/members/_template.yml:1: bo may change only content/members/bo.yml, not this "
        "file: undo the change, or ask a moderator (mara) to make it",
    ]


def test_the_base_decides_who_is_a_moderator(repo):
    # The pull request's own settings name bo a moderator; the base's do not.
    write(repo, {"pelicanconf.py": SETTINGS_FILE.replace('["mara"]', '["mara", "bo"]')})
    problems = check(repo, "bo", moderators=["mara", "bo"])
    assert problems == [
        "pelicanconf.py: only a moderator (mara) may change files outside content/members/, "
        "and bo may change only content/members/bo.yml: move this change to another pull request"
    ]


def test_a_renamed_file_is_a_deleted_file_and_a_new_one(repo):
    git(repo, "mv", f"{MEMBERS}/bo.yml", f"{MEMBERS}/bob.yml")
    write(repo, {})
    problems = check(repo, "bo")
    assert problems[0].startswith("content/members/bob.yml:1: adds a file for bob")


def test_a_file_name_in_capitals_is_named_with_the_fix(repo):
    write(repo, {f"{MEMBERS}/Cy.yml": member("cy")})
    assert (
        "content/members/Cy.yml:1: name your file in lower case: rename it to "
        "content/members/cy.yml"
    ) in check(repo, "cy")


SIX_IN_A_WEEK = [(f"https://bo.example/w{day}", f"2025-06-0{day}") for day in range(1, 7)]
SIX_IN_THREE_WEEKS = [
    (f"https://bo.example/s{day}", f"2025-06-{day:02}") for day in (1, 3, 8, 10, 15, 17)
]


def test_six_new_links_in_seven_days_are_over_the_weekly_limit(repo):
    write(repo, {f"{MEMBERS}/bo.yml": member("bo", *SIX_IN_A_WEEK)})
    assert check(repo, "bo") == [
        "content/members/bo.yml:18: links[5]: 6 links dated within 7 days (2025-06-01, "
        "2025-06-02, 2025-06-03, 2025-06-04, 2025-06-05, 2025-06-06), over the limit of 5 in "
        "any 7 days: remove 1 of them and share it in a later week"
    ]


def test_six_new_links_over_three_weeks_are_fine(repo):
    write(repo, {f"{MEMBERS}/bo.yml": member("bo", *SIX_IN_THREE_WEEKS)})
    assert check(repo, "bo") == []


def test_existing_links_count_toward_the_limit(repo):
    write(repo, {f"{MEMBERS}/bo.yml": member("bo", *SIX_IN_A_WEEK[:4])}, "earlier links")
    git(repo, "checkout", "--quiet", "-B", "main")
    git(repo, "checkout", "--quiet", "-b", "next")
    write(repo, {f"{MEMBERS}/bo.yml": member("bo", *SIX_IN_A_WEEK[:4], *SIX_IN_A_WEEK[4:])})
    assert check(repo, "bo", weekly_link_limit=5) != []
    assert check(repo, "bo", weekly_link_limit=6) == []


def test_changes_on_main_after_the_branch_are_not_the_authors(repo):
    write(repo, {f"{MEMBERS}/ana.yml": member("ana", ("https://ana.example/one", "2025-03-03"))})
    git(repo, "checkout", "--quiet", "main")
    write(repo, {f"{MEMBERS}/mara.yml": member("mara", ("https://mara.example/a", "2025-01-01"))})
    git(repo, "checkout", "--quiet", "pull-request")
    assert check(repo, "ana") == []


def test_a_validation_error_in_the_changed_file_flows_through_once(repo):
    write(repo, {f"{MEMBERS}/bo.yml": BO.replace("2025-02-01", "someday")})
    assert check(repo, "bo") == [
        "content/members/bo.yml:5: links[0].date: cannot read 'someday' as a date: write YYYY-MM-DD"
    ]


def test_base_defaults_to_origin_main_then_main(repo):
    write(repo, {f"{MEMBERS}/bo.yml": member("bo", *SIX_IN_THREE_WEEKS)})
    assert check(repo, "ana", base=None)[0].startswith("content/members/bo.yml:1: ana may")
    # origin/main, where it exists, already has bo's links: nothing left to check.
    git(repo, "update-ref", "refs/remotes/origin/main", "HEAD")
    assert check(repo, "ana", base=None) == []


def test_a_missing_base_says_how_to_fetch_it(repo):
    with pytest.raises(PullRequestError) as error:
        check(repo, "bo", base="origin/main")
    assert str(error.value) == (
        "base ref 'origin/main' not found: fetch it (git fetch origin main) or pass --base"
    )


def test_permission_problems_take_plain_paths():
    assert permission_problems([f"{MEMBERS}/bo.yml"], "bo", ["mara"]) == []
    assert permission_problems(["README.md"], "mara", ["mara"]) == []
    assert len(permission_problems(["README.md", f"{MEMBERS}/ana.yml"], "bo", [])) == 2


# The whole task, as CI runs it, in a copy of the project.


@pytest.fixture
def project(tmp_path):
    copy = tmp_path / "project"
    for name in ("content", "theme", "plugins"):
        shutil.copytree(ROOT / name, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pelicanconf.py", "publishconf.py", "tasks.py", ".gitignore"):
        shutil.copy(ROOT / name, copy / name)
    git(copy, "init", "--quiet", "--initial-branch=main")
    write(copy, {}, "base")
    git(copy, "checkout", "--quiet", "-b", "pull-request")
    return copy


def check_pr(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "invoke", "check-pr", *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
    )


NEW_LINK = """\
  - url: https://anneke-type.example/notes/second-proof
    title: Harbour Grotesk, second riso proof
    date: 2026-01-24
    tags: [typography]
"""


def test_check_pr_task_passes_a_members_own_link(project):
    path = project / MEMBERS / "anneke.yml"
    write(project, {f"{MEMBERS}/anneke.yml": path.read_text() + NEW_LINK})
    result = check_pr(project, "--author", "anneke", "--base", "main")
    assert (result.returncode, result.stdout.strip()) == (0, "No problems found."), result.stderr


def test_check_pr_task_lists_problems_and_fails(project):
    path = project / MEMBERS / "anneke.yml"
    write(project, {f"{MEMBERS}/anneke.yml": path.read_text() + NEW_LINK})
    result = check_pr(project, "--author", "ren-s", "--base", "main")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        "content/members/anneke.yml:1: ren-s may change only content/members/ren-s.yml, not "
        "this file: undo the change, or ask anneke or a moderator (mara) to make it",
        "1 problem(s) found.",
    ]


def test_check_pr_task_explains_a_missing_base(project):
    result = check_pr(project, "--author", "anneke", "--base", "origin/main")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip() == (
        "base ref 'origin/main' not found: fetch it (git fetch origin main) or pass --base"
    )


# A bot's pull request: the Share a link workflow opens it for the member its commits
# name in a Shared-by line (.github/workflows/share-a-link.yml).

BOT = "github-actions[bot]"
BO_NEW = member(
    "bo", ("https://bo.example/first", "2025-02-01"), ("https://bo.example/new", "2025-04-01")
)


def shared_by(login: str) -> str:
    return f"Share a link for {login} (#7)\n\nShared-by: {login}"


def test_bot_pull_request_is_checked_as_the_recorded_member(repo):
    write(repo, {f"{MEMBERS}/bo.yml": BO_NEW}, shared_by("bo"))
    assert check(repo, BOT) == []


def test_bot_pull_request_without_a_recorded_login_is_refused(repo):
    write(repo, {f"{MEMBERS}/bo.yml": BO_NEW}, "Share a link")
    [found] = check(repo, BOT)
    assert found.startswith(f"{BOT} opened this pull request, so it is checked as the member")
    assert "names no member: refuse this pull request" in found


def test_bot_pull_request_only_for_that_members_file(repo):
    write(repo, {f"{MEMBERS}/bo.yml": BO_NEW, f"{MEMBERS}/ana.yml": ANA + "# x\n"}, shared_by("bo"))
    assert check(repo, BOT) == [
        "content/members/ana.yml:1: bo may change only content/members/bo.yml, not this file: "
        "undo the change, or ask ana or a moderator (mara) to make it"
    ]


def test_bot_pull_request_for_a_moderator_is_no_moderators(repo):
    write(repo, {"theme.css": "body{}", f"{MEMBERS}/mara.yml": BO_NEW}, shared_by("mara"))
    found = check(repo, BOT)
    assert found[0].startswith("theme.css: only a moderator may change files outside")
    assert any("mara may change only content/members/mara.yml" in p for p in found)


def test_bot_pull_request_naming_two_members_is_refused(repo):
    write(repo, {f"{MEMBERS}/bo.yml": BO_NEW}, shared_by("bo"))
    write(repo, {f"{MEMBERS}/ana.yml": ANA + "# hi\n"}, shared_by("ana"))
    [found] = check(repo, BOT)
    assert "its commits name several members (ana, bo): refuse it" in found


def test_bot_pull_request_with_a_commit_naming_nobody_is_refused(repo):
    write(repo, {f"{MEMBERS}/bo.yml": BO_NEW}, shared_by("bo"))
    write(repo, {f"{MEMBERS}/bo.yml": BO_NEW + "# later\n"}, "a commit pushed on top")
    [found] = check(repo, BOT)
    assert "names no member" in found


def test_a_persons_pull_request_is_theirs_whatever_it_records(repo):
    write(repo, {f"{MEMBERS}/bo.yml": BO_NEW}, shared_by("bo"))
    assert check(repo, "ana") == [
        "content/members/bo.yml:1: ana may change only content/members/ana.yml, not this file: "
        "undo the change, or ask bo or a moderator (mara) to make it"
    ]


def test_moderator_checks_a_bot_pull_request_from_main_with_and_without_the_login(project):
    """As docs/moderators.md says: from main, the pull request read from git only."""
    path = project / MEMBERS / "anneke.yml"
    git(project, "checkout", "--quiet", "main")
    git(project, "checkout", "--quiet", "-b", "share-a-link/7")
    write(project, {f"{MEMBERS}/anneke.yml": path.read_text() + NEW_LINK}, shared_by("anneke"))
    git(project, "branch", "unrecorded", "HEAD")
    git(project, "checkout", "--quiet", "unrecorded")
    git(project, "commit", "--quiet", "--amend", "-m", "Share a link")
    git(project, "checkout", "--quiet", "main")
    good = check_pr(project, "--author", BOT, "--pr", "share-a-link/7", "--base", "main")
    assert (good.returncode, good.stdout.strip()) == (0, "No problems found."), good.stderr
    bad = check_pr(project, "--author", BOT, "--pr", "unrecorded", "--base", "main")
    assert bad.returncode == 1
    assert "names no member: refuse this pull request" in bad.stderr
    assert "Traceback" not in bad.stderr
