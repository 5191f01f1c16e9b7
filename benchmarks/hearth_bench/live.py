"""The live preview (`invoke livereload`), as an author uses it.

- How soon a page open in the preview shows a saved edit: timed from the moment
  the edit is written to the moment the preview server tells the page to reload,
  as the page's own event stream receives it: the watcher's delay, the rebuild and
  the message, all of what an author waits for.
- Whether the preview's memory holds over a session: the memory of its process
  tree (PSS, as for the builds) once the first save's build and search index are
  done, and again after the hundredth save's.
"""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from hearth_bench.measure import tree_pss_mib

# The first build's search index runs on for seconds; an author edits after it.
SETTLE_SECONDS = 300
SAVES = 100


@dataclass(frozen=True)
class Preview:
    process: subprocess.Popen
    base: str
    project: Path

    def newest_issue(self) -> Path:
        return sorted(Path(self.project, "content/issues").glob("*.md"))[-1]

    def wait_for_search_index(self, started: float) -> None:
        """Until the search index begun after ``started`` (a time.time()) is written."""
        entry = self.project / "output/pagefind/parts.json"
        deadline = time.monotonic() + SETTLE_SECONDS
        while not (entry.is_file() and entry.stat().st_mtime >= started):
            if time.monotonic() > deadline:
                raise TimeoutError("the live preview's search index never finished")
            time.sleep(0.2)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running_preview(project: Path, command: list[str], environment: dict) -> Iterator[Preview]:
    """The preview started with ``command``, once it serves and its first index is done."""
    port = _free_port()
    started = time.time()
    process = subprocess.Popen(
        [*command, "--port", str(port)],
        cwd=project,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        for line in process.stdout:
            if "Serving a live preview" in line:
                break
        else:
            raise RuntimeError("invoke livereload stopped before serving")
        preview = Preview(process, f"http://localhost:{port}", project)
        preview.wait_for_search_index(started)
        yield preview
    finally:
        process.terminate()
        process.wait(timeout=60)


def seconds_to_show_an_edit(project: Path, command: list[str], environment: dict) -> float:
    """Start the live preview with ``command``, edit the newest issue, time the reload."""
    with running_preview(project, command, environment) as preview:
        url = f"{preview.base}/_hearth/reload?build=0"
        newest = preview.newest_issue()
        original = newest.read_text(encoding="utf-8")
        try:
            with urllib.request.urlopen(url, timeout=120) as stream:
                saved = time.perf_counter()
                newest.write_text(f"{original}\nSaved while a page was open.\n", encoding="utf-8")
                while stream.readline() != b"data: reload\n":
                    pass
                seconds = time.perf_counter() - saved
            number = int(newest.name.split("-", 1)[0])
            page = urllib.request.urlopen(f"{preview.base}/issues/{number}/", timeout=60).read()
        finally:
            newest.write_text(original, encoding="utf-8")  # for the next measurement
        if "Saved while a page was open." not in page.decode():
            raise RuntimeError("the preview reloaded without the edit")
        return seconds


def _feeds_show(feeds: Path, marker: str) -> bool:
    for feed in feeds.glob("issues.*"):  # not the writer's temporary files, named ".issues..."
        try:
            if marker in feed.read_text("utf-8", "replace"):
                return True
        except FileNotFoundError:
            continue  # replaced between the listing and the read
    return False


def _save_and_wait(preview: Preview, original: str, save: int, settle: bool) -> None:
    """Save the newest issue with a new line, and wait until the full build has it:
    the issues' feed, which only the full build writes, shows the saved text."""
    marker = f"Save {save} of the preview's session."
    started = time.time()
    preview.newest_issue().write_text(f"{original}\n{marker}\n", encoding="utf-8")
    deadline = time.monotonic() + SETTLE_SECONDS
    while not _feeds_show(preview.project / "output/feeds", marker):
        if time.monotonic() > deadline:
            raise TimeoutError(f"the live preview never built save {save}")
        time.sleep(0.05)
    if settle:  # as an author reads the page: the search index done, memory collected
        preview.wait_for_search_index(started)
        time.sleep(1.0)


@dataclass(frozen=True)
class PreviewMemory:
    after_first_save: float  # MiB
    after_last_save: float
    saves: int


def preview_memory(
    project: Path, command: list[str], environment: dict, saves: int = SAVES
) -> PreviewMemory:
    """The preview's memory after its first save and after ``saves`` saves of one issue,
    each a new text, each waited for. The issue is put back as it was."""
    with running_preview(project, command, environment) as preview:
        newest = preview.newest_issue()
        original = newest.read_text(encoding="utf-8")
        try:
            _save_and_wait(preview, original, 1, settle=True)
            first = tree_pss_mib(preview.process.pid)
            for save in range(2, saves + 1):
                _save_and_wait(preview, original, save, settle=save == saves)
            last = tree_pss_mib(preview.process.pid)
        finally:
            newest.write_text(original, encoding="utf-8")
    return PreviewMemory(first, last, saves)
