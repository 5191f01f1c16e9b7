"""The one base class of the failures a user can fix, which tasks.py prints in one place."""

from __future__ import annotations


class HearthError(Exception):
    """A failure the user can fix: its message says what went wrong and what to do.

    tasks.py prints the message of any HearthError a task raises, without a traceback
    (``hearth_task``). Every other exception is a bug in Hearth, and keeps its traceback.
    """
