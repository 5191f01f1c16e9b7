"""The build's side: the committed file, read and checked once, and what pages show of it."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from hearth_core.elsewhere import Elsewhere, also_discussed
from hearth_core.problems import Problem
from hearth_discussions.elsewhere.model import PLATFORM_LABELS, Found
from hearth_discussions.elsewhere.settings import FILE, elsewhere_options
from hearth_discussions.elsewhere.store import read_elsewhere
from hearth_discussions.settings import discussion_options
from hearth_members.duplicates import urls_in_markdown
from hearth_members.urls import display_domain, normalize_url


def load_elsewhere(
    settings: Mapping[str, Any],
) -> tuple[dict[str, tuple[Found, ...]], list[Problem]]:
    """Discussions elsewhere by normalised link address, and the file's problems."""
    lemmy_hosts = elsewhere_options(settings).lemmy_hosts
    path = Path(settings["PATH"], discussion_options(settings)["path"], FILE)
    found, problems = read_elsewhere(path, lemmy_hosts)
    by_link: dict[str, list[Found]] = {}
    for link, entries in found.items():
        by_link.setdefault(normalize_url(link), []).extend(entries)
    return {link: tuple(entries) for link, entries in by_link.items()}, problems


def shown(entries: Sequence[Found]) -> Elsewhere:
    """One discussion per platform, its most commented; the most commented platform first."""
    best: dict[str, Found] = {}
    for found in entries:
        kept = best.get(found.platform)
        if kept is None or (found.comments or 0) > (kept.comments or 0):
            best[found.platform] = found
    ordered = sorted(best.values(), key=lambda f: (-(f.comments or 0), PLATFORM_LABELS[f.platform]))
    return also_discussed(tuple((PLATFORM_LABELS[f.platform], f.url, f.comments) for f in ordered))


@dataclass(frozen=True)
class ElsewhereLabels:
    """What a link shows of its discussions elsewhere: given to the members' link views
    (``hearth_members.plugin.ELSEWHERE_LABELS``); equal while the file's data is."""

    discussed: Mapping[str, tuple[Found, ...]]

    def __call__(self, url: str) -> Elsewhere:
        entries = self.discussed.get(normalize_url(url))
        return shown(entries) if entries else ()


class LinkElsewhere(NamedTuple):
    """A link an issue features, with its discussions elsewhere."""

    url: str
    name: str
    elsewhere: Elsewhere


def issue_elsewhere(body: str, labels: ElsewhereLabels) -> tuple[LinkElsewhere, ...]:
    """The links of an issue's Markdown ``body`` that are discussed elsewhere, in order."""
    seen: set[str] = set()
    found = []
    for url, _path, _line in urls_in_markdown(Path(), body, 1):
        key = normalize_url(url)
        if key in seen:
            continue
        seen.add(key)
        elsewhere = labels(url)
        if elsewhere:
            found.append(LinkElsewhere(url, _link_text(body, url), elsewhere))
    return tuple(found)


def _link_text(body: str, url: str) -> str:
    """The words of ``[words](url)`` in ``body``, else the address's site."""
    match = re.search(r"\[([^\]\n]{1,200})\]\(\s*<?" + re.escape(url), body)
    return " ".join(match[1].split()) if match else display_domain(url)
