"""Which characters text from a file or a remote host may hold, wherever it comes from.

One rule for every text field: member files, thread files, issue headers, what a chat
server or Buttondown answers. It refuses what breaks a build or a reader:
- control characters (C0, DEL, C1) other than tab and newline, which lxml refuses and
  the HTML checker reports;
- direction controls (embeddings, overrides, isolates), which reorder what a reader sees;
- noncharacters (U+FDD0 to U+FDEF and the last two code points of every plane), which
  the HTML checker reports;
- lone surrogates, which cannot be written as UTF-8 at all.
"""

from __future__ import annotations

import re

BIDI_CONTROLS = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17)
)
_SURROGATES = "\ud800-\udfff"
# Tab and newline are allowed: a multi-line field (a note, a bio) may hold them.
FORBIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f" + BIDI_CONTROLS + _NONCHARACTERS + _SURROGATES + "]"
)
# For a single-line field (a title, a name), tab and newline too.
FORBIDDEN_IN_LINE = re.compile(
    "[\x00-\x1f\x7f-\x9f" + BIDI_CONTROLS + _NONCHARACTERS + _SURROGATES + "]"
)


def first_forbidden(text: str, *, one_line: bool = False) -> str | None:
    """The first character ``text`` may not hold, or None."""
    found = (FORBIDDEN_IN_LINE if one_line else FORBIDDEN).search(text)
    return found.group() if found else None


def describe(character: str) -> str:
    """How a message names a character a reader cannot see: ``U+202E``."""
    return f"U+{ord(character):04X}"


def forbidden_message(character: str) -> str:
    """What a problem says about a character a field may not hold."""
    return f"contains the invisible character {describe(character)}: delete it"


def strip_forbidden(text: str, *, one_line: bool = False) -> str:
    """``text`` without the characters it may not hold (for what a remote host sends).

    In a one-line text, a newline or tab becomes a space rather than joining two words.
    """
    if one_line:
        text = re.sub(r"[\t\n\r]+", " ", text)
    return (FORBIDDEN_IN_LINE if one_line else FORBIDDEN).sub("", text)
