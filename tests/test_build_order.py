"""A build makes each page's data once, from Pelican's own articles, and overlaps what it can."""

from __future__ import annotations

import shutil

import pytest
from pelican.generators import ArticlesGenerator

import hearth_discussions.plugin as discussions_plugin
import hearth_members.plugin as members_plugin
import hearth_search.records as search
import hearth_site.build as build_module
from hearth_core import parallel
from hearth_search.pagefind import indexed_pages
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


def test_the_link_and_discussion_pages_are_made_once_from_pelican_s_articles(tmp_path, monkeypatch):
    # Made from what Pelican read, never guessed before it runs: once each, during its run.
    monkeypatch.setattr(build_module, "Pelican", WatchedPelican)
    content = shutil.copytree(ROOT / "content", tmp_path / "content")
    link_pages = counted(monkeypatch, members_plugin, "build_link_pages")
    discussion_pages = counted(monkeypatch, discussions_plugin, "build_discussion_pages")
    grouped = counted(monkeypatch, search, "by_month")
    output = build_site(content, tmp_path / "output")
    assert (output / "links/index.html").is_file() and (output / "pagefind").is_dir()
    assert link_pages == ["during"]
    assert discussion_pages == ["during"]
    assert grouped == ["during", "during"], "links, then discussions, grouped by month once"


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

    recording("issue_record_from", lambda *args: "record")
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
    from hearth_issues.bodies import render_markdown
    from hearth_issues.reader import HearthMarkdownReader

    sent: list[str] = []
    read: list[str] = []
    real_start, real_read = parallel.TextMemo.start, HearthMarkdownReader.read

    def start(memo, options, texts, pool):
        texts = list(texts)
        if memo.function is render_markdown:
            sent.extend(texts)
        return real_start(memo, options, texts, pool)

    def reading(self, source_path):
        html, metadata = real_read(self, source_path)
        if "number" in metadata:
            read.append(metadata["number"])
        return html, metadata

    monkeypatch.setattr(parallel.TextMemo, "start", start)
    monkeypatch.setattr(HearthMarkdownReader, "read", reading)
    content = shutil.copytree(ROOT / "content", tmp_path / "content")
    for number in range(20, 60):  # enough issues that a set's order is not the files'
        path = content / "issues" / f"{number:04d}-more-{number}.md"
        path.write_text(f"Title: More {number}\nDate: 2026-01-{number % 28 + 1:02d}\n\nText.\n")
    build_site(content, tmp_path / "output")
    numbers = [int(name) for name in sorted(p.name[:4] for p in (content / "issues").glob("*.md"))]
    assert len(sent) == len(numbers), "every body went to the workers, in path order"
    assert read == numbers


def _index_events(monkeypatch) -> list[str]:
    from hearth_members.plugin import MembersGenerator
    from hearth_site.plugin import SearchGenerator

    events: list[str] = []
    real_start, real_context = SearchGenerator.start_index, MembersGenerator.generate_context

    def start_index(self):
        events.append("index started")
        return real_start(self)

    def generate_context(self):
        events.append("members' context")
        real_context(self)

    monkeypatch.setattr(SearchGenerator, "start_index", start_index)
    monkeypatch.setattr(MembersGenerator, "generate_context", generate_context)
    return events


def _indexed_pages(output) -> int:
    return indexed_pages(output / "pagefind")


def test_the_search_index_starts_from_ready_records_once_every_context_is_made(
    tmp_path, monkeypatch
):
    # Pagefind indexes the finished records while the pages are written on the other core.
    events = _index_events(monkeypatch)
    content = shutil.copytree(ROOT / "content", tmp_path / "content")
    output = build_site(content, tmp_path / "output")
    assert events == ["members' context", "index started"]
    assert _indexed_pages(output) > 0


def test_a_build_that_fails_before_its_pages_starts_no_index(tmp_path, monkeypatch):
    from hearth_core.problems import ContentError, problem
    from hearth_members.plugin import MembersGenerator

    events = _index_events(monkeypatch)

    def failing_context(self):
        events.append("members' context")
        raise ContentError([problem(tmp_path / "member.yml", 1, "links", "a test's failure")])

    monkeypatch.setattr(MembersGenerator, "generate_context", failing_context)
    content = shutil.copytree(ROOT / "content", tmp_path / "content")
    with pytest.raises(ContentError):
        build_site(content, tmp_path / "output")
    assert events == ["members' context"], "no Pagefind left running for a failed build"
