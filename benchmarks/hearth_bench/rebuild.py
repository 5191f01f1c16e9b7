"""Time rebuilds the way the live preview makes them: `python -m hearth_bench.rebuild`.

Run in a Hearth project, it builds once, as `invoke livereload` and `invoke
regenerate` do when they start, then makes two edits an author makes and times
the rebuild after each, in the same process, with the same function those
tasks call. It prints one line per rebuild: its name, a tab, its seconds.
"""

from __future__ import annotations

import gc
import sys
import time
from pathlib import Path
from typing import Any

# Dated the day after the newest issue (hearth_bench.archive.LAST_ISSUE): a link dated
# into an issue already out would be refused, and the rebuild would time a failure.
NEW_LINK = """\
  - url: https://member1.example/posts/added-during-the-benchmark
    title: A link added during the benchmark
    date: 2025-12-27
    tags: [tools]
"""


def _settled(state: Any) -> None:
    # An author saves again seconds later, by when the search index of the last
    # rebuild, which the preview leaves running, is done: wait for it untimed.
    from hearth_search.records import SearchCaches  # on the path once tasks is imported

    running = state.part(SearchCaches).running
    if running:
        running.wait()
    gc.collect()  # as `invoke livereload` does between saves


def _timed_build(tasks: Any, state: Any) -> float:
    _settled(state)
    start = time.perf_counter()
    tasks._build_reporting(False, state)
    return time.perf_counter() - start


def main() -> None:
    sys.path.insert(0, str(Path.cwd()))
    import tasks
    from hearth_core.state import BuildState

    state = BuildState()  # one for the process, as `invoke livereload` keeps
    tasks._build_reporting(False, state)
    newest = sorted(Path("content/issues").glob("*.md"))[-1]
    member = Path("content/members/member1.yml")
    # Put back as they were, so that the benchmark can run this again.
    originals = {path: path.read_bytes() for path in (newest, member)}
    try:
        with newest.open("a", encoding="utf-8") as issue:
            issue.write("\nOne more paragraph, written while the preview runs.\n")
        print(f"edit one issue\t{_timed_build(tasks, state):.3f}", flush=True)
        with member.open("a", encoding="utf-8") as written:
            written.write(NEW_LINK)
        print(f"add one member link\t{_timed_build(tasks, state):.3f}", flush=True)
    finally:
        for path, data in originals.items():
            path.write_bytes(data)


if __name__ == "__main__":
    main()
