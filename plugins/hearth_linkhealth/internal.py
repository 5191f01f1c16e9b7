"""The links between the built site's own pages, checked without going online."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from lxml import etree, html

LINK_ATTRIBUTES = ("href", "src")


@dataclass(frozen=True)
class InternalLink:
    page: Path
    line: int
    href: str
    path: str  # below the site: "issues/3/"


def internal_links(output: Path, site_url: str, site_path: str) -> Iterator[InternalLink]:
    """Each link of each built page that leads to another of the site's own files."""
    for page in sorted(output.rglob("*.html")):
        try:
            tree = html.parse(str(page))
        except (OSError, etree.ParserError):
            continue  # an empty page has no links
        for element in tree.iter():
            for attribute in LINK_ATTRIBUTES:
                href = element.get(attribute) if isinstance(element.tag, str) else None
                path = _own_path(href or "", page, output, site_url, site_path)
                if path is not None:
                    yield InternalLink(page, element.sourceline or 1, href or "", path)


def _own_path(href: str, page: Path, output: Path, site_url: str, site_path: str) -> str | None:
    """The path below the site that ``href`` leads to, or None if it leads elsewhere."""
    href = href.strip()
    if site_url and (href == site_url or href.startswith(f"{site_url}/")):
        href = href[len(site_url) :] or "/"
    parts = urlsplit(href)
    if not href or parts.scheme or parts.netloc or not parts.path:
        return None  # another host, mailto:, or only "#fragment"
    if parts.path.startswith("/"):
        if site_path and not (parts.path + "/").startswith(f"{site_path}/"):
            return None  # another site on the same host
        return unquote(parts.path[len(site_path) :]).lstrip("/")
    folder = PurePosixPath(page.parent.relative_to(output).as_posix())
    return _normalised(folder / unquote(parts.path), parts.path.endswith("/"))


def _normalised(path: PurePosixPath, folder: bool) -> str:
    parts: list[str] = []
    for part in path.parts:
        if part == "..":
            if parts:
                parts.pop()
        elif part not in (".", ""):
            parts.append(part)
    return "/".join(parts) + ("/" if folder and parts else "")


def exists(output: Path, path: str) -> bool:
    """Whether a web server serving ``output`` answers ``path`` with a file."""
    target = output / path
    if path.endswith("/") or not path or target.is_dir():
        target = target / "index.html"
    try:
        target.resolve().relative_to(output.resolve())
    except ValueError:
        return False
    return target.is_file()
