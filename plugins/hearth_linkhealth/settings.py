"""``HEARTH_WEBRING``, ``HEARTH_FEDIVERSE`` and ``HEARTH_LINKHEALTH``: defaults, checked once."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

from hearth_core.settings import SettingsError, plugin_settings
from hearth_core.weburl import check_web_url

WEBRING_DEFAULTS: dict[str, Any] = {
    # The ring's name, shown in the footer; empty: no webring.
    "name": "",
    # The ring's own page (optional).
    "home": "",
    # The neighbours' addresses, as the ring gives them ...
    "previous": "",
    "next": "",
    "random": "",
    # ... or the ring's OPML file (under content/), and this site's address in it.
    "opml": "",
    "site": "",
}
FEDIVERSE_DEFAULTS: dict[str, Any] = {
    # The newsletter's own accounts: {"name": ..., "url": ...}, linked with rel="me".
    "accounts": [],
    # Write the _redirects file that lets Bridgy Fed answer for this domain.
    "bridgy_fed": False,
}
LINKHEALTH_DEFAULTS: dict[str, Any] = {
    # A link that answered well is asked again only after this long (lychee's units).
    "recheck_after": "20d",
    # Seconds one request may take before the link counts as timed out.
    "timeout": 20,
    # Times lychee asks again after a failure, before calling a link dead.
    "retries": 2,
    # Status codes that count as alive (lychee's ranges).
    "accept": "200..=299,429",
    # Regular expressions of addresses never checked.
    "exclude": [],
    # The Wayback Machine's availability API (HEARTH_WAYBACK_API overrides it).
    "wayback_api": "https://archive.org/wayback/available",
}


def _refuse_misspelt(settings: Mapping[str, Any], name: str, defaults: Mapping[str, Any]) -> None:
    """Before ``plugin_settings``: a misspelt key is named with the key it probably meant."""
    given = settings.get(name) or {}
    if not isinstance(given, Mapping):
        return  # plugin_settings says what it must be
    for key in sorted(set(given) - set(defaults), key=str):
        close = difflib.get_close_matches(str(key), list(defaults), n=1)
        if close:
            raise SettingsError(
                f"unknown key {key!r}: did you mean {close[0]!r}? "
                f"Allowed keys are {', '.join(sorted(defaults))}",
                setting=name,
                key=(str(key),),
            )


def web_address(name: str, key: tuple[str | int, ...], value: str) -> str:
    """``value`` if it is an http(s) address a page may link to; SettingsError (about
    ``key`` in the setting ``name``) otherwise."""
    try:
        return check_web_url(value)
    except ValueError as error:
        # Most of check_web_url's messages name the address already; the length's does not.
        start = repr(value) if len(value) <= 80 else repr(value[:60] + "…")
        said = str(error) if str(error).startswith(repr(value)) else f"{start} {error}"
        raise SettingsError(said, setting=name, key=key) from None


def webring_options(settings: Mapping[str, Any]) -> dict[str, Any]:
    _refuse_misspelt(settings, "HEARTH_WEBRING", WEBRING_DEFAULTS)
    options = plugin_settings(settings, "HEARTH_WEBRING", WEBRING_DEFAULTS)
    where = "HEARTH_WEBRING"
    named = bool(options["name"].strip())
    given = [key for key in WEBRING_DEFAULTS if key != "name" and options[key]]
    if given and not named:
        raise SettingsError("give the ring's 'name', shown in the footer", setting=where)
    if not named:
        return options
    links = [key for key in ("previous", "next", "random") if options[key]]
    if options["opml"] and {"previous", "next"} & set(links):
        raise SettingsError(
            "give either 'opml' (previous and next come from this site's place in "
            "it) or 'previous' and 'next', not both",
            setting=where,
        )
    if not options["opml"] and not links:
        raise SettingsError(
            "give the ring's 'previous' and 'next' addresses (and 'random' if it "
            "has one), or its 'opml' file",
            setting=where,
        )
    for key in ("home", "previous", "next", "random", "site"):
        if options[key]:
            web_address(where, (key,), options[key])
    if options["opml"] and not options["site"]:
        raise SettingsError(
            "with 'opml', give 'site': this site's public address as the ring's "
            "file lists it, for example 'https://news.example.org/'",
            setting=where,
        )
    return options


def fediverse_options(settings: Mapping[str, Any]) -> dict[str, Any]:
    _refuse_misspelt(settings, "HEARTH_FEDIVERSE", FEDIVERSE_DEFAULTS)
    options = plugin_settings(settings, "HEARTH_FEDIVERSE", FEDIVERSE_DEFAULTS)
    for index, account in enumerate(options["accounts"]):
        where = ("accounts", index)
        if not isinstance(account, Mapping) or set(account) != {"name", "url"}:
            raise SettingsError(
                "must be a dict with 'name' and 'url' only, like "
                "{'name': '@news@social.example', 'url': 'https://social.example/@news'}",
                setting="HEARTH_FEDIVERSE",
                key=where,
            )
        if not isinstance(account["name"], str) or not account["name"].strip():
            raise SettingsError("'name' must be text", setting="HEARTH_FEDIVERSE", key=where)
        web_address("HEARTH_FEDIVERSE", (*where, "url"), str(account["url"]))
    return options


def linkhealth_options(settings: Mapping[str, Any]) -> dict[str, Any]:
    _refuse_misspelt(settings, "HEARTH_LINKHEALTH", LINKHEALTH_DEFAULTS)
    options = plugin_settings(settings, "HEARTH_LINKHEALTH", LINKHEALTH_DEFAULTS)
    where = "HEARTH_LINKHEALTH"
    if not _duration(options["recheck_after"]):
        raise SettingsError(
            f"{options['recheck_after']!r} is not a duration: "
            "write a number and a unit, like '20d' or '12h'",
            setting=where,
            key=("recheck_after",),
        )
    for key, least in (("timeout", 1), ("retries", 0)):
        if isinstance(options[key], bool) or options[key] < least:
            raise SettingsError(
                f"must be a whole number of at least {least}", setting=where, key=(key,)
            )
    if not all(isinstance(pattern, str) for pattern in options["exclude"]):
        raise SettingsError(
            "must be a list of regular expressions", setting=where, key=("exclude",)
        )
    return options


def _duration(value: str) -> bool:
    number, unit = value[:-1], value[-1:]
    return number.isascii() and number.isdigit() and unit in {"s", "m", "h", "d", "w"}


def check_link_settings(settings: Mapping[str, Any]) -> None:
    """Raise SettingsError for any mistake in the three settings, as a build would."""
    from hearth_linkhealth.fediverse import bridgy_fed_redirects
    from hearth_linkhealth.webring import webring

    webring(settings)
    bridgy_fed_redirects(settings)
    fediverse_options(settings)
    linkhealth_options(settings)
