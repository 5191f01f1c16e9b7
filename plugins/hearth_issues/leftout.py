"""Drafts the build leaves out: those with problems (``hearth_site.check``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any


class LeftOutDrafts:
    """A part of the build state: the drafts Pelican's generators do not read, by
    resolved path. A draft with a problem would fail the build, or show half-made in
    a ``--drafts`` preview; the published issues are built without it."""

    def __init__(self) -> None:
        self.paths: frozenset[Path] = frozenset()


def without_left_out(
    list_files: Callable[..., Iterable[str]], content: str, left_out: frozenset[Path]
) -> Callable[..., list[str]]:
    """A generator's ``get_files`` that skips ``left_out`` and lists in path order.

    Pelican lists the files as a set, in an order that changes from run to run; a
    build's workers convert the bodies in path order (``load_site_issues``): read in
    that order, each article's body is done or nearly so when Pelican asks for it.
    """

    def listed(*args: Any, **kwargs: Any) -> list[str]:
        found = list_files(*args, **kwargs)
        kept = [f for f in found if not left_out or Path(content, f).resolve() not in left_out]
        return sorted(kept, key=Path)

    return listed
