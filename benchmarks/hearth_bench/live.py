"""How soon a page open in `invoke livereload` shows a saved edit.

Timed from the moment the edit is written to the moment the preview server
tells the page to reload, as the page's own event stream receives it: the
watcher's delay, the rebuild and the message, all of what an author waits for.
"""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from pathlib import Path

# The first build's search index runs on for seconds; an author edits after it.
SETTLE_SECONDS = 300


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_search_index(project: Path, started: float) -> None:
    entry = project / "output/pagefind/parts.json"
    deadline = time.monotonic() + SETTLE_SECONDS
    while not (entry.is_file() and entry.stat().st_mtime >= started):
        if time.monotonic() > deadline:
            raise TimeoutError("the live preview's first search index never finished")
        time.sleep(0.2)


def seconds_to_show_an_edit(project: Path, command: list[str], environment: dict) -> float:
    """Start the live preview with ``command``, edit the newest issue, time the reload."""
    port = _free_port()
    started = time.time()
    preview = subprocess.Popen(
        [*command, "--port", str(port)],
        cwd=project,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert preview.stdout is not None
        for line in preview.stdout:
            if "Serving a live preview" in line:
                break
        else:
            raise RuntimeError("invoke livereload stopped before serving")
        _wait_for_search_index(project, started)
        base = f"http://localhost:{port}"
        with urllib.request.urlopen(f"{base}/_hearth/reload?build=0", timeout=120) as stream:
            newest = sorted(Path(project, "content/issues").glob("*.md"))[-1]
            edited = newest.read_text(encoding="utf-8") + "\nSaved while a page was open.\n"
            saved = time.perf_counter()
            newest.write_text(edited, encoding="utf-8")
            while stream.readline() != b"data: reload\n":
                pass
            seconds = time.perf_counter() - saved
        number = int(newest.name.split("-", 1)[0])
        page = urllib.request.urlopen(f"{base}/issues/{number}/", timeout=60).read().decode()
        if "Saved while a page was open." not in page:
            raise RuntimeError("the preview reloaded without the edit")
        return seconds
    finally:
        preview.terminate()
        preview.wait(timeout=60)
