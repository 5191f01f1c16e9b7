"""Full-text search: issues, member links and discussions, indexed by Pagefind at build time.

Records are made from the data the pages are made from, not by re-reading the written pages.
Each issue is a record of its own; member links and discussions are grouped into one record
per month, each link or discussion a section of it (a part) that the search page shows as a
result of its own, with its own title, address, date, topics and label. Pagefind splits the
index into small chunks that the browser fetches per query, so one search stays small however
large the archive grows.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from html import escape
from pathlib import Path
from typing import Any

import pagefind_bin

from hearth_core.months import group_by_month, month_name
from hearth_members.views import month_url

KINDS = {"issue": "Issue", "link": "Link", "discussion": "Discussion"}


class SearchIndexFailed(Exception):
    """Pagefind could not index the site; the message carries Pagefind's own."""


@dataclass(frozen=True)
class SearchPart:
    """One result inside a grouped record: the section of its body under ``<h2 id=anchor>``."""

    anchor: str
    title: str
    url: str
    date: date
    tags: tuple[str, ...]
    label: str


@dataclass(frozen=True)
class SearchRecord:
    """One search result: ``url`` is the page's path ("/issues/3/") or another site's address.

    A record with ``parts`` is a group whose sections are the results; its tags are theirs
    together, and its date their newest.
    """

    url: str
    title: str
    kind: str
    date: date
    tags: tuple[str, ...]
    body_html: str
    label: str
    parts: tuple[SearchPart, ...] = ()

    @functools.cached_property
    def page(self) -> str:
        """What Pagefind reads (``record_html``), made once: a build makes the links' and
        discussions' while the workers convert the issues, a preview keeps them."""
        return record_html(self)


def _shown_line(label: str, tags: Iterable[str]) -> str:
    # What a result shows and is filtered by is in its text, so a query finds it there:
    # words only in Pagefind's metadata match a record with no section to show.
    return f"<p>{escape(' · '.join((label, *tags)))}</p>"


def issue_records(articles: Iterable[Any], path: str = "") -> list[SearchRecord]:
    records = (issue_record(article, path) for article in articles)
    return [record for record in records if record is not None]


def issue_record(article: Any, path: str = "") -> SearchRecord | None:
    """The record of a published issue, made once per issue and content: a build makes
    it as Pelican reads the issue, while the Markdown workers still convert the rest,
    with its page (``hearth_site.plugin.prepare_issue_record``)."""
    if article.is_draft:
        return None
    tags = tuple(tag.name for tag in getattr(article, "tags", ()))
    # _content first: an unchanged issue's is the very same string, found equal at once.
    made_from = (
        *(article._content, article.title, article.url, article.date, tags, path),
        *(article.summary_text, article.issue.number),
    )
    kept = _ISSUE_RECORDS.get(article.source_path)
    if kept is None or kept[0] != made_from:
        kept = _ISSUE_RECORDS[article.source_path] = (made_from, _issue_record(*made_from))
    return kept[1]


_ISSUE_RECORDS: dict[str, tuple[tuple, SearchRecord]] = {}


def _issue_record(
    html: str,
    title: str,
    url: str,
    day: Any,
    tags: tuple[str, ...],
    path: str,
    summary: str,
    number: int,
) -> SearchRecord:
    label = f"Issue {number}"
    return SearchRecord(
        url=f"{path}/{url}",
        title=title,
        kind="issue",
        date=day.date(),
        tags=tags,
        body_html=f"<p>{escape(summary or '')}</p>"
        + _shown_line(label, tags)
        + _for_pagefind(html),
        label=label,
    )


# Tags Pagefind reads past, as if they were not there: it indexes their text as
# part of the words around them and keeps no attribute of theirs. An issue's HTML
# is half links' tags and addresses, which took Pagefind a fifth of its time to
# parse; without them, the 700-issue benchmark archive gave the same index, byte
# for byte (see tests/test_search.py).
_INLINE_TAG = re.compile(r"</?(?:a|em|strong|code|span)\b[^>]*>")


def _for_pagefind(html: str) -> str:
    # Unless the author's own HTML speaks to Pagefind through such a tag.
    return html if "data-pagefind" in html else _INLINE_TAG.sub("", html)


def link_records(link_pages: Any, path: str = "") -> list[SearchRecord]:
    records = []
    for link in link_pages.links if link_pages else ():
        label = f"Link shared by {link.member.name}"
        tags = tuple(tag.name for tag in link.tags)
        records.append(
            SearchRecord(
                url=f"{path}/{link.place}",
                title=link.title,
                kind="link",
                date=link.date,
                tags=tags,
                body_html=f"<p>{escape(link.domain)}</p>{link.note_html}"
                + _shown_line(label, tags),
                label=label,
            )
        )
    return records


def discussion_records(discussion_pages: Any) -> list[SearchRecord]:
    records = []
    for thread in discussion_pages.discussions if discussion_pages else ():
        about = f"{thread.kind_name}: {thread.about.name}" if thread.about else thread.kind_name
        label = f"Discussion on {thread.platform.name}"
        tags = tuple(tag.name for tag in thread.tags)
        records.append(
            SearchRecord(
                url=thread.url,
                title=thread.title,
                kind="discussion",
                date=(thread.last_activity.date() if thread.last_activity else thread.started),
                tags=tags,
                body_html=f"<p>{escape(about)}</p>" + _shown_line(label, tags),
                label=label,
            )
        )
    return records


def search_records(context: dict[str, Any], path: str = "") -> list[SearchRecord]:
    """Everything a reader can search for, from the Pelican context; ``path`` is the site's."""
    community = community_records(context.get("link_pages"), context.get("discussion_pages"), path)
    return issue_records(context["articles"], path) + community


# The last member links' and discussions' records, with the pages they came from:
# a build makes them while the workers convert the issues (hearth_site.build), and
# a preview's next build, after an edit to an issue's prose, has the same pages.
_COMMUNITY: list[tuple[Any, Any, str, list[SearchRecord]]] = []


def community_records(link_pages: Any, discussion_pages: Any, path: str = "") -> list[SearchRecord]:
    """The records of the member links and discussions, grouped by month."""
    if _COMMUNITY:
        last_links, last_discussions, last_path, records = _COMMUNITY[0]
        same_pages = last_links is link_pages and last_discussions is discussion_pages
        if same_pages and last_path == path:
            return records
    links = link_records(link_pages, path)
    discussions = discussion_records(discussion_pages)
    records = by_month(links, "Links shared", lambda day: f"{path}/{month_url(day)}") + by_month(
        discussions, "Discussions active", lambda _day: f"{path}/discussions/"
    )
    _COMMUNITY[:] = [(link_pages, discussion_pages, path, with_pages(records))]
    return records


def with_pages(records: list[SearchRecord]) -> list[SearchRecord]:
    """``records``, each with its ``page`` made now, in this thread, and kept with it."""
    for record in records:
        record.page  # noqa: B018 -- a cached property, read for its side effect
    return records


def by_month(
    records: list[SearchRecord], title: str, page: Callable[[date], str]
) -> list[SearchRecord]:
    """``records`` of one kind grouped into one record per month, each of them a part;
    ``page`` gives the address of a month's page, from its first day.

    Pagefind's cost is per record: a 20,000-link archive took it 7 s and 650 MB as one
    record per link, and 0.6 s and 90 MB as one per month.
    """
    return [
        _month_record(f"{title} in {month_name(first)}", page(first), group)
        for first, group in group_by_month(records, lambda record: record.date)
    ]


def _month_record(title: str, url: str, records: list[SearchRecord]) -> SearchRecord:
    parts = tuple(
        SearchPart(
            _part_anchor(url, record.url, n),
            record.title,
            record.url,
            record.date,
            record.tags,
            record.label,
        )
        for n, record in enumerate(records)
    )
    body = "".join(
        f'<h2 id="{part.anchor}">{escape(record.title)}</h2>{record.body_html}'
        for part, record in zip(parts, records, strict=True)
    )
    return SearchRecord(
        url=url,
        title=title,
        kind=records[0].kind,
        date=max(record.date for record in records),
        tags=tuple(sorted({tag for record in records for tag in record.tags})),
        body_html=body,
        label=title,
        parts=parts,
    )


def _part_anchor(group_url: str, url: str, number: int) -> str:
    # A part on the group's own page keeps its anchor there, so its address need not be stored.
    page, _, anchor = url.partition("#")
    return anchor if anchor and page == group_url else f"r{number}"


def parts_meta(record: SearchRecord) -> str:
    """The parts of a group as the search page reads them, in as few bytes as it can.

    It is written to a file of its own (``parts_file``), which the page fetches with
    each group it shows: as plain JSON objects, a month of links took 45 KB. A part is
    its anchor: [day of the month, label number, tag numbers, address unless it is
    the group's page and anchor]; its title is its heading's, which Pagefind returns.
    """
    labels = sorted({part.label for part in record.parts})
    label_number = {label: number for number, label in enumerate(labels)}
    tag_number = {tag: number for number, tag in enumerate(record.tags)}
    parts: dict[str, list[Any]] = {}
    for part in record.parts:
        entry: list[Any] = [
            part.date.day,
            label_number[part.label],
            [tag_number[tag] for tag in part.tags],
        ]
        if part.url != f"{record.url}#{part.anchor}":
            entry.append(part.url)
        parts[part.anchor] = entry
    compact = {"labels": labels, "tags": list(record.tags), "parts": parts}
    return json.dumps(compact, separators=(",", ":"), ensure_ascii=False)


def parts_file(record: SearchRecord) -> str:
    """The name of the file that holds a group's ``parts_meta``, beside Pagefind's bundle.

    In Pagefind's metadata, the parts took a third of its time and memory on a
    20,000-link archive; the search page fetches a group's file when it shows one.
    """
    digest = hashlib.blake2b(f"{record.url} {record.title}".encode(), digest_size=8)
    return f"{digest.hexdigest()}.json"


PARTS_FOLDER = "hearth-parts"


def _write_parts(records: list[SearchRecord], folder: Path) -> None:
    (folder / PARTS_FOLDER).mkdir()
    for record in records:
        if record.parts:
            (folder / PARTS_FOLDER / parts_file(record)).write_text(
                parts_meta(record), encoding="utf-8"
            )


def search_tags(context: dict[str, Any]) -> list[str]:
    """Every tag a search record carries, for the search page's filter, from the same data."""
    articles = [article for article in context["articles"] if not article.is_draft]
    tags = {tag.name for article in articles for tag in getattr(article, "tags", ())}
    for pages in (context.get("link_pages"), context.get("discussion_pages")):
        tags.update(tag.name for tag, _items in (pages.by_tag if pages else ()))
    return sorted(tags, key=str.casefold)


def record_html(record: SearchRecord) -> str:
    """The page Pagefind indexes for ``record``: filters, sort key and metadata as attributes."""

    def field(attribute: str, name: str, value: str) -> str:
        return f'<meta {attribute}="{name}[content]" content="{escape(value)}">'

    fields = [
        field("data-pagefind-filter", "kind", record.kind),
        field("data-pagefind-sort", "date", record.date.isoformat()),
        field("data-pagefind-meta", "date", record.date.isoformat()),
        field("data-pagefind-meta", "label", record.label),
        # Pagefind would give the scratch file's address; pages link to the record's own.
        field("data-pagefind-meta", "url", record.url),
        *(field("data-pagefind-filter", "tag", tag) for tag in record.tags),
    ]
    if record.parts:
        # No <h1>: a group's title is no result, and a query that matched it would
        # give the search page a group with no link in it to show.
        fields.append(field("data-pagefind-meta", "title", record.title))
        fields.append(field("data-pagefind-meta", "parts", parts_file(record)))
        heading = ""
    else:
        heading = f"<h1>{escape(record.title)}</h1>"
    return f"<html><head>{''.join(fields)}</head><body>{heading}{record.body_html}</body></html>"


class SearchIndexCancelled(Exception):
    """A newer preview build started its own index: this one stopped part way."""


def write_search_index(
    records: list[SearchRecord],
    output: Path,
    language: str,
    cancelled: threading.Event | None = None,
    scratch: tempfile.TemporaryDirectory | None = None,
) -> Path:
    """Write the Pagefind bundle to ``output``/pagefind, replacing any earlier one.

    ``scratch``, from ``scratch_site(records)``, is Pagefind's input if already written.
    Setting ``cancelled`` stops it part way, Pagefind included, with SearchIndexCancelled.
    """
    cancelled = cancelled or threading.Event()
    folder = output / "pagefind"
    # A rebuild in one folder (autoreload) must not serve chunks of the previous index.
    shutil.rmtree(folder, ignore_errors=True)
    if not records:
        return folder  # Pagefind refuses an empty index; the search page says search is off.
    with scratch or scratch_site(records, cancelled) as site:
        command = [str(pagefind_bin.get_executable()), "--site", site, "--silent"]
        command += ["--output-path", str(folder.resolve()), "--force-language", language]
        returncode, messages = _run_unless_cancelled(command, cancelled)
    if returncode != 0:
        raise SearchIndexFailed(f"search: Pagefind could not index the site:\n{messages}")
    _write_parts(records, folder)
    return folder


def scratch_site(
    records: list[SearchRecord], cancelled: threading.Event | None = None
) -> tempfile.TemporaryDirectory:
    """A folder of one page per record for Pagefind to read, deleted when its ``with`` ends."""
    scratch = tempfile.TemporaryDirectory(prefix="hearth-search-", dir=_scratch_parent(records))
    try:
        for number, record in enumerate(records):
            if cancelled and cancelled.is_set():
                raise SearchIndexCancelled
            Path(scratch.name, f"{number}.html").write_text(record.page, encoding="utf-8")
    except BaseException:
        scratch.cleanup()
        raise
    return scratch


def forget_pages(records: list[SearchRecord]) -> None:
    """Free the pages a build wrote for Pagefind (14 MiB on 700 issues) while it indexes
    them; only a live preview, which writes them again after each save, keeps them."""
    for record in records:
        record.__dict__.pop("page", None)


# Pagefind reads one file per record, written just before and deleted just after.
# In memory, 22,700 of them take a third of the time they take on disk.
MEMORY_FOLDER = Path("/dev/shm")


def _scratch_parent(records: list[SearchRecord]) -> Path | None:
    """A memory-backed folder when there is one with room to spare; else the usual temporary one."""
    needed = sum(len(record.body_html) + 1000 for record in records) * 4
    try:
        if os.access(MEMORY_FOLDER, os.W_OK) and shutil.disk_usage(MEMORY_FOLDER).free > needed:
            return MEMORY_FOLDER
    except OSError:
        pass
    return None


def _run_unless_cancelled(command: list[str], cancelled: threading.Event) -> tuple[int, str]:
    with tempfile.TemporaryFile("w+", encoding="utf-8") as messages:
        process = subprocess.Popen(command, stdout=messages, stderr=subprocess.STDOUT, text=True)
        while process.poll() is None:
            if cancelled.wait(0.05):
                process.kill()
                process.wait()
                raise SearchIndexCancelled
        messages.seek(0)
        return process.returncode, messages.read()


class SearchIndexJob:
    """Pagefind indexing on a thread: the build writes its pages on one core meanwhile,
    and Pagefind, a separate program, runs on the other.

    ``records`` is called on the thread. A live preview starts the job once its
    pages are written and does not wait for it: the page an author edits reloads
    at once, and search catches up seconds later. Only one job runs at a time,
    so two indexes never write the same folder: a new build's job waits for the
    last one, or with ``supersede`` (the preview's next save) stops it first.
    """

    running: SearchIndexJob | None = None

    def __init__(
        self,
        records: Callable[[], list[SearchRecord]],
        output: Path,
        language: str,
        supersede: bool = False,
        scratch: tempfile.TemporaryDirectory | None = None,
    ) -> None:
        if SearchIndexJob.running:
            if supersede:
                SearchIndexJob.running.cancel()
            SearchIndexJob.running.wait()  # a failure of the last preview's index shows here
        SearchIndexJob.running = self
        self._error: Exception | None = None
        self._cancelled = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(records, output, language, scratch), name="search-index"
        )
        self._thread.start()

    def _run(
        self,
        records: Callable[[], list[SearchRecord]],
        output: Path,
        language: str,
        scratch: tempfile.TemporaryDirectory | None,
    ) -> None:
        try:
            write_search_index(records(), output, language, self._cancelled, scratch)
        except SearchIndexCancelled:
            pass
        except Exception as error:  # re-raised in the build's own thread by wait()
            self._error = error

    def cancel(self) -> None:
        self._cancelled.set()

    def wait(self) -> None:
        self._thread.join()
        if SearchIndexJob.running is self:
            SearchIndexJob.running = None
        if self._error:
            raise self._error
