"""The splice of an edit to one issue's text (``hearth_site.splice``) in `invoke build`:
the records it reads and keeps, beside the build's own (``hearth_site.lastbuild``)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from hearth_core.state import BuildState
from hearth_site import produced
from hearth_site.lastbuild import Inputs, Written, last_record, replace_record
from hearth_site.produced import output_files
from hearth_site.splice import Splice, load_record, splice_edit, store_record
from hearth_site.splicerecord import splice_record


def keep_splice_record(settings: dict[str, Any], state: BuildState, inputs: Inputs) -> None:
    """After a full build that was recorded: what the next one needs to splice."""
    if settings.get("HEARTH_PREVIEW"):
        return
    record = splice_record(settings, state, inputs.digest, inputs.files)
    store_record(settings, inputs.key, record)


def spliced(settings: dict[str, Any], inputs: Inputs) -> bool:
    """Whether the output folder now holds what a build of ``inputs`` would write, by a
    splice of the one issue edited since the last build; False: build in full."""
    record = load_record(settings, inputs.key)
    if record is None:
        return False
    last = last_record(settings, record.inputs)
    if last is None:
        return False
    done = splice_edit(settings, record, inputs.files, inputs.digest)
    if done is None:
        return False
    now = _written_now(Path(settings["OUTPUT_PATH"]), last.written, done)
    _record_produced(settings, now, done.written)
    replace_record(settings, last, inputs.digest, now)
    store_record(settings, inputs.key, done.record)
    return True


def _written_now(output: Path, before: Written, done: Splice) -> Written:
    """The output folder's files, as ``written_files`` would find them, from what the last
    build left and what the splice changed: without a second walk of the whole folder."""
    folders = tuple(f"{folder}/" for folder in done.folders)
    now = {name: found for name, found in before.items() if not name.startswith(folders)}
    for name in done.written:
        status = os.stat(output / name)
        now[name] = (status.st_size, status.st_mtime_ns)
    for folder in done.folders:
        for relative, _path, status in output_files(output / folder):
            now[f"{folder}/{relative}"] = (status.st_size, status.st_mtime_ns)
    return now


def _record_produced(settings: dict[str, Any], now: Written, written: frozenset[str]) -> None:
    """The output folder's record of produced files (``hearth_site.produced``), as the
    splice left it: the same files, the search index's as they are now."""
    place = produced.Start(
        Path(settings["OUTPUT_PATH"]).absolute(),
        Path(settings["CACHE_PATH"], produced.RECORD_NAME),
        0,
    )
    records = produced.load_records(settings, place)
    last = records.get(str(place.output), {})
    files = {
        name: status
        for name, status in now.items()
        if name in last or name in written or name.startswith("pagefind/")
    }
    produced.save_record(settings, place, files, records)
