"""Costly pure functions of text, such as Markdown to HTML: each text once, on every core.

A ``TextMemo`` remembers each result by a digest of its input for the life of the
process, so a build converts every issue and note once even though the check and
the Pelican run both ask for it, and a live preview converts only what changed.
``start`` hands a batch to worker processes, which a cold build uses for the
bulk of its Markdown while the main process reads the members' files.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
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

    def knows(self, options: str, text: str) -> bool:
        key = self._key(options, text)
        return key in self._done or key in self._pending

    def remember(self, options: str, text: str, result: str) -> None:
        """``result`` is ``function(options, text)``, found by a quicker way."""
        self._done[self._key(options, text)] = result

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

    def start(
        self, options: str, texts: Iterable[str], pool: Workers | None, first: bool = False
    ) -> bool:
        """Convert the texts not yet known on ``pool``; ``get`` then waits for each.

        Less than a batch is left to ``get``: starting the workers would cost more
        than converting it here (a live preview's rebuild after one edit). With
        ``first``, these go before any text given earlier that no worker has begun.
        Returns whether the workers got any.
        """
        if pool is None:
            return False
        new: dict[tuple[str, str], str] = {}
        for text in texts:
            key = self._key(options, text)
            if key not in self._done and key not in self._pending:
                new[key] = text
        if sum(map(len, new.values())) < BATCH_CHARACTERS:
            return False
        batches = list(_batches(new))
        # Put first one by one, the last batch goes in first so the first ends up ahead.
        for keys, batch in reversed(batches) if first else batches:
            future = pool.submit(_apply, self.function, options, batch, first=first)
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

    Calls wait here, and go to the processes a few at a time, so a call submitted
    ``first`` overtakes every call no worker has begun: the member notes, which the
    build needs next, go before the rest of the issues.
    """

    def __init__(self, cores: int) -> None:
        self.cores = cores
        self._pool: ProcessPoolExecutor | None = None
        self._waiting: deque[tuple[Future[Any], Callable[..., Any], tuple]] = deque()
        self._started = 0  # calls handed to the processes and not yet finished
        # Reentrant: a call that is done at once runs its callback, which hands the
        # next one over, in the thread that is handing this one over.
        self._lock = threading.RLock()
        self._closing = False

    def submit(self, function: Callable[..., Any], *args: Any, first: bool = False) -> Future[Any]:
        future: Future[Any] = Future()
        with self._lock:
            if first:
                self._waiting.appendleft((future, function, args))
            else:
                self._waiting.append((future, function, args))
        self._hand_over()
        return future

    def _hand_over(self) -> None:
        # One call waiting in each process beside the one it runs: none of them idles
        # between two calls, and every other call can still be overtaken.
        with self._lock:
            while self._waiting and self._started < 2 * self.cores and not self._closing:
                future, function, args = self._waiting.popleft()
                if not future.set_running_or_notify_cancel():
                    continue
                self._started += 1
                try:
                    started = self._processes().submit(function, *args)
                except Exception as error:  # a worker died: the pool takes no more
                    self._started -= 1
                    future.set_exception(error)
                    continue
                started.add_done_callback(functools.partial(self._finished, future))

    def _processes(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # fork: workers start at once and share the parent's memory until they write to it.
            context = multiprocessing.get_context("fork")
            self._pool = ProcessPoolExecutor(max_workers=self.cores, mp_context=context)
        return self._pool

    def _finished(self, future: Future[Any], started: Future[Any]) -> None:
        with self._lock:
            self._started -= 1
        if started.cancelled():
            future.set_exception(CancelledError())
        elif started.exception() is not None:
            future.set_exception(started.exception())
        else:
            future.set_result(started.result())
        self._hand_over()

    def shutdown(self) -> None:
        """Stop the workers and free their memory; a later submit starts new ones."""
        with self._lock:
            self._closing = True
            waiting, self._waiting = self._waiting, deque()
        for future, _function, _args in waiting:
            future.cancel()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        with self._lock:
            self._closing = False


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
