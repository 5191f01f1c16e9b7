"""HTTP for ``invoke sync-discussions``: one JSON request, with bounded and polite retries.

Every request sync makes is a read, so retrying is always safe. What is bounded
is how long a platform is kept busy and how long the author waits for an answer.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from hearth_core.http_limits import AddressRefused, BodyRefused, read_limited, retry_after_seconds
from hearth_core.json_limits import JsonRefused, loads_bounded
from hearth_core.redaction import Redactor
from hearth_core.text import strip_forbidden

Sleep = Callable[[float], Awaitable[None]]
# A server's own words about a refused request are worth showing, but not a page of them.
MESSAGE_LIMIT = 200
REASON_LIMIT = 400


@dataclass(frozen=True, kw_only=True)
class FetchPolicy:
    """How hard sync tries: enough to ride out a hiccup, never enough to hammer a platform."""

    concurrency: int = 4
    # Seconds for a whole request: connecting, redirects and every byte of the answer.
    timeout: float = 10.0
    # The most of an answer read: far above any thread's, far below what hurts.
    max_bytes: int = 8 * 1024 * 1024
    max_redirects: int = 5
    attempts: int = 3
    # The first retry waits about this many seconds, each further one twice as long.
    backoff: float = 1.0
    # A platform asking for a longer pause than this is not waited for: the author can retry.
    max_retry_after: float = 60.0
    # Injectable so tests can record the waits instead of waiting.
    sleep: Sleep = asyncio.sleep

    def __post_init__(self) -> None:
        if self.concurrency < 1 or self.attempts < 1 or self.timeout <= 0 or self.max_bytes < 1:
            raise ValueError(
                "FetchPolicy needs concurrency, attempts and max_bytes of 1 or more, timeout > 0"
            )

    def backoff_wait(self, retry: int) -> float:
        # Jitter keeps parallel requests that failed together from retrying together.
        return self.backoff * 2 ** (retry - 1) * (1 + random.random() / 2)


class FetchError(Exception):
    """A request failed for good; the message names the address and the reason.

    Safe to print: it never holds request headers, which is where tokens travel,
    server text quoted in it has any token blanked out, and the reason is one line
    of bounded length without control, direction or unencodable characters.
    """

    def __init__(self, url: str, reason: str, *, status: int | None = None) -> None:
        reason = strip_forbidden(reason, one_line=True)
        if len(reason) > REASON_LIMIT:
            reason = reason[:REASON_LIMIT] + "…"
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.status = status


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` without the tokens sent with the request (a server may echo them)."""
    return Redactor(tuple(secret for secret in secrets if secret))(text)


async def fetch_json(
    client: httpx.AsyncClient,
    url: str,
    policy: FetchPolicy,
    *,
    method: str = "GET",
    headers: Mapping[str, str] | None = None,
    body: Any = None,
) -> Any:
    """The decoded JSON at ``url``; raise FetchError once retries cannot help."""
    secrets = _secrets(headers or {})
    tries = _attempts(policy.attempts)
    for attempt in range(1, policy.attempts + 1):
        status = None
        try:
            request = client.build_request(
                method, url, headers=headers, json=body, timeout=policy.timeout
            )
            response, data = await _exchange(client, request, policy)
        except (TimeoutError, httpx.TimeoutException):
            failure = f"timed out after {policy.timeout:g} s ({tries})"
            wait = policy.backoff_wait(attempt)
        except AddressRefused as error:
            raise FetchError(url, f"refused: {error}") from None
        except BodyRefused as error:
            raise FetchError(url, str(error)) from None
        except httpx.TransportError as error:
            said = redact(str(error), secrets) or type(error).__name__
            failure, wait = f"could not connect: {said} ({tries})", policy.backoff_wait(attempt)
        except (httpx.RequestError, httpx.InvalidURL) as error:
            raise FetchError(url, f"request failed: {redact(str(error), secrets)}") from None
        else:
            if response.is_success:
                return _decoded(response, data, url)
            status = response.status_code
            wait = _wait(response, data, url, policy, attempt, secrets)
            failure = f"HTTP {status} after {tries}"
        if attempt < policy.attempts:
            await policy.sleep(wait)
    raise FetchError(url, failure, status=status)


async def _exchange(
    client: httpx.AsyncClient, request: httpx.Request, policy: FetchPolicy
) -> tuple[httpx.Response, bytes]:
    """The final answer to ``request`` and its body, within one deadline for the whole.

    httpx's timeout bounds each read, so a server sending a byte every few seconds
    would never trip it; the deadline here covers connecting, every redirect and
    every byte. Redirects are followed here, not by httpx, which would read each
    redirect's body whole; httpx still builds them, dropping the Authorization
    header when a redirect leaves the origin, so a token never travels elsewhere.
    """
    async with asyncio.timeout(policy.timeout):
        for _ in range(policy.max_redirects + 1):
            response = await client.send(request, stream=True, follow_redirects=False)
            try:
                if response.next_request is None:
                    return response, await read_limited(response, policy.max_bytes)
            finally:
                await response.aclose()
            request = response.next_request
    raise FetchError(str(request.url), f"more than {policy.max_redirects} redirects")


def _secrets(headers: Mapping[str, str]) -> list[str]:
    """The credential in an Authorization header, with and without its scheme word."""
    found = []
    for name, value in headers.items():
        if name.lower() == "authorization":
            found += [value, value.partition(" ")[2]]
    return [secret for secret in found if secret]


def _wait(
    response: httpx.Response,
    data: bytes,
    url: str,
    policy: FetchPolicy,
    attempt: int,
    secrets: list[str],
) -> float:
    """Seconds to wait before retrying a busy or broken server; raise if a retry cannot help."""
    status = response.status_code
    if status != 429 and status < 500:
        # Redacted before it is cut: a credential cut in two is no longer found whole.
        said = redact(_server_message(data), secrets)[:MESSAGE_LIMIT]
        reason = f"HTTP {status} {response.reason_phrase}".rstrip() + (f": {said}" if said else "")
        raise FetchError(url, reason, status=status)
    pause = retry_after(response)
    if pause is not None and pause > policy.max_retry_after:
        asked = f"{pause:.0f} s" if pause < 10**9 else f"more than {policy.max_retry_after:g} s"
        raise FetchError(url, f"rate limited for {asked}; try later", status=status)
    return pause if pause is not None else policy.backoff_wait(attempt)


def retry_after(response: httpx.Response) -> float | None:
    """Seconds the server asked us to wait: ``Retry-After`` is seconds or an HTTP date."""
    return retry_after_seconds(response.headers.get("Retry-After", ""))


def _decoded(response: httpx.Response, data: bytes, url: str) -> Any:
    try:
        return loads_bounded(data)
    except JsonRefused as error:
        kind = response.headers.get("Content-Type", "no content type").split(";")[0]
        raise FetchError(
            url,
            f"the response was not JSON Hearth reads (HTTP {response.status_code}, {kind}): "
            f"{error}",
        ) from None


def _server_message(data: bytes) -> str:
    """GitHub, Mastodon and Discourse explain refusals in a JSON field; show it if present."""
    try:
        found = loads_bounded(data)
    except JsonRefused:
        return ""
    if not isinstance(found, dict):
        return ""
    for key in ("message", "error", "errors"):
        value = found.get(key)
        if isinstance(value, list):
            value = "; ".join(str(item) for item in value[:10])
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())
    return ""


def _attempts(count: int) -> str:
    return "1 attempt" if count == 1 else f"{count} attempts"
