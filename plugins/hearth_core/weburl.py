"""Which web addresses content may hold: the WHATWG URL rules, validation errors included.

Browsers read an address leniently, but the HTML checker (and so every publish)
refuses one with a WHATWG *validation error*: ``https://eve.example/a%zz``, a
``{`` or ``|`` in the path, a second ``#``. A lenient parser (``urlsplit``)
accepts all of them, so Hearth checks the URL code points itself, on top of a
host check that follows the standard's host parser (IPv4 numbers, Punycode,
UTS 46 for international names). tests/test_hostile_properties.py holds this
rule to the checker's own verdict.
"""

from __future__ import annotations

import re
import unicodedata

import idna

WEB_SCHEMES = ("http", "https")
MAX_URL_LENGTH = 2000
SCHEME = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*):")
# The WHATWG "URL code points", and a percent sign starting an escape.
_ASCII_CODE_POINTS = "A-Za-z0-9!$&'()*+,\\-./:;=?@_~"
_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17)
)
_NOT_A_CODE_POINT = re.compile(
    f"%(?![0-9A-Fa-f]{{2}})|[^{_ASCII_CODE_POINTS}%\u00a0-\U0010fffd]|[{_NONCHARACTERS}\ud800-\udfff]"
)
# Characters an address bar never shows unencoded: in a file they are a copy-paste
# accident or an attempt to make an address look unlike where it goes.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})
# A host label as a URL parser leaves an ASCII name: "_" is allowed, case is not kept.
_LABEL = re.compile(r"[a-z0-9_-]{1,63}")
_IPV4_PART = re.compile(r"0|[1-9][0-9]{0,2}")
_AUTHORITY = re.compile(r"[^/?#]*")
_NUMBER = re.compile(r"[0-9]+|0[xX][0-9A-Fa-f]*")

# Most addresses pass every check below: http(s), a lower-case host of dotted names
# ending in a letter label and without Punycode, then URL code points only, one "#".
_CODE_POINTS = f"(?:[{_ASCII_CODE_POINTS}]|%[0-9A-Fa-f]{{2}})*"
PLAIN_WEB_URL = re.compile(
    r"https?://(?:(?!xn--)[a-z0-9_-]{1,63}\.)+(?!xn--)[a-z][a-z0-9_-]{0,62}"
    f"(?:[/?]{_CODE_POINTS})?(?:#{_CODE_POINTS})?"
)


def check_web_url(url: str, *, hash_in_fragment: bool = False) -> str:
    """Return ``url`` if it is an absolute http(s) address that a page may link to as written.

    Raise ValueError saying what to fix. ``hash_in_fragment`` allows a ``#`` inside
    the fragment, for a chat address (``https://matrix.to/#/#room:server``) that
    pages write with ``%23`` there.
    """
    if len(url) > MAX_URL_LENGTH:
        raise ValueError(
            f"is {len(url)} characters long, over the limit of {MAX_URL_LENGTH} for an "
            "address: link to a shorter address for the same page"
        )
    if PLAIN_WEB_URL.fullmatch(url):
        return url
    return checked_in_full(url, hash_in_fragment=hash_in_fragment)


def checked_in_full(url: str, *, hash_in_fragment: bool = False) -> str:
    """``check_web_url`` without its shortcut for plain addresses (which tests compare)."""
    if url != url.strip():
        raise ValueError(f"{url!r} has spaces or line breaks around it: remove them")
    _check_characters(url)
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
    found = _AUTHORITY.match(rest, 2)
    assert found is not None  # it matches even an empty text
    authority = found[0]
    after = rest[2 + len(authority) :]
    _check_authority(url, authority)
    _check_code_points(url, after, hash_in_fragment)
    return url


def _check_characters(url: str) -> None:
    bad = next((c for c in url if _invisible(c) or c in '"<>`\\'), None)
    if bad is not None:
        raise ValueError(
            f"{url!r} contains {_character(bad)}, which cannot appear in a web address: "
            "copy the address again from the browser's address bar"
        )


def _check_code_points(url: str, after_host: str, hash_in_fragment: bool) -> None:
    """The path, query and fragment: URL code points and whole percent escapes only."""
    before, _hash, fragment = after_host.partition("#")
    if hash_in_fragment:
        fragment = fragment.replace("#", "%23")
    found = _NOT_A_CODE_POINT.search(before) or _NOT_A_CODE_POINT.search(fragment)
    if found is None:
        return
    character = found.group()
    if character == "%":
        raise ValueError(
            f"{url!r} has a % that is not followed by two hexadecimal digits: "
            "write a % itself as %25, or copy the address again from the browser's address bar"
        )
    if character == "#":
        raise ValueError(f"{url!r} has a second #: write it as %23")
    escaped = "".join(f"%{byte:02X}" for byte in character.encode("utf-8", "surrogatepass"))
    raise ValueError(
        f"{url!r} contains {_character(character)}, which a web address must write as "
        f"{escaped}: write that, or copy the address again from the browser's address bar"
    )


def _check_authority(url: str, authority: str) -> None:
    if "@" in authority:
        # https://trusted.example@evil.example/ goes to evil.example.
        raise ValueError(
            f"{url!r} has a user name before the host: remove everything from // to the @"
        )
    host, colon, port = authority.rpartition(":") if ":" in authority else (authority, "", "")
    if authority.startswith("[") and "]" not in authority:
        raise ValueError(f"{url!r} has a broken host name: check the part after //")
    if authority.startswith("["):
        raise ValueError(
            f"{url!r} does not name a public web site: link to an address like "
            "https://example.org/post that works for every reader"
        )
    if colon and not (port.isascii() and port.isdigit() and 0 < int(port) <= 65535):
        raise ValueError(
            f"{url!r} has a port that is not a number from 1 to 65535: remove the : and port"
        )
    if not host:
        raise ValueError(
            f"{url!r} has no host name: write the full address, like https://example.org/post"
        )
    if not _public_host(host):
        raise ValueError(
            f"{url!r} does not name a public web site: link to an address like "
            "https://example.org/post that works for every reader"
        )


def _public_host(host: str) -> bool:
    """Whether ``host`` is a dotted name (or dotted-decimal IPv4) the URL rules accept."""
    labels = host.rstrip(".").split(".") if host.isascii() else None
    if labels is None or any(label.lower().startswith("xn--") for label in labels):
        try:
            labels = idna.encode(host.rstrip("."), uts46=True).decode("ascii").split(".")
        except (idna.IDNAError, UnicodeError):
            return False
    labels = [label.lower() for label in labels]
    if len(labels) < 2 or not all(_LABEL.fullmatch(label) for label in labels):
        return False
    if _NUMBER.fullmatch(labels[-1]):
        # A host ending in a number is an IPv4 address to a URL parser.
        return len(labels) == 4 and all(
            _IPV4_PART.fullmatch(part) and int(part) <= 255 for part in labels
        )
    return True


def _invisible(character: str) -> bool:
    # Controls, formatting marks (zero-width space, right-to-left override) and
    # spaces of every kind: each makes an address look unlike where it goes.
    return character <= " " or unicodedata.category(character) in _INVISIBLE_CATEGORIES


def _character(character: str) -> str:
    if character == " ":
        return "a space"
    if _invisible(character) or not character.isprintable():
        return f"the invisible character U+{ord(character):04X}"
    return repr(character)
