"""What pages say about themselves at the public address: card metadata and the site's path.

Canonical links, Open Graph and Twitter cards need absolute URLs. A site served under a
sub-path (GitHub project pages: ``https://owner.github.io/newsletter``) also needs the
root-relative links authors write ("/issues/3/") moved under that path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from hearth_core.settings import SettingsError, absolute_site_url

# Markdown quotes attributes with ", raw HTML in an issue may use '; "//host" is another host.
ROOT_LINK = re.compile(r"""(\s(?:href|src)=(["']))/(?!/)""")


@dataclass(frozen=True)
class SiteMeta:
    """Site-wide card data; each template adds its own title, description, path and type."""

    name: str
    url: str
    image: str


def site_meta(settings: dict[str, Any]) -> SiteMeta:
    """``url`` is the absolute base without a trailing slash; ``image`` is absolute or empty."""
    url = absolute_site_url(settings)
    if urlsplit(url).scheme not in ("http", "https"):
        raise SettingsError(
            f"{url!r} is not an absolute address: set it (or SITEURL) to the site's "
            "http:// or https:// address; canonical links and link previews need it",
            setting="FEED_DOMAIN",
        )
    image = settings.get("SITE_IMAGE") or ""
    if not isinstance(image, str):
        raise SettingsError(
            f"must be the card image's address or its path in the site, not {image!r}",
            setting="SITE_IMAGE",
        )
    if image and not urlsplit(image).scheme:
        image = f"{url}/{image.lstrip('/')}"
    return SiteMeta(settings["SITENAME"], url, image)


def site_path(settings: dict[str, Any]) -> str:
    """The path the site is served under: "" at a domain's root, "/newsletter" below one."""
    return urlsplit(str(settings.get("SITEURL") or "")).path.rstrip("/")


def under_site_path(html: str, path: str) -> str:
    """``html`` with its root-relative ``href`` and ``src`` links moved under ``path``."""
    if not path:
        return html
    return ROOT_LINK.sub(lambda match: f"{match[1]}{path}/", html)
