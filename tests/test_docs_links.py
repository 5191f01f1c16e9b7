"""README is a guide a newcomer reads in one sitting, and every link in it and in docs/ leads
somewhere: a relative link names a file of the project, and a #fragment a heading in it, as
GitHub renders them."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest

from tests.sites import ROOT

README_LIMIT = 350
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")


def without_fences(text: str) -> str:
    return re.sub(r"^(```|~~~).*?^\1[^\n]*$", "", text, flags=re.S | re.M)


def prose(text: str) -> str:
    """``text`` without fenced code blocks and inline code, where brackets are not links."""
    return re.sub(r"(`+)(?:(?!\1).)+\1", "", without_fences(text), flags=re.S)


def links(path: Path) -> list[str]:
    return LINK.findall(prose(path.read_text(encoding="utf-8")))


def github_anchors(path: Path) -> set[str]:
    """The ids GitHub gives the headings of a Markdown file."""
    anchors: set[str] = set()
    seen: dict[str, int] = {}
    for line in without_fences(path.read_text(encoding="utf-8")).splitlines():
        heading = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if not heading:
            continue
        # GitHub keeps letters, digits, "_" and "-" of the heading's text, and turns
        # spaces into "-"; code marks and emphasis stars are not text.
        slug = re.sub(r"[^\w\- ]", "", heading[1].lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        anchors.add(slug if count == 0 else f"{slug}-{count}")
        seen[slug] = count + 1
    return anchors


def test_readme_is_a_guide_of_at_most_350_lines():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").count("\n")
    assert lines <= README_LIMIT, f"README.md has {lines} lines: move detail into docs/"


@pytest.mark.parametrize("page", PAGES, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_relative_link_resolves(page):
    broken = []
    for target in links(page):
        if re.match(r"[a-z][a-z0-9+.-]*:", target, flags=re.I):  # https:, mailto: ...
            continue
        address, _, fragment = target.partition("#")
        linked = (page.parent / unquote(address)).resolve() if address else page
        if not linked.exists() or ROOT not in linked.parents:
            broken.append(f"{target}: no such file in the project")
        elif fragment and linked.suffix == ".md" and fragment not in github_anchors(linked):
            broken.append(f"{target}: {linked.name} has no heading #{fragment}")
    assert not broken, f"{page.relative_to(ROOT)}: " + "; ".join(broken)


def test_readme_links_every_guide_in_docs():
    readme_links = {Path(target.partition("#")[0]) for target in links(ROOT / "README.md")}
    guides = {path.relative_to(ROOT) for path in (ROOT / "docs").glob("*.md")}
    assert guides <= readme_links, f"README links none of {sorted(map(str, guides - readme_links))}"


def test_github_anchors_are_computed_as_github_does():
    page = ROOT / "README.md"
    anchors = github_anchors(page)
    assert "tutorial-your-first-issue-in-ten-minutes" in anchors
    assert "1-write-an-issue" in anchors
    assert "hearth_discussions" in github_anchors(ROOT / "docs/configuration.md")
