"""A fresh `invoke build` after an edit to one issue's text splices the new HTML into the
last build's pages, feeds and search part (hearth_site.splice) instead of running
Pelican, and writes exactly what a cold build writes; anything it cannot prove the same
builds in full."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import hearth_site.splicing
from hearth_site.lastbuild import build_unless_unchanged
from tests.test_build_cache import WORDS, Project
from tests.test_build_cache import assert_same_site as assert_same_pages


def assert_same_site(warm: Path, cold: Path) -> None:
    """The same pages and search records, and the same list of the index's parts with
    the ranking each part is given (which follows its records' lengths)."""
    assert_same_pages(warm, cold)
    listed = [(output / "pagefind" / "parts.json").read_bytes() for output in (warm, cold)]
    assert listed[0] == listed[1]


class PlainProject(Project):
    """The demo project with Hearth's plugins alone: another plugin stops every splice."""

    def settings(self, output: Path, cache: Path) -> dict[str, Any]:
        built = super().settings(output, cache)
        return {**built, "PLUGINS": [name for name in built["PLUGINS"] if name != "stamp"]}


@pytest.fixture
def splices(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each build since was a splice."""
    found: list[bool] = []
    real = hearth_site.splicing.spliced

    def spliced(*args: Any) -> bool:
        found.append(real(*args))
        return found[-1]

    monkeypatch.setattr(hearth_site.splicing, "spliced", spliced)
    return found


@pytest.fixture
def project(tmp_path: Path) -> PlainProject:
    project = PlainProject(tmp_path / "site")
    project.warm_build()
    return project


# An issue of the demo's recent quarter whose text has no intrasite link ({filename}...:
# Pelican rewrites those); an older one, whose search records are in the archive's part.
PLAIN = "0012-in-praise-of-unfinished-things.md"
OLDER = "0010-naming-your-side-project.md"


def issue_file(project: Project, name: str) -> Path:
    return project.root / "content" / "issues" / name


def append(project: Project, name: str, text: str) -> None:
    path = issue_file(project, name)
    path.write_text(path.read_text(encoding="utf-8") + f"\n{text}\n", encoding="utf-8")


def test_an_appended_paragraph_is_spliced_as_a_cold_build_writes_it(project, splices):
    home = project.root / "output" / "index.html"
    home_written = home.stat().st_mtime_ns
    append(project, PLAIN, "A paragraph added after the build, *with emphasis* & an ampersand.")
    output = project.warm_build()
    assert splices == [True]
    page = (output / "issues" / "12" / "index.html").read_text(encoding="utf-8")
    assert "<em>with emphasis</em> &amp; an ampersand" in page
    for feed in ("issues.atom.xml", "issues.rss.xml", "issues.json"):
        assert "with emphasis" in (output / "feeds" / feed).read_text(encoding="utf-8")
    assert home.stat().st_mtime_ns == home_written, "a page without the issue's text is kept"
    assert_same_site(output, project.cold_build())


def test_edits_spliced_one_after_another_stay_where_the_pages_print_them(project, splices):
    append(project, PLAIN, "First, a long paragraph. " * 20)
    project.warm_build()
    append(project, PLAIN, "Second, short.")
    project.warm_build()
    append(project, PLAIN, "Third.")
    output = project.warm_build()
    assert splices == [True, True, True]
    assert_same_site(output, project.cold_build())
    assert build_unless_unchanged(project.settings(output, project.root / "cache")) is False


def test_an_older_issue_builds_in_full_its_search_part_is_not_kept(project, splices):
    """Only the search index's recent part is kept with its records: the archive's would
    hold every older issue's text, loaded in every splice."""
    append(project, OLDER, "A correction to an older issue.")
    output = project.warm_build()
    assert splices == [False]
    assert_same_site(output, project.cold_build())


NOT_SPLICED = {
    "its header": lambda text: text.replace("Title: ", "Title: Retitled: ", 1),
    "an address": lambda text: text + "\nSee [this](https://example.org/new-page).\n",
    "an intrasite link": lambda text: (
        text + "\nSee [issue 5]({filename}/issues/0005-eight-pages-one-sheet.md).\n"
    ),
    "an image": lambda text: text + "\n![A sketch](/images/new-sketch.png)\n",
    "its lede": lambda text: re.sub(
        r"\n\n(?=[A-Z])", "\n\nNew words before the lede. ", text, count=1
    ),
    "its reading time": lambda text: text + "\n" + "Many more words to read here. " * 300,
}


@pytest.mark.parametrize("change", NOT_SPLICED.values(), ids=NOT_SPLICED.keys())
def test_an_edit_that_changes_more_than_printed_text_builds_in_full(project, splices, change):
    path = issue_file(project, PLAIN)
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
    output = project.warm_build()
    assert splices == [False]
    assert_same_site(output, project.cold_build())


def test_a_theme_that_uses_an_issues_text_otherwise_gets_full_builds(project, splices):
    template = project.root / "theme" / "templates" / "index.html"
    text = template.read_text(encoding="utf-8")
    shown = "{% for one in articles %}<!-- {{ one.content|striptags|wordcount }} -->{% endfor %}"
    template.write_text(text.replace("{% endblock %}", shown + "{% endblock %}", 1))
    project.warm_build()
    append(project, PLAIN, "A few more words.")
    output = project.warm_build()
    assert splices == [False, False]
    assert_same_site(output, project.cold_build())


def test_an_output_page_changed_by_hand_makes_a_full_build(project, splices):
    page = project.root / "output" / "issues" / "12" / "index.html"
    page.write_text(page.read_text(encoding="utf-8") + "<!-- by hand -->", encoding="utf-8")
    append(project, PLAIN, "More.")
    output = project.warm_build()
    assert splices == [False]
    assert_same_site(output, project.cold_build())


def test_another_plugin_makes_every_build_full(tmp_path, splices):
    project = Project(tmp_path / "site")  # with its "stamp" plugin
    project.warm_build()
    append(project, PLAIN, "More.")
    output = project.warm_build()
    assert splices == [False, False]  # (the first: no record yet)
    assert_same_site(output, project.cold_build())


EDITED = st.sampled_from([PLAIN, OLDER, "0014-printing-the-workbench-zine.md"])


@example(edits=[(PLAIN, "a"), (PLAIN, "b")])
@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(edits=st.lists(st.tuples(EDITED, WORDS), min_size=1, max_size=3))
def test_spliced_or_built_the_site_is_what_a_cold_build_writes(tmp_path_factory, edits):
    project = PlainProject(tmp_path_factory.mktemp("spliced"))
    project.warm_build()
    for name, word in edits:
        append(project, name, f"Edited: {word} and *{word}*.")
        output = project.warm_build()
        assert_same_site(output, project.cold_build())


def test_an_issue_saved_again_after_it_was_read_is_spliced_again_next_time(
    project, splices, monkeypatch
):
    real = hearth_site.splicing.splice_edit

    def saved_meanwhile(*args: Any) -> Any:
        done = real(*args)
        append(project, PLAIN, "Saved while the splice ran.")
        return done

    monkeypatch.setattr(hearth_site.splicing, "splice_edit", saved_meanwhile)
    append(project, PLAIN, "First save.")
    project.warm_build()
    monkeypatch.setattr(hearth_site.splicing, "splice_edit", real)
    output = project.warm_build()
    assert splices == [True, True]  # each spliced the bytes its inputs were digested from
    assert "Saved while the splice ran." in (output / "issues/12/index.html").read_text()
    assert_same_site(output, project.cold_build())


def test_an_edit_to_a_draft_builds_in_full(project, splices):
    """A draft has no page to splice into; the full build leaves it out as before."""
    append(project, "0015-keep-a-changelog-for-yourself.md", "More notes for the draft.")
    output = project.warm_build()
    assert splices == [False]
    assert_same_site(output, project.cold_build())
