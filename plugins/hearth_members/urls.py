"""Web addresses members share: which ones we accept, and when two are the same link."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from urllib.parse import SplitResult, urlsplit, urlunsplit

SCHEME = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*):")
WEB_SCHEMES = ("http", "https")
DEFAULT_PORTS = {"http": 80, "https": 443}
HOST = re.compile(r"^[a-z0-9_-]+(?:\.[a-z0-9_-]+)+$")
# Characters a browser's address bar never shows unencoded; in a file they are a
# copy-paste accident or an attempt to break out of an href attribute.
NOT_IN_URLS = frozenset('"<>`\\')
# The same for an address all in ASCII, where only the controls and the space are
# invisible: one search instead of a Unicode lookup per character.
ASCII_NOT_IN_URLS = re.compile(r'[\x00-\x20\x7f"<>`\\]')
INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})
TRACKING_PARAMETERS = frozenset(
    {"fbclid", "gclid", "mc_cid", "mc_eid", "ref_src", "igshid", "yclid", "msclkid"}
)


# An address every check below accepts, as most are: http(s), a lower-case host of
# dotted names with no user, port or final dot, then the rest in visible ASCII but
# for the characters above. One match instead of the checks (a tenth of the time).
PLAIN_WEB_URL = re.compile(
    r"https?://[a-z0-9_-]+(?:\.[a-z0-9_-]+)+(?:[/?#][^\x00-\x20\x7f-\U0010ffff\"<>`\\]*)?"
)


def check_web_url(url: str) -> str:
    """Return ``url`` if it is an absolute http(s) address; raise ValueError saying what to fix."""
    if PLAIN_WEB_URL.fullmatch(url):
        return url
    if url != url.strip():
        raise ValueError(f"{url!r} has spaces or line breaks around it: remove them")
    if url.isascii():
        found = ASCII_NOT_IN_URLS.search(url)
        bad = found[0] if found else None
    else:
        bad = next((c for c in url if _invisible(c) or c in NOT_IN_URLS), None)
    if bad is not None:
        raise ValueError(
            f"{url!r} contains {_character(bad)}, which cannot appear in a web address: "
            "copy the address again from the browser's address bar"
        )
    match = SCHEME.match(url)
    if not match:
        raise ValueError(f"{url!r} has no scheme: write https://{url.lstrip('/')}")
    scheme = match["scheme"].lower()
    if scheme not in WEB_SCHEMES:
        raise ValueError(
            f"{url!r} is a {scheme}: address, not a web page: only http:// and https:// "
            "addresses can be shared"
        )
    rest = url[match.end() :]
    if not rest.startswith("//"):
        raise ValueError(
            f"{url!r} needs two slashes after {scheme}: write {scheme}://{rest.lstrip('/')}"
        )
    _check_host(url)
    return url


def _check_host(url: str) -> None:
    try:
        parts = urlsplit(url)
    except ValueError:  # an unclosed "[" of an IPv6 host
        raise ValueError(f"{url!r} has a broken host name: check the part after //") from None
    if not parts.hostname:
        raise ValueError(
            f"{url!r} has no host name: write the full address, like https://example.org/post"
        )
    if "@" in parts.netloc:
        # https://trusted.example@evil.example/ goes to evil.example.
        raise ValueError(
            f"{url!r} has a user name before the host: remove everything from // to the @"
        )
    try:
        parts.port  # noqa: B018 - urlsplit checks the port only when asked
    except ValueError:
        raise ValueError(
            f"{url!r} has a port that is not a number from 1 to 65535: remove the : and port"
        ) from None
    if not HOST.match(ascii_host(parts.hostname)):
        raise ValueError(
            f"{url!r} does not name a public web site: link to an address like "
            "https://example.org/post that works for every reader"
        )


def _invisible(character: str) -> bool:
    # Controls, formatting marks (zero-width space, right-to-left override) and
    # spaces of every kind: each makes an address look unlike where it goes.
    return character <= " " or unicodedata.category(character) in INVISIBLE_CATEGORIES


def _character(character: str) -> str:
    if character == " ":
        return "a space"
    if _invisible(character):
        return f"the invisible character U+{ord(character):04X}"
    return repr(character)


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
