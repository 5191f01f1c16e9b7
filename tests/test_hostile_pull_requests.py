"""Hostile pull requests, checked the way a moderator does: ``invoke check-pr --pr REF`` from a
checkout of main reads the pull request from git and never runs any of it.

Every test makes a real git repository in a temporary folder: main, then a pull request
branch, then main checked out again, as on a moderator's machine.
"""

from __future__ import annotations

import datetime
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hearth_members import validate
from hearth_members.past import crowded_weeks
from hearth_members.pullrequest import rate_problems
from hearth_members.validate import parse_member
from tests.sites import ROOT
from tests.test_members_pullrequest import git, git_identity, write

__all__ = ["git_identity"]  # the fixture, used by every test here

MEMBERS = "content/members"
SECRET = "bd-secret-key-not-to-leak"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A git copy of the project on main, with a branch ``pr`` made from it."""
    copy = tmp_path / "site"
    for name in ("content", "theme", "plugins"):
        shutil.copytree(ROOT / name, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pelicanconf.py", "publishconf.py", "tasks.py", ".gitignore"):
        shutil.copy(ROOT / name, copy / name)
    git(copy, "init", "--quiet", "--initial-branch=main")
    write(copy, {}, "base")
    git(copy, "branch", "pr")
    return copy


def on_branch(site: Path, files: dict[str, str | None], *, force: Sequence[str] = ()) -> None:
    """Commit ``files`` on the branch ``pr``, then check main out again."""
    git(site, "checkout", "--quiet", "pr")
    write(site, files, "pull request")
    for path in force:  # ignored by .gitignore, as cache/ is: added all the same
        git(site, "add", "--force", path)
        git(site, "commit", "--quiet", "-m", f"add {path}")
    git(site, "checkout", "--quiet", "main")


def check_pr(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "BUTTONDOWN_API_KEY": SECRET}
    return subprocess.run(
        [sys.executable, "-m", "invoke", "check-pr", *args],
        cwd=site,
        capture_output=True,
        text=True,
        timeout=120,
        env=environment,
    )


def marker_code(marker: Path) -> str:
    """Python that leaks the key into ``marker`` the moment it runs."""
    return (
        f"\nimport os, pathlib\npathlib.Path({str(marker)!r})"
        ".write_text(os.environ.get('BUTTONDOWN_API_KEY', ''))\n"
    )


class Leak:
    """Unpickling this writes the marker."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (exec, (f"open({str(self.marker)!r}, 'w').write('unpickled')",))


def test_pr_whose_pelicanconf_writes_a_marker_is_reported_and_never_run(site, tmp_path):
    marker = tmp_path / "marker"
    settings = (site / "pelicanconf.py").read_text() + marker_code(marker)
    on_branch(site, {"pelicanconf.py": settings})
    result = check_pr(site, "--author", "ren-s", "--pr", "pr")
    assert not marker.exists()
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        "pelicanconf.py: only a moderator (mara) may change files outside content/members/, "
        "and ren-s may change only content/members/ren-s.yml: move this change to another "
        "pull request",
        "1 problem(s) found.",
    ]
    assert SECRET not in result.stdout + result.stderr


def test_a_pr_with_code_in_every_place_runs_none_of_it(site, tmp_path):
    """Settings, tasks, a plugin and a stored pickle, all hostile; by a moderator, so the
    change is allowed: the verdict comes, and not one of them ran."""
    markers = {name: tmp_path / name for name in ("conf", "tasks", "plugin", "pickle")}
    cache = site / "cache"
    cache.mkdir()
    for name in ("hearth-issues.pickle", "hearth-members.pickle"):
        (cache / name).write_bytes(pickle.dumps(Leak(markers["pickle"])))
    plugin = site / "plugins/hearth_members/__init__.py"
    on_branch(
        site,
        {
            "pelicanconf.py": (site / "pelicanconf.py").read_text() + marker_code(markers["conf"]),
            "tasks.py": (site / "tasks.py").read_text() + marker_code(markers["tasks"]),
            "plugins/hearth_members/__init__.py": plugin.read_text()
            + marker_code(markers["plugin"]),
        },
        force=["cache/hearth-issues.pickle", "cache/hearth-members.pickle"],
    )
    assert not cache.exists()  # the branch's own went with it
    # As an earlier checkout of the branch, or a build of it, might have left them.
    cache.mkdir()
    for name in ("hearth-issues.pickle", "hearth-members.pickle"):
        (cache / name).write_bytes(pickle.dumps(Leak(markers["pickle"])))
    result = check_pr(site, "--author", "mara", "--pr", "pr")
    assert (result.returncode, result.stdout.strip()) == (0, "No problems found."), result.stderr
    assert [name for name, marker in markers.items() if marker.exists()] == []


def test_pr_content_is_checked_as_committed_on_the_branch_not_as_on_disk(site):
    bo = "name: Bo\nlinks:\n  - url: https://bo.example/a\n    title: A\n    date: someday\n"
    on_branch(site, {f"{MEMBERS}/bo.yml": bo})
    result = check_pr(site, "--author", "bo", "--pr", "pr")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "content/members/bo.yml:5: links[0].date: cannot read 'someday' as a date: write "
        "YYYY-MM-DD",
        "1 problem(s) found.",
    ]
    assert not (site / MEMBERS / "bo.yml").exists()  # main's working tree is untouched


def test_a_symbolic_link_posing_as_a_members_file_is_refused(site):
    git(site, "checkout", "--quiet", "pr")
    (site / MEMBERS / "bo.yml").symlink_to("anneke.yml")
    write(site, {}, "bo is anneke")
    git(site, "checkout", "--quiet", "main")
    result = check_pr(site, "--author", "bo", "--pr", "pr")
    assert result.returncode == 1
    assert (
        "content/members/bo.yml:1: is a symbolic link or a submodule, not a file: commit the "
        "file itself"
    ) in result.stderr.splitlines()


def tree(site: Path, entries: list[str]) -> str:
    text = "".join(f"{entry}\n" for entry in entries)
    return subprocess.run(
        ["git", "mktree"], cwd=site, input=text, capture_output=True, text=True, check=True
    ).stdout.strip()


def test_a_hand_made_tree_cannot_write_outside_the_checks_folder(site, tmp_path):
    """Git never writes a ".." into a tree, but a hand-made pull request can: the copy of
    its content for the check would then land wherever the dots lead."""
    name = f"escaped-{tmp_path.name}"
    blob = subprocess.run(
        ["git", "hash-object", "-w", "--stdin"],
        cwd=site,
        input="pwned\n",
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    escape = tree(site, [f"100644 blob {blob}\t{name}"])
    # content/../../<name>: beside the folder the check copies the content into.
    escape = tree(site, [f"040000 tree {escape}\t.."])
    content = git(site, "ls-tree", "main:content").splitlines()
    root = [
        line for line in git(site, "ls-tree", "main").splitlines() if not line.endswith("\tcontent")
    ]
    new_content = tree(site, [*content, f"040000 tree {escape}\t.."])
    new_root = tree(site, [*root, f"040000 tree {new_content}\tcontent"])
    commit = git(site, "commit-tree", new_root, "-p", "main", "-m", "dots").strip()
    git(site, "update-ref", "refs/heads/pr", commit)
    result = check_pr(site, "--author", "mara", "--pr", "pr")
    assert result.returncode == 1
    assert f"'content/../../{name}': not a path git writes; refuse this pull request" in (
        result.stderr.splitlines()
    )
    assert not (Path(tempfile.gettempdir()) / name).exists()


@pytest.mark.parametrize("ref", ["-h", "--output=/tmp/x", "no-such-branch"])
def test_a_pr_ref_that_names_no_commit_is_explained(site, ref):
    result = check_pr(site, "--author", "bo", f"--pr={ref}")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip() == (
        f"--pr {ref!r} names no commit: fetch the pull request first, like git fetch origin "
        "pull/12/head:pr-12, then pass --pr pr-12"
    )


def test_check_pr_from_the_pull_requests_own_branch_is_refused(site):
    on_branch(site, {f"{MEMBERS}/bo.yml": "name: Bo\nlinks: []\n"})
    git(site, "checkout", "--quiet", "pr")
    result = check_pr(site, "--author", "bo", "--pr", "pr", "--base", "main")
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "this checkout holds the commits of pr, so its code is what runs here: switch to main "
        "(git switch main), then run check-pr --pr again"
    )


def test_a_moderator_checks_a_members_link_from_main(site):
    anneke = (site / MEMBERS / "anneke.yml").read_text()
    new_link = (
        "  - url: https://anneke-type.example/notes/third-proof\n"
        "    title: Third proof\n    date: 2026-01-24\n"
    )
    on_branch(site, {f"{MEMBERS}/anneke.yml": anneke + new_link})
    result = check_pr(site, "--author", "anneke", "--pr", "pr")
    assert (result.returncode, result.stdout.strip()) == (0, "No problems found."), result.stderr


# The weekly limit in linear time: counted, not timed.


class Counted(Sequence[datetime.date]):
    """The dates, counting every time one is looked at."""

    def __init__(self, dates: list[datetime.date]) -> None:
        self.dates = dates
        self.looks = 0

    def __getitem__(self, index):  # type: ignore[override]
        self.looks += 1
        return self.dates[index]

    def __iter__(self) -> Iterator[datetime.date]:
        for day in self.dates:
            self.looks += 1
            yield day

    def __len__(self) -> int:
        return len(self.dates)


def daily(count: int, per_day: int) -> list[datetime.date]:
    start = datetime.date(1973, 1, 1)
    return [start + datetime.timedelta(days=n // per_day) for n in range(count)]


@pytest.mark.parametrize("per_day", [1, 3, 50, 10_000])
def test_the_weekly_limit_looks_at_each_date_a_few_times_at_any_size(per_day):
    for count in (1_000, 10_000, 40_000):
        dates = Counted(daily(count, per_day))
        list(crowded_weeks(dates, 5))
        # Once in order, and each of the two positions moves past it once and stops at
        # it once. A scan of each link's week looked 7 * per_day times at each date, and
        # at 40,000 links on one day 40,000 times each: 151 s for check-pr.
        assert dates.looks <= 5 * count


def test_check_pr_rates_ten_thousand_new_links_in_one_pass(monkeypatch):
    # A member file holds at most 1,000 links; the rating is linear whatever it holds.
    monkeypatch.setattr(validate, "MAX_LINKS", 10_000)
    lines = ["name: Bo", "links:"]
    for n, day in enumerate(daily(10_000, 40)):
        lines += [f"  - url: https://bo.example/{n}", f"    title: Post {n}", f"    date: {day}"]
    bo, problems = parse_member(Path("bo.yml"), "\n".join(lines) + "\n", (), datetime.date.max)
    assert problems == [] and bo is not None
    found = rate_problems(bo, bo.links, 5)
    assert len(found) == 36  # 250 days: one crowded stretch a week, each reported once
    assert str(found[0]) == (
        "bo.yml:840: links[279]: 280 links dated within 7 days (1973-01-01 to 1973-01-07), "
        "over the limit of 5 in any 7 days: remove 275 of them and share them in a later week"
    )


def naive_crowded_weeks(dates: list[datetime.date], limit: int) -> list[tuple[int, int]]:
    """The rule as written: each stretch of 7 days from a date, reported once."""
    found, until = [], None
    for day in dates:
        if until is not None and day < until:
            continue
        inside = [n for n, other in enumerate(dates) if day <= other < day + datetime.timedelta(7)]
        if len(inside) > limit:
            found.append((inside[0], inside[-1] + 1))
            until = day + datetime.timedelta(7)
    return found


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=60), max_size=60),
    st.integers(min_value=0, max_value=6),
)
def test_the_linear_weekly_limit_agrees_with_the_rule_as_written(offsets, limit):
    start = datetime.date(2025, 1, 1)
    dates = sorted(start + datetime.timedelta(days=n) for n in offsets)
    assert list(crowded_weeks(dates, limit)) == naive_crowded_weeks(dates, limit)
