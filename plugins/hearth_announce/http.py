"""One small JSON-over-HTTP client for the four platforms: bounded, retried where safe, redacted.

A request is retried only when a repeat cannot open a thread twice: reads, requests that
never left, requests carrying an idempotency key, and answers (429, 503) that say the
request was not processed. Every answer is read up to a size, and the time spent talking
to the host for one request (connecting, the headers, the body, every attempt) ends by
one deadline, however slowly the host sends. Every word of an answer that reaches a
message is redacted, stripped of control characters and cut short.
"""

from __future__ import annotations

import io
import json
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TextIO, cast

import httpx

from hearth_announce.errors import RemoteError
from hearth_core.blocking_http import BlockingClient, PastDeadline
from hearth_core.http_limits import BodyRefused, retry_after_seconds
from hearth_core.redaction import Redactor
from hearth_core.text import strip_forbidden

logger = logging.getLogger(__name__)

MAX_ANSWER_BYTES = 2 * 1024 * 1024
MESSAGE_LIMIT = 200
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
READS = frozenset({"GET", "HEAD"})
# Statuses that say the request was not processed: waiting and asking again is safe.
NOT_PROCESSED = frozenset({429, 503})

Sleep = Callable[[float], None]


class Secrets:
    """Every credential of one run, blanked out of text on its way out; a session token
    a platform hands out mid-run (Bluesky's) is added when it arrives."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._redactor = Redactor(tuple(secret for secret in secrets if secret))

    def __repr__(self) -> str:
        return "Secrets(...)"

    def add(self, secret: str) -> None:
        self._redactor = Redactor((*self._redactor.secrets, secret))

    def __call__(self, text: str) -> str:
        return self._redactor(text)

    def stream(self, out: TextIO) -> TextIO:
        """``out``, with every write redacted by the secrets known at that moment."""
        return cast(TextIO, _Redacted(out, self))


class _Redacted(io.TextIOBase):
    def __init__(self, out: TextIO, secrets: Secrets) -> None:
        super().__init__()
        self._out = out
        self._secrets = secrets

    def write(self, text: str) -> int:
        self._out.write(self._secrets(text))
        return len(text)

    def flush(self) -> None:
        self._out.flush()

    def writable(self) -> bool:
        return True


def checked_base(url: str, what: str) -> str:
    """An API address: https, or plain http on this machine only (a test's fake)."""
    try:
        parsed = httpx.URL(url.rstrip("/"))
    except httpx.InvalidURL:
        parsed = httpx.URL("")
    local = parsed.scheme == "http" and parsed.host in LOOPBACK_HOSTS
    if not parsed.host or not (parsed.scheme == "https" or local):
        raise RemoteError(f"{what} must be an https:// address (http:// only for localhost)")
    return str(parsed)


class Answer:
    """A response's status, headers and JSON (None when it had no body)."""

    def __init__(self, status: int, headers: httpx.Headers, data: Any) -> None:
        self.status = status
        self.headers = headers
        self.data = data


class JsonClient:
    """Requests to one platform's API; ``name`` starts every message.

    ``timeout`` bounds each connect and read; ``deadline`` bounds the time one request
    spends talking to the host, all attempts together (the waits between them, bounded
    by ``max_retry_after``, are not talking).
    """

    def __init__(
        self,
        *,
        name: str,
        base_url: str,
        redact: Secrets,
        timeout: float = 10.0,
        deadline: float = 30.0,
        attempts: int = 3,
        max_retry_after: float = 30.0,
        sleep: Sleep = time.sleep,
    ) -> None:
        self.name = name
        self.redact = redact
        self.timeout = timeout
        self.deadline = deadline
        self.attempts = attempts
        self.max_retry_after = max_retry_after
        self._sleep = sleep
        # A redirect could carry a credential to another host: never followed.
        self._http = BlockingClient(
            base_url=base_url,
            timeout=timeout,
            follow_redirects=False,
            headers={"User-Agent": "Hearth (invoke announce)", "Accept": "application/json"},
        )

    def __enter__(self) -> JsonClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._http.close()

    @property
    def host(self) -> str:
        """Where requests go, as a message names it."""
        return self.clean(self._http.base_url.netloc.decode("ascii", "replace"))

    def request(
        self,
        method: str,
        path: str,
        *,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, str] | None = None,
        json_body: Any = None,
        content: bytes | None = None,
        idempotent: bool = False,
        allow: frozenset[int] = frozenset(),
    ) -> Answer:
        """One request's answer; statuses in ``allow`` (a lookup's 404) are answers too."""
        repeatable = method in READS or idempotent
        time_left = self.deadline
        for attempt in range(1, self.attempts + 1):
            started = time.monotonic()
            try:
                status, answer_headers, body = self._send(
                    method, path, headers, params, json_body, content, time_left
                )
            except (httpx.ConnectError, httpx.ConnectTimeout) as error:
                said = f"no connection to {self.host} ({error}): check the address, or try later"
                failure = self._failed(method, path, said, None, False)
                retry, wait = True, float(attempt)
            except httpx.HTTPError as error:
                failure = self._failed(
                    method, path, self._no_answer(error), None, method not in READS
                )
                retry, wait = repeatable, float(attempt)
            else:
                if status < 400 or status in allow:
                    return Answer(status, answer_headers, self._json(method, path, status, body))
                failure = self._failed(method, path, self._status_text(status, body), status, False)
                retry, wait = self._retry_for(status, answer_headers, repeatable, attempt)
            time_left -= time.monotonic() - started
            if not retry or attempt == self.attempts or time_left <= 0:
                raise failure
            logger.debug("%s: %s %s: retrying in %.1f s", self.name, method, path, wait)
            self._sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    def _send(
        self,
        method: str,
        path: str,
        headers: Mapping[str, str] | None,
        params: Mapping[str, str] | None,
        json_body: Any,
        content: bytes | None,
        seconds: float,
    ) -> tuple[int, httpx.Headers, bytes]:
        request = self._http.build_request(
            method, path, headers=dict(headers or {}), params=params, json=json_body,
            content=content,
        )  # fmt: skip
        try:
            return self._http.send(request, seconds=seconds, max_bytes=MAX_ANSWER_BYTES)
        except BodyRefused as refused:
            raise RemoteError(
                self.clean(f"{self.name}: {method} {path}: {refused}"),
                maybe_done=method not in READS,
            ) from None

    def _no_answer(self, error: httpx.HTTPError) -> str:
        if isinstance(error, PastDeadline):
            return (
                f"{self.host} sent no whole answer within {self.deadline:g} s "
                "(it is down or overloaded): try again later"
            )
        if isinstance(error, httpx.TimeoutException):
            return f"{self.host} did not answer within {self.timeout:g} s: try again later"
        return f"no answer from {self.host} ({type(error).__name__}): try again later"

    def _json(self, method: str, path: str, status: int, body: bytes) -> Any:
        if not body.strip():
            return None
        try:
            return json.loads(body)
        except (ValueError, RecursionError):
            raise RemoteError(
                f"{self.name}: {method} {path}: HTTP {status}, but the answer is not JSON",
                status=status,
                maybe_done=method not in READS,
            ) from None

    def _retry_for(
        self, status: int, headers: httpx.Headers, repeatable: bool, attempt: int
    ) -> tuple[bool, float]:
        if status in NOT_PROCESSED:
            asked = retry_after_seconds(headers.get("Retry-After", ""))
            wait = float(attempt) if asked is None else asked
            return wait <= self.max_retry_after, wait
        return repeatable and status >= 500, float(attempt)

    def _status_text(self, status: int, body: bytes) -> str:
        said = ""
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
            data = None
        if isinstance(data, dict):
            found = data.get("error") or data.get("message") or data.get("errors") or ""
            # Redacted before it is cut: a credential cut in two is no longer found whole.
            said = self.redact(found if isinstance(found, str) else json.dumps(found))
            said = said[:MESSAGE_LIMIT]
        hint = {
            401: "the credential is wrong or expired",
            403: "the credential lacks the permission to post there",
            404: "no such place: check the settings",
            429: "rate limited for longer than Hearth waits: try again later",
        }.get(status, "the platform failed" if status >= 500 else "refused")
        return f"HTTP {status} ({hint}{': ' + said if said else ''})"

    def _failed(
        self, method: str, path: str, what: str, status: int | None, maybe_done: bool
    ) -> RemoteError:
        message = self.clean(f"{self.name}: {method} {path}: {what}")
        if maybe_done:
            message += (
                "; the thread may have been opened anyway: run the command again, "
                "it looks for the thread before opening one"
            )
        return RemoteError(message, status=status, maybe_done=maybe_done)

    def clean(self, text: str) -> str:
        """``text`` fit to print: redacted, on one line, without control characters, short."""
        one_line = " ".join(strip_forbidden(self.redact(text), one_line=True).split())
        return one_line[: MESSAGE_LIMIT * 2]
