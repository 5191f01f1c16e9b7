"""Rebuilds in a fresh process after a first build, as an author runs them from a shell.

Plain Pelican with its content cache on (CACHE_CONTENT and LOAD_CONTENT_CACHE) is
the yardstick: its second run reads each unchanged issue from its cache. Hearth's
`invoke build` is run after a first build with no change, after editing one issue,
and after adding one member link. The rounds go in turn, Pelican's first, so that
both meet the same drift of the machine's speed; each figure is a median.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from statistics import median

from hearth_bench.measure import Measurement, measure
from hearth_bench.rebuild import NEW_LINK

EDITED = "\nOne more paragraph, written between two builds.\n"
# Pelican's -e takes JSON values: its cache on, in a folder of the benchmark's own.
CACHE_SETTINGS = ("CACHE_CONTENT=true", "LOAD_CONTENT_CACHE=true")


@dataclass(frozen=True)
class FreshRebuilds:
    """Median seconds of each fresh-process rebuild."""

    pelican_cached: float
    no_change: float
    issue_edited: float
    link_added: float
    # The same rebuilds' CPU seconds (user and system, with children), medians, in the
    # same order; None when the runs gave wall time only.
    cpu: tuple[float, float, float, float] | None = None


# A timed run: its wall seconds, or its whole measurement (with its CPU time).
Timed = Callable[[], "float | Measurement"]


def pelican_cached(scratch: Path, content: Path, python: list[str], environment: dict) -> Callable:
    """Plain Pelican with its content cache: built once here, then a timed run per call."""
    output, cache = scratch / "plain-cached", scratch / "plain-cache"
    command = [*python, "-m", "pelican", str(content / "issues"), "-o", str(output), "-q"]
    command += ["-e", *CACHE_SETTINGS, f"CACHE_PATH={json.dumps(str(cache))}"]
    for folder in (output, cache):
        shutil.rmtree(folder, ignore_errors=True)
    measure(command, scratch, environment)

    def rebuild() -> Measurement:
        return measure(command, scratch, environment)

    return rebuild


def fresh_rebuilds(project: Path, pelican: Timed, build: Timed, rounds: int) -> FreshRebuilds:
    """Each round: Pelican's cached rebuild, then Hearth with no change, one issue
    edited, one link added, and an untimed build of the files put back for the next."""
    newest = sorted((project / "content/issues").glob("*.md"))[-1]
    member = project / "content/members/member1.yml"
    originals = {path: path.read_bytes() for path in (newest, member)}
    times: dict[str, list[float | Measurement]] = {}
    try:
        build()  # the first build, whatever ran before
        for _round in range(rounds):
            times.setdefault("pelican", []).append(pelican())
            times.setdefault("none", []).append(build())
            with newest.open("a", encoding="utf-8") as issue:
                issue.write(EDITED)
            times.setdefault("issue", []).append(build())
            with member.open("a", encoding="utf-8") as written:
                written.write(NEW_LINK)
            times.setdefault("link", []).append(build())
            for path, data in originals.items():
                path.write_bytes(data)
            build()
    finally:
        for path, data in originals.items():
            path.write_bytes(data)
    names = ("pelican", "none", "issue", "link")
    runs = [times[name] for name in names]
    pelican_s, none_s, issue_s, link_s = (median(_seconds(run) for run in each) for each in runs)
    cpus = [[run.cpu_seconds for run in each if isinstance(run, Measurement)] for each in runs]
    if all(len(each) == rounds and None not in each for each in cpus):
        cpu = tuple(median(c for c in each if c is not None) for each in cpus)
        return FreshRebuilds(pelican_s, none_s, issue_s, link_s, (cpu[0], cpu[1], cpu[2], cpu[3]))
    return FreshRebuilds(pelican_s, none_s, issue_s, link_s)


def _seconds(run: float | Measurement) -> float:
    return run.seconds if isinstance(run, Measurement) else run
