"""Entry ids in the one form feed readers compare: RFC 3986's normal form.

Readers tell entries apart by their id, character by character (RFC 4287, 4.2.6), so
one thread must have one spelling. An address a member or a platform gave may not:
``https://matrix.to/#/#room:server`` has a second ``#`` where a fragment may not hold
one (``%23``). The W3C Feed Validator flags every id not in this form.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote, unquote_to_bytes

_SUB_DELIMS = "!$&'()*+,;="
_RESERVED = ":/?#[]@" + _SUB_DELIMS
# What each part may hold as written, besides letters, digits and "-._~" (RFC 3986, 3.3-3.5).
_SEGMENT = _SUB_DELIMS + ":@"
_QUERY_OR_FRAGMENT = _SEGMENT + "/?"
_DEFAULT_PORTS = {"http": "80", "https": "443", "ftp": "21"}

# RFC 3986, appendix B: any string splits into these five parts.
_PARTS = re.compile(r"^(?:([^:/?#]+):)?(?://([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$", re.S)
_OCTET = re.compile(r"%[0-9A-Fa-f]{2}|.", re.S)


def canonical_id(uri: str) -> str:
    """``uri`` in RFC 3986's normal form (6.2.2): scheme and host in lower case, no
    default port, no dot segments, and each part percent-encoded only where it must be,
    with upper-case hex. Applying it twice changes nothing."""
    scheme, authority, path, query, fragment = _PARTS.match(uri).groups()  # type: ignore[union-attr]
    text = f"{scheme.lower()}:" if scheme else ""
    if authority is not None:
        text += "//" + _authority(authority, (scheme or "").lower())
    text += _path(path) if authority is not None or path.startswith("/") else _opaque(path)
    if query is not None:
        text += "?" + _component(query, _QUERY_OR_FRAGMENT)
    if fragment is not None:
        text += "#" + _component(fragment, _QUERY_OR_FRAGMENT)
    return text


def _authority(authority: str, scheme: str) -> str:
    userinfo, at, host = authority.rpartition("@")
    host, colon, port = host.rpartition(":") if _has_port(host) else (host, "", "")
    host = host.lower().rstrip(".") if host.count(".") > 1 else host.lower()
    if not host.isascii() and not host.startswith("["):
        host = _ascii_host(host)
    if port == _DEFAULT_PORTS.get(scheme) or not port:
        colon = port = ""
    userinfo = _component(userinfo, _SUB_DELIMS + ":") if at else ""
    return f"{userinfo}{at}{host}{colon}{port}"


def _ascii_host(host: str) -> str:
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:  # no IDNA form (a label too long, say): its UTF-8, encoded
        return _component(host, _SUB_DELIMS)


def _has_port(host: str) -> bool:
    return re.search(r":\d*$", host) is not None and not host.endswith("]")


def _path(path: str) -> str:
    segments = _without_dot_segments(path.split("/")) if path else ["", ""]
    return "/".join(_component(segment, _SEGMENT) for segment in segments)


def _opaque(path: str) -> str:
    """A path with no authority before it (``mailto:``, ``urn:``): only its encoding."""
    return _component(path, _SEGMENT + "/")


def _without_dot_segments(segments: list[str]) -> list[str]:
    """RFC 3986, 5.2.4, on a path split at its slashes."""
    kept: list[str] = []
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == ".":
            if last:
                kept.append("")
        elif segment == "..":
            if len(kept) > 1 or (kept and kept[0]):
                kept.pop()
            if last:
                kept.append("")
        else:
            kept.append(segment)
    return kept


def _component(text: str, allowed: str) -> str:
    """Reserved characters the part allows stay as written, encoded or not (their
    meaning differs); every other octet is decoded, then encoded where it must be."""
    out, pending = [], b""
    for token in _OCTET.findall(text):
        char = unquote_to_bytes(token).decode("latin-1") if token.startswith("%") else token
        if char in _RESERVED and char in allowed:
            out.append(_encode(pending, allowed))
            out.append(token.upper())
            pending = b""
        else:
            pending += unquote_to_bytes(token) if token.startswith("%") else token.encode()
    out.append(_encode(pending, allowed))
    return "".join(out)


def _encode(octets: bytes, allowed: str) -> str:
    # Octets that are not UTF-8 name no character: U+FFFD, as browsers show them. The
    # validator refuses them, and reads "%25E9" as "%E9" (it decodes twice).
    text = unicodedata.normalize("NFC", octets.decode("utf-8", errors="replace"))
    return quote(text, safe=allowed)
