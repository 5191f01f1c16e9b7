"""Costly pure functions of text, such as Markdown to HTML: each text once, on every core.

A ``TextMemo`` remembers each result by its input for the life of the build state
that holds it (``hearth_core.state``), so a build converts every issue and note once
even though the check and the Pelican run both ask for it, and a live preview
converts only what changed.
``start`` hands a batch to worker processes, which a cold build uses for the
bulk of its Markdown while the main process reads the members' files.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Any

# Texts go to workers in batches of about this many characters: few round trips,
# yet enough batches to keep every worker busy until the end.
BATCH_CHARACTERS = 200_000


def digest(options: str, text: str) -> bytes:
    """What a stored result is found by: its options and text, not kept in full."""
    return hashlib.blake2b(f"{options}\0{text}".encode(), digest_size=16).digest()


def _apply(function: Callable[[str, str], str], options: str, texts: list[str]) -> list[str]:
    return [function(options, text) for text in texts]


class TextMemo:
    """``function(options, text)`` must be a module-level pure function (it is pickled)."""

    def __init__(self, function: Callable[[str, str], str]) -> None:
        self.function = function
        # Keyed by the texts themselves: a str keeps its hash, so asking twice
        # in one build hashes once, where a digest would be computed every time.
        self._done: dict[tuple[str, str], str] = {}
        self._pending: dict[tuple[str, str], tuple[Future[list[str]], int]] = {}
        # Results an earlier process stored (hearth_core.stored), by ``digest``.
        self._stored: Mapping[bytes, str] = {}
        # The keys asked about since ``forget_unused`` was last called.
        self._used: set[tuple[str, str]] = set()

    @staticmethod
    def _key(options: str, text: str) -> tuple[str, str]:
        return options, text

    def get(self, options: str, text: str) -> str:
        key = self._key(options, text)
        self._used.add(key)
        if key not in self._done and not self._found_stored(key):
            self._done[key] = self._from_worker(key) or self.function(options, text)
        return self._done[key]

    def knows(self, options: str, text: str) -> bool:
        key = self._key(options, text)
        self._used.add(key)
        return key in self._done or key in self._pending or self._found_stored(key)

    def use_stored(self, stored: Mapping[bytes, str]) -> None:
        """Results an earlier process kept, by ``digest(options, text)``: used as if done here."""
        self._stored = stored

    def results(self) -> dict[bytes, str]:
        """Every result known here, by ``digest(options, text)``: what to store."""
        return {digest(*key): result for key, result in self._done.items()}

    def stored_is(self, results: Mapping[bytes, str]) -> bool:
        """Whether ``results`` are those given to ``use_stored``: nothing to store."""
        return results.keys() == self._stored.keys()

    def _found_stored(self, key: tuple[str, str]) -> bool:
        if not self._stored:
            return False
        found = self._stored.get(digest(*key))
        if found is None:
            return False
        self._done[key] = found
        return True

    def remember(self, options: str, text: str, result: str) -> None:
        """``result`` is ``function(options, text)``, found by a quicker way."""
        key = self._key(options, text)
        self._used.add(key)
        self._done[key] = result

    def forget_unused(self) -> None:
        """Forget the results of texts nobody asked about since the last call: a live
        preview calls it after each build, so that each save's new text does not keep
        the last one's for the life of the process."""
        self._done = {key: value for key, value in self._done.items() if key in self._used}
        self._used = set()

    def _from_worker(self, key: tuple[str, str]) -> str | None:
        future, index = self._pending.pop(key, (None, 0))
        # A batch no worker has begun is quicker converted here than waited for: the
        # member notes, queued behind the issues, wait for no issue.
        if future is None or future.cancel():
            return None
        try:
            return future.result()[index]
        except Exception:
            # A worker that died or raised: converting here gives the same result,
            # or raises the same error with a traceback into this process.
            return None

    def start(self, options: str, texts: Iterable[str], pool: Workers | None) -> bool:
        """Convert the texts not yet known on ``pool``; ``get`` then waits for each.

        Less than a batch is left to ``get``: starting the workers would cost more
        than converting it here (a live preview's rebuild after one edit).
        Returns whether the workers got any.
        """
        asked = {self._key(options, text): text for text in texts}
        self._used |= asked.keys()
        if pool is None:
            return False
        new: dict[tuple[str, str], str] = {}
        for key, text in asked.items():
            if key not in self._done and key not in self._pending and not self._found_stored(key):
                new[key] = text
        if sum(map(len, new.values())) < BATCH_CHARACTERS:
            return False
        for keys, batch in _batches(new):
            future = pool.submit(_apply, self.function, options, batch)
            for index, key in enumerate(keys):
                self._pending[key] = (future, index)
        return True


def _batches(
    texts: dict[tuple[str, str], str],
) -> Iterator[tuple[list[tuple[str, str]], list[str]]]:
    keys: list[tuple[str, str]] = []
    batch: list[str] = []
    size = 0
    for key, text in texts.items():
        keys.append(key)
        batch.append(text)
        size += len(text)
        if size >= BATCH_CHARACTERS:
            yield keys, batch
            keys, batch, size = [], [], 0
    if batch:
        yield keys, batch


class Workers:
    """One worker process per core, started on the first submit: a live preview's
    rebuild that finds every text converted starts none.

    Calls go straight to a ``ProcessPoolExecutor`` in the order they are submitted;
    nothing is handed over from a callback, which deadlocks on Python 3.12+ once a
    worker dies. A pool broken by a dead worker is replaced on the next submit.
    """

    def __init__(self, cores: int, start_method: str | None = None) -> None:
        self.cores = cores
        self.start_method = start_method
        self._pool: ProcessPoolExecutor | None = None

    def submit(self, function: Callable[..., Any], *args: Any) -> Future[Any]:
        try:
            return self._processes().submit(function, *args)
        except BrokenProcessPool:
            self.shutdown()
            return self._processes().submit(function, *args)

    def _processes(self) -> ProcessPoolExecutor:
        if self._pool is None:
            context = multiprocessing.get_context(self.start_method or start_method())
            self._pool = ProcessPoolExecutor(max_workers=self.cores, mp_context=context)
        return self._pool

    def shutdown(self) -> None:
        """Stop the workers and free their memory; a later submit starts new ones.

        Calls no worker has begun are cancelled: their texts are converted here.
        """
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def start_method() -> str:
    """The platform's default way to start workers, but never fork beside other threads.

    Fork is the quickest (workers share the parent's memory) and Linux's default
    before Python 3.14; forking while another thread runs (a preview's server, a
    Pagefind job) can copy a lock that thread holds, so the child waits for ever,
    and Python 3.12+ warns. The fork server then starts workers from a clean process.
    macOS and Windows default to spawn, which every worker function here allows:
    each is a module-level function of an importable module.
    """
    method = multiprocessing.get_start_method()
    if method == "fork" and _threads() > 1:
        return "forkserver"
    return method


def _threads() -> int:
    """This process's threads, counting those a library started outside Python's
    ``threading`` (a file watcher's), as Python's own warning counts them."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count()


def usable_cores() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


@contextmanager
def worker_pool() -> Iterator[Workers | None]:
    """Workers, one per core, or None on a single core where they cannot help."""
    cores = usable_cores()
    if cores < 2:
        yield None
        return
    workers = Workers(cores)
    try:
        yield workers
    finally:
        workers.shutdown()
