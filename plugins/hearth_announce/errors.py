"""What can go wrong opening a thread, as exceptions whose messages are safe to print."""

from __future__ import annotations

from hearth_core.errors import HearthError


class AnnounceError(HearthError):
    """Base class: `invoke announce` stops here; the message says why and what to do."""


class SettingsProblem(AnnounceError):
    """HEARTH_ANNOUNCE in pelicanconf.py is not what docs/announce.md describes."""


class RemoteError(AnnounceError):
    """A platform refused, failed or answered in a shape its API does not describe.

    ``maybe_done`` is true when the request may have opened the thread anyway (a create
    that timed out, or whose answer was unreadable): the next run's lookup finds it.
    """

    def __init__(self, message: str, *, status: int | None = None, maybe_done: bool = False):
        super().__init__(message)
        self.status = status
        self.maybe_done = maybe_done
