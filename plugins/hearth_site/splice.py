"""A fresh `invoke build` after an edit to one issue's text, without running Pelican.

The last build kept, in ``cache/hearth-splice.pickle`` (``hearth_site.splicerecord``),
where each page printed each issue's HTML whole, as its render showed
(``hearth_site.bodyprints``), and what was made of each issue's text. When the only
input that changed since is one published issue's file, and only its text changed, this
converts that text and puts its HTML where the old HTML was printed, writes the issues'
feeds again with it, and indexes the search index's part that holds it, if

- its header (every field, and the line its text starts on) is the same;
- so is every address in its text (the member links it features, and so the links'
  pages, its community section, the discussions), and each value made from the text
  that pages print as it is: the reading time, contents and lede (``reading``), its links
  discussed elsewhere, Pelican's summary;
- the text holds nothing a full build would check or rewrite: no image, no intrasite
  link (``{filename}``...), nothing loaded from another host (``may_warn``);
- no page of the last build used that issue's text otherwise than by printing it whole,
  and no render that was not a page touched it;
- the output folder holds exactly what the last build left there, and the last build's
  record is still valid (``hearth_site.lastbuild``);
- every plugin is Hearth's own: another may read an issue's text anywhere, unseen.

Anything else returns None, and the caller builds in full. Every page it would change is
checked to hold the old HTML, byte for byte (by digest), where the record says, before
any file is written.
"""

from __future__ import annotations

import hashlib
import html as html_module
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pelican.utils import (
    strip_toc_elements_from_html,
    truncate_html_paragraphs,
    truncate_html_words,
)

from hearth_core.cachekey import bytes_digest
from hearth_core.files import read_text_file, write_atomically
from hearth_core.stored import load_stored, store
from hearth_discussions.elsewhere.site import ElsewhereLabels, issue_elsewhere, load_elsewhere
from hearth_feeds.fragments import feed_html
from hearth_feeds.render import RENDERERS
from hearth_issues.bodies import markdown_options, render_markdown
from hearth_issues.bodychecks import (
    DEFAULT_INTRASITE,
    empty_alt_images,
    intrasite_links,
    link_pattern,
    may_warn,
    other_hosts_loaded,
)
from hearth_issues.reading import reading
from hearth_issues.source import parse_issue, site_zone
from hearth_search.pagefind import (
    PARTS_LIST,
    IndexPart,
    part_key,
    part_lengths,
    parts_cache,
    replace_part,
)
from hearth_search.records import PARTS_FOLDER, issue_record_from
from hearth_site.bodyprints import EVERY_ISSUE
from hearth_site.meta import site_path, under_site_path
from hearth_site.splicerecord import (
    RECORD_NAME,
    IssueFacts,
    SpliceRecord,
    addresses_digest,
    html_digest,
    parts_kept,
    sources,
)


def record_path(settings: dict[str, Any]) -> Path:
    return Path(settings["CACHE_PATH"], RECORD_NAME)


def store_record(settings: dict[str, Any], key: bytes, record: SpliceRecord) -> None:
    """Kept under the build's key (``hearth_core.cachekey.build_key``): the record's own
    ``inputs`` say which build it describes."""
    store(record_path(settings), key, record)


def load_record(settings: dict[str, Any], key: bytes) -> SpliceRecord | None:
    found = load_stored(record_path(settings), key, settings)
    return found if isinstance(found, SpliceRecord) else None


def edited_issue(record: SpliceRecord, files: dict[str, bytes]) -> str | None:
    """The one issue file whose bytes changed, if that is the only change."""
    changed = [
        name
        for name in files.keys() | record.files.keys()
        if files.get(name) != record.files.get(name)
    ]
    if len(changed) != 1 or changed[0] not in files or changed[0] not in record.files:
        return None
    name = changed[0]
    if name not in record.issues or {name, EVERY_ISSUE} & record.unspliceable:
        return None
    return name


def only_hearths_plugins(settings: dict[str, Any]) -> bool:
    names = (getattr(plugin, "__name__", str(plugin)) for plugin in settings.get("PLUGINS") or ())
    return all(name.startswith("hearth_") for name in names)


@dataclass(frozen=True)
class Splice:
    """What a splice did: the record of its result, the files it wrote, and the folders
    it replaced (the search index's part), by their paths in the output folder."""

    record: SpliceRecord
    written: frozenset[str]
    folders: tuple[str, ...]


@dataclass(frozen=True)
class _Plan:
    """Everything a splice writes, made before anything is written."""

    pages: dict[str, bytes]  # by their paths in the output folder
    feed: Any  # hearth_feeds.entries.Feed with the new HTML, or None: not in the feed
    parts: tuple[IndexPart, ...]
    changed: IndexPart
    lengths: dict[str, tuple[int, int]]  # the other parts'
    cache: Path  # where the parts are kept (hearth_search.pagefind.parts_cache)


def splice_edit(
    settings: dict[str, Any], record: SpliceRecord, files: dict[str, bytes], inputs: bytes
) -> Splice | None:
    """Write the outputs of the one edited issue into the output folder; what it did, or
    None (nothing written) when a full build is needed."""
    name = edited_issue(record, files)
    # Pelican writes pages in text mode: where a line ends in two characters, the
    # rendered text's places are not the file's.
    if name is None or not only_hearths_plugins(settings) or os.linesep != "\n":
        return None
    facts = record.issues[name]
    html = _new_html(settings, name, files[name], facts)
    plan = _plan(settings, record, facts, name, html) if html is not None else None
    if html is None or plan is None:
        return None
    written = _write(settings, plan)
    issues = {
        **record.issues,
        name: replace(facts, html_digest=html_digest(html), html_length=len(html)),
    }
    spliced = replace(
        record,
        inputs=inputs,
        files=files,
        issues=issues,
        pages=_moved_prints(record, name, len(html) - facts.html_length),
        feed=plan.feed if plan.feed is not None else record.feed,
        search_parts=tuple(parts_kept(list(plan.parts))),
    )
    folders = (f"pagefind/{plan.changed.name}", f"pagefind/{PARTS_FOLDER}")
    return Splice(spliced, written, folders)


def _new_html(settings: dict[str, Any], name: str, digest: bytes, facts: IssueFacts) -> str | None:
    """The edited issue's HTML, if only its printed text changed: made from the very
    bytes the build's inputs were digested from (``digest``), never from a later save."""
    path = Path(settings["PATH"]) / name
    text, problems = read_text_file(path)
    if text is None or problems or bytes_digest(text.encode()) != digest:
        return None  # the full build says what is wrong, or reads the file as it is now
    issue, problems = parse_issue(path, text, site_zone(settings))
    if issue is None or problems:
        return None
    if (*issue.header(), issue.body_line) != facts.header:
        return None
    if addresses_digest(issue) != facts.addresses:
        return None
    html = render_markdown(markdown_options(settings["MARKDOWN"]), issue.body)
    html = under_site_path(html, site_path(settings))
    if _checked_or_rewritten(settings, issue.body, html) or sources(html) != facts.sources:
        return None
    return html if _made_alike(settings, issue, html, facts) else None


def _plan(
    settings: dict[str, Any], record: SpliceRecord, facts: IssueFacts, name: str, html: str
) -> _Plan | None:
    output = Path(settings["OUTPUT_PATH"])
    pages = _spliced_pages(output, record, name, facts, html)
    search = _spliced_search(settings, record, facts, html)
    if pages is None or search is None:
        return None
    parts, changed = search
    cache = parts_cache(settings)
    others = [part for part in parts if part.name != changed.name]
    lengths = part_lengths(others, cache) if cache is not None else None
    feed_made, feed = _spliced_feed(record, facts, html)
    if cache is None or lengths is None or not feed_made:
        return None
    return _Plan(pages, feed, parts, changed, lengths, cache)


def _write(settings: dict[str, Any], plan: _Plan) -> frozenset[str]:
    """Write the plan; the files written, but the search index's part."""
    output, cache = Path(settings["OUTPUT_PATH"]), plan.cache
    writes = dict(plan.pages)
    # Pagefind indexes the part in its own process while this one makes the feeds.
    with ThreadPoolExecutor(1) as pool:
        indexed = pool.submit(
            replace_part,
            output,
            list(plan.parts),
            plan.changed,
            cache,
            settings["DEFAULT_LANG"],
            plan.lengths,
        )
        if plan.feed is not None:
            writes.update({plan.feed.path(kind): r(plan.feed) for kind, r in RENDERERS.items()})
        for path, data in writes.items():
            write_atomically(output / path, data)
        indexed.result()
    return frozenset({*writes, f"pagefind/{PARTS_LIST}"})


def _checked_or_rewritten(settings: dict[str, Any], body: str, html: str) -> bool:
    """Whether a full build would check something in ``html`` (an image's alt text, an
    address on another host: it refuses them) or rewrite it (an intrasite link)."""
    intrasite = link_pattern(settings.get("INTRASITE_LINK_REGEX") or DEFAULT_INTRASITE)
    if intrasite_links(html, intrasite):
        return True
    if not may_warn(body):
        return False
    return bool(empty_alt_images(html) or other_hosts_loaded(html))


def _made_alike(settings: dict[str, Any], issue: Any, html: str, facts: IssueFacts) -> bool:
    """Whether every value made from the text for templates is what it was."""
    if reading(html) != facts.reading:
        return False
    labels = ElsewhereLabels(load_elsewhere(settings)[0])
    if tuple(issue_elsewhere(issue.body, labels)) != facts.elsewhere:
        return False
    return _pelican_summary(settings, issue, html) == facts.summary


def _pelican_summary(settings: dict[str, Any], issue: Any, html: str) -> str:
    """Pelican 4.12's summary (``Content.get_summary``) of the issue with ``html``: the
    header's (as the reader gives it), or made from the text."""
    if issue.summary:
        return html_module.escape(issue.summary)
    content = html
    max_paragraphs = settings.get("SUMMARY_MAX_PARAGRAPHS")
    if max_paragraphs is not None:
        content = truncate_html_paragraphs(html, max_paragraphs)
    if settings["SUMMARY_MAX_LENGTH"] is None:
        summary = content
    else:
        summary = truncate_html_words(
            content, settings["SUMMARY_MAX_LENGTH"], settings["SUMMARY_END_SUFFIX"]
        )
    return str(strip_toc_elements_from_html(summary))


def _spliced_pages(
    output: Path, record: SpliceRecord, name: str, facts: IssueFacts, html: str
) -> dict[str, bytes] | None:
    """Each page that printed the issue, with ``html`` where the old HTML was; None if a
    page does not hold the old HTML where the record says."""
    writes = {}
    for page, prints in record.pages.items():
        places = [(start, length) for key, start, length in prints if key == name]
        if not places:
            continue
        try:
            # As Pelican wrote it, every character as rendered: a "\r" a page printed
            # stays one (read in text mode, it became "\n").
            with open(output / page, encoding="utf-8", newline="") as written:
                text = written.read()
        except (OSError, UnicodeDecodeError):
            return None
        pieces, at = [], 0
        for start, length in places:
            old = text[start : start + length]
            if length != facts.html_length or html_digest(old) != facts.html_digest:
                return None
            pieces += [text[at:start], html]
            at = start + length
        pieces.append(text[at:])
        writes[page] = "".join(pieces).encode()
    return writes


def _moved_prints(
    record: SpliceRecord, name: str, grown: int
) -> dict[str, tuple[tuple[str, int, int], ...]]:
    """The pages' prints once the issue's HTML is ``grown`` characters longer."""
    moved = {}
    for page, prints in record.pages.items():
        shift, kept = 0, []
        for key, start, length in prints:
            if key == name:
                kept.append((key, start + shift, length + grown))
                shift += grown
            else:
                kept.append((key, start + shift, length))
        moved[page] = tuple(kept)
    return moved


def _spliced_feed(record: SpliceRecord, facts: IssueFacts, html: str) -> tuple[bool, Any]:
    """Whether the feed can be made: and the issues' feed with the issue's new HTML, or
    None when the feed does not hold the issue."""
    feed = record.feed
    if feed is None:
        return True, None
    if facts.record_from is None:
        return False, None
    url = f"{feed.site_url}/{facts.record_from[1]}"  # the issue's address
    entries = list(feed.entries)
    for index, entry in enumerate(entries):
        if entry.url == url:
            if url not in record.feed_extras:
                return False, None
            extra = record.feed_extras[url]
            entries[index] = replace(entry, content_html=feed_html(html + extra, url))
            return True, replace(feed, entries=tuple(entries))
    return True, None


def _spliced_search(
    settings: dict[str, Any], record: SpliceRecord, facts: IssueFacts, html: str
) -> tuple[tuple[IndexPart, ...], IndexPart] | None:
    """The index's parts with the issue's new record, and the part that holds it; None
    when its part is not the one kept with its records."""
    if facts.record_from is None:
        return None
    new = issue_record_from(html, *facts.record_from)
    parts, changed = [], None
    for part in record.search_parts:
        if any(r.url == new.url for r in part.records):
            records = tuple(new if r.url == new.url else r for r in part.records)
            part = changed = IndexPart(
                part.name, records, part_key(records, settings["DEFAULT_LANG"])
            )
        parts.append(part)
    return (tuple(parts), changed) if changed is not None else None


def files_key(files: dict[str, bytes]) -> bytes:
    digest = hashlib.blake2b(digest_size=16)
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + files[name])
    return digest.digest()
