"""Ready-made archive data for templates: neighbours, years, the latest issue."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby
from typing import Any, Protocol


class Dated(Protocol):
    date: Any


def link_neighbours(newest_first: Sequence[Any]) -> None:
    """Give each issue ``newer`` and ``older`` attributes (None at the ends)."""
    for index, issue in enumerate(newest_first):
        issue.newer = newest_first[index - 1] if index > 0 else None
        issue.older = newest_first[index + 1] if index + 1 < len(newest_first) else None


def by_year(newest_first: Sequence[Dated]) -> list[tuple[int, list[Any]]]:
    """Group issues by calendar year, newest year first, keeping their order."""
    return [(year, list(group)) for year, group in groupby(newest_first, lambda i: i.date.year)]
