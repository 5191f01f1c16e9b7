"""The set-up contract: two Quick start commands, pinned versions, CI running the tests."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib

from tests.sites import ROOT


def quick_start_commands():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section)


def test_quick_start_is_two_commands_build_and_serve_then_test():
    build, test = quick_start_commands()
    assert build.endswith("invoke build serve")
    assert test.endswith("pytest")


def test_ci_runs_the_readme_test_command_word_for_word():
    ci = (ROOT / ".ci/run").read_text().splitlines()
    assert quick_start_commands()[1] in ci


def test_every_dependency_is_pinned_and_constrained():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = project["dependencies"] + project["optional-dependencies"]["dev"]
    constraints = (ROOT / "constraints.txt").read_text().lower()
    for requirement in requirements:
        name, version = requirement.split("==")
        assert re.fullmatch(r"[\w.-]+", name) and re.fullmatch(r"[\d.]+", version), requirement
        assert f"{name.lower()}=={version}" in constraints.replace("_", "-"), requirement


def test_code_is_linted_and_formatted():
    for command in (["check", "."], ["format", "--check", "."]):
        result = subprocess.run(
            [sys.executable, "-m", "ruff", *command], cwd=ROOT, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_types_check_with_mypy():
    result = subprocess.run(
        [sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_ci_checks_the_types_after_the_tests():
    ci = (ROOT / ".ci/run").read_text().splitlines()
    assert ci.index(".venv/bin/mypy") > ci.index(quick_start_commands()[1])
