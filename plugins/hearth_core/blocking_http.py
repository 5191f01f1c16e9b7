"""HTTP for synchronous callers, each exchange ended by one deadline for the whole.

httpx's timeouts bound each read, not their sum: a host sending its status line and
headers one byte every few seconds never trips them, and a synchronous client checking
the clock between body pieces only notices once the headers are in. The asynchronous
clients put ``asyncio.timeout`` around the whole exchange (connecting, sending, the
headers, the body); this does the same for code that is not async, on a private event
loop that lives as long as the client, so its connections are kept between requests.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from hearth_core.http_limits import BodyRefused, read_limited

# What read_limited inflates; a host is not invited to send anything else.
ACCEPT_ENCODING = "gzip, deflate"


class PastDeadline(httpx.TimeoutException):
    """The whole answer had not arrived by the exchange's deadline."""


class AnswerRefused(BodyRefused):
    """An answer's body Hearth will not read (``BodyRefused``), with the answer's status."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class BlockingClient:
    """An ``httpx.AsyncClient`` driven synchronously; ``options`` are the AsyncClient's.

    Use it in a ``with`` block (or call ``close``). Not for code already running in an
    event loop: that code uses ``asyncio.timeout`` and ``read_limited`` directly.
    """

    def __init__(self, **options: Any) -> None:
        headers = httpx.Headers(options.pop("headers", None))
        headers.setdefault("Accept-Encoding", ACCEPT_ENCODING)
        self._runner = asyncio.Runner()
        self._http = httpx.AsyncClient(headers=headers, **options)

    def __enter__(self) -> BlockingClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        try:
            self._runner.run(self._http.aclose())
        finally:
            self._runner.close()

    @property
    def base_url(self) -> httpx.URL:
        return self._http.base_url

    @property
    def headers(self) -> httpx.Headers:
        """The headers every request carries (httpx's repr of them hides credentials)."""
        return self._http.headers

    def build_request(self, method: str, url: str, **options: Any) -> httpx.Request:
        return self._http.build_request(method, url, **options)

    def send(
        self, request: httpx.Request, *, seconds: float, max_bytes: int
    ) -> tuple[int, httpx.Headers, bytes]:
        """The status, headers and body (decoded, at most ``max_bytes``) of ``request``'s
        answer, all within ``seconds``; redirects are answers, never followed.

        Raises PastDeadline when the time is up, any other httpx.HTTPError when the
        exchange fails, and AnswerRefused (a BodyRefused) for a body too large.
        """
        if seconds <= 0:
            raise PastDeadline("no time was left for the exchange", request=request)
        return self._runner.run(self._exchange(request, seconds, max_bytes))

    async def _exchange(
        self, request: httpx.Request, seconds: float, max_bytes: int
    ) -> tuple[int, httpx.Headers, bytes]:
        try:
            async with asyncio.timeout(seconds):
                response = await self._http.send(request, stream=True, follow_redirects=False)
                try:
                    body = await read_limited(response, max_bytes)
                except BodyRefused as error:
                    raise AnswerRefused(str(error), response.status_code) from None
                finally:
                    await response.aclose()
        except TimeoutError:
            raise PastDeadline(f"no whole answer within {seconds:g} s", request=request) from None
        return response.status_code, response.headers, body
