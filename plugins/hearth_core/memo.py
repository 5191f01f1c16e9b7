"""Values kept for the next build while their inputs are equal; held in the build state.

Each save in a live preview rebuilds the site in the same process, and most inputs
have not changed. Inputs are compared, not hashed: comparing a text with itself (the
same object, as unchanged files give) costs nothing, where hashing it costs a pass.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

V = TypeVar("V")


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
