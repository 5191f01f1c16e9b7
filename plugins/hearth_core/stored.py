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
import hashlib
import pickle
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import IO, Any

from hearth_core.files import write_atomically_with
from hearth_core.state import STATE_KEY, BuildState, build_state

PLUGINS = Path(__file__).resolve().parents[1]


def _code_version() -> bytes:
    digest = hashlib.blake2b(digest_size=16)
    for source in sorted(PLUGINS.rglob("*.py")):
        digest.update(source.read_bytes())
    return digest.digest()


CODE_VERSION = _code_version()


# The models keep each field's line in a read-only mapping, which pickle cannot
# store by itself: store its items, and make it read-only again on loading.
def _read_only(items: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(items)


copyreg.pickle(MappingProxyType, lambda mapping: (_read_only, (dict(mapping),)))


def load_stored(path: Path, key: Any) -> Any | None:
    """The value stored in ``path`` under an equal ``key``, or None."""
    # Loading makes a container per link and no garbage: a cycle collection
    # while it runs would only scan them all again, more often the more there are.
    collecting = gc.isenabled()
    gc.disable()
    try:
        with path.open("rb") as stored:
            # The file is this project's own, written by store() below: as
            # trusted as tasks.py, which runs from the same folder.
            code, stored_key = pickle.load(stored)
            if code != CODE_VERSION or stored_key != key:
                return None  # without reading the value, most of the file
            return pickle.load(stored)
    except Exception:  # absent, half-written by an older version, or unreadable
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
