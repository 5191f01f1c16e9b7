"""Every web address in the content people wrote, with the file and line it is on."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hearth_core.files import read_text_file
from hearth_core.problems import Problem
from hearth_discussions.settings import discussion_options

# An address as written in Markdown or YAML: it ends at a space, a quote or a bracket.
WEB_ADDRESS = re.compile(r"https?://[^\s<>\"'`\[\]{}|\\^]+", re.IGNORECASE)
TRAILING = ".,;:!?*_~"
RECOMMENDATIONS = "recommendations.yml"


@dataclass(frozen=True, order=True)
class Place:
    path: Path
    line: int


def content_files(settings: Mapping[str, Any]) -> list[Path]:
    """Issues, member files, recommendations and thread files; not templates (``_*``)."""
    root = Path(settings["PATH"])
    folders = [
        (root / "issues", "*.md"),
        (root / "members", "*.yml"),
        (root / discussion_options(settings)["path"], "*.yml"),
    ]
    found = [
        path
        for folder, pattern in folders
        for path in sorted(folder.glob(pattern))
        if not path.name.startswith(("_", "."))
    ]
    if (root / RECOMMENDATIONS).is_file():
        found.append(root / RECOMMENDATIONS)
    return found


def addresses_in(text: str) -> Iterator[tuple[int, str]]:
    """(line, address) for each web address in ``text``."""
    for number, line in enumerate(text.splitlines(), start=1):
        for match in WEB_ADDRESS.finditer(line):
            yield number, _trimmed(match.group())


def _trimmed(address: str) -> str:
    """Without the punctuation after it in prose, nor a parenthesis it does not open."""
    while address and (
        address[-1] in TRAILING or (address[-1] == ")" and address.count("(") < address.count(")"))
    ):
        address = address[:-1]
    return address


def link_places(files: list[Path]) -> tuple[dict[str, list[Place]], list[Problem]]:
    """Each address found in ``files``, with every place it is written."""
    places: dict[str, list[Place]] = {}
    problems: list[Problem] = []
    for path in files:
        text, unread = read_text_file(path)
        problems += unread
        for line, address in addresses_in(text or ""):
            if "://" in address and len(address) > len("https://x"):
                places.setdefault(address, []).append(Place(path, line))
    return places, problems
