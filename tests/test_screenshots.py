"""`invoke screenshots`: README's pictures of the demo, made by a task so they stay current.

The task runs as a process, as the integrator runs it after a theme change, in a copy of
the project; it drives the Chromium the browser tests drive, and is skipped without it
outside CI (HEARTH_REQUIRE_BROWSER makes a missing browser fail there instead)."""

from __future__ import annotations

import os
import re
import struct
import zlib

import pytest

from hearth_site.screenshots import SHOTS, ScreenshotError, chromium_path
from tests.conftest import CHROMIUM
from tests.sites import ROOT, invoke

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's header chunk."""
    assert data[:8] == PNG_SIGNATURE, "not a PNG"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def top_left_pixel(data: bytes) -> tuple[int, int, int]:
    """The first pixel of an 8-bit RGB(A) PNG: on the first row every PNG filter leaves it
    as it is (the pixels it would predict from lie outside the picture, and count as 0)."""
    chunks, offset = b"", 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        if kind == b"IDAT":
            chunks += data[offset + 8 : offset + 8 + length]
        offset += 12 + length
    assert data[24] == 8 and data[25] in (2, 6), "8-bit RGB or RGBA"
    first_row = zlib.decompress(chunks)
    return first_row[1], first_row[2], first_row[3]


@pytest.fixture
def needs_chromium():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("HEARTH_REQUIRE_BROWSER"):
            pytest.fail("Chromium is required here: apt-get install chromium")
        pytest.skip("Chromium not installed (apt-get install chromium): screenshots skipped")


def test_invoke_screenshots_writes_home_issue_and_phone_at_fixed_sizes(project, needs_chromium):
    result = invoke(project, "screenshots", timeout=300)
    assert result.returncode == 0, result.stderr
    folder = project / "docs/screenshots"
    assert sorted(p.name for p in folder.iterdir()) == ["home.png", "issue.png", "phone.png"]
    for shot in SHOTS:
        assert f"Wrote docs/screenshots/{shot.name}" in result.stdout
    assert png_size((folder / "home.png").read_bytes()) == (1280, 800)
    assert png_size((folder / "issue.png").read_bytes()) == (1280, 800)
    assert png_size((folder / "phone.png").read_bytes()) == (390, 844)
    assert not (project / "output").exists(), "the task builds elsewhere, never in output/"


def test_the_same_site_gives_the_same_pictures(project, needs_chromium):
    assert invoke(project, "screenshots", timeout=300).returncode == 0
    first = {shot.name: (project / "docs/screenshots" / shot.name).read_bytes() for shot in SHOTS}
    assert invoke(project, "screenshots", timeout=300).returncode == 0
    for name, data in first.items():
        assert (project / "docs/screenshots" / name).read_bytes() == data, name


def test_the_pictures_are_light(project, needs_chromium):
    assert invoke(project, "screenshots", timeout=300).returncode == 0
    for shot in SHOTS:
        red, green, blue = top_left_pixel((project / "docs/screenshots" / shot.name).read_bytes())
        assert min(red, green, blue) > 200, (shot.name, red, green, blue)


def test_without_chromium_the_task_says_how_to_install_it(tmp_path):
    nowhere = tmp_path / "empty"
    nowhere.mkdir()
    with pytest.raises(ScreenshotError) as raised:
        chromium_path(search_path=str(nowhere), fallback=tmp_path / "no-chromium")
    assert str(raised.value) == (
        "Chromium is not installed: install it (apt-get install chromium), then run "
        "`invoke screenshots` again"
    )


def test_readme_shows_exactly_the_pictures_the_task_makes():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = re.findall(r"!\[[^\]]+\]\(docs/screenshots/([^)\s]+)\)", readme)
    assert sorted(shown) == sorted(shot.name for shot in SHOTS)
    for name in shown:
        assert (ROOT / "docs/screenshots" / name).is_file(), name
