"""`invoke check-links`: every link people wrote, asked through lychee; dead ones reported
at their file and line with the Wayback Machine's snapshot. Offline: the links between
the built site's own pages only."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from hearth_core.errors import HearthError
from hearth_core.problems import ContentError, display_path
from hearth_core.settings import absolute_site_url
from hearth_linkhealth.internal import exists, internal_links
from hearth_linkhealth.lychee import Answer, ask_lychee, private_allowed
from hearth_linkhealth.settings import linkhealth_options
from hearth_linkhealth.sources import Place, content_files, link_places
from hearth_linkhealth.wayback import Suggestion, archive_address, suggestions

CACHE_FOLDER = "linkhealth"
# A GitHub issue's body holds 65,536 characters.
MAX_ISSUE_BODY = 60_000


class DeadLinks(HearthError):
    """Some links are dead; the report above says which."""


@dataclass(frozen=True)
class DeadLink:
    place: Place
    url: str
    status: str
    suggestion: Suggestion | None


@dataclass(frozen=True)
class LinkReport:
    checked: int  # addresses (online) or links (offline)
    dead: tuple[DeadLink, ...]
    offline: bool

    def text(self) -> str:
        lines = []
        for link in self.dead:
            lines.append(
                f"{display_path(link.place.path)}:{link.place.line}: {link.url}: {link.status}"
            )
            lines.append(f"    {_suggested(link.suggestion)}")
        what = "links between the site's pages" if self.offline else "addresses"
        lines.append(f"Checked {self.checked} {what}: {len(self.dead)} dead.")
        return "\n".join(lines)

    def markdown(self) -> str:
        """The report for a GitHub issue's body: addresses in code, so none is a link."""
        if not self.dead:
            return f"No dead links among {self.checked} addresses.\n"
        rows = [f"{len(self.dead)} dead links among {self.checked} addresses.", ""]
        for link in self.dead:
            where = f"{display_path(link.place.path)}:{link.place.line}"
            suggestion = link.suggestion.url if link.suggestion else "no snapshot"
            row = (
                f"- `{where}`: `{_code(link.url)}`: {_code(link.status)}; "
                f"archived: `{_code(suggestion)}`"
            )
            if sum(map(len, rows)) + len(row) > MAX_ISSUE_BODY:
                rows.append("- ... and more: run `invoke check-links` for the whole list.")
                break
            rows.append(row)
        return "\n".join(rows) + "\n"


def _in_order(dead: list[DeadLink]) -> tuple[DeadLink, ...]:
    """By file and line, each once."""
    return tuple(sorted(dict.fromkeys(dead), key=lambda link: (link.place, link.url)))


def _code(text: str) -> str:
    return text.replace("`", "'")


def _suggested(suggestion: Suggestion | None) -> str:
    if suggestion is None:
        return "The Wayback Machine has no snapshot of it."
    if suggestion.checked:
        return f"Archived: {suggestion.url}"
    return f"Perhaps archived (not checked): {suggestion.url}"


def check_links(
    settings: Mapping[str, Any], *, offline: bool = False, public_url: str = ""
) -> LinkReport:
    """Online: every address in the content. Offline: the built site's links to its own
    pages; ``public_url`` (the published site's address) makes their archive address."""
    options = linkhealth_options(settings)
    if offline:
        return check_own_pages(settings, public_url or absolute_site_url(settings))
    places, problems = link_places(content_files(settings))
    if problems:
        raise ContentError(problems)
    folder = Path(settings.get("CACHE_PATH") or "cache", CACHE_FOLDER)
    answers = ask_lychee(sorted(places), options, folder, private_allowed())
    found = suggestions(sorted({answer.url for answer in answers}), options, offline=False)
    dead = [
        DeadLink(place, url, answer.status, found.get(answer.url))
        for answer in answers
        for url, place in _places_of(answer, places)
    ]
    return LinkReport(len(places), _in_order(dead), offline=False)


def _places_of(answer: Answer, places: Mapping[str, list[Place]]) -> list[tuple[str, Place]]:
    """Where ``answer``'s address is written: lychee may add a slash after a bare host."""
    for url in (answer.url, answer.url.removesuffix("/")):
        if url in places:
            return [(url, place) for place in places[url]]
    return [(answer.url, Place(Path("(unknown file)"), 0))]


def check_own_pages(settings: Mapping[str, Any], public_url: str) -> LinkReport:
    output = Path(settings["OUTPUT_PATH"])
    if not (output / "index.html").is_file():
        raise HearthError(f"{output}/ holds no built site: run `invoke build` first")
    built_url = absolute_site_url(settings)
    site_path = urlsplit(str(settings.get("SITEURL") or "")).path.rstrip("/")
    links = list(internal_links(output, built_url, site_path))
    missing = [link for link in links if not exists(output, link.path)]
    dead = [
        DeadLink(
            Place(link.page, link.line),
            link.href,
            "no such page",
            archive_address(f"{public_url.rstrip('/')}/{link.path}"),
        )
        for link in missing
    ]
    return LinkReport(len(links), _in_order(dead), offline=True)


def report_path(report: str) -> Path:
    """Where ``--report`` writes, checked before the run: a file in a folder that exists."""
    target = Path(report)
    if report.startswith("-") or target.is_dir() or not target.parent.is_dir():
        raise HearthError(
            f"--report {report[:80]!r}: give a file in a folder that exists, "
            "such as cache/link-report.md"
        )
    return target
