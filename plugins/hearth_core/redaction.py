"""Secrets never leave the process: one helper blanks them out of text on its way out.

A task that holds a secret (an API key from the environment) makes one Redactor for it
and passes everything it prints or writes through it: the lines it prints, the files it
writes, the messages of its errors. A remote host that echoes the key back then has it
blanked out wherever the echo would have gone.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from typing import TextIO, cast

REDACTED = "[redacted]"


@dataclass(frozen=True)
class Redactor:
    """Blanks ``secrets`` out of text; ``Redactor()`` holds none and changes nothing."""

    # Never in a repr: a Redactor in a traceback or a log must not show what it hides.
    secrets: tuple[str, ...] = field(default=(), repr=False)

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            # As it is, and as JSON or a repr spell it (a quote or backslash escaped).
            for form in dict.fromkeys((secret, json.dumps(secret)[1:-1], repr(secret)[1:-1])):
                if form:
                    text = text.replace(form, REDACTED)
        return text

    def stream(self, out: TextIO) -> TextIO:
        """``out``, with every write redacted on its way through."""
        # A TextIOBase, which typeshed does not count as a TextIO.
        return cast(TextIO, _RedactedStream(out, self))


# For code that may run without a secret: changes nothing.
NO_SECRETS = Redactor()


class _RedactedStream(io.TextIOBase):
    def __init__(self, out: TextIO, redact: Redactor) -> None:
        super().__init__()
        self._out = out
        self._redact = redact

    def write(self, text: str) -> int:
        self._out.write(self._redact(text))
        return len(text)

    def flush(self) -> None:
        self._out.flush()

    def writable(self) -> bool:
        return True
