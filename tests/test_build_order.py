"""A cold build makes the community's pages while the workers convert the issues, once."""

from __future__ import annotations

import json
import shutil

import pytest
from pelican.generators import ArticlesGenerator

import hearth_discussions.plugin as discussions_plugin
import hearth_members.plugin as members_plugin
import hearth_site.build as build_module
import hearth_site.search as search
from hearth_core import parallel
from tests.sites import ROOT, build_site

PELICAN_RUNNING: list[bool] = [False]


class WatchedPelican(build_module.Pelican):
    def run(self) -> None:
        PELICAN_RUNNING[0] = True
        try:
            super().run()
        finally:
            PELICAN_RUNNING[0] = False


def counted(monkeypatch: pytest.MonkeyPatch, module: object, name: str) -> list[str]:
    """When each call to ``module.name`` came: "before" or "during" Pelican's run."""
    calls: list[str] = []
    real = getattr(module, name)

    def count(*args, **kwargs):
        calls.append("during" if PELICAN_RUNNING[0] else "before")
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, count)
    return calls


def test_the_link_and_discussion_pages_made_early_are_the_ones_the_site_uses(tmp_path, monkeypatch):
    # A wrong guess of the issues Pelican lists would not break a page, only make
    # them twice, with one core idle: this is what catches it.
    if parallel.usable_cores() < 2:
        pytest.skip("one core: no workers, so nothing to overlap")
    monkeypatch.setattr(parallel, "BATCH_CHARACTERS", 1000)  # the demo's issues use workers
    monkeypatch.setattr(build_module, "Pelican", WatchedPelican)
    content = shutil.copytree(ROOT / "content", tmp_path / "content")
    for issue in (content / "issues").glob("*.md"):
        # Text no build in this process has converted: the workers have work.
        issue.write_text(issue.read_text() + f"\nWritten for {tmp_path.name}.\n")
    link_pages = counted(monkeypatch, members_plugin, "build_link_pages")
    discussion_pages = counted(monkeypatch, discussions_plugin, "build_discussion_pages")
    grouped = counted(monkeypatch, search, "by_month")
    output = build_site(content, tmp_path / "output")
    assert (output / "links/index.html").is_file() and (output / "pagefind").is_dir()
    assert link_pages == ["before"]
    assert discussion_pages == ["before"]
    assert grouped == ["before", "before"], "links, then discussions, grouped by month once"


def test_each_issue_s_search_record_is_made_once_as_pelican_reads_it(tmp_path, monkeypatch):
    # Made while the main process waits for the Markdown workers, not after the
    # last conversion, when it would hold back Pagefind's start.
    events: list[str] = []

    def recording(name, label):
        real = getattr(search, name)

        def record(*args, **kwargs):
            if label(*args):
                events.append(label(*args))
            return real(*args, **kwargs)

        monkeypatch.setattr(search, name, record)

    recording("_issue_record", lambda *args: "record")
    recording("record_html", lambda record: "page" if record.kind == "issue" else "")
    real_context = ArticlesGenerator.generate_context

    def generate_context(self):
        real_context(self)
        events.append("issues read")

    monkeypatch.setattr(ArticlesGenerator, "generate_context", generate_context)
    content = shutil.copytree(ROOT / "content", tmp_path / "content")
    published = [
        issue
        for issue in (content / "issues").glob("*.md")
        if "Status: draft" not in issue.read_text()
    ]
    build_site(content, tmp_path / "output")
    assert events.count("record") == events.count("page") == len(published)
    assert events[-1] == "issues read", "each record and page made as its issue was read"


def test_pelican_reads_the_issues_in_the_order_the_workers_convert_them(tmp_path, monkeypatch):
    # Pelican lists files as a set; in its order the build would wait on a body still
    # queued while the converted ones piled up, and catch up later with the workers idle.
    from hearth_issues.reader import BODY_HTML, HearthMarkdownReader

    sent: list[str] = []
    read: list[str] = []
    real_start, real_read = BODY_HTML.start, HearthMarkdownReader.read

    def start(options, texts, pool):
        texts = list(texts)
        sent.extend(texts)
        return real_start(options, texts, pool)

    def reading(self, source_path):
        html, metadata = real_read(self, source_path)
        if "number" in metadata:
            read.append(metadata["number"])
        return html, metadata

    monkeypatch.setattr(BODY_HTML, "start", start)
    monkeypatch.setattr(HearthMarkdownReader, "read", reading)
    content = shutil.copytree(ROOT / "content", tmp_path / "content")
    for number in range(20, 60):  # enough issues that a set's order is not the files'
        path = content / "issues" / f"{number:04d}-more-{number}.md"
        path.write_text(f"Title: More {number}\nDate: 2026-01-{number % 28 + 1:02d}\n\nText.\n")
    build_site(content, tmp_path / "output")
    numbers = [int(name) for name in sorted(p.name[:4] for p in (content / "issues").glob("*.md"))]
    assert len(sent) == len(numbers), "every body went to the workers, in path order"
    assert read == numbers


def _cold_demo(tmp_path, monkeypatch):
    """The demo's content, with texts no build in this process converted, on the workers."""
    if parallel.usable_cores() < 2:
        pytest.skip("one core: no workers, so nothing is prepared before Pelican runs")
    monkeypatch.setattr(parallel, "BATCH_CHARACTERS", 1000)
    content = shutil.copytree(ROOT / "content", tmp_path / "content")
    for issue in (content / "issues").glob("*.md"):
        issue.write_text(issue.read_text() + f"\nWritten for {tmp_path.name}.\n")
    return content


def _index_events(monkeypatch) -> list[str]:
    from hearth_members.plugin import MembersGenerator
    from hearth_site import earlyindex

    events: list[str] = []
    real_start, real_context = earlyindex.start_job, MembersGenerator.generate_context

    def start_job(*args):
        events.append("index started")
        return real_start(*args)

    def generate_context(self):
        events.append("members' context")
        real_context(self)

    monkeypatch.setattr(earlyindex, "start_job", start_job)
    monkeypatch.setattr(MembersGenerator, "generate_context", generate_context)
    return events


def _indexed_pages(output) -> int:
    entry = json.loads((output / "pagefind" / "pagefind-entry.json").read_text())
    return sum(language["page_count"] for language in entry["languages"].values())


def test_the_search_index_starts_once_the_issues_are_read_and_is_kept(tmp_path, monkeypatch):
    # Pagefind is the last step of a large build: it starts on the core the other
    # generators' contexts leave idle, and the build keeps that index.
    events = _index_events(monkeypatch)
    output = build_site(_cold_demo(tmp_path, monkeypatch), tmp_path / "output")
    assert events == ["index started", "members' context"]
    assert _indexed_pages(output) > 0


def test_an_early_index_of_other_records_is_stopped_and_made_again(tmp_path, monkeypatch):
    from hearth_site import earlyindex

    kept_output = build_site(_cold_demo(tmp_path / "kept", monkeypatch), tmp_path / "kept/output")
    events = _index_events(monkeypatch)
    monkeypatch.setattr(earlyindex, "same_objects", lambda started, records: False)
    output = build_site(_cold_demo(tmp_path, monkeypatch), tmp_path / "output")
    assert events == ["index started", "members' context", "index started"]
    assert _indexed_pages(output) == _indexed_pages(kept_output)


def test_a_build_that_fails_after_the_index_started_stops_it(tmp_path, monkeypatch):
    from hearth_core.problems import ContentError, problem
    from hearth_members.plugin import MembersGenerator

    events = _index_events(monkeypatch)

    def failing_context(self):
        events.append("members' context")
        raise ContentError([problem(tmp_path / "member.yml", 1, "links", "a test's failure")])

    monkeypatch.setattr(MembersGenerator, "generate_context", failing_context)
    with pytest.raises(ContentError):
        build_site(_cold_demo(tmp_path, monkeypatch), tmp_path / "output")
    assert events == ["index started", "members' context"]
    assert search.SearchIndexJob.running is None, "no Pagefind left running for a failed build"
