"""What a build keeps for the next one to splice an edit to one issue's text
(``hearth_site.splice``): where each page printed each issue's HTML, what Hearth and
Pelican made of each issue's text, the issues' feed and the search index's parts.

Kept in ``cache/hearth-splice.pickle`` under the build's own key (``hearth_core.cachekey``)
and the digest of its inputs, so that it is used only after the very build it describes.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from hearth_core.state import BuildState
from hearth_feeds.entries import Feed
from hearth_feeds.plugin import FeedCaches
from hearth_issues.model import Issue
from hearth_members.duplicates import urls_in_markdown
from hearth_search.pagefind import IndexPart
from hearth_search.records import SearchCaches, SearchRecord
from hearth_site.bodyprints import EVERY_ISSUE, GUARDED_TYPES, PagePrints, issue_of

RECORD_NAME = "hearth-splice.pickle"


_SOURCE = re.compile(r"""\bsrc(?:set)?\s*=\s*["']([^"']*)""", re.IGNORECASE)


def html_digest(html: str) -> bytes:
    return hashlib.blake2b(html.encode(), digest_size=16).digest()


def addresses_digest(issue: Issue) -> bytes:
    """Every address in the issue's text, with its line: what the members' check, the
    community sections and the discussions read of it."""
    found = urls_in_markdown(issue.source, issue.body, issue.body_line)
    listed = "\n".join(f"{url}\t{line}" for url, _path, line in found)
    return hashlib.blake2b(listed.encode(), digest_size=16).digest()


def sources(html: str) -> tuple[str, ...]:
    """Every address the issue's HTML loads from (images: the email's plugin publishes
    PNGs of the SVGs the issues show)."""
    return tuple(_SOURCE.findall(html))


@dataclass(frozen=True)
class IssueFacts:
    """One published issue as the last build made it, and what it made of its text."""

    header: tuple[Any, ...]  # hearth_issues.model.Issue.header(), and its body's first line
    addresses: bytes  # a digest of every address in its text, with its line
    reading: Any  # hearth_issues.reading.Reading
    summary: str  # Pelican's, made from the text when the header gives none
    elsewhere: tuple[Any, ...]  # its links discussed elsewhere
    html_digest: bytes  # its HTML as the pages printed it
    html_length: int
    sources: tuple[str, ...]  # what its HTML loads (images)
    record_from: tuple[Any, ...] | None  # its search record's inputs but the HTML


@dataclass(frozen=True)
class SpliceRecord:
    inputs: bytes  # the digest of the build's inputs (hearth_site.lastbuild)
    files: dict[str, bytes]  # each content file's digest, by its path in the content folder
    issues: dict[str, IssueFacts]  # by the issue file's path in the content folder
    pages: dict[str, tuple[tuple[str, int, int], ...]]  # page -> (issue, start, length)
    unspliceable: frozenset[str]  # issues a page read otherwise; EVERY_ISSUE: all
    feed: Feed | None
    feed_extras: dict[str, str]
    search_parts: tuple[IndexPart, ...]  # the parts, with the records of the issues' part


class SpliceFacts:
    """A part of the build state: each published issue's facts, as Pelican finished it."""

    def __init__(self) -> None:
        self.issues: dict[str, IssueFacts] = {}


def relative_key(key: str, content: Path) -> str:
    if key == EVERY_ISSUE:
        return key
    try:
        return Path(key).resolve().relative_to(content.resolve()).as_posix()
    except ValueError:
        return key


def collect_facts(generator: Any, writer: Any = None) -> None:
    """At ``article_writer_finalized``: every published issue is read, given its
    reading time, discussions and community, and written. Only the issues of the search
    index's part kept with its records (``parts_kept``) can be spliced: their facts
    alone are made (Pelican's summary of 700 issues was a second of a full build)."""
    settings = generator.settings
    state = settings.get("HEARTH_STATE")
    if not isinstance(state, BuildState) or not state.part(PagePrints).wanted:
        return
    content = Path(settings["PATH"])
    search = state.part(SearchCaches)
    part = spliced_part(search.planned)
    spliceable = {record.url for record in part.records} if part is not None else set()
    facts = state.part(SpliceFacts).issues
    prints = state.part(PagePrints)
    for article in generator.context.get("articles", ()):
        if type(article) not in GUARDED_TYPES:  # a read of its text would go unseen
            prints.elsewhere.add(EVERY_ISSUE)
        issue = issue_of(article)
        kept = search.issue_records.get(article.source_path)
        if issue is None or article.is_draft or kept is None or kept[1].url not in spliceable:
            continue
        html = article.content
        facts[relative_key(str(issue.source), content)] = IssueFacts(
            header=(*issue.header(), issue.body_line),
            addresses=addresses_digest(issue),
            reading=getattr(article, "reading", None),
            summary=article.summary,
            elsewhere=tuple(getattr(article, "elsewhere", ())),
            html_digest=html_digest(html),
            html_length=len(html),
            sources=sources(html),
            record_from=tuple(kept[0][1:]),
        )


def splice_record(
    settings: dict[str, Any], state: BuildState, inputs: bytes, files: dict[str, bytes]
) -> SpliceRecord:
    """The record of the build that just ran with ``state``."""
    content, output = Path(settings["PATH"]), Path(settings["OUTPUT_PATH"]).resolve()
    prints = state.part(PagePrints)
    pages: dict[str, tuple[tuple[str, int, int], ...]] = {}
    unspliceable = {relative_key(key, content) for key in prints.read_elsewhere()}
    for page, watch in prints.pages.items():
        unspliceable |= {relative_key(key, content) for key in watch.other}
        if watch.prints:
            name = Path(page).resolve().relative_to(output).as_posix()
            pages[name] = tuple(
                (relative_key(key, content), start, length) for key, start, length in watch.prints
            )
    feeds = state.part(FeedCaches)
    return SpliceRecord(
        inputs=inputs,
        files=files,
        issues=dict(state.part(SpliceFacts).issues),
        pages=pages,
        unspliceable=frozenset(unspliceable),
        feed=feeds.issues_written,
        feed_extras=dict(feeds.extras),
        search_parts=tuple(parts_kept(state.part(SearchCaches).planned)),
    )


def spliced_part(parts: list[IndexPart]) -> IndexPart | None:
    """The part kept with its records: the first that holds an issue (the newest's)."""
    return next((part for part in parts if any(r.kind == "issue" for r in part.records)), None)


def parts_kept(parts: list[IndexPart]) -> list[IndexPart]:
    """``spliced_part`` with its records (without the pages Pagefind read, made again when
    needed); the others by their names and keys alone."""
    spliced = spliced_part(parts)
    return [
        replace(part, records=tuple(_without_page(r) for r in part.records))
        if part is spliced
        else replace(part, records=())
        for part in parts
    ]


def _without_page(record: SearchRecord) -> SearchRecord:
    return replace(record)
