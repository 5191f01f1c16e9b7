"""`invoke screenshots`: README's pictures of the demo, taken from the built site.

The demo is built into a temporary folder (never output/, which an author may be
previewing), served on loopback as `invoke serve` serves it, and photographed by
the Chromium the browser tests drive. Each picture is one viewport of a fixed size,
in the light scheme, so that a picture changes only when the site does.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from hearth_core.errors import HearthError
from hearth_core.files import write_atomically
from hearth_core.settings import load_settings
from hearth_site.build import build
from hearth_site.serve import preview_server

# Where the tests find the browser (tests/conftest.py): Debian's Chromium.
DEBIAN_CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ("--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars")


@dataclass(frozen=True)
class Shot:
    name: str
    path: str
    width: int
    height: int
    phone: bool = False


SHOTS = (
    Shot("home.png", "/", 1280, 800),
    Shot("issue.png", "/issues/13/", 1280, 800),
    Shot("phone.png", "/", 390, 844, phone=True),
)


class ScreenshotError(HearthError):
    """No picture was written; the message says what is missing."""


def chromium_path(search_path: str | None = None, fallback: Path = DEBIAN_CHROMIUM) -> Path:
    """Chromium as the tests find it: on ``search_path`` (the PATH by default), else
    Debian's; or a ScreenshotError that says how to install it."""
    found = shutil.which("chromium", path=search_path) or str(fallback)
    if not os.path.exists(found):
        raise ScreenshotError(
            "Chromium is not installed: install it (apt-get install chromium), then run "
            "`invoke screenshots` again"
        )
    return Path(found)


def take_screenshots(config: str | Path, folder: Path) -> list[Path]:
    """Build the site of ``config``, photograph each of SHOTS into ``folder``; the paths."""
    browser_path = chromium_path()
    with tempfile.TemporaryDirectory(prefix="hearth-screenshots-") as scratch:
        output = Path(scratch, "output")
        overrides = {"OUTPUT_PATH": str(output), "CACHE_PATH": str(Path(scratch, "cache"))}
        build(load_settings(config, overrides))
        with _serving(output) as base_url:
            pictures = _photograph(browser_path, base_url)
    written = []
    for shot, picture in zip(SHOTS, pictures, strict=True):
        write_atomically(folder / shot.name, picture)
        written.append(folder / shot.name)
    return written


@contextmanager
def _serving(output: Path) -> Iterator[str]:
    server = preview_server(output, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, name="screenshots", daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def _photograph(browser_path: Path, base_url: str) -> list[bytes]:
    """Every shot as PNG bytes, all taken before any is written."""
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        raise ScreenshotError(
            "Playwright is not installed: install the development tools "
            "(pip install -c constraints.txt -e '.[dev]')"
        ) from None
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(browser_path), args=list(CHROMIUM_FLAGS)
            )
            try:
                return [_shoot(browser, base_url, shot) for shot in SHOTS]
            finally:
                browser.close()
    except Error as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else "no reason"
        raise ScreenshotError(f"Chromium ({browser_path}) failed: {first_line}") from None


def _shoot(browser, base_url: str, shot: Shot) -> bytes:
    context = browser.new_context(
        viewport={"width": shot.width, "height": shot.height},
        device_scale_factor=1,
        is_mobile=shot.phone,
        has_touch=shot.phone,
        color_scheme="light",
        reduced_motion="reduce",
    )
    try:
        page = context.new_page()
        page.goto(base_url + shot.path, wait_until="load")
        page.evaluate("document.fonts.ready")
        return page.screenshot(animations="disabled", caret="hide")
    finally:
        context.close()
