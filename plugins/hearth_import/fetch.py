"""Fetching what an archive links to: bounded in time and size, public hosts only.

``via``: an address every request goes to instead, with the original host as the
first part of the path (``http://127.0.0.1:8123/cdn.example/a.png``). The tests set it
(HEARTH_IMPORT_FETCH_VIA) to a server on loopback, the one origin then allowed; no
other private or local address is ever asked.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import httpx

from hearth_core.http_limits import BodyRefused, PublicOnly, origin_of, read_limited
from hearth_core.text import strip_forbidden

USER_AGENT = "Hearth-import (a newsletter moving its archive home)"
REASON_LIMIT = 300


class FetchFailed(Exception):
    """Why one address could not be fetched, in words for the author: one bounded line,
    whatever the host put in what it said (a Content-Type is the host's own text)."""

    def __init__(self, reason: str) -> None:
        super().__init__(strip_forbidden(reason, one_line=True)[:REASON_LIMIT])


@dataclass(frozen=True)
class Fetched:
    content_type: str
    body: bytes


@dataclass(frozen=True)
class Fetcher:
    max_bytes: int
    timeout: float
    via: str = ""

    def get(self, url: str, accept: tuple[str, ...]) -> Fetched:
        """The body at ``url``, if its type starts with one of ``accept``."""
        try:
            return asyncio.run(self._get(url, accept))
        except (httpx.InvalidURL, ValueError, UnicodeError) as error:
            raise FetchFailed(f"it is not an address Hearth can ask ({error})") from None

    def _target(self, url: str) -> str:
        if not self.via:
            return url
        parts = httpx.URL(url)
        return f"{self.via.rstrip('/')}/{parts.host}{parts.raw_path.decode('ascii')}"

    async def _get(self, url: str, accept: tuple[str, ...]) -> Fetched:
        allowed = [origin_of(self.via)] if self.via else []
        transport = PublicOnly(allowed=allowed)
        try:
            async with (
                asyncio.timeout(self.timeout),
                httpx.AsyncClient(
                    transport=transport,
                    follow_redirects=True,
                    max_redirects=5,
                    timeout=self.timeout,
                    headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip"},
                ) as client,
                client.stream("GET", self._target(url)) as response,
            ):
                if response.status_code != 200:
                    raise FetchFailed(f"the host answered {response.status_code}")
                kind = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
                if not kind.startswith(accept):
                    raise FetchFailed(f"it is {kind or 'of no stated type'}, not what was asked")
                return Fetched(kind, await read_limited(response, self.max_bytes))
        except TimeoutError:
            raise FetchFailed(f"no answer within {self.timeout:g} seconds") from None
        except (httpx.HTTPError, BodyRefused) as error:
            raise FetchFailed(str(error) or type(error).__name__) from None
