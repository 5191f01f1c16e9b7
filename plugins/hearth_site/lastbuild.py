"""A build that would write what the output folder already holds is not run at all.

After each build, the cache keeps a record of it: a digest of everything the build
read (every file under the content folder, and ``hearth_core.cachekey``'s key of the
code, theme, settings and libraries), and every file it left in the output folder,
with its size and time of last change. The next `invoke build` skips Pelican and
everything else when

- the digest of its inputs is the same;
- the output folder holds exactly those files, each with the size and time the build
  left it with (a file edited, added or deleted since makes a full build);
- the time has not reached a moment when the same inputs make another site: the next
  midnight where the newsletter lives (a link dated "tomorrow" appears then), or the
  date of an issue scheduled after the build (it is published then).

Anything else builds as if there were no record, and records the new build.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from hearth_core.cachekey import build_key, digests_digest, file_digests
from hearth_core.state import BuildState, with_state
from hearth_core.stored import load_stored, store
from hearth_site.produced import Files, output_files

RECORD_NAME = "hearth-build.pickle"

# Each file of the output folder, by its path in it: its size and time of last change.
Written = Files


@dataclass(frozen=True)
class BuildRecord:
    """What the last build read, what it left, and until when the same inputs made it."""

    inputs: bytes
    written: Written
    valid_until: datetime


def build_unless_unchanged(settings: dict[str, Any]) -> bool:
    """Build, unless the cache proves the output folder holds what the build would
    write; return whether it built. Raises what ``hearth_site.build.build`` raises.

    After an edit to one issue's text alone, the build may be a splice of its new HTML
    into the last build's pages (``hearth_site.splice``) instead of a run of Pelican."""
    # One state for the check and the build: one note, if any, for a cache not trusted.
    state = BuildState()
    settings = with_state(settings, state)
    inputs = content_inputs(settings)
    if inputs is not None:
        if up_to_date(settings, inputs.digest):
            return False
        # Imported only when something changed: a skipped build needs none of it.
        from hearth_site.splicing import spliced

        if spliced(settings, inputs):
            return True
    from hearth_site.bodyprints import PagePrints
    from hearth_site.build import build

    # Its pages are watched for the record the next build splices with.
    state.part(PagePrints).wanted = inputs is not None
    started = site_now(settings)
    issues = build(settings, state)
    if inputs is not None and record_build(
        settings, inputs.digest, (issue.date for issue in issues), started
    ):
        from hearth_site.splicing import keep_splice_record

        keep_splice_record(settings, state, inputs)
    return True


class Inputs(NamedTuple):
    """What a build reads: the digest of it all, each content file's digest by its path
    in the content folder, and ``hearth_core.cachekey.build_key``."""

    digest: bytes
    files: dict[str, bytes]
    key: bytes


def content_inputs(settings: Mapping[str, Any]) -> Inputs | None:
    """What a build reads; None when there is no cache to keep a record of it in."""
    if not settings.get("CACHE_PATH"):
        return None
    files = file_digests(Path(settings["PATH"]))
    key = build_key(settings)
    digest = hashlib.blake2b(key + digests_digest(files), digest_size=16).digest()
    return Inputs(digest, files, key)


def build_inputs(settings: Mapping[str, Any]) -> bytes | None:
    """A digest of everything a build reads; None when there is no cache to keep it in."""
    found = content_inputs(settings)
    return found.digest if found is not None else None


def written_files(output: Path) -> Written:
    """Every file under ``output``, by its path there, with its size and change time;
    not those of `invoke email` (``email/``), which no build writes or removes."""
    return {
        relative: (status.st_size, status.st_mtime_ns)
        for relative, _path, status in output_files(output)
    }


def _record_path(settings: Mapping[str, Any]) -> Path:
    return Path(settings["CACHE_PATH"], RECORD_NAME)


def up_to_date(settings: Mapping[str, Any], inputs: bytes, now: datetime | None = None) -> bool:
    """Whether the output folder holds what a build of ``inputs`` would write now."""
    record = load_stored(_record_path(settings), inputs, settings)
    if not isinstance(record, BuildRecord) or record.inputs != inputs:
        return False
    if (now or site_now(settings)) >= record.valid_until:
        return False
    return written_files(Path(settings["OUTPUT_PATH"])) == record.written


def record_build(
    settings: Mapping[str, Any],
    inputs: bytes,
    issue_dates: Iterable[datetime],
    started: datetime,
) -> bool:
    """Keep the record of the build that read ``inputs`` and ``started`` then; return
    whether it was kept.

    Nothing is kept when the inputs changed while it ran (an author saved a file, or
    the build itself recorded the links of a newly published issue): the build may
    have read either version, so the next one builds again.
    """
    if build_inputs(settings) != inputs:
        return False
    written = written_files(Path(settings["OUTPUT_PATH"]))
    until = valid_until(settings, issue_dates, started)
    store(_record_path(settings), inputs, BuildRecord(inputs, written, until))
    return True


def last_record(settings: Mapping[str, Any], inputs: bytes) -> BuildRecord | None:
    """The record of the last build, if it read ``inputs`` and is still valid now, and
    the output folder holds exactly what it left there."""
    record = load_stored(_record_path(settings), inputs, settings)
    if not isinstance(record, BuildRecord) or record.inputs != inputs:
        return None
    if site_now(settings) >= record.valid_until:
        return None
    if written_files(Path(settings["OUTPUT_PATH"])) != record.written:
        return None
    return record


def replace_record(
    settings: Mapping[str, Any], old: BuildRecord, inputs: bytes, written: Written
) -> None:
    """The record of a build that changed ``old``'s output folder for ``inputs``, which
    now holds ``written``."""
    store(_record_path(settings), inputs, BuildRecord(inputs, written, old.valid_until))


def valid_until(
    settings: Mapping[str, Any], issue_dates: Iterable[datetime], started: datetime
) -> datetime:
    """The first moment after ``started`` when the same inputs make another site."""
    zone = started.tzinfo
    midnight = datetime.combine(started.date() + timedelta(days=1), time(), zone)
    later = [_aware(when, zone) for when in issue_dates]
    return min([midnight, *(when for when in later if when > started)])


def _aware(when: datetime, zone: Any) -> datetime:
    # An issue dated without an offset is in the site's time (hearth_members.past).
    return when if when.tzinfo is not None else when.replace(tzinfo=zone)


def site_now(settings: Mapping[str, Any]) -> datetime:
    """Now, where the newsletter lives: when a build starts."""
    return datetime.now(ZoneInfo(settings.get("TIMEZONE") or "UTC"))
