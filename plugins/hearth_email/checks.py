"""Pre-flight checks on a rendered email: what would embarrass the author once it is sent.

An email cannot be fixed after it is sent, so `invoke send` refuses one that
fails any of these unless told ``--force``.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

import lxml.html

from hearth_core.problems import display_path
from hearth_email.model import RenderedEmail
from hearth_members.urls import TRACKING_PARAMETERS

# Gmail clips a message at about 102 KB and hides the rest behind "View entire message".
SIZE_LIMIT = 100 * 1024
MARKERS = re.compile(r"\b(TK|TODO)\b")
ABSOLUTE = ("http://", "https://", "mailto:")
# Buttondown's rule for an email's slug, from its API description.
SLUG = re.compile(r"^[a-zA-Z0-9_-]{1,100}$")


def preflight(email: RenderedEmail) -> list[str]:
    """Every failed check, each saying what to fix; empty when the email is ready."""
    tree = lxml.html.document_fromstring(email.html)
    return [
        *_subject(email),
        *_slug(email),
        *_draft(email),
        *_size(email),
        *_images_without_alt(tree),
        *_missing_images(email),
        *_svg_images_left(email),
        *_relative_urls(tree),
        *_markers(email),
        *_tracking(tree),
    ]


def warnings(email: RenderedEmail) -> list[str]:
    """What the author should know before sending, though the email may go as it is."""
    return [
        f"the image {image.svg} is an SVG, which Gmail and Outlook do not show: the email "
        f"shows {image.url} instead, a PNG of it that the site publishes beside it (publish "
        "the site before the email goes out)"
        for image in email.images
        if image.svg and image.file is not None
    ]


def _subject(email: RenderedEmail) -> list[str]:
    if email.subject.strip():
        return []
    return ["the subject is empty: give the issue a Title: line"]


def _slug(email: RenderedEmail) -> list[str]:
    if SLUG.match(email.slug):
        return []
    return [
        f"the email's address name {email.slug!r} must be at most 100 letters, digits, - and _ "
        "(Buttondown refuses others): shorten the slug in the issue's file name"
    ]


def _draft(email: RenderedEmail) -> list[str]:
    if not email.is_draft:
        return []
    return [
        f"issue {email.number} is a draft: its 'read on the web' link leads nowhere until "
        "you remove `Status: draft` and publish the site"
    ]


def _size(email: RenderedEmail) -> list[str]:
    size = len(email.html.encode("utf-8"))
    if size <= SIZE_LIMIT:
        return []
    return [
        f"the HTML is {size / 1024:.0f} KB, over {SIZE_LIMIT // 1024} KB: Gmail clips it and "
        "hides the rest; shorten the issue or move a section to the web"
    ]


def _images_without_alt(tree: lxml.html.HtmlElement) -> list[str]:
    return [
        f"the image {image.get('src')} has no alt text: describe it in the ![...] brackets, "
        "for readers who see no images"
        for image in tree.iter("img")
        if not (image.get("alt") or "").strip()
    ]


def _missing_images(email: RenderedEmail) -> list[str]:
    """Images of the site's own address whose file is not in the content: neither the
    build nor any check before this one looks for them, and an inbox shows them broken."""
    return [
        f"{_where(email, image.path)}the image {image.url} is not in the site: there is no "
        f"{display_path(image.missing)}; add it, or correct the image's address"
        for image in email.images
        if image.missing is not None
    ]


def _where(email: RenderedEmail, needle: str) -> str:
    """ "file:line: image: " for the first line of the issue's file holding ``needle``."""
    if email.source is None:
        return ""
    lines = email.source.read_text(encoding="utf-8").splitlines()
    number = next((n for n, line in enumerate(lines, 1) if needle in line), 1)
    return f"{display_path(email.source)}:{number}: image: "


def _svg_images_left(email: RenderedEmail) -> list[str]:
    return [
        f"the image {image.svg} is an SVG, which Gmail and Outlook do not show, and "
        f"{image.problem}: use a PNG or JPEG, or put a valid SVG in the site's images folder"
        for image in email.images
        if image.problem
    ]


def _relative_urls(tree: lxml.html.HtmlElement) -> list[str]:
    found = []
    for element in tree.iter():
        for attribute in ("href", "src"):
            value = element.get(attribute)
            if value is not None and not value.startswith(ABSOLUTE):
                found.append(
                    f"the link {value!r} is not absolute and will not work in an inbox: "
                    "write the full https:// address"
                )
    return found


def _markers(email: RenderedEmail) -> list[str]:
    """TK ("to come") and TODO left in the text; named by line in the issue's file."""
    found = []
    source = email.source
    lines = source.read_text(encoding="utf-8").splitlines() if source else email.text.splitlines()
    where = display_path(source) if source else "the text"
    for number, line in enumerate(lines, 1):
        for match in MARKERS.finditer(line):
            found.append(f"{where}:{number}: {match[1]} left in the text: finish or remove it")
    return found


def _tracking(tree: lxml.html.HtmlElement) -> list[str]:
    found = []
    for link in tree.iter("a"):
        href = link.get("href") or ""
        names = {name.lower() for name, _ in parse_qsl(urlsplit(href).query)}
        tracking = sorted(n for n in names if n.startswith("utm_") or n in TRACKING_PARAMETERS)
        if tracking:
            found.append(
                f"the link {href} carries tracking parameters ({', '.join(tracking)}): "
                "remove them, readers are promised no trackers"
            )
    return found
