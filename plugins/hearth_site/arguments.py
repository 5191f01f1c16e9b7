"""The tasks' option values, read strictly: a wrong one is refused with what to type instead.

Python's own parsers are too lenient for a command line: ``int("١٢")`` is 12, ``"²".isdigit()``
is true although ``int("²")`` fails, ``float("inf")`` and ``float("nan")`` are numbers, and
``int`` of a 5,000-digit string raises. So numbers are ASCII digits, of a bounded length,
in a stated range.
"""

from __future__ import annotations

import ipaddress
import re

from hearth_core.errors import HearthError
from hearth_core.headers import required_text
from hearth_core.text import describe, first_forbidden

WHOLE = re.compile(r"[0-9]{1,9}")
DECIMAL = re.compile(r"[0-9]{1,6}(\.[0-9]{1,6})?|\.[0-9]{1,6}")
# A host name as DNS allows it: labels of 1 to 63 letters, digits and inner hyphens.
HOST_NAME = re.compile(
    r"(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*"
)
# A title becomes a header line and, shortened, part of a file name.
TITLE_LENGTH = 200


class ArgumentError(HearthError, ValueError):
    """An option's value cannot be used; the message names the option and what to give."""


def whole_number(option: str, given: object, low: int, high: int, example: str) -> int:
    """``given`` as a whole number from ``low`` to ``high``, written in ASCII digits."""
    text = str(given).strip()
    if not WHOLE.fullmatch(text) or not low <= int(text) <= high:
        which = f"{option} {_shown(given)}" if text else f"{option} is missing"
        raise ArgumentError(f"{which}: give a whole number from {low} to {high}, like {example}")
    return int(text)


def issue_number(given: object) -> int:
    return whole_number("--issue", given, 1, 99_999, "--issue 12")


def port(given: object) -> int:
    return whole_number("--port", given, 1, 65_535, "--port 8000")


def bind_address(given: object) -> str:
    """``--bind``: an IP address or a host name, checked before anything is looked up."""
    text = str(given).strip()
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        pass
    if not text.isascii() or not HOST_NAME.fullmatch(text):
        raise ArgumentError(
            f"--bind {_shown(given)}: give an address to listen on, like localhost, "
            "127.0.0.1, or 0.0.0.0 for every address"
        )
    return text


def scale(given: object, high: float = 100) -> float:
    """``--scale``: a decimal number above 0 and at most ``high``."""
    text = str(given).strip()
    if not DECIMAL.fullmatch(text) or not 0 < float(text) <= high:
        raise ArgumentError(
            f"--scale {_shown(given)}: give a number above 0 and at most {high:g}, like 1 or 0.5"
        )
    return float(text)


def issue_title(given: object) -> str:
    """``--title``: one line of text, without characters a page or a header cannot hold,
    that the Title header of the new issue's file then holds as it is."""
    title = str(given).strip()
    if not title:
        raise ArgumentError('--title is empty: give the issue a title, like --title "Spring"')
    if "\n" in title or "\r" in title:
        raise ArgumentError("--title holds a line break: a title is one line")
    bad = first_forbidden(title, one_line=True)
    if bad is not None:
        raise ArgumentError(
            f"--title holds the invisible or control character {describe(bad)}: remove it"
        )
    if len(title) > TITLE_LENGTH:
        raise ArgumentError(
            f"--title is {len(title)} characters long: keep it to {TITLE_LENGTH} at most"
        )
    try:  # and whatever else `invoke check` asks of a Title header
        return required_text(title)
    except ValueError as error:
        raise ArgumentError(f"--title {error}") from None


def _shown(given: object) -> str:
    """The value as the message quotes it: short, and with nothing invisible left raw."""
    text = str(given)
    shown = repr(text[:40])
    return shown + " (shortened)" if len(text) > 40 else shown
