"""The body of ``invoke import-archive``: read, import, report."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import Any, TextIO

from hearth_core.problems import display_path
from hearth_core.settings import plugin_settings
from hearth_core.weburl import check_web_url
from hearth_import.fetch import Fetcher
from hearth_import.importer import Outcome, Places, import_posts
from hearth_import.model import ImportFailed
from hearth_import.sources import read_archive, recognise

DEFAULTS: dict[str, Any] = {
    # The most one image (or a feed given by address) may weigh, and take to arrive.
    "max_image_bytes": 10 * 1024 * 1024,
    "timeout_seconds": 20.0,
    # Other hosts the newsletter lived on (a custom domain): links there to an
    # imported post point to its issue.
    "old_hosts": [],
}
FETCH_VIA_ENV = "HEARTH_IMPORT_FETCH_VIA"


def import_archive(
    settings: Mapping[str, Any],
    source: str,
    *,
    fmt: str = "",
    dry_run: bool = False,
    old_url: str = "",
    out: TextIO | None = None,
) -> Outcome:
    out = out or sys.stdout
    if old_url:
        _check_old_url(old_url)
    options = plugin_settings(settings, "HEARTH_IMPORT", DEFAULTS)
    fetcher = Fetcher(
        max_bytes=int(options["max_image_bytes"]),
        timeout=float(options["timeout_seconds"]),
        via=os.environ.get(FETCH_VIA_ENV, ""),
    )
    fmt = fmt or recognise(source)
    archive = read_archive(source, fmt, fetcher, old_url)
    hosts = [*options["old_hosts"]] + ([_host(old_url)] if old_url else [])
    outcome = import_posts(archive, settings, fetcher, fmt=fmt, old_hosts=hosts, dry_run=dry_run)
    print("\n".join(report(outcome, fmt, dry_run, Places.of(settings))), file=out)
    if outcome.problems:
        raise ImportFailed(
            "\n".join(outcome.problems)
            + f"\n{len(outcome.problems)} post(s) not imported: fix them, then import again."
        )
    return outcome


def _check_old_url(url: str) -> None:
    """``--old-url`` is the old site's address: refused before anything is read."""
    try:
        check_web_url(url)
    except ValueError as error:
        # Some of the checks' messages name the address already.
        said = str(error) if url[:40] in str(error) else f"{url[:80]!r} {error}"
        raise ImportFailed(
            f"--old-url {said}: give the old site's address, such as https://news.example.com"
        ) from None


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).hostname or ""


def report(outcome: Outcome, fmt: str, dry_run: bool, places: Places) -> list[str]:
    lines: list[str] = []
    if dry_run:
        lines.append(f"Dry run: nothing written. A real run would write ({fmt}):")
        lines += [f"  {display_path(path)}" for path in outcome.written]
        lines += [f"  fetch {fetch}" for fetch in outcome.fetches]
        lines.append(f"  {display_path(places.state)} and {display_path(places.redirects)}")
    elif outcome.written:
        lines.append(f"Imported {len(outcome.written)} post(s) from {fmt} as issues:")
        lines += [f"  {display_path(path)}" for path in outcome.written]
        lines.append(
            f"Recorded them in {display_path(places.state)}; old addresses in "
            f"{display_path(places.redirects)}."
        )
    else:
        lines.append("Nothing to import: every post is already an issue.")
    if outcome.skipped:
        lines.append(f"Skipped {len(outcome.skipped)} post(s) imported before.")
    if outcome.missing:
        lines.append("Images not brought home (each stays a plain link):")
        lines += outcome.missing
    if outcome.written and not dry_run:
        lines.append("Run `invoke check`, then commit the new issues, images and the record.")
    return lines
