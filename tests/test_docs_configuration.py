"""docs/configuration.md lists every setting Hearth reads: an author who finds a setting in
pelicanconf.py, or a plugin that reads one, finds it explained there, with its default.

The settings are found in the code itself, by reading plugins/ as Python (every
``settings["X"]``, ``settings.get("X")``, ``plugin_settings(settings, "X", DEFAULTS)`` with
the keys of DEFAULTS, and every ``environ.get("X")``), so a new setting fails this test
until it is documented."""

from __future__ import annotations

import ast
import re

from tests.sites import ROOT

REFERENCE = ROOT / "docs/configuration.md"
NAME = re.compile(r"[A-Z][A-Z0-9_]*")


def documented_names(text: str) -> set[str]:
    """Every `NAME` written in code style in a heading or in a table row's first cell."""
    names = set()
    for line in text.splitlines():
        cells = line.split("|")
        if line.startswith("#"):
            names |= set(re.findall(r"`([^`]+)`", line))
        elif line.startswith("|") and len(cells) > 2:
            names |= set(re.findall(r"`([^`]+)`", cells[1]))
    return names


def section(text: str, heading: str) -> str:
    """The text under ``### heading`` up to the next heading of its level or above."""
    start = text.index(f"### `{heading}`")
    rest = text[start + 1 :]
    ends = [rest.find(mark) for mark in ("\n### ", "\n## ") if rest.find(mark) != -1]
    return rest[: min(ends)] if ends else rest


def _module_strings(tree: ast.Module) -> dict[str, ast.expr]:
    """Module-level ``NAME = value`` assignments, to resolve constants used as keys."""
    values: dict[str, ast.expr] = {}
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign) and node.value is not None:
            targets = [node.target]
        for target in targets:
            if isinstance(target, ast.Name):
                values[target.id] = node.value  # type: ignore[union-attr]
    return values


def _string(node: ast.expr, constants: dict[str, ast.expr]) -> str | None:
    if isinstance(node, ast.Name) and node.id in constants:
        node = constants[node.id]
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _holder(node: ast.expr) -> str:
    """The last name of ``settings``, ``self.settings``, ``os.environ`` ..."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def read_by_plugins() -> tuple[set[str], set[str], dict[str, set[str]]]:
    """(settings, environment variables, plugin dict setting -> its keys) read in plugins/."""
    settings: set[str] = set()
    environment: set[str] = set()
    dict_keys: dict[str, set[str]] = {}
    for path in sorted((ROOT / "plugins").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        constants = _module_strings(tree)
        for node in ast.walk(tree):
            key, holder = None, ""
            if isinstance(node, ast.Subscript):
                key, holder = _string(node.slice, constants), _holder(node.value)
            elif isinstance(node, ast.Call) and node.args:
                function = node.func
                if isinstance(function, ast.Attribute) and function.attr == "get":
                    key, holder = _string(node.args[0], constants), _holder(function.value)
                if _holder(function) == "plugin_settings" and len(node.args) == 3:
                    name = _string(node.args[1], constants)
                    defaults = node.args[2]
                    if isinstance(defaults, ast.Name):
                        defaults = constants.get(defaults.id, defaults)
                    assert name and isinstance(defaults, ast.Dict), f"{path}: {ast.unparse(node)}"
                    keys = {_string(k, constants) for k in defaults.keys if k is not None}
                    dict_keys.setdefault(name, set()).update(k for k in keys if k)
                    settings.add(name)
            if key is None or not NAME.fullmatch(key):
                continue
            if holder.endswith("settings"):
                settings.add(key)
            elif holder.endswith("environ"):
                environment.add(key)
    return settings, environment, dict_keys


def set_in_configuration_files() -> set[str]:
    """The settings pelicanconf.py and publishconf.py assign."""
    names = set()
    for name in ("pelicanconf.py", "publishconf.py"):
        tree = ast.parse((ROOT / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            if (  # globals()["404_SAVE_AS"] = ...
                isinstance(node, ast.Subscript)
                and isinstance(node.ctx, ast.Store)
                and isinstance(node.slice, ast.Constant)
            ):
                names.add(node.slice.value)
    return {name for name in names if re.fullmatch(r"[A-Z0-9][A-Z0-9_]*", name)}


def environment_read_by_configuration() -> set[str]:
    text = (ROOT / "publishconf.py").read_text(encoding="utf-8")
    return set(re.findall(r"os\.environ\.get\(\"([A-Z0-9_]+)\"", text))


def test_every_setting_read_by_plugins_is_documented():
    settings, _environment, _keys = read_by_plugins()
    assert {"HEARTH_MEMBERS", "TIMEZONE", "SITENAME", "BUTTONDOWN_USERNAME"} <= settings
    missing = settings - documented_names(REFERENCE.read_text(encoding="utf-8"))
    assert not missing, f"document these in docs/configuration.md: {sorted(missing)}"


def test_every_key_of_each_hearth_setting_is_documented_under_its_heading():
    _settings, _environment, dict_keys = read_by_plugins()
    assert {"HEARTH_ISSUES", "HEARTH_FEEDS", "HEARTH_MEMBERS", "HEARTH_PUBLISH"} <= set(dict_keys)
    text = REFERENCE.read_text(encoding="utf-8")
    for name, keys in dict_keys.items():
        missing = keys - documented_names(section(text, name))
        assert not missing, f"document {name}'s keys {sorted(missing)} under ### `{name}`"


def test_every_environment_variable_hearth_reads_is_documented():
    _settings, environment, _keys = read_by_plugins()
    environment |= environment_read_by_configuration()
    assert {"BUTTONDOWN_API_KEY", "GITHUB_TOKEN", "HEARTH_SITEURL"} <= environment
    text = REFERENCE.read_text(encoding="utf-8")
    missing = environment - documented_names(text.split("## Environment variables", 1)[1])
    assert not missing, f"document these under Environment variables: {sorted(missing)}"


def test_every_setting_in_pelicanconf_and_publishconf_is_documented():
    names = set_in_configuration_files()
    assert {"SITENAME", "HEARTH_PUBLISH", "PUBLIC_URL", "404_SAVE_AS"} <= names
    missing = names - documented_names(REFERENCE.read_text(encoding="utf-8"))
    assert not missing, f"document these in docs/configuration.md: {sorted(missing)}"


def test_the_reference_names_no_setting_hearth_does_not_have():
    """A setting removed from the code leaves the reference too."""
    settings, environment, dict_keys = read_by_plugins()
    known = settings | environment | set_in_configuration_files()
    known |= environment_read_by_configuration() | {k for keys in dict_keys.values() for k in keys}
    known |= {"HEARTH_REQUIRE_BROWSER", "HEARTH_REQUIRE_TOOLS"}  # read by the tests
    known |= {"platform", "name", "url", "join", "description", "api"}  # a space's keys
    text = REFERENCE.read_text(encoding="utf-8")
    unknown = {
        name
        for name in documented_names(text)
        if NAME.fullmatch(name) or re.fullmatch(r"[a-z_]+", name)
    } - known
    assert not unknown, f"not read anywhere: {sorted(unknown)}"


def test_the_documented_spaces_keys_are_the_ones_hearth_accepts():
    from hearth_discussions.settings import SPACE_KEYS

    text = section(REFERENCE.read_text(encoding="utf-8"), "HEARTH_DISCUSSIONS")
    space_table = text.split("Each space is a dict", 1)[1]
    assert documented_names(space_table) == SPACE_KEYS
