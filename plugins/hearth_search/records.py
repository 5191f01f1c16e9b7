"""Search records: what a reader can search for, made from the data the pages are made from.

Records are made from the data the pages are made from, not by re-reading the written pages.
Each issue is a record of its own; member links and discussions are grouped into one record
per month, each link or discussion a section of it (a part) that the search page shows as a
result of its own, with its own title, address, date, topics and label. Pagefind
(``hearth_search.pagefind``) splits the index into small chunks that the browser fetches per
query, so one search stays small however large the archive grows.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from html import escape
from typing import TYPE_CHECKING, Any

from hearth_core.dates import day_text
from hearth_core.months import group_by_month, month_name
from hearth_members.views import month_url

if TYPE_CHECKING:
    from hearth_search.pagefind import SearchIndexJob

KINDS = {"issue": "Issue", "link": "Link", "discussion": "Discussion"}
# Beside the index's parts: the parts files of every group (``parts_file``).
PARTS_FOLDER = "hearth-parts"


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
    # The day as the pages write it, where they write it otherwise than "7 June 2022".
    day: str = ""

    @functools.cached_property
    def page(self) -> str:
        """What Pagefind reads (``record_html``), made once: an issue's as Pelican reads it,
        the community's with their records; a preview's build state keeps them."""
        return record_html(self)


def _shown_line(label: str, tags: Iterable[str]) -> str:
    # What a result shows and is filtered by is in its text, so a query finds it there:
    # words only in Pagefind's metadata match a record with no section to show. It is
    # the part's last line, and begins with the label, where the search page ends the
    # excerpt (search.js, withoutShownLine): the result shows them above it already.
    return f"<p>{escape(' · '.join((label, *tags)))}</p>"


class SearchCaches:
    """A part of the build state (``hearth_core.state``), one per build or preview."""

    def __init__(self) -> None:
        # Each issue's record, by its source path, with what it was made from.
        self.issue_records: dict[str, tuple[tuple, SearchRecord]] = {}
        # The last member links' and discussions' records, with what they were made from.
        self.community: tuple[tuple, list[SearchRecord]] | None = None
        # The index being written into this build's output folder, if any.
        self.running: SearchIndexJob | None = None
        # A preview's search generator, whose index starts once its pages are written.
        self.waiting: Any = None
        # The parts this build's index was planned in (hearth_search.pagefind.IndexPart).
        self.planned: list[Any] = []


def issue_records(
    articles: Iterable[Any], path: str = "", caches: SearchCaches | None = None
) -> list[SearchRecord]:
    caches = caches or SearchCaches()
    records = (issue_record(article, path, caches) for article in articles)
    return [record for record in records if record is not None]


def issue_record(
    article: Any, path: str = "", caches: SearchCaches | None = None
) -> SearchRecord | None:
    """The record of a published issue, made once per issue and content: a build makes
    it as Pelican reads the issue, while the Markdown workers still convert the rest,
    with its page (``hearth_site.plugin.move_links_under_site_path``)."""
    if article.is_draft:
        return None
    kept_records = (caches or SearchCaches()).issue_records
    tags = tuple(tag.name for tag in getattr(article, "tags", ()))
    # _content first: an unchanged issue's is the very same string, found equal at once.
    made_from = (
        *(article._content, article.title, article.url, article.date, tags, path),
        *(article.summary_text, article.issue.number, article.locale_date),
    )
    kept = kept_records.get(article.source_path)
    if kept is None or kept[0] != made_from:
        kept = kept_records[article.source_path] = (made_from, issue_record_from(*made_from))
    return kept[1]


def issue_record_from(
    html: str,
    title: str,
    url: str,
    day: Any,
    tags: tuple[str, ...],
    path: str,
    summary: str,
    number: int,
    day_written: str,
) -> SearchRecord:
    label = f"Issue {number}"
    return SearchRecord(
        url=f"{path}/{url}",
        title=title,
        kind="issue",
        date=day.date(),
        tags=tags,
        # The label and topics are searchable metadata (record_html), not text that an
        # excerpt would show ("Issue 12 · tools · weekly").
        body_html=f"<p>{escape(summary or '')}</p>" + _for_pagefind(html),
        label=label,
        day=day_written,
    )


# Tags Pagefind reads past, as if they were not there: it indexes their text as
# part of the words around them and keeps no attribute of theirs. An issue's HTML
# is half links' tags and addresses, which took Pagefind a fifth of its time to
# parse; without them, the 700-issue benchmark archive gave the same index, byte
# for byte (see tests/test_search.py).
_INLINE_TAG = re.compile(r"</?(?:a|em|strong|code|span)\b[^>]*>")


# The "#" after each heading (Python-Markdown's toc permalink): in an excerpt it read
# "briefly# A risograph".
_HEADING_ANCHOR = re.compile(r'<a\b[^>]*\bclass="headerlink"[^>]*>.*?</a>', re.S)


def _for_pagefind(html: str) -> str:
    html = _HEADING_ANCHOR.sub("", html)
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


def search_records(
    context: dict[str, Any], path: str = "", caches: SearchCaches | None = None
) -> list[SearchRecord]:
    """Everything a reader can search for, from the Pelican context; ``path`` is the site's."""
    caches = caches or SearchCaches()
    link_pages, discussion_pages = context.get("link_pages"), context.get("discussion_pages")
    community = community_records(link_pages, discussion_pages, path, caches)
    return issue_records(context["articles"], path, caches) + community


def community_records(
    link_pages: Any, discussion_pages: Any, path: str = "", caches: SearchCaches | None = None
) -> list[SearchRecord]:
    """The records of the member links and discussions, grouped by month; kept while the
    pages are equal (a preview's next build, after an edit to an issue's prose)."""
    caches = caches or SearchCaches()
    made_from = (link_pages, discussion_pages, path)
    if caches.community is not None and caches.community[0] == made_from:
        return caches.community[1]
    links = link_records(link_pages, path)
    discussions = discussion_records(discussion_pages)
    records = by_month(links, "Links shared", lambda day: f"{path}/{month_url(day)}") + by_month(
        discussions, "Discussions active", lambda _day: f"{path}/discussions/"
    )
    caches.community = (made_from, with_pages(records))
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


RECENT, ARCHIVE = "recent", "archive"


def index_parts(records: Iterable[SearchRecord]) -> Callable[[SearchRecord], str]:
    """Which part of the index each record belongs to: ``recent``, from the first day
    of the quarter of the newest issue on, or ``archive``, the years before.

    They change independently: a new or edited recent issue, a member's new link or a
    thread's new activity change the recent part, and the archive stays as indexed
    until the next quarter's first issue moves the line. They hold no dates in common
    either, so results sorted by date are the recent part's, then the archive's.
    Two parts, not one a year: each part a query reads costs a chunk of its index per
    word, and a part a year took a two-word query on the benchmark's archive to 467 KB.
    """
    records = list(records)
    issues = [record.date for record in records if record.kind == "issue"]
    newest = max(issues or [record.date for record in records], default=date.min)
    line = date(newest.year, 3 * ((newest.month - 1) // 3) + 1, 1)
    return lambda record: RECENT if record.date >= line else ARCHIVE


def parts_file(record: SearchRecord) -> str:
    """The name of the file that holds a group's ``parts_meta``, beside Pagefind's bundle.

    In Pagefind's metadata, the parts took a third of its time and memory on a
    20,000-link archive; the search page fetches a group's file when it shows one.
    """
    digest = hashlib.blake2b(f"{record.url} {record.title}".encode(), digest_size=8)
    return f"{digest.hexdigest()}.json"


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
        # The day as the pages write it; a group's parts are its days of this month.
        field("data-pagefind-meta", "day", record.day or day_text(record.date)),
        field("data-pagefind-meta", "month", month_name(record.date.replace(day=1))),
        field("data-pagefind-meta", "label", record.label),
        # Pagefind would give the scratch file's address; pages link to the record's own.
        field("data-pagefind-meta", "url", record.url),
        *(field("data-pagefind-filter", "tag", tag) for tag in record.tags),
    ]
    if not record.parts and record.tags:
        # Words a reader searches for (an issue's topics), but no text an excerpt shows.
        fields.append(field("data-pagefind-meta", "tags", " ".join(record.tags)))
    if record.parts:
        # No <h1>: a group's title is no result, and a query that matched it would
        # give the search page a group with no link in it to show.
        fields.append(field("data-pagefind-meta", "title", record.title))
        fields.append(field("data-pagefind-meta", "parts", parts_file(record)))
        heading = ""
    else:
        heading = f"<h1>{escape(record.title)}</h1>"
    return f"<html><head>{''.join(fields)}</head><body>{heading}{record.body_html}</body></html>"
