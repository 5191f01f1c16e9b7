"""Markdown on every core gives the same HTML as in one process, and the same errors."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time

import pytest

from hearth_core import parallel
from hearth_core.parallel import TextMemo, worker_pool
from hearth_issues.bodies import markdown_options, render_markdown
from tests.sites import ROOT, settings_for


@pytest.fixture(autouse=True)
def small_batches(monkeypatch):
    """Batches of a few texts, so that these small tests use the workers, and several."""
    monkeypatch.setattr(parallel, "BATCH_CHARACTERS", 100)


def shout(options: str, text: str) -> str:
    if text == "boom":
        raise ValueError(f"cannot convert {text!r}")
    return f"{options}:{text.upper()}"


def test_workers_convert_each_text_as_this_process_would(tmp_path):
    options = markdown_options(settings_for(tmp_path, tmp_path)["MARKDOWN"])
    bodies = [f"## Part {n}\n\nSome *text*, [a link](https://ex.org/{n}).\n" for n in range(40)]
    memo = TextMemo(render_markdown)
    with worker_pool() as pool:
        memo.start(options, bodies, pool)
        converted = [memo.get(options, body) for body in bodies]
    assert converted == [render_markdown(options, body) for body in bodies]
    assert 'id="part-3"' in converted[3]


def test_a_text_is_converted_once_and_remembered():
    calls = []
    memo = TextMemo(lambda options, text: calls.append(text) or text.upper())
    assert memo.get("", "a") == memo.get("", "a") == "A"
    assert calls == ["a"]


def test_options_are_part_of_what_is_remembered():
    memo = TextMemo(shout)
    assert memo.get("x", "a") == "x:A"
    assert memo.get("y", "a") == "y:A"


def test_an_error_in_a_worker_is_raised_in_the_build(tmp_path):
    memo = TextMemo(shout)
    with worker_pool() as pool:
        memo.start("", ["fine", "boom"], pool)
        assert memo.get("", "fine") == ":FINE"
        with pytest.raises(ValueError, match="cannot convert 'boom'"):
            memo.get("", "boom")


def test_less_than_a_batch_is_converted_here_without_starting_workers():
    calls = []
    memo = TextMemo(lambda options, text: calls.append(text) or text.upper())
    with worker_pool() as pool:
        memo.start("", ["a short text"], pool)
        assert pool is None or pool._pool is None
        assert memo.get("", "a short text") == "A SHORT TEXT"
    assert calls == ["a short text"]


def test_work_left_when_the_pool_closes_is_done_here():
    memo = TextMemo(shout)
    with worker_pool() as pool:
        memo.start("", [str(n) for n in range(500)], pool)
    assert [memo.get("", str(n)) for n in range(500)] == [f":{n}" for n in range(500)]


def test_stopped_workers_free_their_processes_and_start_again_when_needed():
    # A build stops them once every text is converted, before it writes the pages.
    memo = TextMemo(shout)
    with worker_pool() as pool:
        if pool is None:
            pytest.skip("one core: no workers")
        memo.start("", [str(n) for n in range(500)], pool)
        assert memo.get("", "7") == ":7"
        pool.shutdown()
        assert pool._pool is None
        memo.start("", [f"again {n}" for n in range(500)], pool)
        assert pool._pool is not None
        assert memo.get("", "again 7") == ":AGAIN 7"


def test_the_project_markdown_settings_are_a_stable_key():
    settings = settings_for(ROOT / "content", ROOT / "output")
    assert markdown_options(settings["MARKDOWN"]) == markdown_options(settings["MARKDOWN"])


def finish_after(seconds: float) -> float:
    time.sleep(seconds)
    return time.monotonic()


def test_work_still_waiting_when_the_pool_closes_is_cancelled():
    workers = parallel.Workers(2)
    queued = [workers.submit(finish_after, 0.2) for _ in range(10)]
    workers.shutdown()
    assert queued[-1].cancelled()
    assert all(future.done() for future in queued), "nothing is left waiting for ever"


def die_in_a_worker(options: str, text: str) -> str:
    if text == "die" and multiprocessing.parent_process() is not None:
        os._exit(1)  # as the kernel kills a worker that runs out of memory
    return text.upper()


def test_a_worker_that_dies_leaves_its_texts_to_this_process():
    memo = TextMemo(die_in_a_worker)
    texts = [f"text {n}" for n in range(300)] + ["die"] + [f"after {n}" for n in range(300)]
    converted: list[str] = []

    def convert() -> None:
        with worker_pool() as pool:
            memo.start("", texts, pool)
            converted.extend(memo.get("", text) for text in texts)

    # On a thread, so that a build that would wait for ever fails here instead.
    thread = threading.Thread(target=convert, daemon=True)
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive(), "the build waits for ever for a dead worker's texts"
    assert converted == [text.upper() for text in texts]


@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_workers_started_each_way_convert_and_survive_a_dead_worker(method):
    # spawn is macOS's and Windows' way; the fork server is Linux's beside threads.
    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"{method} is not available on this platform")
    memo = TextMemo(die_in_a_worker)
    texts = [f"text {n}" for n in range(300)] + ["die"] + [f"after {n}" for n in range(300)]
    workers = parallel.Workers(2, start_method=method)
    try:
        memo.start("", texts, workers)
        assert [memo.get("", text) for text in texts] == [text.upper() for text in texts]
        memo.start("", [f"again {n}" for n in range(300)], workers)
        assert memo.get("", "again 7") == "AGAIN 7", "a broken pool is replaced"
    finally:
        workers.shutdown()


def test_workers_are_never_forked_beside_another_thread():
    # Forking beside a running thread can copy a lock it holds, and Python 3.12+ warns.
    if multiprocessing.get_start_method() != "fork":
        pytest.skip("this platform does not fork its workers")
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, daemon=True)
    thread.start()
    try:
        assert parallel.start_method() == "forkserver"
    finally:
        stop.set()
        thread.join()


def test_a_text_no_worker_has_begun_is_converted_here_not_waited_for():
    workers = parallel.Workers(1)
    try:
        # One call running and one queued in the process's pipe: the texts wait behind them.
        busy = [workers.submit(finish_after, 1) for _ in range(3)]
        memo = TextMemo(shout)
        memo.start("", [f"text {n}" for n in range(50)], workers)
        assert memo.get("", "text 7") == ":TEXT 7"
        assert not busy[-1].done(), "it waited for the workers"
    finally:
        workers.shutdown()
