"""Every cache a build keeps lives in one build state with a reset; none in a module.

A live preview builds again and again in one process: a module-level cache would
outlive the content it was made from, grow with every save, and leak one test's
site into the next. `invoke build` makes a fresh state; a preview keeps one.
"""

from __future__ import annotations

import ast
import importlib
import pickle
import shutil
from pathlib import Path

import pytest

from hearth_core.state import STATE_KEY, BuildState, build_state, with_state
from tests.sites import ROOT, build_site, finish_search

PLUGINS = ROOT / "plugins"

# Values that hold what earlier calls computed, wherever they are made.
CACHE_CLASSES = {
    "TextMemo",
    "Fragments",
    "KeptByKey",
    "Recent",
    "PageMemo",
    "CompiledTemplates",
    "WeakValueDictionary",
    "WeakKeyDictionary",
}
CONTAINERS = {"dict", "list", "set", "defaultdict", "OrderedDict", "Counter", "deque"}
MUTATORS = {
    "append",
    "extend",
    "insert",
    "add",
    "update",
    "setdefault",
    "pop",
    "popitem",
    "clear",
    "remove",
    "discard",
    "appendleft",
}

# The caches a build kept at module level before the build state, by module.
FORMER_CACHES = {
    "hearth_members.site": ["_FEATURED", "_DIGESTS", "_LAST"],
    "hearth_members.plugin": [
        "_LAST_PAGES",
        "_LAST_CHOSEN",
        "_LAST_VIEWS",
        "LINK_HTML",
        "COMMUNITY_HTML",
    ],
    "hearth_members.render": ["NOTE_HTML"],
    "hearth_members.collect": ["_PARSED"],
    "hearth_issues.source": ["_PARSED"],
    "hearth_issues.reader": ["BODY_HTML"],
    "hearth_issues.collect": ["_STORED"],
    "hearth_issues.listing": ["ENTRY_HTML"],
    "hearth_discussions.plugin": ["_PAGES", "DISCUSSION_HTML"],
    "hearth_discussions.activity": ["_READ"],
    "hearth_discussions.collect": ["_ANSWERS", "_THREADS"],
    "hearth_core.stored": ["_PENDING"],
    "hearth_search.records": ["_ISSUE_RECORDS", "_COMMUNITY"],
    "hearth_site.keptarticles": ["_KEPT", "_SETTINGS"],
    "hearth_site.staticlinks": ["_SCANNED"],
    "hearth_site.pagememo": ["MEMO"],
    "hearth_site.build": ["COMPILED_TEMPLATES"],
}


def _called_name(node: ast.expr) -> str:
    if isinstance(node, ast.Call):
        function = node.func
        if isinstance(function, ast.Attribute):
            return function.attr
        if isinstance(function, ast.Name):
            return function.id
    return ""


def _is_container(node: ast.expr | None) -> bool:
    literal = (ast.Dict, ast.List, ast.Set, ast.DictComp, ast.ListComp, ast.SetComp)
    return isinstance(node, literal) or _called_name(node) in CONTAINERS


def _mutated_names(tree: ast.Module) -> set[str]:
    """Names the module changes in place: ``NAME[k] = v``, ``NAME.append(...)``, ``global``."""
    mutated: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Global):
            mutated.update(node.names)
        targets = []
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
            targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
        for target in targets:
            if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
                mutated.add(target.value.id)
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in MUTATORS
            and isinstance(node.func.value, ast.Name)
        ):
            mutated.add(node.func.value.id)
    return mutated


def _module_caches(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    mutated = _mutated_names(tree)
    found = []
    for node in tree.body:
        if isinstance(node, ast.Assign):
            names = [t.id for t in node.targets if isinstance(t, ast.Name)]
            value = node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names, value = [node.target.id], node.value
        else:
            names, value = [], None
        for name in names:
            if _called_name(value) in CACHE_CLASSES:
                found.append(f"{name} = {_called_name(value)}(...)")
            elif _is_container(value) and name in mutated:
                found.append(f"{name}: a {type(value).__name__} the module changes")
    for node in ast.walk(tree):
        decorators = getattr(node, "decorator_list", [])
        for decorator in decorators:
            # Unbounded: it keeps every argument it was ever given for the process.
            if ast.unparse(decorator) in ("functools.cache", "cache"):
                found.append(f"{node.name}: @functools.cache")  # type: ignore[attr-defined]
    return found


def test_no_module_level_mutable_cache_remains():
    found = {
        str(path.relative_to(ROOT)): caches
        for path in sorted(PLUGINS.rglob("*.py"))
        if (caches := _module_caches(path))
    }
    assert found == {}, "keep it in a part of hearth_core.state.BuildState instead"


@pytest.mark.parametrize("module", sorted(FORMER_CACHES))
def test_every_former_module_cache_is_gone(module):
    loaded = importlib.import_module(module)
    assert [name for name in FORMER_CACHES[module] if hasattr(loaded, name)] == []


def test_no_class_keeps_a_build_s_state():
    from hearth_search.pagefind import SearchIndexJob
    from hearth_site.pagememo import PreviewWriter
    from hearth_site.plugin import SearchGenerator

    assert not hasattr(PreviewWriter, "_pages") and not hasattr(PreviewWriter, "_building")
    assert not hasattr(SearchGenerator, "preview_index")
    assert not hasattr(SearchIndexJob, "running")


def test_the_scan_finds_a_module_cache(tmp_path):
    # The scan above passes on plugins/ only if it can fail: these are the shapes it must see.
    source = tmp_path / "cached.py"
    source.write_text(
        "import functools\n"
        "_SEEN: dict = {}\n"
        "_LAST = []\n"
        "BODY = TextMemo(render)\n"
        "ROUTES = {'a': 1}\n"  # a constant: read, never changed
        "def remember(key, value):\n"
        "    _SEEN[key] = value\n"
        "    _LAST.append(value)\n"
        "@functools.cache\n"
        "def slow(x):\n"
        "    return x\n"
    )
    assert _module_caches(source) == [
        "_SEEN: a Dict the module changes",
        "_LAST: a List the module changes",
        "BODY = TextMemo(...)",
        "slow: @functools.cache",
    ]


def test_a_state_makes_each_part_once_and_forgets_them_all_on_reset():
    state = BuildState()
    parts = state.part(dict), state.part(list)
    assert state.part(dict) is parts[0] and state.part(list) is parts[1]
    state.part(dict)["kept"] = 1
    state.reset()
    assert state.part(dict) == {} and state.part(dict) is not parts[0]


def test_settings_carry_their_build_s_state_and_lone_settings_get_a_fresh_one():
    state = BuildState()
    settings = with_state({"PATH": "content"}, state)
    assert build_state(settings) is state and settings[STATE_KEY] is state
    assert build_state({}) is not build_state({}), "a lone call keeps nothing past itself"


def test_a_pickled_state_comes_back_empty():
    # Pelican's content cache pickles articles with their settings: never another
    # process's caches, and nothing of this build's on disk.
    state = BuildState()
    state.part(dict)["kept"] = "a page"
    loaded = pickle.loads(pickle.dumps(state))
    assert isinstance(loaded, BuildState) and loaded.part(dict) == {}


def _site_files(output: Path) -> dict[str, bytes]:
    # Pagefind's bytes differ from run to run; the search tests check the index itself.
    return {
        str(path.relative_to(output)): path.read_bytes()
        for path in sorted(output.rglob("*"))
        if path.is_file() and "pagefind" not in path.parts
    }


def test_two_builds_in_one_process_with_a_reset_in_between_give_the_same_output(tmp_path):
    content = shutil.copytree(ROOT / "content", tmp_path / "content")
    state = BuildState()
    first = build_site(content, tmp_path / "first/output", state)
    finish_search(state)
    assert state.part(dict) == {} and len(state._parts) > 1, "the build kept its caches"
    state.reset()
    assert state._parts == {}
    second = build_site(content, tmp_path / "second/output", state)
    finish_search(state)
    kept = build_site(content, tmp_path / "kept/output", state)  # with what the last one kept
    finish_search(state)
    assert _site_files(first) == _site_files(second) == _site_files(kept)
    assert (second / "pagefind/parts.json").is_file()
