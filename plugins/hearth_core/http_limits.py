"""Limits on what a remote host can make Hearth do.

Which addresses Hearth connects to at all, how much of an answer it reads, and
how it reads a ``Retry-After``: the same rules for every client that goes online.
The time a request may take is bounded by its caller, with ``asyncio.timeout``
around the whole exchange, since httpx's own timeouts bound each read, not the sum.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import math
import socket
import zlib
from collections.abc import Awaitable, Callable, Collection
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

# Names a host to the addresses it has, in the order to try them.
Resolver = Callable[[str, int], Awaitable[list[str]]]
DEFAULT_PORTS = {"http": 80, "https": 443}
# NAT64 prefixes (RFC 6052, RFC 8215) carry an IPv4 address in their last 32 bits.
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


async def system_resolver(host: str, port: int) -> list[str]:
    loop = asyncio.get_running_loop()
    found = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in found))


def is_public_address(address: str) -> bool:
    """Whether ``address`` is on the public internet: not loopback, private, link-local,
    shared, reserved or multicast, nor an IPv6 form wrapping such an IPv4 address."""
    try:
        ip = ipaddress.ip_address(address.partition("%")[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is None and any(ip in network for network in _NAT64):
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            return is_public_address(str(embedded))
    return ip.is_global and not ip.is_multicast


def origin_of(url: httpx.URL | str) -> tuple[str, int]:
    """(host, port) as a connection sees it: the host in ASCII, the port never missing."""
    url = httpx.URL(url)
    return url.raw_host.decode("ascii").lower(), url.port or DEFAULT_PORTS.get(url.scheme, 0)


class AddressRefused(httpx.RequestError):
    """A request to an address Hearth does not ask unless told to; not worth retrying."""


class PublicOnly(httpx.AsyncBaseTransport):
    """A transport that connects only to public addresses, unless an origin is allowed.

    The name is resolved here, every address it has is checked, and the request
    then goes to the checked address itself (with the name kept for the Host
    header and TLS), so a second lookup cannot answer differently. Redirects are
    requests of their own, so each is checked too.
    """

    def __init__(
        self,
        *,
        allowed: Collection[tuple[str, int]] = (),
        resolver: Resolver = system_resolver,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._allowed = frozenset(allowed)
        self._resolve = resolver
        # No connection is kept for another request: connections are pooled by address,
        # and one whose TLS proved one name must never carry a request for another.
        self._inner = transport or httpx.AsyncHTTPTransport(
            limits=httpx.Limits(max_keepalive_connections=0)
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        host, port = origin_of(request.url)
        addresses = await self._addresses(request, host, port)
        if (host, port) not in self._allowed:
            refused = [address for address in addresses if not is_public_address(address)]
            if refused:
                named = host if refused[0] == host else f"{host} (at {refused[0]})"
                raise AddressRefused(
                    f"{named} is not a public address; Hearth asks a private or local "
                    "address only where the settings name it",
                    request=request,
                )
        # Each address in turn, as a browser would; the last one's failure is the answer.
        for address in addresses[:-1]:
            with contextlib.suppress(httpx.ConnectError):
                return await self._inner.handle_async_request(_pinned(request, host, address))
        return await self._inner.handle_async_request(_pinned(request, host, addresses[-1]))

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def _addresses(self, request: httpx.Request, host: str, port: int) -> list[str]:
        try:
            return [str(ipaddress.ip_address(host.strip("[]")))]
        except ValueError:
            pass
        try:
            found = await self._resolve(host, port)
        except (OSError, UnicodeError) as error:
            raise httpx.ConnectError(f"cannot resolve {host}: {error}", request=request) from None
        if not found:
            raise httpx.ConnectError(f"{host} has no address", request=request)
        return found


def _pinned(request: httpx.Request, host: str, address: str) -> httpx.Request:
    """``request`` sent to ``address``, with its Host header and TLS name still ``host``."""
    return httpx.Request(
        request.method,
        request.url.copy_with(host=address),
        headers=request.headers,
        stream=request.stream,
        extensions={**request.extensions, "sni_hostname": host},
    )


class BodyRefused(Exception):
    """An answer Hearth will not read: too large, or encoded in a way it does not read."""


def _inflater(encoding: str) -> Any:
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return None
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        return zlib.decompressobj()
    raise BodyRefused(f"the answer is encoded as {encoding[:40]!r}, which Hearth does not read")


async def read_limited(response: httpx.Response, max_bytes: int) -> bytes:
    """The body of a streamed ``response``, decoded, reading no more than ``max_bytes``.

    Compressed answers are inflated here, a piece at a time and never past the
    limit, so a small compressed answer cannot expand into a huge one in memory.
    Ask for ``Accept-Encoding: gzip``: other encodings are refused.
    """
    inflate = _inflater(response.headers.get("Content-Encoding", ""))
    body = bytearray()
    async for raw in response.aiter_raw():
        # zlib reads max_length 0 as "no limit": the room left is always 1 or more here.
        body += raw if inflate is None else inflate.decompress(raw, max_bytes + 1 - len(body))
        _check_size(body, max_bytes)
    if inflate is not None:
        body += inflate.flush(max_bytes + 1 - len(body))
        _check_size(body, max_bytes)
    return bytes(body)


def _check_size(body: bytearray, max_bytes: int) -> None:
    if len(body) > max_bytes:
        raise BodyRefused(f"the answer is larger than {_size(max_bytes)}, the most Hearth reads")


def _size(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count / 1024 / 1024:g} MiB"
    return f"{count / 1024:g} KiB" if count >= 1024 else f"{count} bytes"


def retry_after_seconds(value: str, now: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` value asks to wait (a number or an HTTP date), None if
    it says nothing usable; ``math.inf`` for a number too long to mean anything.

    Only ASCII digits are a number: ``"²".isdigit()`` is true in Python.
    """
    value = value.strip()
    if not value:
        return None
    if value.isascii() and value.isdigit():
        return float(value) if len(value) <= 12 else math.inf
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    try:
        return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
    except OverflowError:
        return None
