"""SVG images in an email: Gmail and Outlook show none, so the email shows a PNG of each.

`invoke email` warns and shows the PNG the build publishes beside the SVG; its local
preview shows copies that exist; `invoke send` warns while the PNG is not live. Each as a
process in a copy of the project, with Buttondown and the public site played on loopback.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as examples
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from hearth_core.settings import load_settings
from hearth_email.checks import preflight, warnings
from hearth_email.images import site_image
from hearth_email.model import EmailImage, RenderedEmail
from hearth_email.published import unpublished_images
from hearth_email.render import render_email
from hearth_site.serve import preview_server
from tests.buttondown_fake import API_KEY, running
from tests.sites import ROOT, build_site, free_port, invoke, issue, serving, write_content

PUBLIC = "https://theworkbench.example"
SWATCHES = "images/contrast-swatches"  # issue 13's SVG


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    return struct.unpack(">II", data[16:24])


def svg_width(svg: Path) -> int:
    return int(re.search(r'<svg[^>]*\swidth="(\d+)"', svg.read_text())[1])


def send_task(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "invoke", "send", *args],
        cwd=project,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert "Traceback" not in result.stderr and API_KEY not in result.stdout + result.stderr
    return result


@pytest.fixture
def public_site(tmp_path, monkeypatch):
    """A loopback server standing in for the public site, serving its folder (empty until
    the test deploys there); HEARTH_SITEURL names it, so publishconf.py's addresses do."""
    folder = tmp_path / "public"
    folder.mkdir()
    with serving(preview_server(folder, "127.0.0.1", 0)) as url:
        monkeypatch.setenv("HEARTH_SITEURL", url)
        yield folder, url


@pytest.fixture
def buttondown(monkeypatch):
    with running() as fake:
        monkeypatch.setenv("BUTTONDOWN_API_URL", fake.url)
        monkeypatch.setenv("BUTTONDOWN_API_KEY", API_KEY)
        yield fake


def test_email_of_the_demo_issue_with_an_svg_warns_and_shows_a_png(project):
    result = invoke(project, "email", "--issue", "13")
    assert result.returncode == 0, result.stderr
    assert (
        f"Warning: the image {PUBLIC}/{SWATCHES}.svg is an SVG, which Gmail and Outlook do "
        f"not show: the email shows {PUBLIC}/{SWATCHES}.png instead"
    ) in result.stderr
    assert result.stdout.splitlines()[-1] == "All checks passed."
    preview = HTMLParser((project / "output/email/13.html").read_text())
    sources = [img.attributes["src"] for img in preview.css("img")]
    assert sources == [f"{SWATCHES}.png"]


def test_the_sent_email_carries_the_png_at_its_public_address_at_the_svg_s_size(tmp_path):
    settings = load_settings(ROOT / "publishconf.py", {"CACHE_PATH": str(tmp_path / "cache")})
    email = render_email(settings, 13)
    [img] = HTMLParser(email.body_html).css("img")
    assert img.attributes["src"] == f"{PUBLIC}/{SWATCHES}.png"
    width = svg_width(ROOT / "content" / f"{SWATCHES}.svg")
    assert img.attributes["width"] == str(width)
    assert ".svg" not in email.html
    assert preflight(email) == [] and len(warnings(email)) == 1
    [image] = email.images
    assert png_size(image.file.read_bytes())[0] == 2 * width  # sharp on dense screens


def test_the_local_email_preview_s_images_exist(project):
    for number in (1, 3, 13):
        assert invoke(project, "email", "--issue", str(number)).returncode == 0
        folder = project / "output/email"
        preview = HTMLParser((folder / f"{number}.html").read_text())
        sources = [img.attributes["src"] for img in preview.css("img")]
        assert sources, number
        for src in sources:
            assert not src.startswith(("http:", "https:", "/")), src
            image = folder / src
            assert image.is_file(), src
            png_size(image.read_bytes())


def test_the_built_site_publishes_the_png_beside_each_svg(project):
    result = invoke(project, "preview", timeout=300)
    assert result.returncode == 0, result.stderr
    images = project / "output/images"
    svgs = sorted(images.glob("*.svg"))
    assert svgs
    for svg in svgs:
        png = svg.with_suffix(".png")
        assert png.is_file(), png
        assert png_size(png.read_bytes())[0] == 2 * svg_width(svg)
    # The very PNG the email shows.
    assert invoke(project, "email", "--issue", "13").returncode == 0
    emailed = project / "output/email" / f"{SWATCHES}.png"
    assert emailed.read_bytes() == (project / "output" / f"{SWATCHES}.png").read_bytes()


def test_an_svg_attached_to_an_issue_moves_with_its_png(tmp_path):
    # The PNGs are made once every page is written: asking a static file its place
    # earlier made Pelican refuse the {attach} link that moves it beside its issue.
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'
    body = "![A square]({attach}/images/square.svg)\n"
    content = write_content(
        tmp_path, dict([issue(1, "One", "2025-01-03", body), ("images/square.svg", svg)])
    )
    output = build_site(content, tmp_path / "output")
    assert (output / "issues/1/square.svg").is_file()
    assert (output / "issues/1/square.png").is_file()


def test_rasterised_pngs_are_kept_by_digest_so_a_rebuild_makes_none(project):
    assert invoke(project, "build").returncode == 0
    kept = sorted((project / "cache/email-images").glob("*.png"))
    assert len(kept) == len(list((project / "content/images").glob("*.svg")))
    times = {path: path.stat().st_mtime_ns for path in kept}
    assert invoke(project, "email", "--issue", "13").returncode == 0
    shutil.rmtree(project / "output")  # as publishconf.py's builds do: a whole new site
    assert invoke(project, "build").returncode == 0
    assert {path: path.stat().st_mtime_ns for path in kept} == times
    assert (project / "output" / f"{SWATCHES}.png").is_file()
    svg = project / "content" / f"{SWATCHES}.svg"
    svg.write_text(svg.read_text().replace("</svg>", '<rect width="1" height="1"/></svg>'))
    assert invoke(project, "build").returncode == 0
    assert len(list((project / "cache/email-images").glob("*.png"))) == len(kept) + 1


def test_an_authors_own_png_beside_the_svg_is_the_one_the_email_shows(project):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + struct.pack(">II", 7, 5) + b"\x08\x02\0\0\0"
    (project / "content" / f"{SWATCHES}.png").write_bytes(png)
    result = invoke(project, "email", "--issue", "13")
    assert result.returncode == 0, result.stderr
    assert (project / "output/email" / f"{SWATCHES}.png").read_bytes() == png
    assert invoke(project, "build").returncode == 0
    assert (project / "output" / f"{SWATCHES}.png").read_bytes() == png


def test_an_svg_that_cannot_be_drawn_fails_the_email_check_but_not_the_build(project):
    (project / "content" / f"{SWATCHES}.svg").write_text("<svg this is not")
    result = invoke(project, "email", "--issue", "13")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert (
        f"the image {PUBLIC}/{SWATCHES}.svg is an SVG, which Gmail and Outlook do not show, "
        "and content/images/contrast-swatches.svg is not an SVG that can be drawn"
    ) in result.stderr
    assert invoke(project, "build").returncode == 0
    assert not (project / "output" / f"{SWATCHES}.png").exists()


def test_send_warns_when_the_png_is_not_live_yet_and_not_once_it_is(
    project, public_site, buttondown, monkeypatch
):
    deployed, site = public_site
    result = send_task(project, "--issue", "13")
    assert result.returncode == 0, result.stderr
    assert (
        f"Warning: the image {site}/{SWATCHES}.png is not live yet (the site answers 404): "
        "publish the site (`invoke publish`) before the email goes out"
    ) in result.stdout
    assert buttondown.issue_emails(13)  # a warning: the draft is made all the same
    # Published: the site serves what `invoke preview` built for its address.
    assert invoke(project, "preview", timeout=300).returncode == 0
    shutil.copytree(project / "output", deployed, dirs_exist_ok=True)
    result = send_task(project, "--issue", "13")
    assert result.returncode == 0, result.stderr
    assert "not live yet" not in result.stdout
    # Nobody answers at the site's address at all.
    monkeypatch.setenv("HEARTH_SITEURL", f"http://127.0.0.1:{free_port()}")
    result = send_task(project, "--issue", "13")
    assert result.returncode == 0, result.stderr
    assert f"{SWATCHES}.png is not live yet (cannot reach it: " in result.stdout


def test_send_says_the_demo_s_example_address_is_never_live(project, buttondown, monkeypatch):
    monkeypatch.delenv("HEARTH_SITEURL", raising=False)
    result = send_task(project, "--issue", "13")
    assert result.returncode == 0, result.stderr
    assert "theworkbench.example is a name reserved for examples, never a live site" in (
        result.stdout
    )


def an_email_showing(png_url: str) -> RenderedEmail:
    return RenderedEmail(
        number=1,
        subject="One",
        description="",
        slug="1-one",
        canonical_url="",
        html="",
        body_html="",
        text="",
        images=(EmailImage(png_url, "images/a.png", Path("a.png"), svg="x.svg"),),
    )


@contextlib.contextmanager
def a_host_that(answer: bytes | None) -> Iterator[str]:
    """A loopback host that reads a request, then sends ``answer`` (None: never answers)."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            with connection:
                connection.recv(65536)
                if answer is None:
                    stop.wait(30)
                else:
                    connection.sendall(answer)

    threading.Thread(target=serve, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        listener.close()


def test_a_site_that_never_answers_holds_send_up_for_the_deadline_only():
    with a_host_that(None) as site:
        started = time.monotonic()
        [warning] = unpublished_images(an_email_showing(f"{site}/images/a.png"), deadline=1.0)
        assert time.monotonic() - started < 5
    assert "is not live yet (no answer within 1 s)" in warning


def test_a_site_s_garbled_answer_is_reported_in_hearth_s_words_only():
    with a_host_that(b"\x1b[2J\x1b]0;EVIL\x07 HTTP/9 whatever\r\n\r\n") as site:
        [warning] = unpublished_images(an_email_showing(f"{site}/images/a.png"))
    assert "EVIL" not in warning and "\x1b" not in warning
    assert "is not live yet (cannot reach it: the answer is not HTTP" in warning


def test_a_redirect_off_the_site_to_a_private_address_is_not_followed():
    redirect = b"HTTP/1.1 302 Found\r\nLocation: http://10.0.0.1/a.png\r\nContent-Length: 0\r\n\r\n"
    with a_host_that(redirect) as site:
        [warning] = unpublished_images(an_email_showing(f"{site}/images/a.png"))
    assert "10.0.0.1 is not a public address" in warning


@given(st.text(alphabet=st.sampled_from("/.%2e5fabcimgs.svg\\:?#"), max_size=40))
@examples(max_examples=300, deadline=None)
def test_no_address_maps_to_a_file_outside_the_site_s_static_folders(tmp_path_factory, tail):
    content = tmp_path_factory.getbasetemp() / "mapped-content"
    (content / "images").mkdir(parents=True, exist_ok=True)
    (content / "images/a.svg").write_text("<svg/>")
    (content / "secret.svg").write_text("<svg/>")
    found = site_image(f"https://n.example/{tail}", "https://n.example", content, ["images"])
    if found is not None:
        assert found.source.resolve().is_relative_to((content / "images").resolve())
        assert found.source.is_file()


def test_email_of_an_issue_showing_an_image_not_in_content_fails_preflight(project):
    """authors.md's way to show an image, `![...](/images/name.png)`, with a typo in the
    name: check, build and `invoke email` all passed, and the email went out with a
    broken image. The PNG the build makes beside an SVG is no typo."""
    body = (
        "Hello.\n\n![A bench](/images/bench.png)\n\n"
        "![A workbench](/images/workbench.png)\n\n![A chart](/images/chart-gone.svg)\n"
    )
    write_content(project, dict([issue(16, "Benches", "2026-01-05", body, Summary="Two.")]))
    result = invoke(project, "email", "--issue", "16")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    source = "content/issues/0016-benches.md"
    assert (
        f"{source}:7: image: the image {PUBLIC}/images/bench.png is not in the site: there "
        "is no content/images/bench.png; add it, or correct the image's address"
    ) in result.stderr
    assert f"{source}:11: image: the image {PUBLIC}/images/chart-gone.svg" in result.stderr
    assert "workbench.png" not in result.stderr
