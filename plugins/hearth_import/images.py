"""Bringing a post's images home: each fetched into content/images/<issue>/, or listed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

from hearth_core.files import write_atomically
from hearth_import.fetch import Fetcher, FetchFailed

IMAGE_TYPES = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "image/avif": ".avif",
}
# An image in Markdown as markdownify writes it: ![alt](src) or ![alt](src "title").
IMAGE = re.compile(r'!\[(?P<alt>(?:[^\]\\\n]|\\.)*)\]\((?P<src>[^)\s]+)(?P<title>\s+"[^"\n]*")?\)')
NO_ALT = "An image from the original post"
# Each image may weigh up to the import's max_image_bytes: a post whose markup names
# thousands (a hostile feed, a gallery plugin gone wrong) must not fill the disk.
MAX_IMAGES_PER_POST = 200


@dataclass(frozen=True)
class Missing:
    """An image that stays a plain link: its address and why."""

    url: str
    reason: str


@dataclass(frozen=True)
class ImagePlan:
    """Where each image of one post goes: address -> file under content/, by first use."""

    files: dict[str, Path]


def plan_images(body: str, base: str, folder: Path) -> tuple[str, ImagePlan]:
    """The body with absolute image addresses and alt text; where each would be saved."""
    files: dict[str, Path] = {}
    used: set[str] = set()

    def absolute(match: re.Match[str]) -> str:
        src = urljoin(base, match["src"]) if base else match["src"]
        alt = match["alt"].strip() or NO_ALT
        if src.startswith(("http://", "https://")) and src not in files:
            files[src] = folder / _file_name(src, used)
        return f"![{alt}]({src})"

    return IMAGE.sub(absolute, body), ImagePlan(files)


def _file_name(url: str, used: set[str]) -> str:
    stem = PurePosixPath(unquote(urlsplit(url).path)).stem.lower()
    stem = re.sub(r"[^a-z0-9]+", "-", stem).strip("-")[:60] or "image"
    name, count = stem, 1
    while name in used:
        count += 1
        name = f"{stem}-{count}"
    used.add(name)
    return name


def fetch_images(
    body: str, plan: ImagePlan, fetcher: Fetcher, site_root: Path
) -> tuple[str, list[Missing]]:
    """Fetch each image; the body with local addresses, or plain links where one failed."""
    local: dict[str, str] = {}
    missing: list[Missing] = []
    for count, (url, path) in enumerate(plan.files.items()):
        if count >= MAX_IMAGES_PER_POST:
            reason = f"the post has more than {MAX_IMAGES_PER_POST} images; the rest stay links"
            missing.append(Missing(url, reason))
            continue
        try:
            fetched = fetcher.get(url, tuple(IMAGE_TYPES))
        except FetchFailed as error:
            missing.append(Missing(url, str(error)))
            continue
        suffix = image_suffix(fetched.body)
        if suffix is None:
            # An HTML page, a script or an SVG sent as "image/png" is not kept as one.
            missing.append(
                Missing(url, f"it is not an image, though sent as {fetched.content_type}")
            )
            continue
        target = path.with_suffix(suffix)
        write_atomically(target, fetched.body)
        local[url] = "/" + target.relative_to(site_root).as_posix()
    return with_images(body, local), missing


def image_suffix(body: bytes) -> str | None:
    """The file name's ending for what ``body`` is, read from its first bytes (as a
    browser does), not from what the host said; None when it is none of IMAGE_TYPES."""
    if body.startswith(b"\x89PNG\r\n\x1a\n"):
        return ".png"
    if body.startswith(b"\xff\xd8\xff"):
        return ".jpg"
    if body.startswith((b"GIF87a", b"GIF89a")):
        return ".gif"
    if body[:4] == b"RIFF" and body[8:12] == b"WEBP":
        return ".webp"
    if body[4:8] == b"ftyp" and body[8:12] in (b"avif", b"avis"):
        return ".avif"
    return None


def with_images(body: str, local: dict[str, str]) -> str:
    """Each image at its local address; one not brought home as a plain link to it."""

    def place(match: re.Match[str]) -> str:
        src = match["src"]
        if src in local:
            return f"![{match['alt']}]({local[src]})"
        if src.startswith(("http://", "https://")):
            return f"[{match['alt']}]({src})"
        return match[0]

    return IMAGE.sub(place, body)
