"""The live preview: rebuilds in one process show each save, and search catches up after."""

from __future__ import annotations

import json
import threading
from datetime import date

import pytest

from hearth_site.quickpreview import rerender_issues
from hearth_site.search import (
    SearchIndexCancelled,
    SearchIndexJob,
    SearchRecord,
    _run_unless_cancelled,
    write_search_index,
)
from tests.sites import build_site, issue, page, write_content

MEMBER = """\
name: Ada Example
links:
  - url: https://ada.example/one
    title: One small app
    date: 2025-10-01
    tags: [apps]
"""


def preview_build(content, output):
    build_site(content, output, HEARTH_PREVIEW=True)


def finish_search():
    if SearchIndexJob.running:
        SearchIndexJob.running.wait()


@pytest.fixture
def previewed(tmp_path):
    files = dict([issue(1, "One", "2025-10-03 08:00"), issue(2, "Two", "2025-10-10 08:00")])
    files["members/ada.yml"] = MEMBER
    content = write_content(tmp_path, files)
    output = tmp_path / "output"
    preview_build(content, output)
    finish_search()
    return content, output


def test_each_save_shows_in_the_next_preview_build(previewed):
    content, output = previewed
    two = content / "issues/0002-two.md"
    two.write_text(two.read_text() + "\nA paragraph written while previewing.\n")
    (content / "members/ada.yml").write_text(MEMBER.replace("One small app", "One tiny app"))
    preview_build(content, output)
    body = page(output, "/issues/2/").css_first("article").text()
    assert "A paragraph written while previewing." in body
    assert page(output, "/links/").css_first(".link-title a").text() == "One tiny app"
    assert page(output, "/members/ada/").css_first(".link-title a").text() == "One tiny app"
    community = page(output, "/issues/1/").css_first("section.community").text()
    assert "One tiny app" in community
    finish_search()
    entry = json.loads((output / "pagefind/pagefind-entry.json").read_text())
    assert entry["languages"], "the index of the last save is complete"


def test_an_edited_issue_page_is_written_before_the_full_build(previewed):
    content, output = previewed
    two = content / "issues/0002-two.md"
    two.write_text(two.read_text() + "\nSaved a moment ago, with *emphasis*.\n")
    assert rerender_issues([two])
    article = page(output, "/issues/2/").css_first("article")
    assert article.css_first("em").text() == "emphasis"
    assert article.css_first("h1").text() == "Two"
    assert page(output, "/issues/1/").css_first("section.community"), "the rest is as built"


def test_anything_but_an_issue_text_waits_for_the_full_build(previewed):
    content, output = previewed
    before = (output / "issues/2/index.html").read_text()
    two = content / "issues/0002-two.md"
    two.write_text(two.read_text().replace("Title: Two", "Title: Two, renamed") + "\nMore.\n")
    assert not rerender_issues([two]), "a header shows on other pages too"
    assert not rerender_issues([content / "members/ada.yml"])
    assert not rerender_issues([content / "issues/0003-new.md"])
    two.write_text("Title: Two\nDate: tomorrow\n\nBroken.\n")
    assert not rerender_issues([two]), "the full build reports the problem"
    assert (output / "issues/2/index.html").read_text() == before


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

    first = SearchIndexJob(slow_records, tmp_path, "en")
    started.wait()
    threading.Timer(0.2, release.set).start()
    second = SearchIndexJob(lambda: records(1), tmp_path, "en", supersede=True)
    assert first._cancelled.is_set(), "the earlier save's index is out of date"
    second.wait()
    assert SearchIndexJob.running is None
    entry = json.loads((tmp_path / "pagefind/pagefind-entry.json").read_text())
    assert entry["languages"]["en"]["page_count"] == 1, "the index holds the last save's records"


def test_the_index_is_written_whether_or_not_a_memory_folder_has_room(tmp_path, monkeypatch):
    from hearth_site import search

    monkeypatch.setattr(search, "MEMORY_FOLDER", tmp_path / "memory")
    assert search._scratch_parent(records(2)) is None, "no such folder: the usual temporary one"
    (tmp_path / "memory").mkdir()
    assert search._scratch_parent(records(2)) == tmp_path / "memory"
    for output in (tmp_path / "with", tmp_path / "without"):
        write_search_index(records(2), output, "en")
        entry = json.loads((output / "pagefind/pagefind-entry.json").read_text())
        assert entry["languages"]["en"]["page_count"] == 2
        monkeypatch.setattr(search, "MEMORY_FOLDER", tmp_path / "none")
    assert list((tmp_path / "memory").iterdir()) == [], "the records are deleted after"
