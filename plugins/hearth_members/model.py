"""Validated community members and the links they share, as the rest of Hearth sees them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path


@dataclass(frozen=True)
class Link:
    """One link a member shared; ``note`` is still Markdown (see ``render.note_html``)."""

    url: str
    title: str
    date: date
    note: str
    tags: tuple[str, ...]
    discussion: str | None
    member: str
    source: Path
    line: int
    index: int
    # Line of each field written, so checks across files can name the exact place:
    # (name, line) pairs, which a stored check of 20,000 links loads in half the
    # time that read-only mappings take.
    lines: tuple[tuple[str, int], ...] = field(default=(), compare=False, repr=False)

    def line_of(self, name: str) -> int:
        return next((line for key, line in self.lines if key == name), self.line)

    def field_path(self, name: str) -> str:
        """The field as problems name it: ``links[2].url``."""
        return f"links[{self.index}].{name}"


@dataclass(frozen=True)
class Member:
    """A member's file: ``handle`` is the file name, which is their GitHub login."""

    handle: str
    name: str
    bio: str
    website: str | None
    fediverse: str | None
    links: tuple[Link, ...]
    source: Path
    lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)
    # Their site's feed, and whether they list the site in the members' blogroll.
    feed: str | None = None
    blogroll: bool = False

    def line_of(self, name: str) -> int:
        return self.lines.get(name, 1)
