"""One build's state: every cache a build keeps, in one object with a reset.

`invoke build` makes a fresh state for its one build; a live preview makes one for
its process and keeps it across rebuilds, so a save redoes only what changed. The
state travels in Pelican's settings under ``STATE_KEY``, which every generator,
reader, writer and content object already holds; nothing is kept at module level.

Each package keeps its own caches in a class of its own (``IssueCaches``,
``MemberCaches``...), made on first use by ``state.part(IssueCaches)``: the
state need not know the packages above ``hearth_core``, and each part keeps its types.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

T = TypeVar("T")

STATE_KEY = "HEARTH_STATE"


class BuildState:
    """The caches of one build, or of one preview process's builds, by their class."""

    def __init__(self) -> None:
        self._parts: dict[type, Any] = {}

    def part(self, kind: type[T]) -> T:
        """The ``kind`` part of this state, made with ``kind()`` on first use."""
        found = self._parts.get(kind)
        if found is None:
            found = self._parts[kind] = kind()
        return found

    def reset(self) -> None:
        """Forget everything: the next build computes it all again."""
        self._parts.clear()

    def __reduce__(self) -> tuple[type[BuildState], tuple[()]]:
        # Pelican's content cache pickles articles with their settings: a state
        # loaded from disk is an empty one, never another process's caches.
        return BuildState, ()

    def __deepcopy__(self, _memo: dict[int, Any]) -> BuildState:
        return self  # a copy of the settings belongs to the same build


def build_state(settings: Mapping[str, Any]) -> BuildState:
    """The state of the build these settings are for; a fresh one, kept by nobody,
    when they belong to no build (a lone check, a test calling a function)."""
    state = settings.get(STATE_KEY)
    return state if isinstance(state, BuildState) else BuildState()


def with_state(settings: Mapping[str, Any], state: BuildState) -> dict[str, Any]:
    """A copy of ``settings`` for a build that keeps its caches in ``state``."""
    return {**settings, STATE_KEY: state}
