"""``HEARTH_DISCUSSIONS``: the community's chat spaces and the index's options."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from hearth_core.platforms import DEFAULT_LEMMY_INSTANCES, PLATFORM_NAMES
from hearth_core.settings import SettingsError, plugin_settings
from hearth_discussions.model import ChatSpace

DEFAULTS: dict[str, Any] = {
    # Folder under content/ with standalone threads and the synced activity file.
    "path": "discussions",
    "spaces": [],
    # How many discussions the home page shows.
    "home_limit": 5,
    # Hosts whose /post/<id> addresses are Lemmy posts, with every instance
    # HEARTH_ELSEWHERE["lemmy_instances"] searches; any other host keeps its own label.
    "lemmy_instances": list(DEFAULT_LEMMY_INSTANCES),
    # Platform -> the API address sync asks instead of the platform's public one.
    "apis": {},
}
# Platforms with one public API (or, for Lemmy, one per instance) whose address an
# ``apis`` entry or an environment variable replaces: a mirror, or a test's fake server.
REPLACEABLE_APIS = ("bluesky", "hackernews", "lobsters", "lemmy")


def api_variables(environ: Mapping[str, str]) -> dict[str, tuple[str, str]]:
    """Platform -> (the environment variable's name, its value) for each replaceable API."""
    return {
        "bluesky": ("HEARTH_BLUESKY_API", environ.get("HEARTH_BLUESKY_API", "")),
        "hackernews": ("HEARTH_HACKERNEWS_API", environ.get("HEARTH_HACKERNEWS_API", "")),
        "lobsters": ("HEARTH_LOBSTERS_API", environ.get("HEARTH_LOBSTERS_API", "")),
        "lemmy": ("HEARTH_LEMMY_API", environ.get("HEARTH_LEMMY_API", "")),
    }


# One GitHub token for every feature that asks GitHub (this sync and `invoke announce`):
# Hearth's own name first, then the name GitHub Actions workflows pass their token as.
TOKEN_VARIABLES = ("HEARTH_GITHUB_TOKEN", "GITHUB_TOKEN")


def github_token_from(environ: Mapping[str, str] = os.environ) -> tuple[str, str] | None:
    """(the variable it was read from, the token), or None: ``HEARTH_GITHUB_TOKEN``, else
    ``GITHUB_TOKEN``. An empty one counts as unset, as a workflow passes a missing secret.
    From the environment only: a token must never be written in a committed file."""
    # Each name read literally, so that the documentation's check finds both.
    given = {
        "HEARTH_GITHUB_TOKEN": environ.get("HEARTH_GITHUB_TOKEN", ""),
        "GITHUB_TOKEN": environ.get("GITHUB_TOKEN", ""),
    }
    for variable in TOKEN_VARIABLES:
        if given[variable].strip():
            return variable, given[variable].strip()
    return None


def github_token(environ: Mapping[str, str] = os.environ) -> str | None:
    """The GitHub token (see ``github_token_from``), or None."""
    found = github_token_from(environ)
    return found[1] if found else None


HOST_NAME = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
SPACE_KEYS = {"platform", "name", "url", "join", "description", "api"}
REQUIRED_SPACE_KEYS = ("platform", "name", "url")
ACTIVITY_FILE = "activity.json"
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


def discussion_options(settings: Mapping[str, Any]) -> dict[str, Any]:
    return plugin_settings(settings, "HEARTH_DISCUSSIONS", DEFAULTS)


def chat_spaces(settings: Mapping[str, Any]) -> list[ChatSpace]:
    """The configured spaces, checked: a mistake here names the space and the key."""
    spaces = discussion_options(settings)["spaces"]
    return [_space(index, given) for index, given in enumerate(spaces)]


def _space(index: int, given: Any) -> ChatSpace:

    def refused(what: str) -> SettingsError:
        return SettingsError(what, setting="HEARTH_DISCUSSIONS", key=("spaces", index))

    if not isinstance(given, Mapping):
        raise refused("must be a dict with platform, name and url")
    unknown = sorted(set(given) - SPACE_KEYS)
    if unknown:
        raise refused(
            f"has unknown keys {', '.join(unknown)}: "
            f"allowed keys are {', '.join(sorted(SPACE_KEYS))}"
        )
    for key in REQUIRED_SPACE_KEYS:
        if not isinstance(given.get(key), str) or not given[key].strip():
            raise refused(f"needs {key!r} (text)")
    platform = given["platform"]
    if platform not in PLATFORM_NAMES and platform != "other":
        raise refused(
            f"platform {platform!r} is not one Hearth knows: use one of "
            f"{', '.join(sorted(PLATFORM_NAMES))} or 'other'"
        )
    if not isinstance(given.get("description") or "", str):
        raise refused("'description' must be text")
    for key in ("url", "join", "api"):
        value = given.get(key)
        if value is not None and (not isinstance(value, str) or not value.startswith("https://")):
            local = isinstance(value, str) and _plain_http_loopback(value)
            if key != "api" or not local:
                raise refused(f"{key!r} must be an https:// address, not {value!r}")
    return ChatSpace(
        platform=platform,
        name=given["name"].strip(),
        url=given["url"],
        join=given.get("join") or given["url"],
        description=(given.get("description") or "").strip(),
        api=given.get("api"),
    )


def _plain_http_loopback(address: str) -> bool:
    """An ``http://`` api on this machine itself (a local test server): nothing else
    may go without TLS, as a token or the answers could be read or changed on the way."""
    parts = urlsplit(address)
    return parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS


def lemmy_instances(settings: Mapping[str, Any]) -> frozenset[str]:
    """The hosts whose ``/post/<id>`` addresses are Lemmy posts, checked: those
    HEARTH_DISCUSSIONS['lemmy_instances'] lists, and every instance `invoke
    sync-discussions --elsewhere` searches (HEARTH_ELSEWHERE['lemmy_instances']): an
    instance the author has Hearth search is one whose posts are Lemmy posts."""
    given = discussion_options(settings)["lemmy_instances"]
    for host in given:
        if not isinstance(host, str) or not HOST_NAME.match(host):
            raise SettingsError(
                f"{host!r} is not a host name: write it as lemmy.world, without https:// or a path",
                setting="HEARTH_DISCUSSIONS",
                key=("lemmy_instances",),
            )
    return frozenset(given) | frozenset(searched_lemmy_instances(settings))


# HEARTH_ELSEWHERE["lemmy_instances"], read here beside the list above so that both Lemmy
# lists are in one place: Lemmy federates, so two large instances see most posts of the others.
ELSEWHERE = "HEARTH_ELSEWHERE"
SEARCHED_LEMMY_INSTANCES = ("lemmy.world", "lemmy.ml")
# The rule HEARTH_ELSEWHERE has always checked its hosts by (looser than HOST_NAME): no
# search list that worked before is refused now that it is recognised too.
SEARCHED_HOST_NAME = re.compile(r"[a-z0-9-]+(\.[a-z0-9-]+)+")


def searched_lemmy_instances(settings: Mapping[str, Any]) -> list[str]:
    """The Lemmy instances `invoke sync-discussions --elsewhere` searches, checked, in order."""
    given = settings.get(ELSEWHERE) or {}
    if not isinstance(given, Mapping):
        raise SettingsError(f"must be a dict, not {type(given).__name__}", setting=ELSEWHERE)
    hosts = given.get("lemmy_instances", list(SEARCHED_LEMMY_INSTANCES))
    if not isinstance(hosts, list):
        raise SettingsError(
            f"must be list, not {hosts!r}", setting=ELSEWHERE, key=("lemmy_instances",)
        )
    for host in hosts:
        if not isinstance(host, str) or not SEARCHED_HOST_NAME.fullmatch(host):
            raise SettingsError(
                f"{host!r} is not a host name: write the instance's name alone, like 'lemmy.world'",
                setting=ELSEWHERE,
                key=("lemmy_instances",),
            )
    return list(dict.fromkeys(hosts))


def platform_apis(
    settings: Mapping[str, Any], environ: Mapping[str, str] = os.environ
) -> dict[str, str]:
    """Platform -> the API address that replaces its public one: an environment variable
    (``HEARTH_BLUESKY_API`` ...) wins over ``HEARTH_DISCUSSIONS['apis']``."""
    given = discussion_options(settings)["apis"]
    unknown = sorted(str(name) for name in set(given) - set(REPLACEABLE_APIS))
    if unknown:
        raise SettingsError(
            f"{unknown[0]!r} is not a platform whose API can be replaced: "
            f"use {', '.join(sorted(REPLACEABLE_APIS))}",
            setting="HEARTH_DISCUSSIONS",
            key=("apis",),
        )
    # Each address with the environment variable it came from ("": from the setting).
    found: dict[str, tuple[Any, str]] = {name: (value, "") for name, value in given.items()}
    for name, (variable, value) in api_variables(environ).items():
        if value.strip():
            found[name] = (value.strip(), variable)
    apis = {}
    for name, (value, variable) in sorted(found.items()):
        if not isinstance(value, str) or not (
            value.startswith("https://") or _plain_http_loopback(value)
        ):
            raise _refused_api(name, value, variable)
        apis[name] = value.rstrip("/")
    return apis


def _refused_api(name: str, value: Any, variable: str) -> SettingsError:
    what = f"must be an https:// address, not {value!r}"
    if variable:
        return SettingsError(f"the environment variable {variable} {what}")
    return SettingsError(what, setting="HEARTH_DISCUSSIONS", key=("apis", name))
