"""What can go wrong talking to Buttondown, as exceptions whose messages are safe to print.

No message ever holds the API key: the client redacts it from anything a server or
the network library says before it reaches one of these.
"""

from __future__ import annotations

from hearth_core.errors import HearthError


class ButtondownError(HearthError):
    """Base class: every failure of the Buttondown client."""


class ConfigurationError(ButtondownError):
    """BUTTONDOWN_API_KEY is missing or malformed, or BUTTONDOWN_API_URL is unsafe to send it to."""


class ConnectionFailed(ButtondownError):
    """No answer from Buttondown (refused, dropped, timed out) after the retries allowed.

    ``maybe_done`` is true when the request may have reached Buttondown anyway: a
    create or a send that failed this way must be looked up, not blindly repeated.
    """

    def __init__(self, message: str, *, method: str, path: str, maybe_done: bool) -> None:
        super().__init__(message)
        self.method = method
        self.path = path
        self.maybe_done = maybe_done


class ApiError(ButtondownError):
    """Buttondown answered with an error: its HTTP status, ``code`` and ``detail``."""

    def __init__(
        self, *, method: str, path: str, status: int, code: str | None, detail: str
    ) -> None:
        said = f"{code}: {detail}" if code else detail
        super().__init__(f"{method} {path}: HTTP {status}" + (f" ({said})" if said else ""))
        self.method = method
        self.path = path
        self.status = status
        self.code = code
        self.detail = detail


class UnexpectedAnswer(ButtondownError):
    """Buttondown answered, but not as its API describes: no email, a field of the wrong
    type, an id that cannot be one, or more than a client should read.

    Nothing from such an answer is used or recorded. ``maybe_done`` is true when the
    request may have done its work anyway (a create or a publish): look it up, do not
    blindly repeat it.
    """

    def __init__(self, problem: str, *, method: str, path: str, status: int, maybe_done: bool):
        super().__init__(
            f"{method} {path}: HTTP {status}, but Buttondown's answer is not what its API "
            f"describes: {problem}"
        )
        self.method = method
        self.path = path
        self.status = status
        self.problem = problem
        self.maybe_done = maybe_done


class AuthError(ApiError):
    """401 or 403: the key is wrong, revoked, or lacks the permission this request needs."""


class NotFound(ApiError):
    """404: no such email (deleted on Buttondown, or an id from another newsletter)."""


class RateLimited(ApiError):
    """429 that retrying cannot ride out: Buttondown asked for a longer pause than we wait."""


class SendError(ButtondownError):
    """``invoke send`` stops here: the message says why and what to do."""
