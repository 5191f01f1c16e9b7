"""The Pagefind index of the search records, written on a thread beside the build.

Pagefind reads one scratch page per record (``record_html``) and writes its bundle into
the site's ``pagefind/`` folder; each group's parts go beside it (``parts_meta``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

import pagefind_bin

from hearth_search.records import SearchCaches, SearchRecord, parts_file, parts_meta


class SearchIndexFailed(Exception):
    """Pagefind could not index the site; the message carries Pagefind's own."""


PARTS_FOLDER = "hearth-parts"


def _write_parts(records: list[SearchRecord], folder: Path) -> None:
    (folder / PARTS_FOLDER).mkdir()
    for record in records:
        if record.parts:
            (folder / PARTS_FOLDER / parts_file(record)).write_text(
                parts_meta(record), encoding="utf-8"
            )


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

    def __init__(
        self,
        records: Callable[[], list[SearchRecord]],
        output: Path,
        language: str,
        caches: SearchCaches,
        supersede: bool = False,
        scratch: tempfile.TemporaryDirectory | None = None,
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
        if self._caches.running is self:
            self._caches.running = None
        if self._error:
            raise self._error
