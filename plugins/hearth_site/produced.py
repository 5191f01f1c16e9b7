"""What each build produced in the output folder, and removing what it no longer does.

A build keeps a record, in the cache, of every file it produced: written, or kept
unchanged because it was already what the build would write (a page whose inputs are
those it was written from, a Pagefind part linked from the cache, a static file Pelican
found up to date). The next build removes each file of that record it did not produce
itself: a draft's page after `invoke build --drafts` then `invoke build`, the page of a
deleted issue, the old address of a renamed page.

It never wipes the output folder, which the build cache reuses, and it removes only
files Hearth wrote: a file is removed only while it is the very file the record names
(same size, same time of change), so a file someone put there (a ``CNAME``), or
replaced by hand, stays. A build skipped as unchanged (``hearth_site.lastbuild``)
keeps the record as it is.

A file counts as produced when the build changed it (its inode's change time is not
before the build's start, taken from the file system's own clock with a marker file)
or said it kept it (``ProducedFiles.keep``).
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from hearth_core.files import write_atomically
from hearth_core.state import build_state
from hearth_core.stored import note_ignored

RECORD_NAME = "hearth-output.json"
MARKER_NAME = "hearth-build-started"
# What other commands write into the output folder: no build writes or removes it.
OTHER_COMMANDS = frozenset({"email"})
# Each file of the output folder, by its path there: its size and time of last change.
Files = dict[str, tuple[int, int]]


@dataclass
class ProducedFiles:
    """A part of the build state: the files this build kept as they were."""

    kept: set[str] = field(default_factory=set)

    def keep(self, path: str | os.PathLike[str]) -> None:
        self.kept.add(os.path.abspath(path))


@dataclass(frozen=True)
class Start:
    """When a build started, by the clock that stamps its files."""

    output: Path
    record: Path
    nanoseconds: int


def start(settings: Mapping[str, Any]) -> Start | None:
    """Mark the start of a build; None when there is no cache to keep the record in."""
    cache = settings.get("CACHE_PATH")
    if not cache:
        return None
    marker = Path(cache, MARKER_NAME)
    try:
        write_atomically(marker, b"")
        started = os.stat(marker).st_ctime_ns
    except OSError:
        return None  # a read-only project still builds
    build_state(settings).part(ProducedFiles).kept.clear()
    return Start(Path(settings["OUTPUT_PATH"]).absolute(), Path(cache, RECORD_NAME), started)


def finish(settings: Mapping[str, Any], started: Start | None) -> None:
    """After a build that succeeded: remove what the last one produced and this one did
    not, and record what this one produced."""
    if started is None:
        return
    kept = build_state(settings).part(ProducedFiles).kept
    produced = produced_files(started.output, started.nanoseconds, kept)
    last = load_record(settings, started)
    for relative in sorted(last.keys() - produced.keys()):
        remove_if_unchanged(started.output, relative, last[relative])
    save_record(settings, started, produced)


def produced_files(output: Path, since: int, kept: set[str]) -> Files:
    """The files under ``output`` changed at or after ``since``, or listed in ``kept``."""
    return {
        relative: (status.st_size, status.st_mtime_ns)
        for relative, path, status in output_files(output)
        if status.st_ctime_ns >= since or path in kept
    }


def output_files(output: Path) -> Iterator[tuple[str, str, os.stat_result]]:
    """Each file under ``output``: its path there (``a/b.html``), its path as found, and
    its status; not those of other commands (``email/``), which no build writes or
    removes. Both this module and ``hearth_site.lastbuild`` read the folder through it."""
    top = os.fspath(output)
    # Paths cut as text: pathlib's parsing of 5,000 paths was most of a walk's time.
    prefix = len(os.path.join(top, ""))
    pending = [top]
    while pending:
        folder = pending.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue  # no output folder yet
        for entry in entries:
            if folder == top and entry.name in OTHER_COMMANDS:
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    pending.append(entry.path)
                    continue
                status = entry.stat(follow_symlinks=False)
            except OSError:
                continue  # gone since the folder was listed (a preview's index, renamed)
            yield _posix(entry.path[prefix:]), entry.path, status


def _posix(relative: str) -> str:
    return relative if os.sep == "/" else relative.replace(os.sep, "/")


def load_record(settings: Mapping[str, Any], started: Start) -> Files:
    """The last build's record for this output folder; empty if there is none to trust."""
    records = _load_records(settings, started.record)
    return records.get(str(started.output), {})


def load_records(settings: Mapping[str, Any], started: Start) -> dict[str, Files]:
    """Every output folder's record, by the folder's path."""
    return _load_records(settings, started.record)


def _load_records(settings: Mapping[str, Any], path: Path) -> dict[str, Files]:
    """Each output folder's record (`invoke publish` builds into a staging folder too)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        note_ignored(settings, path, "cannot be read whole")
        return {}
    outputs = data.get("outputs") if isinstance(data, dict) else None
    records = {}
    if isinstance(outputs, dict):
        for output, files in outputs.items():
            valid = _valid_files(files)
            if valid is None or not isinstance(output, str):
                break
            records[output] = valid
        else:
            return records
    note_ignored(settings, path, "is not a record this Hearth wrote")
    return {}


def _valid_files(files: Any) -> Files | None:
    if not isinstance(files, dict):
        return None
    valid: Files = {}
    for name, value in files.items():
        if not (_plain_relative(name) and isinstance(value, list) and len(value) == 2):
            return None
        if not all(type(number) is int for number in value):
            return None
        valid[name] = (value[0], value[1])
    return valid


def _plain_relative(name: Any) -> bool:
    """A path inside the output folder: relative, no ``..``, no empty part."""
    if not isinstance(name, str) or not name or "\\" in name or "\0" in name:
        return False
    # An absolute path's first part is "" (and a string test is a tenth of PurePosixPath's).
    return all(part not in ("", ".", "..") for part in name.split("/"))


def save_record(
    settings: Mapping[str, Any],
    started: Start,
    files: Files,
    records: dict[str, Files] | None = None,
) -> None:
    """Keep ``files`` as this output folder's record, beside the records of the other
    output folders that still exist (a staging folder that is gone is forgotten), as
    ``records`` holds them if given (``load_records``), else as the cache does."""
    records = dict(_load_records(settings, started.record) if records is None else records)
    records[str(started.output)] = files
    kept = {output: found for output, found in records.items() if Path(output).is_dir()}
    data = {
        "outputs": {
            output: {k: list(v) for k, v in sorted(found.items())}
            for output, found in sorted(kept.items())
        }
    }
    # A read-only cache: the next build removes nothing, and so nothing wrong.
    with contextlib.suppress(OSError):
        write_atomically(started.record, json.dumps(data, separators=(",", ":")).encode())


def remove_if_unchanged(output: Path, relative: str, recorded: tuple[int, int]) -> None:
    """Remove ``relative`` under ``output`` if it is still the very file a build produced,
    then the folders that leaves empty (never ``output`` itself)."""
    path = output / relative
    if any(part in OTHER_COMMANDS for part in PurePosixPath(relative).parts[:1]):
        return
    if not _inside_real_folders(output, path):
        return
    try:
        status = os.lstat(path)
    except OSError:
        return  # already gone
    if not stat.S_ISREG(status.st_mode) or (status.st_size, status.st_mtime_ns) != recorded:
        return  # replaced or edited since: not the file Hearth wrote
    try:
        path.unlink()
    except OSError:
        return
    folder = path.parent
    while folder != output:
        try:
            folder.rmdir()  # only if empty
        except OSError:
            break
        folder = folder.parent


def _inside_real_folders(output: Path, path: Path) -> bool:
    """Whether every folder between ``output`` and ``path`` is a real folder, not a link
    that would lead the removal outside the output folder."""
    folder = path.parent
    while folder != output:
        try:
            if not stat.S_ISDIR(os.lstat(folder).st_mode):
                return False
        except OSError:
            return False
        folder = folder.parent
    return True
