"""Which days content may carry: a range every page, feed and comparison can handle.

Year 1 or 9999 is a valid date to Python, but a week before the first or an offset
after the last is not, and platforms disagree on dates before 1970: a link dated
0001-01-01 ended the build in an OverflowError.
"""

from __future__ import annotations

from datetime import date

EARLIEST = date(1970, 1, 1)
LATEST = date(2999, 12, 31)


def check_day(day: date) -> None:
    """Raise ValueError saying what to write if ``day`` is outside the range content may use."""
    if not EARLIEST <= day <= LATEST:
        raise ValueError(
            f"{day.isoformat()} is outside the dates Hearth accepts "
            f"({EARLIEST.year} to {LATEST.year}): check the year"
        )
