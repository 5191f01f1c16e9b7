"""When two addresses members share are the same link.

Which addresses are accepted at all is hearth_core.weburl's rule.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import SplitResult, urlsplit, urlunsplit

WEB_SCHEMES = ("http", "https")
DEFAULT_PORTS = {"http": 80, "https": 443}
TRACKING_PARAMETERS = frozenset(
    {"fbclid", "gclid", "mc_cid", "mc_eid", "ref_src", "igshid", "yclid", "msclkid"}
)


def ascii_host(host: str) -> str:
    """The host in lower case ASCII: IDNA ("xn--") for international names."""
    host = host.lower().rstrip(".")
    if host.isascii():
        # What IDNA gives an ASCII name, or the name itself when it cannot: the same.
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        # Not a name IDNA can encode; it can still be compared, and the
        # host check rejects it for members' links.
        return host


# Each member link is compared in several places (duplicates, issues' Community
# lists, anchors, discussions): remember the recent ones, each computed once.
@lru_cache(maxsize=1 << 18)
def normalize_url(url: str) -> str:
    """The form two addresses share when they are the same link, for finding duplicates.

    http and https count as one link: it is the same article on the same site,
    and sites that moved to https redirect the old address there. Fragments
    stay, so two sections of one long page remain two links.
    """
    plain = PLAIN_URL.fullmatch(url)
    if plain:
        path = plain["path"] or ""
        return f"https://{plain['host']}{path[:-1] if path.endswith('/') else path}"
    return _normalize(url)


# Most addresses are plain: a lower-case host, perhaps a path, nothing else. Their
# form is found without urlsplit, which is most of the time of comparing 80,000.
PLAIN_URL = re.compile(r"https?://(?P<host>[a-z0-9-]+(?:\.[a-z0-9-]+)+)(?P<path>/[^?#\s]*)?")


def _normalize(url: str) -> str:
    parts = _split(url)
    scheme = parts.scheme.lower()
    netloc = _netloc(parts, scheme)
    if scheme in WEB_SCHEMES:
        scheme = "https"
    # "/post/" and "/post" are one page on nearly every site, and "/" is the bare host.
    path = parts.path[:-1] if parts.path.endswith("/") else parts.path
    query = "&".join(
        item for item in parts.query.split("&") if item and not _is_tracking(item.split("=")[0])
    )
    return urlunsplit((scheme, netloc, path, query, parts.fragment))


def _netloc(parts: SplitResult, scheme: str) -> str:
    host = ascii_host(parts.hostname or "")
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        return parts.netloc.lower()
    if port is None or port == DEFAULT_PORTS.get(scheme):
        return host
    return f"{host}:{port}"


def _is_tracking(name: str) -> bool:
    name = name.lower()
    return name.startswith("utm_") or name in TRACKING_PARAMETERS


@lru_cache(maxsize=1 << 18)  # a live preview asks again for every link on every build
def display_domain(url: str) -> str:
    """The site a link goes to, shown beside it: ``example.org`` for ``https://www.example.org/x``.

    International names stay in their "xn--" form on purpose: the member writes
    the title, so the domain is the reader's one honest hint of where a link
    leads, and "xn--" cannot pass for a look-alike of a familiar name.
    """
    return ascii_host(_split(url).hostname or "").removeprefix("www.")


def _split(url: str) -> SplitResult:
    # Addresses found in issues are not validated; one that cannot be split
    # compares as written instead of stopping the build.
    try:
        return urlsplit(url.strip())
    except ValueError:
        return SplitResult("", "", url.strip(), "", "")
