"""Costly pure functions of text, such as Markdown to HTML: each text once, on every core.

A ``TextMemo`` remembers each result by a digest of its input for the life of the
process, so a build converts every issue and note once even though the check and
the Pelican run both ask for it, and a live preview converts only what changed.
``start`` hands a batch to worker processes, which a cold build uses for the
bulk of its Markdown while the main process reads the members' files.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager

# Texts go to workers in batches of about this many characters: few round trips,
# yet enough batches to keep every worker busy until the end.
BATCH_CHARACTERS = 200_000


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

    @staticmethod
    def _key(options: str, text: str) -> tuple[str, str]:
        return options, text

    def get(self, options: str, text: str) -> str:
        key = self._key(options, text)
        if key not in self._done:
            self._done[key] = self._from_worker(key) or self.function(options, text)
        return self._done[key]

    def _from_worker(self, key: tuple[str, str]) -> str | None:
        future, index = self._pending.pop(key, (None, 0))
        if future is None or future.cancelled():
            return None
        try:
            return future.result()[index]
        except Exception:
            # A worker that died or raised: converting here gives the same result,
            # or raises the same error with a traceback into this process.
            return None

    def start(self, options: str, texts: Iterable[str], pool: ProcessPoolExecutor | None) -> None:
        """Convert the texts not yet known on ``pool``; ``get`` then waits for each."""
        if pool is None:
            return
        batch: list[str] = []
        keys: list[tuple[str, str]] = []
        batched: set[tuple[str, str]] = set()
        size = 0
        for text in texts:
            key = self._key(options, text)
            if key in self._done or key in self._pending or key in batched:
                continue
            batch.append(text)
            keys.append(key)
            batched.add(key)
            size += len(text)
            if size >= BATCH_CHARACTERS:
                self._submit(pool, options, batch, keys)
                batch, keys, size = [], [], 0
        if batch:
            self._submit(pool, options, batch, keys)

    def _submit(
        self, pool: ProcessPoolExecutor, options: str, batch: list[str], keys: list[tuple[str, str]]
    ) -> None:
        future = pool.submit(_apply, self.function, options, batch)
        for index, key in enumerate(keys):
            self._pending[key] = (future, index)


@contextmanager
def worker_pool() -> Iterator[ProcessPoolExecutor | None]:
    """A pool with one worker per core, or None on a single core where it cannot help."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    if not cores or cores < 2:
        yield None
        return
    # fork: workers start at once and share the parent's memory until they write to it.
    pool = ProcessPoolExecutor(max_workers=cores, mp_context=multiprocessing.get_context("fork"))
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
