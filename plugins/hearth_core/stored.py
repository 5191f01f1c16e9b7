"""Results kept on disk from one command to the next, for checks that cost seconds.

`invoke email` after a build (or a build after another) reads the members as the
last command checked them, instead of checking 20,000 links again. A result is
stored with everything it was computed from, the plugins' own code included, and
is used only when all of it is the same; a file that cannot be read is ignored.
"""

from __future__ import annotations

import contextlib
import copyreg
import gc
import pickle
import sys
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import IO, Any

from hearth_core.cachekey import build_key, code_version
from hearth_core.files import write_atomically_with
from hearth_core.fragments import Fragments
from hearth_core.parallel import TextMemo
from hearth_core.problems import display_path
from hearth_core.state import STATE_KEY, BuildState, build_state

# Hearth's code and the libraries it runs on (hearth_core.cachekey): a file stored by
# another version of either is not used.
CODE_VERSION = code_version()


# The models keep each field's line in a read-only mapping, which pickle cannot
# store by itself: store its items, and make it read-only again on loading.
def _read_only(items: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(items)


copyreg.pickle(MappingProxyType, lambda mapping: (_read_only, (dict(mapping),)))


class CacheNotes:
    """A part of the build state: whether this build has said it ignores a stored file."""

    def __init__(self) -> None:
        self.said = False


def note_ignored(settings: Mapping[str, Any] | None, path: Path, why: str) -> None:
    """One line, once a build, when a file in the cache cannot be trusted."""
    notes = build_state(settings or {}).part(CacheNotes)
    if not notes.said:
        notes.said = True
        print(f"Note: {display_path(path)} {why}: ignored, and made again.", file=sys.stderr)


def load_stored(path: Path, key: Any, settings: Mapping[str, Any] | None = None) -> Any | None:
    """The value stored in ``path`` under an equal ``key``, or None.

    A file from another version of Hearth or its libraries, or one that cannot be read
    whole, is never trusted: a one-line note says so (once for the build of ``settings``).
    """
    # Loading makes a container per link and no garbage: a cycle collection
    # while it runs would only scan them all again, more often the more there are.
    collecting = gc.isenabled()
    gc.disable()
    try:
        with path.open("rb") as stored:
            # The file is this project's own, written by store() below: as
            # trusted as tasks.py, which runs from the same folder.
            code, stored_key = pickle.load(stored)
            if code != CODE_VERSION:
                note_ignored(settings, path, "was made by another Hearth or other libraries")
                return None
            if stored_key != key:
                return None  # made from other inputs; without reading most of the file
            return pickle.load(stored)
    except FileNotFoundError:
        return None
    except Exception:  # truncated, damaged, or not a file this code can read
        note_ignored(settings, path, "cannot be read whole")
        return None
    finally:
        if collecting:
            gc.enable()


def store(path: Path, key: Any, value: Any) -> None:
    """Replace what ``path`` holds; atomically, so a reader never sees half of it."""

    # Pickled into the file as it goes, not into bytes first and then a second copy
    # with the header: 12 MB each for 700 issues, while Pagefind's memory peaks.
    def write(handle: IO[bytes]) -> None:
        pickle.dump((CODE_VERSION, key), handle, pickle.HIGHEST_PROTOCOL)
        pickle.dump(value, handle, pickle.HIGHEST_PROTOCOL)

    # A read-only project still builds; the next command checks again.
    with contextlib.suppress(OSError):
        write_atomically_with(path, write)


class PendingStores:
    """What ``store_later`` keeps for ``store_pending``: a part of the build state."""

    def __init__(self) -> None:
        self.pending: dict[Path, tuple[Any, Any]] = {}


def store_later(settings: Mapping[str, Any], path: Path, key: Any, value: Any) -> None:
    """``store``, when ``store_pending`` is next called for this build; at once, for
    settings that belong to no build (a lone ``invoke email`` or ``invoke check``).

    Pickling a 20,000-link check takes over half a second: a build does it while
    Pagefind indexes on the other core, not while its Markdown workers need both.
    """
    if STATE_KEY not in settings:
        store(path, key, value)
    else:
        build_state(settings).part(PendingStores).pending[path] = (key, value)


def store_pending(state: BuildState) -> None:
    """Store what ``store_later`` kept in ``state``."""
    pending = state.part(PendingStores).pending
    while pending:
        path, (key, value) = pending.popitem()
        store(path, key, value)


def load_results(settings: Mapping[str, Any], memo: TextMemo, name: str) -> None:
    """Give ``memo`` the results the last build stored in the cache as ``name``."""
    if settings.get("CACHE_PATH"):
        memo.use_stored(load_stored(Path(settings["CACHE_PATH"], name), name, settings) or {})


def store_results(settings: Mapping[str, Any], memo: TextMemo, name: str) -> None:
    """Store ``memo``'s results as ``name``, when they are not those it was given:
    only what this build used, so a removed text does not stay for ever."""
    if settings.get("CACHE_PATH"):
        results = memo.results()
        if not memo.stored_is(results):
            store(Path(settings["CACHE_PATH"], name), name, results)


def load_fragments(settings: Mapping[str, Any], fragments: list[Fragments], name: str) -> None:
    """Give each of ``fragments`` what the last build stored for it in the cache as ``name``.

    Only if that build had the same settings and theme: a fragment is rendered in the
    build's template environment, whose filters and options the settings choose."""
    if settings.get("CACHE_PATH"):
        key = (name, build_key(settings))
        kept = load_stored(Path(settings["CACHE_PATH"], name), key, settings) or {}
        for each in fragments:
            if each.name in kept:
                each.use_kept(kept[each.name])


def store_fragments(settings: Mapping[str, Any], fragments: list[Fragments], name: str) -> None:
    """Store what ``fragments`` rendered, when any rendered something new."""
    if settings.get("CACHE_PATH") and any(each.changed for each in fragments):
        kept = {each.name: each.kept() for each in fragments}
        store(Path(settings["CACHE_PATH"], name), (name, build_key(settings)), kept)
