"""A live preview writes again only the pages an edit changes, and its site is never stale.

After each kind of edit an author or a member makes, the folder a preview keeps
building must hold exactly what a fresh build of the same content writes.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pelican import signals

import hearth_members.plugin as members_plugin
from hearth_core.problems import ContentError
from hearth_core.state import BuildState
from hearth_issues.caches import IssueCaches
from tests.sites import ROOT, build_site, finish_search

MEMBER_LINK = """\
  - url: https://example.org/a-link-added-while-previewing
    title: A link added while previewing
    date: {date}
    tags: [tools]
"""


def draft(path: Path) -> bool:
    return "\nStatus: draft" in path.read_text(encoding="utf-8").split("\n\n")[0]


def site_files(output: Path) -> dict[str, bytes]:
    # The search index is written after the pages and tested on its own.
    return {
        str(path.relative_to(output)): path.read_bytes()
        for path in sorted(output.rglob("*"))
        if path.is_file() and "pagefind" not in path.parts
    }


class Preview:
    """The demo site, built again after each edit as `invoke livereload` builds it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.content = root / "content"
        shutil.copytree(ROOT / "content", self.content)
        shutil.copytree(ROOT / "theme", root / "theme")
        self.output = root / "output"
        self.settings: dict = {"THEME": str(root / "theme")}
        self.state = BuildState()  # one for the preview's builds, as `invoke livereload` keeps

    def build(self) -> None:
        build_site(self.content, self.output, self.state, HEARTH_PREVIEW=True, **self.settings)
        finish_search(self.state)

    def fresh(self) -> dict[str, bytes]:
        fresh = self.root / "fresh" / "output"
        shutil.rmtree(fresh.parent, ignore_errors=True)
        state = BuildState()
        build_site(self.content, fresh, state, **self.settings)
        finish_search(state)
        return site_files(fresh)

    def newest_issue(self) -> Path:
        """The newest published issue."""
        published = [path for path in (self.content / "issues").glob("0*.md") if not draft(path)]
        return max(published)

    def oldest_issue(self) -> Path:
        return sorted((self.content / "issues").glob("0*.md"))[0]


@pytest.fixture
def preview(tmp_path):
    site = Preview(tmp_path)
    site.build()
    return site


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def edit_body(site: Preview) -> None:
    append(site.newest_issue(), "\nA paragraph written while previewing.\n")


def edit_title(site: Preview) -> None:
    path = site.oldest_issue()
    title = next(line for line in path.read_text().splitlines() if line.startswith("Title:"))
    replace(path, title, title + ", renamed")


def add_member_link(site: Preview) -> None:
    member = sorted((site.content / "members").glob("[!_]*.yml"))[0]
    # A new link is dated on or after the newest published issue (2026-01-23).
    append(member, MEMBER_LINK.format(date="2026-01-24"))


def edit_thread(site: Preview) -> None:
    thread = site.content / "discussions/zine-swap.yml"
    title = next(line for line in thread.read_text().splitlines() if line.startswith("title:"))
    replace(thread, title, title + " (edited)")


def edit_activity(site: Preview) -> None:
    path = site.content / "discussions/activity.json"
    data = json.loads(path.read_text())
    for entry in data["threads"].values():
        entry["replies"] = entry.get("replies", 0) + 1
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")


def edit_template(site: Preview) -> None:
    replace(site.root / "theme/templates/_subscribe.html", "</", "<!-- edited --></")


def edit_site_name(site: Preview) -> None:
    site.settings["SITENAME"] = "The Renamed Workbench"


def edit_a_url_setting(site: Preview) -> None:
    # Read by no template by name: pages show it through each topic's address.
    site.settings["TAG_URL"] = "topics/{slug}/index.html"


def edit_page(site: Preview) -> None:
    append(site.content / "pages/about.md", "\nOne more line about us.\n")


NEW_ISSUE = """\
Title: An issue written while previewing
Date: 2026-02-06 08:00
Summary: A new issue: its neighbours, the archive and the topics all list it.
Tags: tools

Written while the preview runs.
"""


def add_issue(site: Preview) -> None:
    (site.content / "issues/0016-an-issue-written-while-previewing.md").write_text(NEW_ISSUE)


def remove_an_issue(site: Preview) -> None:
    # Issue 14 is one no other issue links to by its file.
    next((site.content / "issues").glob("0014-*.md")).unlink()


def undo_an_edit(site: Preview) -> None:
    path = site.newest_issue()
    text = path.read_text(encoding="utf-8")
    append(path, "\nA paragraph the author takes back.\n")
    site.build()
    path.write_text(text, encoding="utf-8")


def remove_a_written_page(site: Preview) -> None:
    (site.output / "issues/1/index.html").unlink()


EDITS: list[Callable[[Preview], None]] = [
    edit_body,
    edit_title,
    add_member_link,
    edit_thread,
    edit_activity,
    edit_template,
    edit_site_name,
    edit_a_url_setting,
    edit_page,
    add_issue,
    remove_an_issue,
    undo_an_edit,
    remove_a_written_page,
]


@pytest.mark.parametrize("edit", EDITS, ids=[edit.__name__ for edit in EDITS])
def test_after_each_edit_the_preview_is_what_a_fresh_build_writes(preview, edit):
    edit(preview)
    preview.build()
    assert site_files(preview.output) == preview.fresh()


def test_edits_in_a_row_leave_nothing_stale(preview):
    for edit in EDITS:
        edit(preview)
        preview.build()
    assert site_files(preview.output) == preview.fresh()


def test_editing_an_issue_text_writes_its_page_not_every_other_issue(preview):
    issues = [
        page for page in preview.output.glob("issues/*/index.html") if page.parent.name.isdigit()
    ]
    unrelated = [
        *issues,
        preview.output / "members/index.html",
        preview.output / "links/index.html",
    ]
    before = {page: page.stat().st_mtime_ns for page in unrelated}
    edit_body(preview)
    preview.build()
    rewritten = {page for page in unrelated if page.stat().st_mtime_ns != before[page]}
    newest = max(issues, key=lambda page: int(page.parent.name))
    assert rewritten == {newest}, "only the edited issue's own page is written again"


def test_editing_an_issue_text_reads_only_that_issue_again(preview):
    issues = {path.name for path in (preview.content / "issues").glob("*.md")}
    read: list[str] = []

    def record(content: Any) -> None:
        if Path(content.source_path).name in issues:
            read.append(Path(content.source_path).name)

    signals.content_object_init.connect(record)
    try:
        edit_body(preview)
        preview.build()
        assert read == [preview.newest_issue().name]
        edit_title(preview)  # a header: another issue's page may show it
        preview.build()
        assert sorted(read[1:]) == sorted(issues)
    finally:
        signals.content_object_init.disconnect(record)


def test_lists_of_issues_render_again_only_the_entry_an_edit_changes(preview, monkeypatch):
    # The archive and every topic's page list the issues, and are written on every save.
    rendered: list[str] = []
    entry_html = preview.state.part(IssueCaches).entry_html
    render = entry_html._render

    def recorded(siteurl: str, entries: list[Any], options: dict[str, Any]) -> list[str]:
        rendered.extend(entry.title for entry in entries)
        return render(siteurl, entries, options)

    monkeypatch.setattr(entry_html, "_render", recorded)
    edit_body(preview)
    preview.build()
    assert rendered == [], "the text is not in the lists: nothing to render"
    oldest = preview.oldest_issue()
    title = next(line for line in oldest.read_text().splitlines() if line.startswith("Title:"))
    # A title no other test gives it: the entries rendered are kept for the process.
    replace(oldest, title, "Title: Renamed to show in the lists alone")
    preview.build()
    assert set(rendered) == {"Renamed to show in the lists alone"}, "the renamed issue alone"


def test_an_edit_to_an_issue_text_keeps_the_links_each_issue_features(preview, monkeypatch):
    chosen: list[int] = []
    choose = members_plugin.community_links

    def counted(issues: Any, links: Any, recorded: Any = None) -> Any:
        chosen.append(len(links))
        return choose(issues, links, recorded)

    monkeypatch.setattr(members_plugin, "community_links", counted)
    edit_body(preview)
    preview.build()
    assert chosen == [], "the members and the issues' dates are as they were"
    add_member_link(preview)
    preview.build()
    assert len(chosen) == 1, "a new link may be featured: chosen again"


@pytest.mark.parametrize("preview_build", [True, False], ids=["preview", "build"])
def test_a_page_at_another_page_address_is_refused_with_what_to_rename(preview, preview_build):
    about = preview.content / "pages/about.md"
    about.rename(about.with_name("members.md"))
    build = preview.build if preview_build else preview.fresh
    # Found by the checks every build runs first (docs/checks.md), before Pelican writes.
    with pytest.raises(ContentError, match=r"pages/members\.md:1: /members/ .*rename this file"):
        build()
