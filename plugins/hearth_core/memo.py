"""What a live preview's last build computed, kept for the next while its inputs are the same.

Each save rebuilds the site in the same process, and most inputs have not changed.
Inputs are compared, not hashed: comparing a text with itself (the same object,
as unchanged files give) costs nothing, where hashing it costs a pass over it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from operator import is_
from typing import Any, Generic, TypeVar

V = TypeVar("V")


def same_objects(last: Sequence[Any], now: Sequence[Any]) -> bool:
    """The very same objects, in the same order: what a build made once and gives again
    while nothing it was made from changed (members, records), found without comparing."""
    return len(last) == len(now) and all(map(is_, last, now))


class KeptByKey(Generic[V]):
    """The last value computed for each key (a file, say), with what it was computed from."""

    def __init__(self) -> None:
        self._kept: dict[Hashable, tuple[Any, V]] = {}

    def get(self, key: Hashable, inputs: Any, compute: Callable[[], V]) -> V:
        kept = self._kept.get(key)
        if kept is None or kept[0] != inputs:
            kept = self._kept[key] = (inputs, compute())
        return kept[1]


class Recent(Generic[V]):
    """The last ``size`` values, by the inputs they were computed from, which need not hash."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._recent: list[tuple[Any, V]] = []

    def get(self, inputs: Any, compute: Callable[[], V]) -> V:
        for known, value in self._recent:
            if known == inputs:
                return value
        value = compute()
        self._recent = [(inputs, value), *self._recent[: self.size - 1]]
        return value
