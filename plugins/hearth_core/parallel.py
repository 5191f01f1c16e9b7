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
from typing import Any

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

    def start(self, options: str, texts: Iterable[str], pool: Workers | None) -> None:
        """Convert the texts not yet known on ``pool``; ``get`` then waits for each.

        Less than a batch is left to ``get``: starting the workers would cost more
        than converting it here (a live preview's rebuild after one edit).
        """
        if pool is None:
            return
        new: dict[tuple[str, str], str] = {}
        for text in texts:
            key = self._key(options, text)
            if key not in self._done and key not in self._pending:
                new[key] = text
        if sum(map(len, new.values())) < BATCH_CHARACTERS:
            return
        batch: list[str] = []
        keys: list[tuple[str, str]] = []
        size = 0
        for key, text in new.items():
            batch.append(text)
            keys.append(key)
            size += len(text)
            if size >= BATCH_CHARACTERS:
                self._submit(pool, options, batch, keys)
                batch, keys, size = [], [], 0
        if batch:
            self._submit(pool, options, batch, keys)

    def _submit(
        self, pool: Workers, options: str, batch: list[str], keys: list[tuple[str, str]]
    ) -> None:
        future = pool.submit(_apply, self.function, options, batch)
        for index, key in enumerate(keys):
            self._pending[key] = (future, index)


class Workers:
    """One worker process per core, started on the first submit: a live preview's
    rebuild that finds every text converted starts none."""

    def __init__(self, cores: int) -> None:
        self.cores = cores
        self._pool: ProcessPoolExecutor | None = None

    def submit(self, function: Callable[..., Any], *args: Any) -> Future[Any]:
        if self._pool is None:
            # fork: workers start at once and share the parent's memory until they write to it.
            context = multiprocessing.get_context("fork")
            self._pool = ProcessPoolExecutor(max_workers=self.cores, mp_context=context)
        return self._pool.submit(function, *args)

    def shutdown(self) -> None:
        """Stop the workers and free their memory; a later submit starts new ones."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


@contextmanager
def worker_pool() -> Iterator[Workers | None]:
    """Workers, one per core, or None on a single core where they cannot help."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    if not cores or cores < 2:
        yield None
        return
    workers = Workers(cores)
    try:
        yield workers
    finally:
        workers.shutdown()
