"""A small client for Buttondown's email API: timeouts, bounded retries, typed errors.

Buttondown has had outages (Nov 2025, Jul 2026), so every call has a timeout and a
few retries, and its answer is read only up to a size and a deadline. Retrying is only
safe when a repeat cannot do the work twice: reads, requests that never reached the
server, and requests carrying an idempotency key, which Buttondown answers with the
first response. Everything else fails at once, so the caller can look up what
happened instead of sending an issue twice.

Every answer is checked against the shapes of Buttondown's API (``answers``) before
anything uses it, and the API key is blanked out of it, so a server that echoes the
key cannot get it printed or committed.
"""

from __future__ import annotations

import logging
import os
import random
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import httpx

from hearth_buttondown.answers import EMAIL_ID, ShapeError, email_from, page_from
from hearth_buttondown.errors import (
    ApiError,
    AuthError,
    ButtondownError,
    ConfigurationError,
    ConnectionFailed,
    NotFound,
    RateLimited,
    UnexpectedAnswer,
)
from hearth_core.blocking_http import AnswerRefused, BlockingClient
from hearth_core.blocking_http import PastDeadline as BlockingPastDeadline
from hearth_core.http_limits import retry_after_seconds
from hearth_core.redaction import NO_SECRETS, Redactor
from hearth_core.text import strip_forbidden

logger = logging.getLogger(__name__)

API_URL = "https://api.buttondown.com/v1"
# Without a pinned version the account's dashboard setting decides how the API behaves.
API_VERSION = "2026-04-01"
KEY_VARIABLE = "BUTTONDOWN_API_KEY"
URL_VARIABLE = "BUTTONDOWN_API_URL"
IDEMPOTENCY_HEADER = "X-Idempotency-Key"
# Buttondown refuses the first live send of a key until a request carries this header.
LIVE_HEADER = "X-Buttondown-Live-Dangerously"
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
MESSAGE_LIMIT = 300
# A page of emails with their bodies is a few megabytes at most; more is a broken server.
MAX_ANSWER_BYTES = 32 * 1024 * 1024
# Pages of a listing read at most: a newsletter's every email, many times over.
MAX_PAGES = 1000
# Headers that describe the bytes on the wire, not the answer read from them.
WIRE_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})
# A key is one token of printable ASCII; anything else is a paste gone wrong.
KEY_PATTERN = re.compile(r"[\x21-\x7e]+")

Sleep = Callable[[float], None]


class AnswerTooBig(Exception):
    """The answer is larger than the client reads; ``status`` is the HTTP status it came with."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class PastDeadline(httpx.ReadTimeout):
    """The answer was still arriving at the client's deadline (a server dripping bytes)."""


class ButtondownClient:
    """Buttondown's ``/emails`` endpoints; use as a context manager to close connections."""

    def __init__(
        self,
        *,
        api_key: str,
        base_url: str = API_URL,
        timeout: float = 10.0,
        deadline: float = 30.0,
        max_answer_bytes: int = MAX_ANSWER_BYTES,
        attempts: int = 4,
        backoff: float = 1.0,
        max_retry_after: float = 60.0,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Sleep = time.sleep,
    ) -> None:
        if not KEY_PATTERN.fullmatch(api_key):
            raise ConfigurationError(
                f"{KEY_VARIABLE} holds spaces or characters an API key never has: "
                "copy the key again from Buttondown (Settings → API)"
            )
        if attempts < 1 or timeout <= 0 or deadline <= 0 or max_answer_bytes < 1:
            raise ValueError(
                "ButtondownClient needs attempts and max_answer_bytes of 1 or more, "
                "and a timeout and deadline > 0"
            )
        self.base_url = checked_base_url(base_url)
        self.timeout = timeout
        self.deadline = deadline
        self.max_answer_bytes = max_answer_bytes
        self.attempts = attempts
        self.backoff = backoff
        self.max_retry_after = max_retry_after
        # Everything this client reports, and every answer it hands on, goes through it.
        self.redact = Redactor((api_key,))
        self._sleep = sleep
        # One deadline for each whole exchange: httpx's timeouts bound each read, and a
        # server sending its headers a byte at a time would never trip them.
        self._http = BlockingClient(
            base_url=self.base_url,
            headers={
                "Authorization": f"Token {api_key}",
                "X-API-Version": API_VERSION,
                "Accept": "application/json",
                "User-Agent": "Hearth (invoke send)",
            },
            timeout=timeout,
            transport=transport,
            # A redirect could carry the key to another host; Buttondown never redirects.
            follow_redirects=False,
        )

    def __repr__(self) -> str:
        return f"ButtondownClient(base_url={self.base_url!r})"

    def __enter__(self) -> ButtondownClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def list_emails(
        self,
        *,
        status: Sequence[str] = (),
        subject: str | None = None,
        ordering: str | None = None,
        without_body: bool = False,
    ) -> Iterator[dict[str, Any]]:
        """Every email matching the filters, page after page (following ``next``)."""
        params: list[tuple[str, str]] = [("status", value) for value in status]
        if subject:
            params.append(("subject", subject))
        if ordering:
            params.append(("ordering", ordering))
        if without_body:
            params.append(("excluded_fields", "body"))
        url: str | None = "/emails"
        seen: set[str] = set()
        while url:
            response, answer = self._call("GET", url, params=params or None)
            emails, next_url = self._checked(page_from, "GET", url, response, answer)
            yield from emails
            url, params = self._next_page(next_url, seen), []

    def get_email(self, email_id: str) -> dict[str, Any]:
        path = self._email_path(email_id)
        return self._checked(email_from, "GET", path, *self._call("GET", path))

    def create_email(self, fields: Mapping[str, Any], *, idempotency_key: str) -> dict[str, Any]:
        """Create an email; the key makes a retried or repeated create return the first one."""
        if "status" not in fields:
            # The spec and the pinned version disagree on the default: never rely on it.
            raise ValueError("create_email needs an explicit status")
        answer = self._call("POST", "/emails", json=dict(fields), key=idempotency_key)
        return self._checked(email_from, "POST", "/emails", *answer)

    def update_email(
        self, email_id: str, fields: Mapping[str, Any], *, idempotency_key: str | None = None
    ) -> dict[str, Any]:
        path = self._email_path(email_id)
        answer = self._call("PATCH", path, json=dict(fields), key=idempotency_key)
        return self._checked(email_from, "PATCH", path, *answer)

    def send_draft(
        self, email_id: str, recipients: Sequence[str], *, idempotency_key: str | None = None
    ) -> None:
        """Send the draft to ``recipients`` only, as a preview."""
        body = {"recipients": list(recipients)}
        path = f"{self._email_path(email_id)}/send-draft"
        # The spec declares no content for this answer: whatever came is not read.
        self._call("POST", path, json=body, key=idempotency_key)

    def publish_email(
        self,
        email_id: str,
        *,
        publish_date: datetime | None = None,
        idempotency_key: str | None = None,
        live: bool = False,
    ) -> dict[str, Any] | None:
        """Send the email now, or schedule it for ``publish_date`` (sent to Buttondown in UTC).

        ``live`` adds the header that confirms a key's first live send: pass it only
        after the author confirmed. None when Buttondown answered without the email.
        """
        body = {} if publish_date is None else {"publish_date": utc_timestamp(publish_date)}
        headers = {LIVE_HEADER: "true"} if live else {}
        path = f"{self._email_path(email_id)}/publish"
        answer = self._call("POST", path, json=body, key=idempotency_key, headers=headers)
        if not answer[0].content:
            return None
        return self._checked(email_from, "POST", path, *answer)

    def _call(
        self,
        method: str,
        url: str,
        *,
        params: Sequence[tuple[str, str]] | None = None,
        json: Any = None,
        key: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> tuple[httpx.Response, Any]:
        """The answer to one request, and its JSON (None for an empty answer)."""
        sent = dict(headers or {})
        if key:
            sent[IDEMPOTENCY_HEADER] = key
        response = self._request(method, url, params=params, json=json, headers=sent)
        if not response.content:
            return response, None
        try:
            return response, response.json()
        except (ValueError, RecursionError):
            # RecursionError: JSON nested thousands deep, which no API answer is.
            problem = "the answer is not JSON, or not JSON Python can read"
            raise self._unexpected(problem, method, url, response.status_code) from None

    def _checked(
        self,
        shape: Callable[[Any, Redactor], Any],
        method: str,
        url: str,
        response: httpx.Response,
        answer: Any,
    ) -> Any:
        """``answer`` as ``shape`` reads it, or UnexpectedAnswer naming what is wrong."""
        if not response.content:
            raise self._unexpected("the answer is empty", method, url, response.status_code)
        try:
            return shape(answer, self.redact)
        except ShapeError as error:
            raise self._unexpected(str(error), method, url, response.status_code) from None

    def _unexpected(self, problem: str, method: str, url: str, status: int) -> UnexpectedAnswer:
        return UnexpectedAnswer(
            self.redact(problem),
            method=method,
            path=self.redact(_shown(url)),
            status=status,
            maybe_done=method not in IDEMPOTENT_METHODS,
        )

    def _request(
        self,
        method: str,
        url: str,
        *,
        params: Sequence[tuple[str, str]] | None,
        json: Any,
        headers: dict[str, str],
    ) -> httpx.Response:
        """One request, retried while a retry is both useful and safe."""
        repeatable = method in IDEMPOTENT_METHODS or IDEMPOTENCY_HEADER in headers
        where = self.redact(_shown(url))
        for attempt in range(1, self.attempts + 1):
            try:
                response = self._send(method, url, params=params, json=json, headers=headers)
            except AnswerTooBig as error:
                limit = _size(self.max_answer_bytes)
                problem = f"it is larger than {limit}, more than any answer of Buttondown's API"
                raise self._unexpected(problem, method, url, error.status) from None
            except (httpx.ConnectError, httpx.ConnectTimeout) as error:
                # The request never left: repeating it cannot do anything twice.
                failure: ButtondownError = self._connection_failed(
                    method, where, error, attempt, maybe_done=False
                )
                retry, wait = True, self._backoff(attempt)
            except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError) as err:
                failure = self._connection_failed(method, where, err, attempt, maybe_done=True)
                retry, wait = repeatable, self._backoff(attempt)
            except httpx.HTTPError as error:
                raise ButtondownError(f"{method} {where}: {self.redact(str(error))}") from None
            else:
                logger.debug(
                    "%s %s: HTTP %d (attempt %d of %d)",
                    *(method, where, response.status_code, attempt, self.attempts),
                )
                if response.status_code < 400:
                    return response
                failure = self._api_error(method, where, response)
                retry, wait = self._retry_for_status(response, failure, repeatable, attempt)
            if not retry or attempt == self.attempts:
                raise failure
            self._sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    def _send(
        self,
        method: str,
        url: str,
        *,
        params: Sequence[tuple[str, str]] | None,
        json: Any,
        headers: dict[str, str],
    ) -> httpx.Response:
        """One request and its whole answer, read up to ``max_answer_bytes`` and ``deadline``.

        The answer is read as it streams in, so a huge or endless one costs no more memory
        than the cap, and a server dripping bytes is dropped at the deadline.
        """
        query = None if params is None else tuple(params)
        request = self._http.build_request(method, url, params=query, json=json, headers=headers)
        try:
            status, answer_headers, content = self._http.send(
                request, seconds=self.deadline, max_bytes=self.max_answer_bytes
            )
        except AnswerRefused as refused:
            raise AnswerTooBig(refused.status) from None
        except BlockingPastDeadline as late:
            raise PastDeadline(str(late), request=request) from None
        # Only what the client read: the server's status line and encoding are not kept.
        kept = [(k, v) for k, v in answer_headers.multi_items() if k.lower() not in WIRE_HEADERS]
        return httpx.Response(status, headers=kept, content=content, request=request)

    def _retry_for_status(
        self, response: httpx.Response, failure: ButtondownError, repeatable: bool, attempt: int
    ) -> tuple[bool, float]:
        status = response.status_code
        if status == 429:
            # Buttondown refused the request without doing it: any request may repeat.
            pause = retry_after_seconds(response.headers.get("Retry-After", ""))
            if pause is not None and pause > self.max_retry_after:
                return False, 0.0
            return True, pause if pause is not None else self._backoff(attempt)
        if status >= 500:
            return repeatable, self._backoff(attempt)
        return False, 0.0

    def _backoff(self, attempt: int) -> float:
        # Jitter keeps several clients that failed together from retrying together.
        return self.backoff * 2 ** (attempt - 1) * (1 + random.random() / 4)

    def _connection_failed(
        self, method: str, where: str, error: Exception, attempt: int, *, maybe_done: bool
    ) -> ConnectionFailed:
        if isinstance(error, httpx.TimeoutException):
            reason = f"no answer within {self.timeout:g} s"
            if isinstance(error, PastDeadline):
                reason = f"the answer was still coming after {self.deadline:g} s"
        elif isinstance(error, httpx.ConnectError):
            reason = f"could not connect to {self.base_url.host}"
        else:
            reason = "the connection dropped before Buttondown answered"
        tries = "1 attempt" if attempt == 1 else f"{attempt} attempts"
        return ConnectionFailed(
            f"{method} {where}: {reason} ({tries})",
            method=method,
            path=where,
            maybe_done=maybe_done,
        )

    def _api_error(self, method: str, where: str, response: httpx.Response) -> ApiError:
        code, detail = error_content(response, self.redact)
        kind = {401: AuthError, 403: AuthError, 404: NotFound, 429: RateLimited}.get(
            response.status_code, ApiError
        )
        return kind(
            method=method,
            path=where,
            status=response.status_code,
            code=code,
            detail=detail,
        )

    def _email_path(self, email_id: str) -> str:
        """``/emails/{id}``, for an id that can only be one segment of a path."""
        if not EMAIL_ID.fullmatch(email_id):
            shown = strip_forbidden(self.redact(email_id), one_line=True)[:40]
            raise ButtondownError(f"{shown!r} is not a Buttondown email id: check the state file")
        return f"/emails/{email_id}"

    def _next_page(self, next_url: str | None, seen: set[str]) -> str | None:
        """``next`` as a URL to follow; refuse one that would take the key elsewhere."""
        if not next_url:
            return None
        try:
            url = httpx.URL(next_url)
        except httpx.InvalidURL:
            raise ButtondownError("Buttondown's next page is not an address") from None
        base = self.base_url
        if (url.scheme, url.host, url.port) != (base.scheme, base.host, base.port) or (
            not url.path.startswith(base.path)
        ):
            elsewhere = _one_line(self.redact(f"{url.scheme}://{url.host}"))[:100]
            raise ButtondownError(
                f"Buttondown's next page points outside its API ({elsewhere}): "
                "not following it with the API key"
            )
        if str(url) in seen:
            raise ButtondownError("Buttondown's pages lead back to a page already read")
        if len(seen) >= MAX_PAGES:
            raise ButtondownError(
                f"Buttondown's list of emails goes on past {MAX_PAGES} pages: not reading on"
            )
        seen.add(str(url))
        return str(url)


def from_environment(environ: Mapping[str, str] | None = None, **options: Any) -> ButtondownClient:
    """A client for the key in BUTTONDOWN_API_KEY and the API at BUTTONDOWN_API_URL."""
    environ = os.environ if environ is None else environ
    key = environ.get(KEY_VARIABLE, "").strip()
    if not key:
        raise ConfigurationError(
            f"Set {KEY_VARIABLE} to your Buttondown API key (Settings → API on buttondown.com), "
            "for example in your shell or as a CI secret; Hearth never reads it from a file"
        )
    base_url = environ.get(URL_VARIABLE, "").strip() or API_URL
    return ButtondownClient(api_key=key, base_url=base_url, **options)


def checked_base_url(base_url: str) -> httpx.URL:
    """The API address; plain http only on this machine, so the key never crosses a network."""
    try:
        url = httpx.URL(base_url.rstrip("/"))
    except httpx.InvalidURL:
        url = httpx.URL("")
    local = url.scheme == "http" and url.host in LOOPBACK_HOSTS
    if not url.host or not (url.scheme == "https" or local):
        raise ConfigurationError(
            f"{URL_VARIABLE} must be an https:// address (http:// only for localhost), "
            f"not {base_url!r}"
        )
    return url


def error_content(
    response: httpx.Response, redact: Redactor = NO_SECRETS
) -> tuple[str | None, str]:
    """Buttondown's ``code`` and ``detail``, redacted, as one short printable line each;
    a 422's ``detail`` list becomes one line."""
    try:
        data = response.json()
    except (ValueError, RecursionError):
        return None, response.reason_phrase
    if not isinstance(data, dict):
        return None, response.reason_phrase
    code, detail = data.get("code"), data.get("detail", "")
    if isinstance(detail, list):
        detail = "; ".join(_validation_item(item) for item in detail[:20])
    # Redacted before it is cut short: a cut could leave half a key that no longer matches.
    detail = _one_line(redact(str(detail)))[:MESSAGE_LIMIT]
    code = _one_line(redact(str(code)))[:MESSAGE_LIMIT] if code else None
    return code or None, detail or response.reason_phrase


def utc_timestamp(when: datetime) -> str:
    if when.tzinfo is None:
        raise ValueError("a publish date needs its UTC offset")
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _size(count: int) -> str:
    megabytes, rest = divmod(count, 1024 * 1024)
    return f"{count:,} bytes" if rest else f"{megabytes} MB"


def _one_line(text: str) -> str:
    """Server text as one printable line: a message must not forge others in a terminal or log."""
    return " ".join(strip_forbidden(text, one_line=True).split())


def _validation_item(item: Any) -> str:
    if not isinstance(item, dict):
        return str(item)
    where = ".".join(str(part) for part in item.get("loc") or [])
    return f"{where}: {item.get('msg', '')}" if where else str(item.get("msg", ""))


def _shown(url: str) -> str:
    """A request's path as logs and errors show it: no scheme or host, never a header."""
    parsed = httpx.URL(url)
    return parsed.raw_path.decode("ascii") if parsed.is_absolute_url else url
