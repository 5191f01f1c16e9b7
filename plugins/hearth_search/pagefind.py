"""The Pagefind index of the search records, in parts, written on a thread beside the build.

Pagefind has no incremental mode: it indexes everything it is given, every time. So the
records are split into parts that change independently, the recent quarter and the
archive before it (``index_parts``), and each part is its own Pagefind bundle in
``pagefind/<part>/``. The search page loads the newest part and merges the others in
the browser with Pagefind's ``mergeIndex``;
``pagefind/parts.json`` lists them, newest first, with the ranking settings that
make each rank as one index (``hearth_search.ranking``, from the lengths of its
records that Pagefind counted). A part whose records, Pagefind's
version and options are unchanged is not indexed again: its bundle is kept in the
cache folder under a digest of exactly those (``part_key``) and copied from there.

Pagefind reads one scratch page per record (``record_html``); the groups' parts files
(``parts_meta``) go together in ``pagefind/hearth-parts/``.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.metadata
import json
import logging
import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pagefind_bin

from hearth_core.files import write_atomically
from hearth_search.ranking import parts_options
from hearth_search.records import (
    PARTS_FOLDER,
    SearchCaches,
    SearchRecord,
    index_parts,
    parts_file,
    parts_meta,
)

logger = logging.getLogger(__name__)

PAGEFIND_VERSION = importlib.metadata.version("pagefind-bin")
# What the search page reads: the parts, newest first.
PARTS_LIST = "parts.json"
# Each cached part lists its files with their digests; a part that does not match is rebuilt.
MANIFEST = "hearth-part.json"
# And its records' count and words, as Pagefind counted them, for the ranking (``ranking.py``).
LENGTHS = "hearth-lengths.json"
# Pagefind's ready-made interfaces: the search page has its own, and never loads these.
UNUSED = (
    *("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css"),
    *("pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js"),
)


class SearchIndexFailed(Exception):
    """Pagefind could not index the site; the message carries Pagefind's own."""


class SearchIndexCancelled(Exception):
    """A newer preview build started its own index: this one stopped part way."""


@dataclass(frozen=True)
class IndexPart:
    """One part of the index: its records, and the digest of all its bundle depends on."""

    name: str
    records: tuple[SearchRecord, ...]
    key: str


# A query reads one chunk of each part's word index per word, and Pagefind cuts its
# chunks at 20,000 word places: two parts read twice that, and a two-word query on the
# benchmark's archive went over 300 KB. Chunks of 8,000 places keep it near one index's.
# Pagefind reads this from its environment only (options.rs, "unstable"): its pin
# (tests/test_search_ranking.py) fails plainly if another Pagefind ignores it.
INDEX_CHUNK_SIZE = 8000


def pagefind_options(language: str) -> list[str]:
    """The options every part is indexed with; they are part of each part's key."""
    return ["--silent", "--force-language", language]


def pagefind_environment() -> dict[str, str]:
    """What Pagefind reads from its environment; part of each part's key too."""
    return {"PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE": str(INDEX_CHUNK_SIZE)}


def part_key(records: tuple[SearchRecord, ...], language: str) -> str:
    """A digest of exactly what a part's bundle is made from: its records' pages and
    parts files, in order, Pagefind's version and the options it is run with."""
    digest = hashlib.blake2b(digest_size=16)
    setup = [PAGEFIND_VERSION, pagefind_options(language), pagefind_environment(), LENGTHS]
    digest.update(json.dumps(setup).encode())
    for record in records:
        for text in (record.page, parts_meta(record) if record.parts else ""):
            encoded = text.encode()
            digest.update(len(encoded).to_bytes(8, "little") + encoded)
    return digest.hexdigest()


Split = Callable[[SearchRecord], str]


def plan_parts(
    records: list[SearchRecord], language: str, split: Split | None = None
) -> list[IndexPart]:
    """``records`` split into parts by ``split`` (``index_parts`` unless given), the part
    with the newest record first; the records' pages must still be there."""
    split = split or index_parts(records)
    by_part: dict[str, list[SearchRecord]] = {}
    for record in records:
        by_part.setdefault(split(record), []).append(record)
    newest_first = sorted(
        by_part.items(), key=lambda item: max(record.date for record in item[1]), reverse=True
    )
    return [
        IndexPart(name, tuple(group), part_key(tuple(group), language))
        for name, group in newest_first
    ]


def write_search_index(
    records: list[SearchRecord],
    output: Path,
    language: str,
    cancelled: threading.Event | None = None,
    scratch: tempfile.TemporaryDirectory | None = None,
    cache: Path | None = None,
    parts: list[IndexPart] | None = None,
    missing: list[IndexPart] | None = None,
    split: Split | None = None,
) -> Path:
    """Write the parts of the index to ``output``/pagefind, replacing any earlier index.

    ``parts``, ``missing`` and ``scratch``, from ``plan_parts``, ``missing_parts`` and
    ``scratch_site(missing)``, are used if already made. A part found in ``cache`` is
    copied from there; the others are indexed and kept there. Setting ``cancelled``
    stops it part way, Pagefind included, with SearchIndexCancelled.
    """
    cancelled = cancelled or threading.Event()
    folder = output / "pagefind"
    parts = plan_parts(records, language, split) if parts is None else parts
    if not parts:
        # A rebuild in one folder (autoreload) must not serve chunks of the previous index;
        # Pagefind refuses an empty index, and the search page says search is off.
        shutil.rmtree(folder, ignore_errors=True)
        return folder
    cache = cache if cache is None or _writable(cache) else None
    with tempfile.TemporaryDirectory(prefix="hearth-parts-") as built_here:
        store = cache or Path(built_here)
        missing = missing_parts(parts, store) if missing is None else missing
        if missing:
            with scratch or scratch_site(missing, cancelled) as site:
                for part in missing:
                    _index_part(part, Path(site) / part.name, store, language, cancelled)
        _publish(parts, store, folder)
    if cache is not None:
        _forget_other_parts(cache, {part.key for part in parts})
    return folder


def _writable(cache: Path) -> bool:
    """Whether parts can be kept in ``cache``: a read-only project still builds, as
    ``hearth_core.stored`` does, with every part indexed."""
    try:
        cache.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(cache, os.W_OK)


def missing_parts(parts: list[IndexPart], cache: Path | None) -> list[IndexPart]:
    """The parts that ``cache`` holds no whole bundle of: those Pagefind must index."""
    if cache is None or not _writable(cache):
        return list(parts)
    return [part for part in parts if not _cached_part(cache / part.key)]


def _index_part(
    part: IndexPart, site: Path, store: Path, language: str, cancelled: threading.Event
) -> None:
    """Index one part into ``store``/key: built beside it, then renamed into place whole."""
    store.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".{part.key}.", dir=store))
    try:
        bundle = building / "bundle"
        command = [str(pagefind_bin.get_executable()), "--site", str(site)]
        command += ["--output-path", str(bundle), *pagefind_options(language)]
        returncode, messages = _run_unless_cancelled(command, cancelled)
        if returncode != 0:
            raise SearchIndexFailed(f"search: Pagefind could not index the site:\n{messages}")
        for name in UNUSED:
            (bundle / name).unlink(missing_ok=True)
        _write_parts(part.records, bundle)
        write_atomically(bundle / LENGTHS, json.dumps(_lengths(bundle)).encode())
        _write_manifest(bundle)
        shutil.rmtree(store / part.key, ignore_errors=True)
        os.replace(bundle, store / part.key)
    finally:
        shutil.rmtree(building, ignore_errors=True)


def _lengths(bundle: Path) -> tuple[int, int]:
    """How many records the bundle holds, and how many words, as Pagefind counts them:
    each record's fragment (gzip of a signature and JSON) has its ``word_count``, and the
    page length average Pagefind ranks with is their mean (pagefind_web's metadata.rs)."""
    counts = []
    for fragment in (bundle / "fragment").iterdir():
        data = gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd")
        counts.append(int(json.loads(data)["word_count"]))
    return len(counts), sum(counts)


def _write_parts(records: tuple[SearchRecord, ...], folder: Path) -> None:
    (folder / PARTS_FOLDER).mkdir()
    for record in records:
        if record.parts:
            (folder / PARTS_FOLDER / parts_file(record)).write_text(
                parts_meta(record), encoding="utf-8"
            )


def _files(bundle: Path) -> dict[str, str]:
    return {
        path.relative_to(bundle).as_posix(): hashlib.blake2b(
            path.read_bytes(), digest_size=16
        ).hexdigest()
        for path in sorted(bundle.rglob("*"))
        if path.is_file() and path.name != MANIFEST
    }


def _write_manifest(bundle: Path) -> None:
    write_atomically(bundle / MANIFEST, json.dumps(_files(bundle)).encode())


def _cached_part(bundle: Path) -> bool:
    """Whether ``bundle`` is a whole part, every file as it was written."""
    if not bundle.is_dir():
        return False
    try:
        whole = json.loads((bundle / MANIFEST).read_text(encoding="utf-8")) == _files(bundle)
    except (OSError, ValueError):
        whole = False
    if not whole:
        logger.warning("search: the cached index part %s is damaged; indexing it again", bundle)
        shutil.rmtree(bundle, ignore_errors=True)
    return whole


def _publish(parts: list[IndexPart], store: Path, folder: Path) -> None:
    """Copy the parts into ``folder`` as a whole: written beside it, then swapped in."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=".pagefind.", dir=folder.parent))
    try:
        lengths = {}
        for part in parts:
            shutil.copytree(store / part.key, fresh / part.name, copy_function=_link_or_copy)
            (fresh / part.name / MANIFEST).unlink()
            records, words = json.loads((fresh / part.name / LENGTHS).read_bytes())
            lengths[part.name] = (records, words)
            (fresh / part.name / LENGTHS).unlink()
            # The parts files of all of them together, where the search page looks.
            shutil.copytree(
                fresh / part.name / PARTS_FOLDER, fresh / PARTS_FOLDER, dirs_exist_ok=True
            )
            shutil.rmtree(fresh / part.name / PARTS_FOLDER)
        names = [part.name for part in parts]
        pages = {name: records for name, (records, _words) in lengths.items()}
        options = parts_options(lengths)
        listed = json.dumps({"parts": names, "pages": pages, "options": options})
        (fresh / PARTS_LIST).write_text(listed, encoding="utf-8")
        os.chmod(fresh, 0o755)
        old = folder.with_name(f".{folder.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        if folder.exists():
            os.replace(folder, old)
        os.replace(fresh, folder)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(fresh, ignore_errors=True)


def parts_cache(settings: Mapping[str, Any]) -> Path | None:
    """Where the index's parts are kept from one build to the next, if anywhere."""
    folder = settings.get("CACHE_PATH")
    return Path(folder, "search-parts") if folder else None


def part_lengths(parts: list[IndexPart], cache: Path) -> dict[str, tuple[int, int]] | None:
    """Each part's (records, words), as its bundle in ``cache`` says; None when one of
    them is not there (the full build indexes it again)."""
    lengths = {}
    for part in parts:
        try:
            records, words = json.loads((cache / part.key / LENGTHS).read_bytes())
        except (OSError, ValueError, TypeError):
            return None
        lengths[part.name] = (int(records), int(words))
    return lengths


def replace_part(
    output: Path,
    parts: list[IndexPart],
    changed: IndexPart,
    cache: Path,
    language: str,
    lengths: dict[str, tuple[int, int]],
) -> None:
    """Index ``changed`` (one of ``parts``, by name) into ``cache`` and put it in place of
    its old folder in ``output``/pagefind, with the parts list made again from the other
    parts' ``lengths`` (``part_lengths``), leaving their folders as they are: what
    ``write_search_index`` would leave there.

    The other parts in the output folder are links to their bundles' files in the cache
    (``_link_or_copy``): the caller has found them as the last build left them.
    """
    with scratch_site([changed]) as site:
        _index_part(changed, Path(site) / changed.name, cache, language, threading.Event())
    folder = output / "pagefind"
    fresh = Path(tempfile.mkdtemp(prefix=f".{changed.name}.", dir=folder))
    try:
        built = fresh / changed.name
        shutil.copytree(cache / changed.key, built, copy_function=_link_or_copy)
        (built / MANIFEST).unlink()
        records, words = json.loads((built / LENGTHS).read_bytes())
        lengths = {**lengths, changed.name: (records, words)}
        (built / LENGTHS).unlink()
        shutil.copytree(built / PARTS_FOLDER, folder / PARTS_FOLDER, dirs_exist_ok=True)
        shutil.rmtree(built / PARTS_FOLDER)
        os.replace(folder / changed.name, fresh / "old")
        os.replace(built, folder / changed.name)
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
    names = [part.name for part in parts]
    lengths = {name: lengths[name] for name in names}  # in the parts' order, as _publish
    pages = {name: lengths[name][0] for name in names}
    listed = json.dumps({"parts": names, "pages": pages, "options": parts_options(lengths)})
    write_atomically(folder / PARTS_LIST, listed.encode())
    _forget_other_parts(cache, {part.key for part in parts})


def _link_or_copy(source: str, target: str) -> None:
    """A second name for a cached file, not a second copy: 11 MB in 1,400 files on the
    benchmark's archive. Neither is ever changed in place (a part is replaced whole),
    and a cached file changed all the same fails its digest and is indexed again."""
    try:
        os.link(source, target)
    except OSError:  # another file system, or one without hard links
        shutil.copy2(source, target)


def _forget_other_parts(cache: Path, keep: set[str]) -> None:
    """The cache keeps the parts of the last index only: it does not grow build by build."""
    for entry in cache.iterdir() if cache.is_dir() else ():
        if entry.name not in keep and not entry.name.startswith("."):
            shutil.rmtree(entry, ignore_errors=True)


def indexed_pages(folder: Path) -> int:
    """How many records the index in ``folder`` holds, over all its parts."""
    names = json.loads((folder / PARTS_LIST).read_text(encoding="utf-8"))["parts"]
    total = 0
    for name in names:
        entry = json.loads((folder / name / "pagefind-entry.json").read_text(encoding="utf-8"))
        total += sum(language["page_count"] for language in entry["languages"].values())
    return total


def scratch_site(
    parts: list[IndexPart], cancelled: threading.Event | None = None
) -> tempfile.TemporaryDirectory:
    """A folder of one page per record, a folder per part, for Pagefind to read;
    deleted when its ``with`` ends."""
    records = [record for part in parts for record in part.records]
    scratch = tempfile.TemporaryDirectory(prefix="hearth-search-", dir=_scratch_parent(records))
    try:
        for part in parts:
            (Path(scratch.name) / part.name).mkdir()
            for record in part.records:
                if cancelled and cancelled.is_set():
                    raise SearchIndexCancelled
                page = Path(scratch.name, part.name, scratch_name(record))
                while page.exists():  # two records alike in all of kind, address and title
                    page = page.with_name(f"{page.stem}-.html")
                page.write_text(record.page, encoding="utf-8")
    except BaseException:
        scratch.cleanup()
        raise
    return scratch


def scratch_name(record: SearchRecord) -> str:
    """The file Pagefind reads a record from, named the same in any part: the record's
    id in the index comes from it, and the search page orders equal scores by id."""
    digest = hashlib.blake2b(f"{record.kind} {record.url} {record.title}".encode(), digest_size=10)
    return f"{digest.hexdigest()}.html"


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
        environment = {**os.environ, **pagefind_environment()}
        process = subprocess.Popen(
            command, stdout=messages, stderr=subprocess.STDOUT, text=True, env=environment
        )
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

    def __init__(
        self,
        records: Callable[[], list[SearchRecord]],
        output: Path,
        language: str,
        caches: SearchCaches,
        supersede: bool = False,
        scratch: tempfile.TemporaryDirectory | None = None,
        cache: Path | None = None,
        parts: tuple[list[IndexPart], list[IndexPart]] | None = None,
    ) -> None:
        running = caches.running
        if running:
            if supersede:
                running.cancel()
            running.wait()  # a failure of the last preview's index shows here
        self._caches = caches
        caches.running = self
        self._error: Exception | None = None
        self._cancelled = threading.Event()
        self._thread = threading.Thread(
            target=self._run,
            args=(records, output, language, scratch, cache, parts),
            name="search-index",
        )
        self._thread.start()

    def _run(
        self,
        records: Callable[[], list[SearchRecord]],
        output: Path,
        language: str,
        scratch: tempfile.TemporaryDirectory | None,
        cache: Path | None,
        parts: tuple[list[IndexPart], list[IndexPart]] | None,
    ) -> None:
        """``parts`` are all the parts and those missing from ``cache``, if known."""
        try:
            every, missing = parts or (None, None)
            made = records()
            cancelled = self._cancelled
            write_search_index(made, output, language, cancelled, scratch, cache, every, missing)
        except SearchIndexCancelled:
            pass
        except Exception as error:  # re-raised in the build's own thread by wait()
            self._error = error

    def cancel(self) -> None:
        self._cancelled.set()

    def wait(self) -> None:
        self._thread.join()
        if self._caches.running is self:
            self._caches.running = None
        if self._error:
            raise self._error
