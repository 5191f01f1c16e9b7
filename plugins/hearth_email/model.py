"""One issue as an email: what `invoke email` writes and `invoke send` sends."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# Buttondown reads a body as Markdown unless its first line says it is HTML.
HTML_MODE = "<!-- buttondown-editor-mode: fancy -->"


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

    @property
    def buttondown_body(self) -> str:
        """The body as Buttondown must receive it: HTML mode, and no front matter."""
        return f"{HTML_MODE}\n{self.body_html}"
