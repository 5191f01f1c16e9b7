"""The webring's footer links: given by the ring, or found from this site's place in its OPML."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

from hearth_core.files import read_text_file
from hearth_core.problems import display_path
from hearth_core.settings import SettingsError
from hearth_core.text import strip_forbidden
from hearth_core.weburl import check_web_url
from hearth_linkhealth.settings import webring_options

MAX_OPML_BYTES = 1024 * 1024
# The setting this module's errors are about.
NAME = "HEARTH_WEBRING"


@dataclass(frozen=True)
class RingLink:
    label: str
    href: str


@dataclass(frozen=True)
class Webring:
    name: str
    home: str
    links: tuple[RingLink, ...]


@dataclass(frozen=True)
class RingSite:
    title: str
    url: str


def webring(settings: Mapping[str, Any]) -> Webring | None:
    """The footer's ring, or None when no ring is set."""
    options = webring_options(settings)
    if not options["name"].strip():
        return None
    if options["opml"]:
        path = Path(settings["PATH"], options["opml"])
        before, after = neighbours(ring_sites(path), options["site"], path)
        links = [
            RingLink(f"Previous: {before.title}", before.url),
            RingLink(f"Next: {after.title}", after.url),
        ]
    else:
        links = [
            RingLink(label, options[key])
            for key, label in (("previous", "Previous"), ("next", "Next"))
            if options[key]
        ]
    if options["random"]:
        links.insert(1, RingLink("Random", options["random"]))
    return Webring(options["name"].strip(), options["home"], tuple(links))


def ring_sites(path: Path) -> list[RingSite]:
    """The sites of the ring's OPML file, in its order: each outline with an htmlUrl, or
    OPML 2.0's link outline (``type="link"``) with its ``url``."""
    text, problems = read_text_file(path, max_bytes=MAX_OPML_BYTES)
    if text is None:
        reason = problems[0].message if problems else "cannot be read"
        raise SettingsError(f"{path} {reason}".strip(), setting=NAME, key=("opml",))
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(text.encode("utf-8"), parser)
    except etree.XMLSyntaxError as error:
        raise SettingsError(
            f"{path}:{error.lineno}: is not OPML: {error.msg}", setting=NAME, key=("opml",)
        ) from None
    sites = []
    for outline in root.iter("outline"):
        link = outline.get("url") if outline.get("type") == "link" else ""
        url = (outline.get("htmlUrl") or link or "").strip()
        try:
            check_web_url(url)
        except ValueError:
            continue  # a folder of outlines, or an address no page may link to
        title = (outline.get("title") or outline.get("text") or urlsplit(url).netloc).strip()
        # The ring's file is another site's text: one short line, nothing invisible.
        sites.append(RingSite(strip_forbidden(" ".join(title.split()), one_line=True)[:80], url))
    return sites


def neighbours(sites: list[RingSite], site: str, path: Path) -> tuple[RingSite, RingSite]:
    """The sites before and after ``site`` in the ring, which wraps around."""
    keys = [_same_site(ring_site.url) for ring_site in sites]
    if _same_site(site) not in keys:
        raise SettingsError(
            f"{site} is not among the htmlUrl addresses of {display_path(path)}, nor a link "
            "outline's url: write this site's address as the ring's file lists it",
            setting=NAME,
            key=("site",),
        )
    if len(sites) < 2:
        raise SettingsError(f"{path} lists no other site", setting=NAME, key=("opml",))
    place = keys.index(_same_site(site))
    return sites[place - 1], sites[(place + 1) % len(sites)]


def _same_site(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.netloc.lower().removeprefix("www."), parts.path.rstrip("/")
