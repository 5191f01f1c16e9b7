"""One issue as an email: what `invoke email` writes and `invoke send` sends."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# Buttondown reads a body as Markdown unless its first line says it is HTML.
HTML_MODE = "<!-- buttondown-editor-mode: fancy -->"


@dataclass(frozen=True)
class EmailImage:
    """An image in the email: where inboxes load it, and what shows it in a local preview."""

    # Absolute, as the email carries it: for an SVG of the site, the PNG published beside it.
    url: str
    # Its path in the built site ("images/chart.png"); "" for an image of another site.
    path: str
    # The file with its bytes here (the content's image, or the PNG made of an SVG), if any.
    file: Path | None
    # The SVG's address, for an image made of (or left as) an SVG.
    svg: str = ""
    # Why an SVG was left as it is: no PNG could be made of it.
    problem: str = ""
    # The width to show a PNG made at twice the SVG's size at; 0 to leave it as it is.
    width: int = 0
    # The content file the site's own address names, when it is not there: every inbox
    # would show a broken image.
    missing: Path | None = None


@dataclass(frozen=True)
class RenderedEmail:
    """Issue ``number`` ready for inboxes; every URL in it is absolute."""

    number: int
    subject: str
    description: str
    # Unique per newsletter on Buttondown: the number and slug, like "3-the-one-screen-app".
    slug: str
    canonical_url: str
    # The whole document with its CSS inlined, as written to output/email/N.html.
    html: str
    # What goes inside Buttondown's own template: the inlined body, without <html> and <head>.
    body_html: str
    text: str
    # The file, so checks can point at the line to fix.
    source: Path | None = None
    is_draft: bool = False
    images: tuple[EmailImage, ...] = ()

    @property
    def buttondown_body(self) -> str:
        """The body as Buttondown must receive it: HTML mode, and no front matter."""
        return f"{HTML_MODE}\n{self.body_html}"
