"""The splice of an edit to one issue's text (``hearth_site.splice``) in `invoke build`:
the records it reads and keeps, beside the build's own (``hearth_site.lastbuild``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hearth_core.cachekey import build_key
from hearth_core.state import BuildState
from hearth_site import produced
from hearth_site.lastbuild import last_record, replace_record, written_files
from hearth_site.splice import load_record, splice_edit, store_record
from hearth_site.splicerecord import splice_record


def keep_splice_record(
    settings: dict[str, Any], state: BuildState, inputs: bytes, files: dict[str, bytes]
) -> None:
    """After a full build that was recorded: what the next one needs to splice."""
    if settings.get("HEARTH_PREVIEW"):
        return
    store_record(settings, build_key(settings), splice_record(settings, state, inputs, files))


def spliced(settings: dict[str, Any], inputs: bytes, files: dict[str, bytes]) -> bool:
    """Whether the output folder now holds what a build of ``inputs`` would write, by a
    splice of the one issue edited since the last build; False: build in full."""
    key = build_key(settings)
    record = load_record(settings, key)
    if record is None:
        return False
    last = last_record(settings, record.inputs)
    if last is None:
        return False
    result = splice_edit(settings, record, files, inputs)
    if result is None:
        return False
    new_record, written = result
    output = Path(settings["OUTPUT_PATH"])
    now = written_files(output)
    _record_produced(settings, now, written)
    replace_record(settings, last, inputs, now)
    store_record(settings, key, new_record)
    return True


def _record_produced(
    settings: dict[str, Any], now: dict[str, tuple[int, int]], written: set[str]
) -> None:
    """The output folder's record of produced files (``hearth_site.produced``), as the
    splice left it: the same files, the search index's as they are now."""
    place = produced.Start(
        Path(settings["OUTPUT_PATH"]).absolute(),
        Path(settings["CACHE_PATH"], produced.RECORD_NAME),
        0,
    )
    last = produced.load_record(settings, place)
    files = {
        name: status
        for name, status in now.items()
        if name in last or name in written or name.startswith("pagefind/")
    }
    produced.save_record(settings, place, files)
