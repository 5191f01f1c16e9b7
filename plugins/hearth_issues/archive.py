"""Ready-made archive data for templates: neighbours, years, the latest issue."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol


class Dated(Protocol):
    date: Any


def link_neighbours(newest_first: Sequence[Any]) -> None:
    """Give each issue ``newer`` and ``older`` attributes (None at the ends)."""
    for index, issue in enumerate(newest_first):
        issue.newer = newest_first[index - 1] if index > 0 else None
        issue.older = newest_first[index + 1] if index + 1 < len(newest_first) else None


def by_year(newest_first: Sequence[Dated]) -> list[tuple[int, list[Any]]]:
    """Group issues by calendar year, newest year first, keeping their order.

    One group per year even where the numbers and the dates disagree (issue 7 dated
    a year before issue 6): a year's heading, and its id, appear once on the page.
    """
    years: dict[int, list[Any]] = {}
    for issue in newest_first:
        years.setdefault(issue.date.year, []).append(issue)
    return list(years.items())
