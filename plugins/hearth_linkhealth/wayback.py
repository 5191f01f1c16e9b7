"""The Wayback Machine's snapshot of a dead link, through its availability API.

The API's address comes from ``HEARTH_LINKHEALTH['wayback_api']`` or the environment
(``HEARTH_WAYBACK_API``: tests point it at a stand-in on loopback). Offline, or when the
archive does not answer, the suggestion is the archive's own address for the link
(``https://web.archive.org/web/<url>``), which lists its snapshots, if any, unchecked.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from hearth_core.json_limits import JsonRefused, loads_bounded

WAYBACK_API_ENV = "HEARTH_WAYBACK_API"
ARCHIVE = "https://web.archive.org/web/"
SNAPSHOT_PREFIXES = ("https://web.archive.org/web/", "http://web.archive.org/web/")
MAX_ANSWER_BYTES = 64 * 1024
MAX_SNAPSHOT_LENGTH = 4096


@dataclass(frozen=True)
class Suggestion:
    url: str
    checked: bool  # a snapshot the archive named; False: its address, not asked


class ArchiveUnreachable(Exception):
    """The archive did not answer as its API does."""


def archive_address(url: str) -> Suggestion:
    return Suggestion(f"{ARCHIVE}{url}", checked=False)


def wayback_api(options: Mapping[str, Any]) -> str:
    return os.environ.get(WAYBACK_API_ENV) or str(options["wayback_api"])


def snapshot(client: httpx.Client, api: str, url: str) -> Suggestion | None:
    """The archive's closest snapshot of ``url``; None when it has none."""
    try:
        with client.stream("GET", api, params={"url": url}) as response:
            if response.status_code != 200:
                raise ArchiveUnreachable(f"status {response.status_code}")
            body = b""
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > MAX_ANSWER_BYTES:
                    raise ArchiveUnreachable("answer too large")
        answer = loads_bounded(body)
    except (httpx.HTTPError, JsonRefused, ValueError) as error:
        raise ArchiveUnreachable(str(error)) from None
    closest = _closest(answer)
    found = closest.get("url") if closest.get("available") is True else None
    if not isinstance(found, str) or not _is_snapshot(found):
        return None
    return Suggestion("https://" + found.split("://", 1)[1], checked=True)


def _closest(answer: Any) -> Mapping[str, Any]:
    snapshots = answer.get("archived_snapshots") if isinstance(answer, Mapping) else None
    closest = snapshots.get("closest") if isinstance(snapshots, Mapping) else None
    return closest if isinstance(closest, Mapping) else {}


def _is_snapshot(url: str) -> bool:
    # The archive's own address, one line of printable ASCII: a reader may follow it.
    return (
        url.startswith(SNAPSHOT_PREFIXES)
        and len(url) <= MAX_SNAPSHOT_LENGTH
        and url.isascii()
        and url.isprintable()
        and " " not in url
    )


def suggestions(
    urls: list[str], options: Mapping[str, Any], offline: bool
) -> dict[str, Suggestion | None]:
    """A suggestion for each dead address: the archive's snapshot when it answers (None:
    it has none), its address for the link when offline or unreachable."""
    if offline or not urls:
        return {url: archive_address(url) for url in urls}
    found: dict[str, Suggestion | None] = {}
    api = wayback_api(options)
    with httpx.Client(timeout=httpx.Timeout(15.0), follow_redirects=False) as client:
        for url in urls:
            try:
                found[url] = snapshot(client, api, url)
            except ArchiveUnreachable:
                # Once the archive fails, the rest get its address without asking.
                return found | {rest: archive_address(rest) for rest in urls if rest not in found}
    return found
