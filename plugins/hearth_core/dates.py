"""Dates: which days content may carry, and how pages, feeds and emails show them.

Which days: year 1 or 9999 is a valid date to Python, but a week before the first or an
offset after the last is not, and platforms disagree on dates before 1970: a link dated
0001-01-01 ended the build in an OverflowError.

How they are shown, the same on every platform: C's strftime has no portable "day
without its leading zero": ``%-d`` is glibc's, and Windows raises ValueError on it (its
own is ``%#d``). Hearth reads a date format the way Pelican does
(``pelican.utils.strftime``), so one format gives one text everywhere: a ``-`` after
``%`` strips the leading zeros of that one directive, and only C89's directives ever
reach the platform's strftime, one at a time.
"""

from __future__ import annotations

import re
from datetime import date

# The directives C89 defines (and Python's ISO additions), which every platform has.
PORTABLE_DIRECTIVES = "aAbBcdfGHIjmMpSUuVwWxXyYzZ%"
# "25 June 2022": how the pages name a day.
DAY_FORMAT = "%-d %B %Y"
_DIRECTIVE = re.compile(r"%(-?)(.)", re.S)


def format_date(value: date, date_format: str) -> str:
    """``value`` in ``date_format``; "%-d" is the day without a leading zero on any
    platform. A directive C89 lacks is left as written, as Pelican leaves it."""

    def directive(match: re.Match[str]) -> str:
        strip_zeros, code = match.groups()
        if code not in PORTABLE_DIRECTIVES:
            return match.group()
        text = value.strftime(f"%{code}")
        return (text.lstrip("0") or "0") if strip_zeros else text

    return _DIRECTIVE.sub(directive, date_format)


def day_text(day: date) -> str:
    """The day as the pages show it: "7 June 2022"."""
    return format_date(day, DAY_FORMAT)


EARLIEST = date(1970, 1, 1)
LATEST = date(2999, 12, 31)


def check_day(day: date) -> None:
    """Raise ValueError saying what to write if ``day`` is outside the range content may use."""
    if not EARLIEST <= day <= LATEST:
        raise ValueError(
            f"{day.isoformat()} is outside the dates Hearth accepts "
            f"({EARLIEST.year} to {LATEST.year}): check the year"
        )
