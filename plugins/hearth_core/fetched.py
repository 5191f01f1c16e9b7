"""What a page makes a reader's browser fetch as it loads: the addresses that would be
requests to other hosts, which Hearth's pages never make (no trackers, no third parties).

`invoke check` looks for them in each body's HTML, at the line to change; `invoke
publish` in every built page, as a last gate.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

# Attributes that make a browser fetch something as the page loads; plain links do not.
FETCHED = (
    "//*/@src | //*/@srcset | //*/@poster | //object/@data"
    " | //link[not(@rel='canonical' or @rel='alternate')]/@href"
)


def fetched_addresses(document: Any) -> Iterator[tuple[str, str]]:
    """``(element, address)`` for every address ``document`` (an lxml tree or element)
    loads, ``srcset``'s each: ``("img", "https://…")``."""
    for value in document.xpath(FETCHED):
        element = str(value.getparent().tag)
        for candidate in str(value).split(","):
            address = candidate.strip().split(" ")[0]
            if address:
                yield element, address


def other_host(address: str, own_host: str = "") -> str:
    """The host ``address`` is fetched from, when it is another than ``own_host``
    (``//host/x`` included); "" for an address on the page's own site."""
    host = urlsplit(address.strip()).netloc
    return host if host and host != own_host else ""
