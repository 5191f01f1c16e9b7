"""Lighthouse's performance score, mobile, on the benchmark's built archive.

The score is a timing (how soon the page paints and settles on a throttled phone), so
it is measured here, by `invoke bench`, and not held by a test: the tests hold the fixed
budgets instead (bytes per page, requests, no render-blocking script). It runs the
Lighthouse pinned in package.json (`npm install --no-package-lock --ignore-scripts`) on
Debian's Chromium (CHROME_PATH), against the archive's own pages served on loopback.
Without Node, Lighthouse or Chromium the section says why it was skipped.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from hearth_site.serve import preview_server

# The page kinds of the Lighthouse tests (tests/test_lighthouse.py), on the archive.
PAGES = {
    "home": "/",
    "issue": "/issues/1/",
    "links": "/links/",
    "discussions": "/discussions/",
    "search": "/search/",
}
SCRIPT = Path("node_modules", "lighthouse", "cli", "index.js")
CHROMIUM = "/usr/bin/chromium"
# As the browser tests start Chromium (tests/conftest.py): nothing of its own online.
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run "
    "--disable-background-networking --disable-component-update --disable-sync"
)
SECONDS_PER_PAGE = 240


@dataclass(frozen=True)
class Scores:
    """Each page kind's performance score (0 to 100), or why there are none."""

    scores: dict[str, int]
    skipped: str = ""


def lighthouse_command(repo: Path) -> list[str] | str:
    """The command that runs the pinned Lighthouse, or the reason it cannot run here."""
    node = shutil.which("node")
    if node is None:
        return "Node.js is missing (apt-get install nodejs)"
    script = repo / SCRIPT
    if not script.is_file():
        return f"{SCRIPT} is missing: run `npm install --no-package-lock --ignore-scripts`"
    if not os.path.exists(chromium()):
        return f"Chromium is missing at {chromium()} (apt-get install chromium, or set CHROME_PATH)"
    return [node, str(script)]


def chromium() -> str:
    return os.environ.get("CHROME_PATH") or shutil.which("chromium") or CHROMIUM


def performance_scores(
    repo: Path,
    output: Path,
    progress: Callable[[str], None] = print,
    pages: Mapping[str, str] = PAGES,
) -> Scores:
    """Lighthouse's mobile performance score of each page kind of the site in ``output``."""
    command = lighthouse_command(repo)
    if isinstance(command, str):
        return Scores({}, command)
    scores = {}
    with served(output) as url, tempfile.TemporaryDirectory(prefix="hearth-lh-") as scratch:
        for kind, path in pages.items():
            if not (output / path.strip("/") / "index.html").is_file():
                continue  # an archive without this kind of page
            progress(f"  Lighthouse, {kind} ({path})")
            scores[kind] = audit(command, url + path, Path(scratch) / f"{kind}.json")
    return Scores(scores)


def audit(command: list[str], url: str, report: Path) -> int:
    """The performance score of ``url``, mobile as Lighthouse sets it by default."""
    run = subprocess.run(
        [
            *command,
            url,
            "--only-categories=performance",
            "--output=json",
            f"--output-path={report}",
            "--quiet",
            "--no-enable-error-reporting",
            f"--chrome-flags={CHROME_FLAGS}",
        ],
        env={**os.environ, "CHROME_PATH": chromium()},
        capture_output=True,
        text=True,
        timeout=SECONDS_PER_PAGE,
        check=False,
    )
    if run.returncode != 0:
        raise LighthouseFailed(f"Lighthouse on {url} failed:\n{run.stderr[-2000:]}")
    found = json.loads(report.read_text(encoding="utf-8"))
    return round(found["categories"]["performance"]["score"] * 100)


class LighthouseFailed(Exception):
    """Lighthouse ran and failed; the message carries the end of what it said."""


@contextlib.contextmanager
def served(output: Path) -> Iterator[str]:
    """``output`` served on loopback as `invoke serve` serves it; its base URL."""
    server = preview_server(output, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def format_scores(scores: Scores) -> str:
    """The report's section: a row per page kind, or the reason it was skipped."""
    title = "Lighthouse performance, mobile (a timing: measured here, not held by a test)"
    if scores.skipped:
        return f"{title}: skipped, {scores.skipped}"
    if not scores.scores:
        return f"{title}: skipped, the archive has none of the pages {', '.join(PAGES.values())}"
    rows = [f"| {kind} | {PAGES[kind]} | {score} |" for kind, score in scores.scores.items()]
    return "\n".join([title, "", "| Page | Path | Score |", "|---|---|---|", *rows])
