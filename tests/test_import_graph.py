"""The plugin packages import one another one way only: no cycle, and each only what it may.

Each package is read with ``ast``, every import counted (in functions and under
TYPE_CHECKING too): a package that needs another only for a type still depends on it.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.sites import ROOT

PLUGINS = ROOT / "plugins"

CORE = "hearth_core"
ISSUES = "hearth_issues"
MEMBERS = "hearth_members"
DISCUSSIONS = "hearth_discussions"
FEEDS = "hearth_feeds"
SEARCH = "hearth_search"
EMAIL = "hearth_email"
BUTTONDOWN = "hearth_buttondown"
SITE = "hearth_site"
IMPORT = "hearth_import"
ANNOUNCE = "hearth_announce"
LINKHEALTH = "hearth_linkhealth"
RECOMMENDATIONS = "hearth_recommendations"

# The "may import" table of the layout the project aims at (LAYOUT.md), copied.
MAY_IMPORT: dict[str, set[str]] = {
    CORE: set(),
    ISSUES: {CORE},
    MEMBERS: {CORE, ISSUES},
    DISCUSSIONS: {CORE, ISSUES, MEMBERS},
    FEEDS: {CORE},
    SEARCH: {CORE, ISSUES, MEMBERS, DISCUSSIONS},
    EMAIL: {CORE, ISSUES, MEMBERS, DISCUSSIONS},
    BUTTONDOWN: {CORE, EMAIL},
    ANNOUNCE: {CORE, ISSUES, DISCUSSIONS},
    SITE: {
        CORE,
        ISSUES,
        MEMBERS,
        DISCUSSIONS,
        FEEDS,
        SEARCH,
        EMAIL,
        BUTTONDOWN,
        LINKHEALTH,
        IMPORT,
        RECOMMENDATIONS,
    },
    # `invoke import-archive` writes issue files, as `new-issue` does.
    IMPORT: {CORE, ISSUES},
    LINKHEALTH: {CORE, ISSUES, MEMBERS, DISCUSSIONS},
    # Reads the members' opt-in from Pelican's context, never by importing hearth_members.
    RECOMMENDATIONS: {CORE, FEEDS},
}

# Where the code takes another shape than that picture, and why. None can make a cycle:
# hearth_feeds imports hearth_core alone, and hearth_issues imports nothing above it.
ALSO_MAY_IMPORT: dict[str, set[str]] = {
    # Each makes its own feed (the links', the threads') from ready entries with
    # hearth_feeds' building blocks; moving those feeds elsewhere would split each
    # package's output over two places.
    MEMBERS: {FEEDS},
    DISCUSSIONS: {FEEDS},
    # An email leaves out what only the site shows, by the classes the feeds strip too;
    # it shows the neighbours' posts when HEARTH_RECOMMENDATIONS["email"] asks.
    EMAIL: {FEEDS, RECOMMENDATIONS},
    # `invoke import-buttondown` writes issue files: their model and file names.
    BUTTONDOWN: {ISSUES},
}


def package_imports(package: Path) -> set[str]:
    """The other hearth packages ``package`` imports, anywhere in its modules."""
    found: set[str] = set()
    for module in package.rglob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            found.update(name.split(".")[0] for name in names if name.startswith("hearth_"))
    found.discard(package.name)
    return found


def import_graph() -> dict[str, set[str]]:
    return {
        package.name: package_imports(package)
        for package in sorted(PLUGINS.iterdir())
        if (package / "__init__.py").is_file()
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every cycle a depth-first walk finds, each as the packages around it."""
    found: list[list[str]] = []
    done: set[str] = set()

    def walk(package: str, path: list[str]) -> None:
        if package in path:
            found.append([*path[path.index(package) :], package])
            return
        if package in done:
            return
        for imported in sorted(graph.get(package, ())):
            walk(imported, [*path, package])
        done.add(package)

    for package in sorted(graph):
        walk(package, [])
    return found


def test_the_plugin_packages_import_one_another_without_a_cycle():
    assert cycles(import_graph()) == []


def test_each_package_imports_only_what_the_layout_allows():
    graph = import_graph()
    assert set(graph) == set(MAY_IMPORT), "place a new package in the table first"
    beyond = {
        package: sorted(imported - MAY_IMPORT[package] - ALSO_MAY_IMPORT.get(package, set()))
        for package, imported in graph.items()
    }
    assert {package: names for package, names in beyond.items() if names} == {}


def test_members_and_issues_never_ask_the_discussions_package():
    # A member's link learns of its thread when hearth_discussions gives the labels.
    graph = import_graph()
    assert DISCUSSIONS not in graph[MEMBERS] | graph[ISSUES]
    assert SITE not in graph[MEMBERS], "tasks.py passes the content check in"


def test_the_allowed_table_itself_has_no_cycle():
    allowed = {
        package: names | ALSO_MAY_IMPORT.get(package, set())
        for package, names in MAY_IMPORT.items()
    }
    assert cycles(allowed) == []


def test_a_cycle_is_found_however_long():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b"}, "b": set(), "c": {"a", "b"}}) == []
    assert cycles({"a": {"a"}}) == [["a", "a"]]


def test_an_import_inside_a_function_or_for_types_counts(tmp_path):
    package = tmp_path / "hearth_demo"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "late.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from hearth_members.model import Member\n"
        "def f():\n    import hearth_site.build\n"
        "from . import late\nfrom hearth_demo import late as again\n"
    )
    assert package_imports(package) == {MEMBERS, SITE}
