"""`invoke --help TASK`, read as an author reads it: every option that takes a value
names that value (--preview is no plain flag), and every task shows an example."""

from __future__ import annotations

import importlib.util
import re

import pytest
from invoke import Collection

from tests.sites import ROOT, invoke
from tests.test_tasks import TASKS as LISTED

TASKS = sorted([*LISTED, "check-pr", "submission", "check-links"])

# An option's row: its flags, then its help, which starts with the value's name.
VALUE_NAME = re.compile(r"^[A-Z][A-Z_]*: \S")


def value_options() -> dict[str, set[str]]:
    """The long flags that take a value, by task, as invoke's parser reads tasks.py."""
    spec = importlib.util.spec_from_file_location("hearth_tasks_under_test", ROOT / "tasks.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    collection = Collection.from_module(module)
    return {
        name: {
            "--" + arg.name.replace("_", "-")
            for arg in collection[name].get_arguments()
            if arg.takes_value
        }
        for name in collection.task_names
    }


def option_rows(help_text: str) -> dict[str, str]:
    """Each long flag of the Options section, with its help (wrapped lines joined)."""
    section = help_text.split("Options:", 1)[1] if "Options:" in help_text else ""
    rows: dict[str, str] = {}
    last = ""
    for line in section.splitlines():
        found = re.match(r"^  (-\S.*?)(?:\s{2,}(.*))?$", line)
        if found:
            last = re.search(r"--[a-z-]+", found[1])[0]
            rows[last] = found[2] or ""
        elif last and line.strip():
            rows[last] += " " + line.strip()
    return rows


def test_every_task_is_in_the_list_of_those_whose_help_is_checked():
    assert sorted(value_options()) == sorted(TASKS)


@pytest.mark.parametrize("name", TASKS)
def test_task_help_names_every_option_value_and_shows_an_example(project, name):
    result = invoke(project, "--help", name)
    assert result.returncode == 0, result.stderr
    rows = option_rows(result.stdout)
    for flag in value_options()[name]:
        assert VALUE_NAME.match(rows[flag]), f"{name} {flag}: {rows[flag]!r}"
    examples = [line.strip() for line in result.stdout.splitlines() if "Example:" in line]
    assert examples and examples[0].startswith(f"Example: invoke {name}"), result.stdout


def test_send_help_shows_preview_takes_an_email(project):
    rows = option_rows(invoke(project, "--help", "send").stdout)
    assert rows["--preview"].startswith("EMAIL: send the draft to this address only")
    assert rows["--issue"].startswith("N: the number of the issue")


def test_sync_discussions_help_shows_platform_takes_a_name(project):
    rows = option_rows(invoke(project, "--help", "sync-discussions").stdout)
    assert rows["--platform"].startswith("NAME: only sync this platform")
