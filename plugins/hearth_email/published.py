"""Whether the PNGs an email shows for its SVGs are live at their public addresses yet.

The build publishes them with the site; an email sent before that shows broken images.
Each is asked for with a HEAD request (a GET, unread, where HEAD is not allowed), to the
site's own address only, within one deadline for them all.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import httpx

from hearth_core.http_limits import AddressRefused, PublicOnly, origin_of
from hearth_email.model import RenderedEmail

# The whole check, every image together: `invoke send` waits no longer than this.
DEADLINE_SECONDS = 10.0
MAX_REDIRECTS = 3
# Names reserved for examples and tests (RFC 2606, RFC 6761): never a live site, so never
# asked. The demo's address is one, until an author sets their own.
RESERVED_DOMAINS = ("example", "invalid", "test", "example.com", "example.net", "example.org")


def made_pngs(email: RenderedEmail) -> list[str]:
    """The addresses of the PNGs made of the email's SVGs, each once."""
    return list(dict.fromkeys(i.url for i in email.images if i.svg and i.file is not None))


def unpublished_images(email: RenderedEmail, deadline: float = DEADLINE_SECONDS) -> list[str]:
    """A warning for each PNG of the email's that its site does not serve yet."""
    urls = made_pngs(email)
    if not urls:
        return []
    reserved = [url for url in urls if _reserved(url)]
    asked = [url for url in urls if url not in reserved]
    answers = dict(zip(asked, asyncio.run(_ask_all(asked, deadline)) if asked else [], strict=True))
    for url in reserved:
        answers[url] = (
            f"{origin_of(url)[0]} is a name reserved for examples, never a live site: set "
            "HEARTH_SITEURL, or PUBLIC_URL in publishconf.py, to your site's address"
        )
    return [
        f"the image {url} is not live yet ({answer}): publish the site (`invoke publish`) "
        "before the email goes out, or its readers see a broken image"
        for url in urls
        if (answer := answers[url])
    ]


def _reserved(url: str) -> bool:
    host = origin_of(url)[0].rstrip(".")
    return any(host == name or host.endswith(f".{name}") for name in RESERVED_DOMAINS)


async def _ask_all(urls: Sequence[str], deadline: float) -> list[str]:
    # The settings name the site's address: a local or private one is asked too.
    transport = PublicOnly(allowed={origin_of(url) for url in urls})
    async with httpx.AsyncClient(
        transport=transport,
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        timeout=deadline,
        headers={"User-Agent": "Hearth (checks an email's images are published)"},
    ) as client:
        try:
            async with asyncio.timeout(deadline):
                return list(await asyncio.gather(*(_missing(client, url) for url in urls)))
        except TimeoutError:
            return [f"no answer within {deadline:g} s"] * len(urls)


async def _missing(client: httpx.AsyncClient, url: str) -> str:
    """Why ``url`` is not served as an image; "" when it is."""
    try:
        response = await client.head(url)
        if response.status_code in (405, 501):
            async with client.stream("GET", url) as response:
                pass  # the status is all that is asked: the body is never read
    except httpx.HTTPError as error:
        return f"cannot reach it: {_why(error)}"
    if response.status_code != 200:
        return f"the site answers {response.status_code}"
    return ""


def _why(error: httpx.HTTPError) -> str:
    """In Hearth's words: an error's own text may quote what the host sent."""
    if isinstance(error, AddressRefused):
        return str(error)
    if isinstance(error, httpx.ConnectError):
        return "no connection"
    if isinstance(error, httpx.TimeoutException):
        return "no answer in time"
    if isinstance(error, httpx.TooManyRedirects):
        return f"more than {MAX_REDIRECTS} redirects"
    return f"the answer is not HTTP ({type(error).__name__})"
