"""The newsletter's fediverse accounts, and the redirects that let Bridgy Fed answer for it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from hearth_core.settings import SettingsError
from hearth_linkhealth.settings import fediverse_options

REDIRECTS_FILE = "_redirects"
BRIDGY_FED = "https://fed.brid.gy"


@dataclass(frozen=True)
class Account:
    name: str
    url: str


def fediverse_accounts(settings: Mapping[str, Any]) -> tuple[Account, ...]:
    """The newsletter's own accounts, which every page links with rel="me"."""
    accounts = fediverse_options(settings)["accounts"]
    return tuple(Account(account["name"].strip(), account["url"]) for account in accounts)


def bridgy_fed_redirects(settings: Mapping[str, Any]) -> str | None:
    """The ``_redirects`` file (Netlify, Cloudflare Pages) that sends a fediverse server's
    WebFinger and host-meta questions about this domain to Bridgy Fed; None when off."""
    if not fediverse_options(settings)["bridgy_fed"]:
        return None
    if urlsplit(str(settings.get("SITEURL") or "")).path.strip("/"):
        raise SettingsError(
            "the site is served below a path, and a fediverse server asks the domain's "
            "root (/.well-known/webfinger): turn it off and give readers the "
            "@domain@web.brid.gy handle (docs/links.md)",
            setting="HEARTH_FEDIVERSE",
            key=("bridgy_fed",),
        )
    # Both hosts keep a request's query (?resource=acct:...) when they redirect.
    return (
        "# Bridgy Fed answers for this domain, so fediverse accounts can follow the\n"
        "# newsletter (docs/links.md). Read by Netlify and Cloudflare Pages.\n"
        f"/.well-known/host-meta* {BRIDGY_FED}/.well-known/host-meta:splat 302\n"
        f"/.well-known/webfinger* {BRIDGY_FED}/.well-known/webfinger 302\n"
    )
