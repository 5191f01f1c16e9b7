"""Printing text that may hold what members wrote, so that a CI log shows it as text.

GitHub Actions reads some lines of a job's output as workflow commands: a line that starts,
after any white space, with ``::`` (``::error file=README.md::Approved`` adds an annotation
to the Checks tab), and any line that holds ``##[`` (the older form). Hearth's messages
quote members' keys, values and file names, and any of them may hold a line break, so a
member could forge annotations, or hide lines with ``::stop-commands::``.

So under GitHub Actions (``GITHUB_ACTIONS=true``) text that could hold a command is printed
between ``::stop-commands::TOKEN`` and ``::TOKEN::``: GitHub's documented way to print
anything without running it, with a TOKEN that no file can know in advance. The text
itself is printed unchanged, so the log reads as it does anywhere else. The block goes
out in one write to one stream: no line of it can overtake the lines around it.

tasks.py calls :func:`guard_output` first thing, so this holds for everything a task
prints through sys.stdout and sys.stderr: its messages, logging, a traceback. A program
it runs writes to the same file descriptors directly and is not covered; Hearth passes
no member text to one.

Hearth writes no commands of its own apart from those two. One that ever does builds its
line with :func:`workflow_command`, which escapes the values as GitHub documents.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import TextIO

# What may begin a workflow command: `::` at a line's start, or `##[` anywhere in it.
COMMAND_MARKS = ("::", "##[")


def under_github_actions() -> bool:
    return os.environ.get("GITHUB_ACTIONS") == "true"


def escape_data(text: str) -> str:
    """A command's message (after the second ``::``), as GitHub's runner unescapes it."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A command's property value (``file=...``), where ``:`` and ``,`` end the value."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def workflow_command(name: str, message: str = "", **properties: str) -> str:
    """One command line, such as ``::error file=a.yml,line=3::message``, values escaped."""
    given = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    return f"::{name}{' ' + given if given else ''}::{escape_data(message)}"


def inert(text: str) -> str:
    """``text``, made unable to run a workflow command when printed under GitHub Actions."""
    if not under_github_actions() or not _holds_mark(text):
        return text
    return _stopped(text, at_line_start=True)


def _stopped(text: str, *, at_line_start: bool) -> str:
    """``text`` between ``::stop-commands::TOKEN`` and ``::TOKEN::``, each on a line."""
    import secrets  # here: most commands never need it, and every command imports this

    token = secrets.token_hex(16)
    body = text.removesuffix("\n")
    block = "\n".join([workflow_command("stop-commands", token), body, workflow_command(token)])
    # A command is read only at the start of a line: the block must start one.
    return ("" if at_line_start else "\n") + block + text[len(body) :]


class InertStream:
    """A text stream whose every write is made :func:`inert`, for sys.stdout and sys.stderr.

    Each write is checked with the end of the one before, so that a mark cut in two by
    separate writes (``##`` then ``[error]``) is found too.
    """

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._tail = "\n"

    def write(self, text: str) -> int:
        if _holds_mark(text) or _holds_mark(self._tail + text[:2], beyond=self._tail):
            text = _stopped(text, at_line_start=self._tail.endswith(("\n", "\r")))
        if text:
            self._tail = (self._tail + text)[-2:]
        return self._stream.write(text)

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


def _holds_mark(text: str, beyond: str = "") -> bool:
    """Whether ``text`` holds a mark that ``beyond`` (its start) does not hold alone."""
    return any(mark in text and mark not in beyond for mark in COMMAND_MARKS)


def guard_output() -> None:
    """Under GitHub Actions, make everything this process prints inert (tasks.py calls it)."""
    if under_github_actions() and not isinstance(sys.stdout, InertStream):
        sys.stdout = InertStream(sys.stdout)
        sys.stderr = InertStream(sys.stderr)
