"""A small client for Buttondown's email API: timeouts, bounded retries, typed errors.

Buttondown has had outages (Nov 2025, Jul 2026), so every call has a timeout and a
few retries. Retrying is only safe when a repeat cannot do the work twice: reads,
requests that never reached the server, and requests carrying an idempotency key,
which Buttondown answers with the first response. Everything else fails at once,
so the caller can look up what happened instead of sending an issue twice.
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

from hearth_buttondown.errors import (
    ApiError,
    AuthError,
    ButtondownError,
    ConfigurationError,
    ConnectionFailed,
    NotFound,
    RateLimited,
)
from hearth_discussions.fetch import retry_after

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
# A key is one token of printable ASCII; anything else is a paste gone wrong.
KEY_PATTERN = re.compile(r"[\x21-\x7e]+")

Sleep = Callable[[float], None]


class ButtondownClient:
    """Buttondown's ``/emails`` endpoints; use as a context manager to close connections."""

    def __init__(
        self,
        *,
        api_key: str,
        base_url: str = API_URL,
        timeout: float = 10.0,
        attempts: int = 4,
        backoff: float = 1.0,
        max_retry_after: float = 60.0,
        transport: httpx.BaseTransport | None = None,
        sleep: Sleep = time.sleep,
    ) -> None:
        if not KEY_PATTERN.fullmatch(api_key):
            raise ConfigurationError(
                f"{KEY_VARIABLE} holds spaces or characters an API key never has: "
                "copy the key again from Buttondown (Settings → API)"
            )
        if attempts < 1 or timeout <= 0:
            raise ValueError("ButtondownClient needs attempts of 1 or more and a timeout > 0")
        self.base_url = checked_base_url(base_url)
        self.timeout = timeout
        self.attempts = attempts
        self.backoff = backoff
        self.max_retry_after = max_retry_after
        self._secret = api_key
        self._sleep = sleep
        self._http = httpx.Client(
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
            page = self._json("GET", url, params=params or None)
            results = page.get("results") if isinstance(page, dict) else None
            if not isinstance(results, list):
                raise ButtondownError(f"GET {url}: the answer is not a page of emails")
            yield from results
            url, params = self._next_page(page.get("next"), seen), []

    def get_email(self, email_id: str) -> dict[str, Any]:
        return self._json("GET", f"/emails/{email_id}")

    def create_email(self, fields: Mapping[str, Any], *, idempotency_key: str) -> dict[str, Any]:
        """Create an email; the key makes a retried or repeated create return the first one."""
        if "status" not in fields:
            # The spec and the pinned version disagree on the default: never rely on it.
            raise ValueError("create_email needs an explicit status")
        return self._json("POST", "/emails", json=dict(fields), key=idempotency_key)

    def update_email(
        self, email_id: str, fields: Mapping[str, Any], *, idempotency_key: str | None = None
    ) -> dict[str, Any]:
        return self._json("PATCH", f"/emails/{email_id}", json=dict(fields), key=idempotency_key)

    def send_draft(
        self, email_id: str, recipients: Sequence[str], *, idempotency_key: str | None = None
    ) -> None:
        """Send the draft to ``recipients`` only, as a preview."""
        body = {"recipients": list(recipients)}
        self._json("POST", f"/emails/{email_id}/send-draft", json=body, key=idempotency_key)

    def publish_email(
        self,
        email_id: str,
        *,
        publish_date: datetime | None = None,
        idempotency_key: str | None = None,
        live: bool = False,
    ) -> dict[str, Any]:
        """Send the email now, or schedule it for ``publish_date`` (sent to Buttondown in UTC).

        ``live`` adds the header that confirms a key's first live send: pass it only
        after the author confirmed.
        """
        body = {} if publish_date is None else {"publish_date": utc_timestamp(publish_date)}
        headers = {LIVE_HEADER: "true"} if live else {}
        path = f"/emails/{email_id}/publish"
        return self._json("POST", path, json=body, key=idempotency_key, headers=headers)

    def _json(
        self,
        method: str,
        url: str,
        *,
        params: Sequence[tuple[str, str]] | None = None,
        json: Any = None,
        key: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        sent = dict(headers or {})
        if key:
            sent[IDEMPOTENCY_HEADER] = key
        response = self._request(method, url, params=params, json=json, headers=sent)
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise ButtondownError(
                f"{method} {_shown(url)}: HTTP {response.status_code}, but the answer is not JSON"
            ) from None

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
        where = _shown(url)
        for attempt in range(1, self.attempts + 1):
            try:
                response = self._http.request(
                    method, url, params=params, json=json, headers=headers
                )
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
                raise ButtondownError(f"{method} {where}: {self._redacted(str(error))}") from None
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

    def _retry_for_status(
        self, response: httpx.Response, failure: ButtondownError, repeatable: bool, attempt: int
    ) -> tuple[bool, float]:
        status = response.status_code
        if status == 429:
            # Buttondown refused the request without doing it: any request may repeat.
            pause = retry_after(response)
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
        code, detail = error_content(response)
        kind = {401: AuthError, 403: AuthError, 404: NotFound, 429: RateLimited}.get(
            response.status_code, ApiError
        )
        return kind(
            method=method,
            path=where,
            status=response.status_code,
            code=self._redacted(code) if code else None,
            detail=self._redacted(detail),
        )

    def _next_page(self, next_url: Any, seen: set[str]) -> str | None:
        """``next`` as a URL to follow; refuse one that would take the key elsewhere."""
        if not next_url:
            return None
        url = httpx.URL(str(next_url))
        base = self.base_url
        if (url.scheme, url.host, url.port) != (base.scheme, base.host, base.port) or (
            not url.path.startswith(base.path)
        ):
            raise ButtondownError(
                "Buttondown's next page points outside its API "
                f"({url.scheme}://{url.host}): not following it with the API key"
            )
        if str(url) in seen:
            raise ButtondownError("Buttondown's pages lead back to a page already read")
        seen.add(str(url))
        return str(url)

    def _redacted(self, text: str) -> str:
        return text.replace(self._secret, "[redacted]")


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


def error_content(response: httpx.Response) -> tuple[str | None, str]:
    """Buttondown's ``code`` and ``detail``; a 422's ``detail`` list becomes one line."""
    try:
        data = response.json()
    except ValueError:
        return None, response.reason_phrase
    if not isinstance(data, dict):
        return None, response.reason_phrase
    code, detail = data.get("code"), data.get("detail", "")
    if isinstance(detail, list):
        detail = "; ".join(_validation_item(item) for item in detail)
    detail = " ".join(str(detail).split())[:MESSAGE_LIMIT]
    return (str(code) if code else None), detail or response.reason_phrase


def utc_timestamp(when: datetime) -> str:
    if when.tzinfo is None:
        raise ValueError("a publish date needs its UTC offset")
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _validation_item(item: Any) -> str:
    if not isinstance(item, dict):
        return str(item)
    where = ".".join(str(part) for part in item.get("loc") or [])
    return f"{where}: {item.get('msg', '')}" if where else str(item.get("msg", ""))


def _shown(url: str) -> str:
    """A request's path as logs and errors show it: no scheme or host, never a header."""
    parsed = httpx.URL(url)
    return parsed.raw_path.decode("ascii") if parsed.is_absolute_url else url
