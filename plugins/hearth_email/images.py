"""An issue's images as inboxes show them: a PNG for each SVG, which Gmail and Outlook do not show.

The build publishes the PNG beside its SVG (``images/chart.svg`` -> ``images/chart.png``),
so the email's absolute address for it resolves once the site is live; the email and the
build make it the same way, with resvg. Each PNG is kept in ``cache/email-images/`` under a
digest of its SVG and of how it was made, so a rebuild or another `invoke email` makes none
again. An author's own PNG beside an SVG wins: the build copies it, and the email shows it.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

import lxml.html
import resvg_py

from hearth_core.files import read_text_file, write_atomically
from hearth_core.problems import display_path
from hearth_email.model import EmailImage

# Twice the SVG's own size, shown at its own size: sharp on phones' dense screens.
ZOOM = 2
# An illustration is a few hundred KiB at most; more is not meant for an email.
MAX_SVG_BYTES = 2 * 1024 * 1024
CACHE_FOLDER = "email-images"
# What makes a different PNG of the same SVG.
RECIPE = f"resvg {resvg_py.__resvg_version__}, zoom {ZOOM}".encode()


class RasterError(Exception):
    """An SVG that no PNG can be made of; the message says why, for its author."""


def is_svg(path: str) -> bool:
    return path.lower().endswith(".svg")


def png_beside(path: str) -> str:
    """Where the PNG made of the SVG at ``path`` is published: the same path, ending .png."""
    return str(PurePosixPath(path).with_suffix(".png"))


def cache_folder(settings: Mapping[str, Any]) -> Path:
    return Path(settings.get("CACHE_PATH") or "cache", CACHE_FOLDER)


def rasterised(svg_file: Path, cache: Path) -> Path:
    """The PNG of ``svg_file``, made now or earlier, as a file in ``cache``."""
    text, problems = read_text_file(svg_file, max_bytes=MAX_SVG_BYTES)
    if text is None:
        raise RasterError(problems[0].message)
    digest = hashlib.sha256(RECIPE + b"\0" + text.encode("utf-8")).hexdigest()
    kept = cache / f"{digest}.png"
    if kept.is_file():
        return kept
    try:
        # No resources_dir: an SVG's references to other files are not followed. Loading
        # the system's fonts is most of the time to draw one: only text needs them.
        png = resvg_py.svg_to_bytes(
            svg_string=text, zoom=ZOOM, skip_system_fonts="<text" not in text
        )
    except (ValueError, RuntimeError) as error:
        raise RasterError(f"is not an SVG that can be drawn ({error})") from None
    write_atomically(kept, bytes(png))
    return kept


def png_width(png: Path) -> int:
    """The width in pixels a PNG's header gives (bytes 16 to 20 of the IHDR chunk)."""
    with png.open("rb") as handle:
        header = handle.read(24)
    return int(struct.unpack(">I", header[16:20])[0]) if len(header) == 24 else 0


@dataclass(frozen=True)
class SiteImage:
    """An image of the site itself: its path in the site, and its file in the content."""

    path: str
    source: Path


def site_image(
    url: str, site_url: str, content: Path, static_paths: Sequence[str]
) -> SiteImage | None:
    """The content's static file at ``url``, if it is one the site publishes as it is."""
    found = own_static_file(url, site_url, content, static_paths)
    return found if found is not None and found.source.is_file() else None


def own_static_file(
    url: str, site_url: str, content: Path, static_paths: Sequence[str]
) -> SiteImage | None:
    """The file of the content's static folders that the site would publish at ``url``,
    whether it is there or not; None for another site's address or another folder."""
    if not url.startswith(f"{site_url}/"):
        return None
    below = urlsplit(site_url).path.rstrip("/")
    path = unquote(urlsplit(url).path)[len(below) + 1 :]
    parts = PurePosixPath(path).parts
    if not parts or ".." in parts or path.startswith("/"):
        return None
    folders = [PurePosixPath(folder).parts for folder in static_paths]
    if not any(parts[: len(folder)] == folder for folder in folders if folder):
        return None
    return SiteImage(path, content.joinpath(*parts))


def inbox_images(
    html: str, site_url: str, settings: Mapping[str, Any]
) -> tuple[str, list[EmailImage]]:
    """``html`` (every address absolute) with each SVG of the site's own replaced by its
    PNG, and every image of the email with the file that shows it in a local preview."""
    if "<img" not in html:
        return html, []
    wrapper = lxml.html.fragment_fromstring(html, create_parent="div")
    images = []
    for element in wrapper.iter("img"):
        image = _email_image(element.get("src") or "", site_url, settings)
        images.append(image)
        if image.svg and image.file is not None:
            element.set("src", image.url)
            if not element.get("width") and image.width:
                element.set("width", str(image.width))
    text = wrapper.text or ""
    inner = "".join(lxml.html.tostring(child, encoding="unicode") for child in wrapper)
    return text + inner, images


def _email_image(url: str, site_url: str, settings: Mapping[str, Any]) -> EmailImage:
    content, static_paths = Path(settings["PATH"]), settings.get("STATIC_PATHS") or []
    found = site_image(url, site_url, content, static_paths)
    own = own_static_file(url, site_url, content, static_paths)
    if found is None and own is not None and not _made_by_the_build(own.source):
        # A typo, or a file never added: a broken image in every inbox.
        svg = url if is_svg(urlsplit(url).path) else ""
        return EmailImage(url, own.path, None, svg=svg, missing=own.source)
    if is_svg(urlsplit(url).path):
        return _inbox_svg(url, found, site_url, settings)
    return EmailImage(url, found.path, found.source) if found else EmailImage(url, "", None)


def _made_by_the_build(source: Path) -> bool:
    """The PNG the build publishes beside an SVG of the content, which an issue may show."""
    return source.suffix.lower() == ".png" and source.with_suffix(".svg").is_file()


def _inbox_svg(
    url: str, found: SiteImage | None, site_url: str, settings: Mapping[str, Any]
) -> EmailImage:
    """The PNG an inbox shows for the SVG at ``url``, or why there is none."""
    if found is None:
        return EmailImage(
            url,
            "",
            None,
            svg=url,
            problem="it is not one of this site's own images "
            f"(in {', '.join(settings.get('STATIC_PATHS') or []) or 'a static folder'}), "
            "so Hearth cannot publish a PNG of it",
        )
    png_path = png_beside(found.path)
    png_url = f"{site_url}/{png_path}"
    own = found.source.with_suffix(".png")
    if own.is_file():  # the author made one: the build copies it, the email shows it
        return EmailImage(png_url, png_path, own, svg=url)
    try:
        made = rasterised(found.source, cache_folder(settings))
    except RasterError as error:
        return EmailImage(
            url, found.path, None, svg=url, problem=f"{display_path(found.source)} {error}"
        )
    return EmailImage(png_url, png_path, made, svg=url, width=png_width(made) // ZOOM)
