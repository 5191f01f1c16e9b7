"""Every failure a user can fix is a HearthError, printed by tasks.py in one place."""

from __future__ import annotations

import ast
import importlib
import pkgutil

import pytest

from hearth_core.errors import HearthError
from tests.sites import ROOT, invoke

PLUGINS = ROOT / "plugins"
TASKS = ast.parse((ROOT / "tasks.py").read_text(encoding="utf-8"))
# The decorator that turns a HearthError into invoke's Exit: the one place.
ONE_PLACE = "reported"


def hearth_errors() -> set[type[HearthError]]:
    """Every HearthError class in the plugins, once each of their modules is imported."""
    for package in sorted(path.name for path in PLUGINS.glob("hearth_*")):
        for module in pkgutil.walk_packages([str(PLUGINS / package)], f"{package}."):
            importlib.import_module(module.name)
    found, pending = set(), [HearthError]
    while pending:
        for subclass in pending.pop().__subclasses__():
            found.add(subclass)
            pending.append(subclass)
    return found


def caught_names(handler: ast.ExceptHandler) -> set[str]:
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return {ast.unparse(kind).rsplit(".", 1)[-1] for kind in kinds if kind is not None}


def enclosing_function(tree: ast.AST, node: ast.AST) -> str:
    functions = [f for f in ast.walk(tree) if isinstance(f, ast.FunctionDef)]
    inside = [f for f in functions if node in ast.walk(f)]
    return min(inside, key=lambda f: f.end_lineno - f.lineno).name if inside else "<module>"


def outermost_function(tree: ast.AST, node: ast.AST) -> str:
    top = [f for f in tree.body if isinstance(f, ast.FunctionDef) and node in ast.walk(f)]
    return top[0].name if top else "<module>"


@pytest.mark.parametrize(
    "name",
    [
        "hearth_core.problems.ContentError",
        "hearth_core.settings.SettingsError",
        "hearth_site.build.BuildFailed",
        "hearth_site.publish.PublishError",
        "hearth_site.arguments.ArgumentError",
        "hearth_members.pullrequest.PullRequestError",
        "hearth_email.render.EmailError",
        "hearth_discussions.sync.SyncError",
        "hearth_buttondown.errors.ButtondownError",
        "hearth_buttondown.errors.SendError",
        "hearth_buttondown.state.StateError",
    ],
)
def test_each_user_facing_error_is_a_hearth_error(name):
    module, _, cls = name.rpartition(".")
    assert issubclass(getattr(importlib.import_module(module), cls), HearthError)


def test_no_task_catches_a_hearth_error_but_the_one_place():
    # A task body that catches one itself could print it its own way, or swallow it.
    names = {cls.__name__ for cls in hearth_errors()} | {"HearthError"}
    catching = {
        outermost_function(TASKS, handler)
        for handler in ast.walk(TASKS)
        if isinstance(handler, ast.ExceptHandler) and caught_names(handler) & names
    }
    assert catching == {ONE_PLACE}


def test_every_task_goes_through_the_one_place():
    decorated = {
        function.name: [ast.unparse(decorator) for decorator in function.decorator_list]
        for function in TASKS.body
        if isinstance(function, ast.FunctionDef) and function.decorator_list
    }
    tasks = [name for name, decorators in decorated.items() if "task" in "".join(decorators)]
    assert len(tasks) >= 17
    for name in tasks:
        [decorator] = decorated[name]
        assert decorator.startswith("hearth_task"), f"{name} is not a hearth_task"


def test_a_failure_of_every_kind_prints_its_message_without_a_traceback(project):
    runs = {
        "email": invoke(project, "email", "--issue", "999"),
        "send": invoke(project, "send", "--issue", "2", "--dry-run", "--schedule", "soon"),
        "platform": invoke(project, "sync-discussions", "--platform", "myspace"),
        "check-pr": invoke(project, "check-pr", "--author", "ada", "--base", "no-such-branch"),
        "port": invoke(project, "serve", "--port", "http"),
    }
    (project / "content/discussions/bad.yml").write_text("title: 'Talk\n")
    runs["sync"] = invoke(project, "sync-discussions", "--dry-run")
    for name, result in runs.items():
        assert result.returncode == 1, name
        assert "Traceback" not in result.stderr, (name, result.stderr)
        assert result.stderr.strip(), name
    assert runs["email"].stderr == (
        "Cannot render issue 999: there is no issue 999: the newest is issue 15\n"
    )
    assert runs["platform"].stderr.startswith(
        "--platform myspace: sync reads only bluesky, discourse"
    )
    assert runs["sync"].stderr.startswith("content/discussions/bad.yml:1: invalid YAML")
    assert runs["sync"].stderr.endswith("\nNothing was synced: fix the problems above.\n")
    assert (
        runs["port"].stderr
        == "--port 'http': give a whole number from 1 to 65535, like --port 8000\n"
    )


def test_a_missing_settings_file_is_named_by_every_task(tmp_path):
    (tmp_path / "tasks.py").symlink_to(ROOT / "tasks.py")
    (tmp_path / "plugins").symlink_to(PLUGINS)
    for task, said in [
        (["build"], "Build failed: pelicanconf.py not found: run tasks from the project folder"),
        (["check"], "pelicanconf.py not found: run tasks from the project folder"),
        (["email", "--issue", "1"], "Cannot render issue 1: publishconf.py not found: run "
         "tasks from the project folder"),
    ]:  # fmt: skip
        result = invoke(tmp_path, *task)
        assert (result.returncode, result.stderr) == (1, said + "\n"), task
