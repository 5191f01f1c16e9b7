"""The validated newsletter issue, as the rest of Hearth sees it."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from pathlib import Path
from typing import Literal

Status = Literal["draft", "published"]


@dataclass(frozen=True)
class Issue:
    """One newsletter issue: header fields parsed, body still Markdown."""

    number: int
    slug: str
    title: str
    date: datetime
    summary: str
    tags: tuple[str, ...]
    discussion: str | None
    status: Status
    # None: the links members shared since the previous issue; (): no section;
    # otherwise exactly these member links, by URL.
    community: tuple[str, ...] | None
    # Not in its repr: a template that prints the model, or the metadata holding it,
    # prints its header (hearth_site.bodyprints notes any read of the text itself).
    body: str = field(repr=False)
    source: Path
    body_line: int

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"

    def header(self) -> tuple:
        """Every field but the text: all that a page listing or linking the issue shows."""
        return tuple(getattr(self, name) for name in _HEADER_FIELDS)


_HEADER_FIELDS = tuple(f.name for f in fields(Issue) if f.name not in ("body", "body_line"))
