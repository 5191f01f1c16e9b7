"""A mistake in pelicanconf.py or publishconf.py is refused as ``file:line: field: what to do``.

The line is where the setting (or the key inside it) is written in the file the command
loaded: pelicanconf.py for build and check, publishconf.py for publish, or pelicanconf.py
when publishconf.py only star-imports it. Where no line can be named (a setting made in a
loop), the file alone; never a traceback.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from hearth_core.settings import SettingsError, load_settings
from hearth_core.settingsplace import Place, placed, setting_place
from hearth_linkhealth.settings import web_address
from hearth_site.check import load_site_content
from tests.sites import ROOT, invoke

SHAPE = re.compile(r"^(pelicanconf|publishconf)\.py(:\d+)?: ")


def line_of(path: Path, text: str) -> int:
    """The number of the line of ``path`` holding ``text``, which must be there once."""
    lines = [n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line]
    assert len(lines) == 1, (text, lines)
    return lines[0]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def output(result) -> str:
    said = result.stdout + result.stderr
    assert "Traceback" not in said, said
    return said


# Real commands, in a copy of the project.


def test_a_wrong_type_in_a_dict_key_is_refused_at_the_key_s_line(project):
    config = project / "pelicanconf.py"
    edit(config, '"recent_links": 50,', '"recent_links": "fifty",')
    line = line_of(config, '"recent_links": "fifty"')
    assert line != line_of(config, "HEARTH_MEMBERS = {"), "the key is on a line of its own"
    for task in ("check", "build"):
        result = invoke(project, task)
        assert result.returncode == 1
        assert (
            f"pelicanconf.py:{line}: HEARTH_MEMBERS['recent_links']: must be a whole number "
            "(int), not 'fifty'"
        ) in output(result).splitlines()


def test_a_wrong_feed_limit_is_refused_by_check_as_by_build(project):
    config = project / "pelicanconf.py"
    edit(config, 'HEARTH_FEEDS = {"limit": 20}', 'HEARTH_FEEDS = {"limit": "x"}')
    line = line_of(config, "HEARTH_FEEDS = ")
    expected = (
        f"pelicanconf.py:{line}: HEARTH_FEEDS['limit']: must be a whole number (int), not 'x'"
    )
    result = invoke(project, "check")
    assert result.returncode == 1 and output(result).splitlines()[0] == expected
    result = invoke(project, "build")
    assert result.returncode == 1
    assert output(result).splitlines()[:2] == [
        expected,
        "The site was not built: fix the setting above.",
    ]


def test_an_unknown_key_is_refused_at_its_line(project):
    config = project / "pelicanconf.py"
    edit(config, '"recent_links": 50,', '"recent_links": 50,\n    "recent_linsk": 20,')
    line = line_of(config, '"recent_linsk"')
    result = invoke(project, "check")
    assert result.returncode == 1
    said = output(result)
    assert f"pelicanconf.py:{line}: HEARTH_MEMBERS['recent_linsk']: unknown key: allowed " in said
    assert "recent_links" in said


def test_a_setting_that_is_not_a_dict_is_refused_at_its_assignment(project):
    config = project / "pelicanconf.py"
    edit(config, 'HEARTH_FEEDS = {"limit": 20}', "HEARTH_FEEDS = 20")
    line = line_of(config, "HEARTH_FEEDS = 20")
    result = invoke(project, "check")
    assert result.returncode == 1
    assert output(result).startswith(
        f"pelicanconf.py:{line}: HEARTH_FEEDS: must be a dict, not int"
    )


def test_a_setting_overridden_in_publishconf_is_refused_at_publishconf_s_line(project, tmp_path):
    publishconf = project / "publishconf.py"
    text = publishconf.read_text(encoding="utf-8")
    publishconf.write_text(
        text + '\nHEARTH_MEMBERS = {\n    **HEARTH_MEMBERS,\n    "recent_links": 0,\n}\n',
        encoding="utf-8",
    )
    line = line_of(publishconf, '"recent_links": 0')
    # The build reads pelicanconf.py alone, where the setting is right.
    assert invoke(project, "check").returncode == 0
    env = {"HEARTH_PUBLISH_TARGET": "folder", "HEARTH_PUBLISH_FOLDER": str(tmp_path / "www")}
    result = invoke_with(project, env, "publish", "--dry-run")
    assert result.returncode == 1
    assert output(result).startswith(
        f"publishconf.py:{line}: HEARTH_MEMBERS['recent_links']: (how many links /links/ "
        "shows before its list of months) must be 1 or more, not 0"
    )
    assert not (tmp_path / "www").exists()


def test_a_setting_publishconf_only_star_imports_is_refused_at_pelicanconf_s_line(project):
    config = project / "pelicanconf.py"
    edit(config, '"recent_links": 50,', '"recent_links": 0,')
    line = line_of(config, '"recent_links": 0,')
    result = invoke(project, "preview")  # builds with publishconf.py
    assert result.returncode == 1
    assert output(result).startswith(f"pelicanconf.py:{line}: HEARTH_MEMBERS['recent_links']: ")


def test_a_setting_made_in_a_loop_is_refused_in_its_file_without_a_line(project):
    config = project / "pelicanconf.py"
    edit(
        config,
        'HEARTH_FEEDS = {"limit": 20}',
        'for _name, _value in {"HEARTH_FEEDS": {"limit": "x"}}.items():\n'
        "    globals()[_name] = _value",
    )
    result = invoke(project, "check")
    assert result.returncode == 1
    assert output(result).startswith(
        "pelicanconf.py: HEARTH_FEEDS['limit']: must be a whole number (int), not 'x'"
    )


def test_an_unplaced_publish_target_names_publishconf_s_line(project):
    publishconf = project / "publishconf.py"
    line = line_of(publishconf, '"target": os.environ.get(')
    result = invoke(project, "publish", "--dry-run")
    assert result.returncode == 1
    assert output(result).startswith(
        f"publishconf.py:{line}: HEARTH_PUBLISH['target']: is not set: set it, or the "
        "HEARTH_PUBLISH_TARGET environment variable, to folder, rsync or gh-pages"
    )


def invoke_with(project: Path, env: dict[str, str], *args: str):
    """``invoke`` with ``env`` added to the environment."""
    return subprocess.run(
        [sys.executable, "-m", "invoke", *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **env},
    )


def test_each_task_that_reads_publishconf_looks_for_its_settings_there():
    """A task places a wrong setting in the file it read: a task that reads publishconf.py
    declares it, so that publishconf.py's own line is named, not pelicanconf.py's."""
    tasks = ast.parse((ROOT / "tasks.py").read_text(encoding="utf-8"))
    undeclared = []
    for function in tasks.body:
        if not isinstance(function, ast.FunctionDef) or function.name in MIXED_TASKS:
            continue
        declared = [
            keyword
            for decorator in function.decorator_list
            if isinstance(decorator, ast.Call) and ast.unparse(decorator.func) == "hearth_task"
            for keyword in decorator.keywords
            if keyword.arg == "settings_file" and ast.unparse(keyword.value) == "PUBLISH_CONFIG"
        ]
        reads = any(
            (isinstance(node, ast.Name) and node.id == "PUBLISH_CONFIG")
            or (isinstance(node, ast.Call) and ast.unparse(node.func) == "_publish")
            for node in ast.walk(function)
        )
        if reads and function.decorator_list and not declared:
            undeclared.append(function.name)
    assert undeclared == []


# check-links reads publishconf.py only for the public address, which raises no SettingsError;
# its checks read pelicanconf.py.
MIXED_TASKS = {"check_links"}


# The locator alone: parsed, never run.


def place(tmp_path: Path, files: dict[str, str], name: str, *key: str | int) -> Place:
    for file, text in files.items():
        (tmp_path / file).write_text(textwrap.dedent(text), encoding="utf-8")
    found = setting_place(tmp_path / next(iter(files)), name, key)
    return Place(Path(found.path.name), found.line)


def test_the_line_of_a_key_inside_a_dict_literal(tmp_path):
    files = {"pelicanconf.py": 'A = 1\nHEARTH_X = {\n    "a": 1,\n    "b": [1,\n  2],\n}\n'}
    assert place(tmp_path, files, "HEARTH_X", "b") == Place(Path("pelicanconf.py"), 4)
    assert place(tmp_path, files, "HEARTH_X", "b", 1) == Place(Path("pelicanconf.py"), 5)
    assert place(tmp_path, files, "HEARTH_X", "missing") == Place(Path("pelicanconf.py"), 2)
    assert place(tmp_path, files, "HEARTH_X") == Place(Path("pelicanconf.py"), 2)


def test_the_last_top_level_assignment_wins_and_splats_reach_back(tmp_path):
    files = {
        "pelicanconf.py": """\
        HEARTH_X = {"a": 1}
        HEARTH_X = {
            "spaces": [],
            "b": 2,
        }
        HEARTH_X = {**HEARTH_X, "b": 3}
        """
    }
    assert place(tmp_path, files, "HEARTH_X", "b").line == 6
    assert place(tmp_path, files, "HEARTH_X", "spaces").line == 3
    assert place(tmp_path, files, "HEARTH_X", "a").line == 2, "the dict in effect, without it"


def test_updates_items_and_augmented_assignments_are_found(tmp_path):
    files = {
        "pelicanconf.py": """\
        HEARTH_X = {"a": 1, "b": 2}
        HEARTH_X["a"] = 5
        HEARTH_X.update({"c": 3}, d=4)
        HEARTH_X |= {"e": 5}
        HEARTH_Y: dict = {"f": 6}
        """
    }
    assert [place(tmp_path, files, "HEARTH_X", key).line for key in "abcde"] == [2, 1, 3, 3, 4]
    assert place(tmp_path, files, "HEARTH_X").line == 4
    assert place(tmp_path, files, "HEARTH_Y", "f").line == 5


def test_publishconf_s_own_assignment_wins_over_the_star_import(tmp_path):
    files = {
        "publishconf.py": "import os\nfrom pelicanconf import *\nHEARTH_X = {'a': 2}\n",
        "pelicanconf.py": "HEARTH_X = {'a': 1}\nHEARTH_Y = {'a': 1}\n",
    }
    assert place(tmp_path, files, "HEARTH_X", "a") == Place(Path("publishconf.py"), 3)
    assert place(tmp_path, files, "HEARTH_Y", "a") == Place(Path("pelicanconf.py"), 2)


def test_a_star_import_after_an_assignment_replaces_it(tmp_path):
    files = {
        "publishconf.py": "HEARTH_X = {'a': 2}\nfrom pelicanconf import *\n",
        "pelicanconf.py": "\nHEARTH_X = {'a': 1}\n",
    }
    assert place(tmp_path, files, "HEARTH_X", "a") == Place(Path("pelicanconf.py"), 2)


def test_what_ast_cannot_place_names_the_file_alone(tmp_path):
    loop = {"pelicanconf.py": "for n in ['HEARTH_X']:\n    globals()[n] = {}\n"}
    assert place(tmp_path, loop, "HEARTH_X", "a") == Place(Path("pelicanconf.py"), None)
    nested = {"publishconf.py": "from pelicanconf import *\n", "pelicanconf.py": "if 1:\n X = 1\n"}
    assert place(tmp_path, nested, "X") == Place(Path("pelicanconf.py"), None)
    broken = {"pelicanconf.py": "HEARTH_X = {\n"}
    assert place(tmp_path, broken, "HEARTH_X") == Place(Path("pelicanconf.py"), None)
    circular = {"a.py": "from b import *\n", "b.py": "from a import *\n"}
    assert place(tmp_path, circular, "HEARTH_X") == Place(Path("a.py"), None)


def test_an_error_about_no_setting_is_kept_as_it_is(tmp_path):
    error = SettingsError("the environment variable HEARTH_X_API must be an https:// address")
    assert placed(error, tmp_path / "pelicanconf.py") is error
    assert error.setting == ""


def test_a_message_is_never_read_for_a_setting():
    error = SettingsError("HEARTH_X['spaces'][1] in pelicanconf.py must be a dict")
    assert (error.setting, error.key) == ("", ())
    assert str(error) == "HEARTH_X['spaces'][1] in pelicanconf.py must be a dict"


# The source, parsed: a call that writes its setting into the message should pass setting=.

# "HEARTH_X['k'] in ...", "FEED_DOMAIN 'x' is ...", "pelicanconf.py: AUTHOR_FEDIVERSE: ..."
SETTING_FIRST = re.compile(r"((pelicanconf|publishconf)\.py: )?[A-Z][A-Z0-9_]+(\[|\s|:|$)")


def setting_first_calls(source: str, name: str) -> list[str]:
    """``name:line`` of each ``SettingsError(...)`` whose message starts with a setting:
    written out, or as an UPPER_CASE constant (``f"{NAME}['k'] ..."``)."""
    found = []
    for node in sorted(ast.walk(ast.parse(source)), key=lambda node: getattr(node, "lineno", 0)):
        if not (isinstance(node, ast.Call) and node.args):
            continue
        if ast.unparse(node.func).rpartition(".")[2] != "SettingsError":
            continue
        message = node.args[0]
        first = message.values[0] if isinstance(message, ast.JoinedStr) else message
        if isinstance(first, ast.FormattedValue) and isinstance(first.value, ast.Name):
            starts = first.value.id
        elif isinstance(first, ast.Constant) and isinstance(first.value, str):
            starts = first.value
        else:
            continue
        if SETTING_FIRST.match(starts):
            found.append(f"{name}:{node.lineno}")
    return found


def test_the_scan_finds_a_setting_written_into_the_message():
    source = textwrap.dedent(
        """\
        SettingsError("HEARTH_X['a'] in pelicanconf.py must be 1")
        raise settings.SettingsError(f"{NAME}[{key!r}] must be {least} or more")
        SettingsError(f"pelicanconf.py: AUTHOR_FEDIVERSE: {handle!r} is not a handle")
        SettingsError("must be 1", setting="HEARTH_X", key=("a",))
        SettingsError(f"the environment variable {variable} must be https")
        SettingsError(_where(error, config))
        """
    )
    assert setting_first_calls(source, "x.py") == ["x.py:1", "x.py:2", "x.py:3"]


def test_every_settings_error_passes_its_setting_instead_of_writing_it_first():
    """The setting and key are data (``setting=``, ``key=``), never read back from a
    message: a message starting with a setting's name is a call that forgot them."""
    files = [*sorted((ROOT / "plugins").rglob("*.py")), ROOT / "tasks.py"]
    found = [
        call
        for path in files
        for call in setting_first_calls(
            path.read_text(encoding="utf-8"), str(path.relative_to(ROOT))
        )
    ]
    assert found == []


# Open-ended: any value of a handful of keys, written in any of the ways authors write.

KEYS = {
    "HEARTH_FEEDS": ["limit"],
    "HEARTH_MEMBERS": ["recent_links", "weekly_link_limit", "tags", "path"],
    "HEARTH_RECOMMENDATIONS": ["home_limit", "posts_per_site", "email"],
    "HEARTH_LINKHEALTH": ["timeout", "recheck_after", "exclude"],
    "HEARTH_DISCUSSIONS": ["home_limit", "lemmy_instances", "spaces"],
    "HEARTH_THEME": ["accent", "heading_font"],
    "HEARTH_ISSUES": ["show_drafts"],
}
nested = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 60)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)
# Values of the right kind half of the time, so that accepting is tested as well.
values = st.one_of(
    st.integers(0, 30),
    st.sampled_from(["#a33a0b", "#fc0", "20d", "2x", "sans", "lemmy.world", "members", []]),
    st.lists(st.sampled_from(["lemmy.world", "books", "^https://", "x y"]), max_size=2),
    nested,
)
writings = st.sampled_from(["splat", "splat", "item", "update", "whole", "unknown"])


def written(name: str, key: str, value: object, how: str) -> str:
    if how == "splat":
        return f"{name} = {{\n    **{name},\n    {key!r}: {value!r},\n}}\n"
    if how == "item":
        return f"{name}[{key!r}] = {value!r}\n"
    if how == "update":
        return f"{name}.update({key}={value!r})\n"
    if how == "unknown":
        return f"{name} = {{**{name}, {key + '_x'!r}: {value!r}}}\n"
    return f"{name} = {value!r}\n"


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=st.sampled_from(sorted(KEYS)),
    choice=st.integers(0, 3),
    value=values,
    how=writings,
)
def test_loading_any_value_raises_only_a_placed_settings_error(tmp_path, name, choice, value, how):
    keys = KEYS[name]
    key = keys[choice % len(keys)]
    folder = tmp_path / "site"
    folder.mkdir(exist_ok=True)
    config = folder / "pelicanconf.py"
    base = (ROOT / "pelicanconf.py").read_text(encoding="utf-8")
    if name not in base:
        base += f"{name} = {{}}\n"
    text = base.replace('PATH = "content"', f"PATH = {str(ROOT / 'content')!r}")
    text = text.replace('THEME = "theme"', f"THEME = {str(ROOT / 'theme')!r}")
    config.write_text(text + "\n" + written(name, key, value, how), encoding="utf-8")
    try:
        loaded = load_settings(config)
        load_site_content(loaded)
        event("accepted")
    except SettingsError as error:
        event("refused")
        message = str(placed(error, config))
        assert SHAPE.match(message.replace(str(folder) + "/", "")), message
        assert error.setting == name, message
        found = re.match(r"^.*?\.py:(\d+): ", message)
        if found and how != "whole":
            assert int(found[1]) > len(base.splitlines()), "the line written last is in effect"


def test_a_wrong_ring_address_is_named_once_and_a_long_one_cut():
    with pytest.raises(SettingsError) as raised:
        web_address("HEARTH_WEBRING", ("next",), "javascript:x")
    assert str(raised.value).count("javascript:x") == 1
    with pytest.raises(SettingsError) as raised:
        web_address("HEARTH_WEBRING", ("next",), "https://ring.example/" + "x" * 5000)
    assert len(str(raised.value)) < 400


def test_a_setting_edited_within_the_same_second_is_read_as_edited(tmp_path, monkeypatch):
    """Python trusts a cached bytecode whose source has the same size and second of
    change: the settings files get none, so an edit is always read."""
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    config = tmp_path / "pelicanconf.py"
    (tmp_path / "content").mkdir()
    config.write_text('PATH = "content"\nHEARTH_FEEDS = {"limit": 20}\n', encoding="utf-8")
    changed = config.stat().st_mtime_ns
    assert load_settings(config)["HEARTH_FEEDS"] == {"limit": 20}
    config.write_text('PATH = "content"\nHEARTH_FEEDS = {"limit": 30}\n', encoding="utf-8")
    os.utime(config, ns=(changed, changed))
    assert load_settings(config)["HEARTH_FEEDS"] == {"limit": 30}
    assert not (tmp_path / "__pycache__").exists()
    assert sys.dont_write_bytecode is False
