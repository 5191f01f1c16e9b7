"""The W3C Feed Validation Service's checks, run on a built feed (tests/vendor/README.md)."""

from __future__ import annotations

import sys
from pathlib import Path

_VENDOR = str(Path(__file__).resolve().parent / "vendor")
if _VENDOR not in sys.path:
    sys.path.insert(0, _VENDOR)

import feedvalidator  # noqa: E402
from feedvalidator import compatibility  # noqa: E402
from feedvalidator.formatter.text_plain import Formatter  # noqa: E402


def feed_problems(document: bytes, url: str) -> list[str]:
    """Every error and warning the online validator (its "AA" level) shows for
    ``document`` served at ``url``, as it words them; none for a valid feed."""
    result = feedvalidator.validateString(document, firstOccurrenceOnly=1, base=url)
    return list(Formatter(compatibility.AA(result["loggedEvents"])))


def uri_canonical_form(uri: str) -> str | None:
    """The validator's own normal form of ``uri`` (None where it has none)."""
    from feedvalidator.uri import canonicalForm

    return canonicalForm(uri)
