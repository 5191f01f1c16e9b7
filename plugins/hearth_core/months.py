"""Grouping by calendar month, as the links pages and the search index both do."""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable
from datetime import date
from typing import TypeVar

T = TypeVar("T")


def group_by_month(items: Iterable[T], day_of: Callable[[T], date]) -> list[tuple[date, list[T]]]:
    """``items`` by the month of ``day_of(item)``, each month as its first day, in the
    order the months first appear; each month's items keep their order."""
    months: dict[date, list[T]] = {}
    for item in items:
        day = day_of(item)
        months.setdefault(day.replace(day=1), []).append(item)
    return list(months.items())


def month_name(first: date) -> str:
    """The month and year, as "March 2025"."""
    return f"{calendar.month_name[first.month]} {first.year}"
