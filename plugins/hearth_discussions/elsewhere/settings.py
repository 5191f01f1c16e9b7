"""``HEARTH_ELSEWHERE``: where to look for discussions of the site's links, and how politely."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from hearth_core.settings import SettingsError, plugin_settings
from hearth_discussions.elsewhere.model import PLATFORM_LABELS, PUBLIC_HOSTS
from hearth_discussions.settings import (
    LOOPBACK_HOSTS,
    SEARCHED_LEMMY_INSTANCES,
    searched_lemmy_instances,
)

NAME = "HEARTH_ELSEWHERE"
FILE = "elsewhere.json"
DEFAULTS: dict[str, Any] = {
    "platforms": ["hackernews", "lobsters", "lemmy", "reddit"],
    # The instances searched, recognised as Lemmy too (hearth_discussions.settings).
    "lemmy_instances": list(SEARCHED_LEMMY_INSTANCES),
    # Where to ask; "{host}" is each Lemmy instance. Tests point these at loopback.
    "apis": {},
    # A run looks at the links of the newest issues and the member links of recent days.
    "issues": 10,
    "days": 90,
    # Requests one run may make; the rest wait in the cache for the next run.
    "budget": 200,
    # Days before a link is asked about again on a platform.
    "ttl_days": 7,
    "concurrency": 4,
    # Seconds between two requests to one platform (Algolia allows 10,000 an hour;
    # Reddit about 10 a minute without an account).
    "min_interval": {},
}
APIS = {
    "hackernews": "https://hn.algolia.com/api/v1",
    "lobsters": "https://lobste.rs",
    "lemmy": "https://{host}",
    "reddit": "https://www.reddit.com",
}
MIN_INTERVAL = {"hackernews": 0.4, "lobsters": 1.0, "lemmy": 1.0, "reddit": 6.0}


def env_name(platform: str) -> str:
    """``HEARTH_ELSEWHERE_HACKERNEWS_API``: an API base set outside pelicanconf.py."""
    return f"{NAME}_{platform.upper()}_API"


def apis_from_environment() -> dict[str, str | None]:
    # Each name written out, so that the documentation's check finds every one.
    return {
        "hackernews": os.environ.get("HEARTH_ELSEWHERE_HACKERNEWS_API"),
        "lobsters": os.environ.get("HEARTH_ELSEWHERE_LOBSTERS_API"),
        "lemmy": os.environ.get("HEARTH_ELSEWHERE_LEMMY_API"),
        "reddit": os.environ.get("HEARTH_ELSEWHERE_REDDIT_API"),
    }


@dataclass(frozen=True)
class Source:
    """One place a run asks: a platform, and for Lemmy one instance."""

    platform: str
    api: str  # the base address requests go to
    host: str  # the public host its discussions are on

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.host}" if self.platform == "lemmy" else self.platform

    @property
    def label(self) -> str:
        name = PLATFORM_LABELS[self.platform]
        return f"{name} ({self.host})" if self.platform == "lemmy" else name


@dataclass(frozen=True)
class Options:
    sources: tuple[Source, ...]
    lemmy_hosts: frozenset[str]
    issues: int
    days: int
    budget: int
    ttl_days: int
    concurrency: int
    min_interval: Mapping[str, float]


def elsewhere_options(settings: Mapping[str, Any]) -> Options:
    """The checked settings; SettingsError names the key and what to write."""
    given = plugin_settings(settings, NAME, DEFAULTS)
    platforms = _platforms(given["platforms"])
    hosts = searched_lemmy_instances(settings)
    apis = _apis(given["apis"])
    sources = []
    for platform in platforms:
        if platform == "lemmy":
            sources += [Source("lemmy", apis["lemmy"].replace("{host}", h), h) for h in hosts]
        else:
            sources.append(Source(platform, apis[platform], PUBLIC_HOSTS[platform]))
    numbers = {key: given[key] for key in ("issues", "days", "budget", "ttl_days", "concurrency")}
    for key, value in numbers.items():
        least = 0 if key in ("budget", "ttl_days") else 1
        if value < least:
            raise SettingsError(f"must be {least} or more", setting=NAME, key=(key,))
    return Options(
        sources=tuple(sources),
        lemmy_hosts=frozenset(hosts),
        min_interval=_intervals(given["min_interval"]),
        **numbers,
    )


def _platforms(given: list[Any]) -> list[str]:
    unknown = [name for name in given if name not in PLATFORM_LABELS]
    if unknown:
        raise SettingsError(
            f"{unknown[0]!r} is not one it can ask: use {', '.join(PLATFORM_LABELS)}",
            setting=NAME,
            key=("platforms",),
        )
    return list(dict.fromkeys(given))


def _apis(given: Mapping[str, Any]) -> dict[str, str]:
    unknown = sorted(set(given) - set(APIS))
    if unknown:
        raise SettingsError(f"unknown platform {unknown[0]!r}", setting=NAME, key=("apis",))
    apis = {**APIS, **given}
    environment = apis_from_environment()
    for platform in APIS:
        apis[platform] = environment[platform] or apis[platform]
        base = apis[platform]
        probe = base.replace("{host}", "lemmy.example")
        parts = urlsplit(probe) if isinstance(base, str) else None
        secure = parts is not None and parts.scheme == "https" and bool(parts.hostname)
        local = parts is not None and parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS
        if not (secure or local) or (parts and (parts.query or parts.fragment)):
            raise SettingsError(
                f"(or {env_name(platform)}) must be an https:// address without query, "
                f"or http:// on this machine, not {base!r}",
                setting=NAME,
                key=("apis", platform),
            )
        apis[platform] = base.rstrip("/")
    return apis


def _intervals(given: Mapping[str, Any]) -> dict[str, float]:
    intervals = {**MIN_INTERVAL}
    for platform, seconds in given.items():
        valid = isinstance(seconds, int | float) and not isinstance(seconds, bool)
        if platform not in MIN_INTERVAL or not valid or not 0 <= seconds <= 3600:
            raise SettingsError(
                f"give seconds from 0 to 3600 for any of {', '.join(MIN_INTERVAL)}, "
                f"not {platform!r}: {seconds!r}",
                setting=NAME,
                key=("min_interval",),
            )
        intervals[platform] = float(seconds)
    return intervals
