"""JSON read with its nesting bounded before parsing.

Python's parser recurses once per bracket: 100,000 nested brackets end in a
RecursionError (or worse), whoever sent them. The depth is measured first, in
linear time and without recursion, so a deep document is refused with a message.
"""

from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import Any

# Far deeper than any answer Hearth reads (a Reddit thread nests about 5 levels per
# reply level, and Reddit stops at 10), far shallower than the parser's recursion limit.
MAX_JSON_DEPTH = 200

# A whole JSON string, escapes included: brackets inside strings do not nest.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


class JsonRefused(ValueError):
    """The text is not JSON Hearth reads; the message says why, ``line`` where."""

    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.line = line


def nesting_depth(text: str) -> int:
    """How deep brackets nest in ``text``, strings aside; linear, never recursive."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    if not brackets:
        return 0
    return max(0, *accumulate(map(_STEP.__getitem__, brackets)))


def loads_bounded(text: str | bytes, *, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """``json.loads`` for text from outside; raise JsonRefused, never RecursionError.

    Bytes must be UTF-8 (RFC 8259 says JSON between systems is). ``NaN`` and
    ``Infinity``, which Python accepts and JSON does not, are refused too.
    """
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise JsonRefused("not UTF-8 text") from None
    depth = nesting_depth(text)
    if depth > max_depth:
        raise JsonRefused(f"nested {depth} levels deep; at most {max_depth} are read")
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        raise JsonRefused(error.msg, error.lineno) from None
    except (RecursionError, ValueError) as error:  # an integer of more than 4300 digits
        raise JsonRefused(str(error) or type(error).__name__) from None


def _refuse_constant(name: str) -> Any:
    raise JsonRefused(f"{name} is not a JSON value")
