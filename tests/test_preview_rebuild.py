"""The live preview: rebuilds in one process show each save, and search catches up after."""

from __future__ import annotations

import threading
from datetime import date

import pytest

from hearth_core.state import BuildState
from hearth_search.pagefind import (
    SearchIndexCancelled,
    SearchIndexJob,
    _run_unless_cancelled,
    indexed_pages,
    write_search_index,
)
from hearth_search.records import SearchCaches, SearchRecord
from tests.sites import build_site, finish_search, issue, page, write_content

MEMBER = """\
name: Ada Example
links:
  - url: https://ada.example/one
    title: One small app
    date: 2025-10-01
    tags: [apps]
"""


def preview_build(content, output, state):
    build_site(content, output, state, HEARTH_PREVIEW=True)


@pytest.fixture
def previewed(tmp_path):
    state = BuildState()  # one for the preview's builds, as `invoke livereload` keeps
    files = dict([issue(1, "One", "2025-10-03 08:00"), issue(2, "Two", "2025-10-10 08:00")])
    files["members/ada.yml"] = MEMBER
    content = write_content(tmp_path, files)
    output = tmp_path / "output"
    preview_build(content, output, state)
    finish_search(state)
    return content, output, state


def test_each_save_shows_in_the_next_preview_build(previewed):
    content, output, state = previewed
    two = content / "issues/0002-two.md"
    two.write_text(two.read_text() + "\nA paragraph written while previewing.\n")
    (content / "members/ada.yml").write_text(MEMBER.replace("One small app", "One tiny app"))
    preview_build(content, output, state)
    body = page(output, "/issues/2/").css_first("article").text()
    assert "A paragraph written while previewing." in body
    assert page(output, "/links/").css_first(".link-title a").text() == "One tiny app"
    assert page(output, "/members/ada/").css_first(".link-title a").text() == "One tiny app"
    community = page(output, "/issues/1/").css_first("section.community").text()
    assert "One tiny app" in community
    finish_search(state)
    assert indexed_pages(output / "pagefind"), "the index of the last save is complete"


def records(count):
    return [
        SearchRecord(f"/r/{n}/", f"Record {n}", "issue", date(2025, 1, 1), (), "<p>x</p>", "")
        for n in range(count)
    ]


def test_a_cancelled_index_stops_before_writing(tmp_path):
    cancelled = threading.Event()
    cancelled.set()
    with pytest.raises(SearchIndexCancelled):
        write_search_index(records(3), tmp_path, "en", cancelled)
    assert not (tmp_path / "pagefind").exists()


def test_cancelling_stops_the_program_it_runs():
    cancelled = threading.Event()
    threading.Timer(0.2, cancelled.set).start()
    with pytest.raises(SearchIndexCancelled):
        _run_unless_cancelled(["sleep", "30"], cancelled)


def test_a_new_preview_index_replaces_the_running_one(tmp_path):
    started, release = threading.Event(), threading.Event()

    def slow_records():
        started.set()
        release.wait()
        return records(2)

    caches = SearchCaches()  # the preview's own
    first = SearchIndexJob(slow_records, tmp_path, "en", caches)
    started.wait()
    threading.Timer(0.2, release.set).start()
    second = SearchIndexJob(lambda: records(1), tmp_path, "en", caches, supersede=True)
    assert first._cancelled.is_set(), "the earlier save's index is out of date"
    second.wait()
    assert caches.running is None
    assert indexed_pages(tmp_path / "pagefind") == 1, "the index holds the last save's records"


def test_the_index_is_written_whether_or_not_a_memory_folder_has_room(tmp_path, monkeypatch):
    from hearth_search import pagefind as search

    monkeypatch.setattr(search, "MEMORY_FOLDER", tmp_path / "memory")
    assert search._scratch_parent(records(2)) is None, "no such folder: the usual temporary one"
    (tmp_path / "memory").mkdir()
    assert search._scratch_parent(records(2)) == tmp_path / "memory"
    for output in (tmp_path / "with", tmp_path / "without"):
        write_search_index(records(2), output, "en")
        assert indexed_pages(output / "pagefind") == 2
        monkeypatch.setattr(search, "MEMORY_FOLDER", tmp_path / "none")
    assert list((tmp_path / "memory").iterdir()) == [], "the records are deleted after"
