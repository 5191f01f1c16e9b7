"""What Pelican would warn about in an issue's or a page's body, found before it runs.

Pelican reads the HTML a body becomes: it warns of an image without alt text, and of an
intrasite link (``{filename}``, ``{static}``, ``{attach}``) it cannot resolve, and a build
that logs a warning fails. So `invoke check` looks at the same HTML with Pelican's own
patterns (``pelican.readers.find_empty_alt`` and ``Content._get_intrasite_link_regex``,
copied here; tests hold them to Pelican's) and says which line of the source to change.
"""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

import lxml.html

from hearth_core.fetched import fetched_addresses, other_host
from hearth_core.headers import source_lines
from hearth_core.problems import Problem, problem

# Pelican 4.12, readers.find_empty_alt.
EMPTY_ALT = re.compile(
    r"""
    (?:<img[^\>]*src=(['"])(.*?)\1[^\>]*alt=(['"])\3)
    |(?:<img[^\>]*alt=(['"])\4[^\>]*src=(['"])(.*?)\5)
    """,
    re.X,
)
# Pelican 4.12, contents.Content._get_intrasite_link_regex, with its default
# INTRASITE_LINK_REGEX.
DEFAULT_INTRASITE = "[{|](?P<what>.*?)[|}]"
LINK_TEMPLATE = r"""
    (?P<markup><[^\>]+(?:href|src|poster|data|cite|formaction|action|content)\s*=\s*)
    (?P<quote>["\'])(?P<path>{}(?P<value>.*?))(?P=quote)"""
# Only a body with one of these can hold either, and most bodies have none: they need
# no HTML. An image written with nothing between its brackets or an empty alt
# attribute; a link's destination (Markdown's `](`, a reference's `]:`, an attribute's
# `="`) that starts with `{` or `|`, as Pelican's intrasite links do.
MAY_WARN = (
    re.compile(r"!\[\s*\]"),
    re.compile(r"[Aa][Ll][Tt]\s*=\s*(?:\"\"|'')"),
    re.compile(r"(?:\]\(|\]:|=\s*[\"'])\s*<?[{|]"),
)  # three searches: one pattern of the three alternatives takes three times as long

# A body that can make a reader's browser load something: an image, or an element
# of inline HTML that fetches as the page loads.
MAY_LOAD = re.compile(
    r"!\[|<(?:img|picture|source|iframe|script|video|audio|track|embed|object|link|input)\b",
    re.IGNORECASE,
)

KNOWN_LINKS = {"filename", "static", "attach", "tag", "category", "author", "index"}


@dataclass(frozen=True)
class SiteFiles:
    """What an intrasite link may point at: the content folder and what the build reads."""

    root: Path
    # The issue and page files Pelican reads (``{filename}`` targets), resolved.
    documents: frozenset[Path]
    # Drafts left out of the build for their problems: no link reaches them.
    left_out: frozenset[Path] = frozenset()


@dataclass(frozen=True)
class Body:
    """One issue's or page's body, and where it starts in its file."""

    source: Path
    text: str
    first_line: int


def link_pattern(intrasite: str = DEFAULT_INTRASITE) -> re.Pattern[str]:
    return re.compile(LINK_TEMPLATE.format(intrasite), re.X)


def may_warn(body: str) -> bool:
    """Whether ``body`` can hold an image or an intrasite link Pelican warns of, or
    load something from another host; most bodies cannot."""
    return any(pattern.search(body) for pattern in MAY_WARN) or bool(MAY_LOAD.search(body))


def other_hosts_loaded(page_html: str) -> list[tuple[str, str]]:
    """``(element, address)`` for each address in ``page_html`` that a browser would
    fetch from another host, in order. Any host: the site's own files are written
    /images/..., which a preview shows too."""
    if not MAY_LOAD.search(page_html):
        return []
    fragment = lxml.html.fragment_fromstring(page_html, create_parent="div")
    return [found for found in fetched_addresses(fragment) if other_host(found[1])]


def empty_alt_images(page_html: str) -> list[str]:
    """The address of every image Pelican would say has an empty alt, in order."""
    return [match[1] or match[5] for match in EMPTY_ALT.findall(page_html)]


def intrasite_links(page_html: str, pattern: re.Pattern[str]) -> list[tuple[str, str]]:
    """``(what, value)`` of every intrasite link Pelican would replace."""
    return [(m["what"], m["value"]) for m in pattern.finditer(page_html)]


def body_problems(
    body: Body, rendered: str, files: SiteFiles, pattern: re.Pattern[str] | None = None
) -> list[Problem]:
    """What Pelican would warn about in ``body``, whose HTML is ``rendered``, at the line
    to change."""
    problems = [
        problem(body.source, _line_of(body, src, EMPTY_ALT_SOURCE), "image", _alt_message(src))
        for src in empty_alt_images(rendered)
    ]
    for element, address in other_hosts_loaded(rendered):
        field = "image" if element in ("img", "source", "picture") else element
        line = _line_of(body, address)
        problems.append(problem(body.source, line, field, _other_host_message(address)))
    for what, value in intrasite_links(rendered, pattern or link_pattern()):
        message = _link_message(what, value, body.source, files)
        if message:
            needle = "{" + what + "}" + html.unescape(value)
            problems.append(problem(body.source, _line_of(body, needle), "link", message))
    return problems


def attached_twice(links: Iterable[tuple[Path, Path]]) -> Iterator[tuple[Path, Path, Path]]:
    """``(source, file, first source)`` for each ``{attach}`` of a file another source
    attached first (in path order, as Hearth reads them): Pelican moves a file once."""
    first: dict[Path, Path] = {}
    for source, target in sorted(links):
        earlier = first.setdefault(target, source)
        if earlier != source:
            yield source, target, earlier


def attach_targets(
    body: Body, page_html: str, files: SiteFiles, pattern: re.Pattern[str] | None = None
) -> list[Path]:
    """The files ``body`` links with ``{attach}``, resolved."""
    found = []
    for what, value in intrasite_links(page_html, pattern or link_pattern()):
        if what == "attach":
            target = _target(value, body.source, files.root)
            if target is not None:
                found.append(target)
    return found


# Markdown's and HTML's ways to write an image with an empty alt.
EMPTY_ALT_SOURCE = re.compile(r"!\[\s*\]|alt\s*=\s*(\"\"|'')", re.IGNORECASE)


def _alt_message(src: str) -> str:
    name = src.rsplit("/", 1)[-1] or src
    return (
        f"the image {name} has no alt text: describe what it shows between the brackets, "
        "![what the image shows](...), or in the alt attribute of an <img> tag; "
        "screen readers and email clients without images read it instead"
    )


def _other_host_message(address: str) -> str:
    return (
        f"{address[:200]} would be loaded from {other_host(address)[:100]} by every "
        "reader's browser, and Hearth's pages ask no other host: save the file in "
        "content/images/ and write its address as /images/<name> (a link to it, "
        "[what it shows](...), stays fine)"
    )


def _link_message(what: str, value: str, source: Path, files: SiteFiles) -> str:
    if what not in KNOWN_LINKS:
        return (
            f"{{{what}}} is not a link Pelican knows: write {{filename}} before the path "
            "of an issue or page, {static} before a file's, or a plain address"
        )
    if what not in ("filename", "static", "attach"):
        return ""
    target = _target(value, source, files.root)
    written = f"{{{what}}}{html.unescape(value)}"
    if target is None:
        return (
            f"{written} names no file in {files.root.name}/: a path starting with / "
            "starts there, any other starts in this file's folder; "
            + _suggestion(urlparse(html.unescape(value)).path, what, files)
        )
    is_document = target in files.documents
    if what == "filename" and not is_document:
        return (
            f"{written} is a file, not an issue or page: write {{static}} instead of {{filename}}"
        )
    if what != "filename" and is_document:
        return f"{written} is an issue or page: write {{filename}} instead of {{{what}}}"
    return ""


def _suggestion(path: str, what: str, files: SiteFiles) -> str:
    """ "did you mean {filename}/issues/0003-zines.md?" for the issue or page, or the
    file in the same folder, whose path is nearest; else "check its spelling"."""
    root = files.root
    if what == "filename":
        known = [f"/{p.relative_to(root).as_posix()}" for p in files.documents]
    else:
        folder = (root / path.lstrip("/")).parent
        near = sorted(folder.iterdir()) if path.startswith("/") and folder.is_dir() else []
        known = [f"/{p.relative_to(root).as_posix()}" for p in near if p.is_file()]
    number = re.match(r"\d{4}-", path.rsplit("/", 1)[-1])
    same_number = [k for k in known if number and k.rsplit("/", 1)[-1].startswith(number[0])]
    close = same_number if number else difflib.get_close_matches(path, known, n=1, cutoff=0.6)
    return f"did you mean {{{what}}}{close[0]}?" if close else "check its spelling"


def _target(value: str, source: Path, root: Path) -> Path | None:
    """The file Pelican would find for a link's ``value``, resolved; None if none.

    As Pelican tries it: the path, unquoted, then with HTML entities read; a path
    starting with / from the content folder, any other from the source's folder.
    """
    raw = urlparse(value).path
    for path in (raw, unquote(raw), urlparse(html.unescape(value)).path):
        base = root if path.startswith("/") else source.parent
        candidate = (base / path.lstrip("/")).resolve()
        if path and candidate.is_file() and candidate.is_relative_to(root.resolve()):
            return candidate
    return None


def _line_of(body: Body, needle: str, pattern: re.Pattern[str] | None = None) -> int:
    """The line of ``body`` that holds ``needle`` (and ``pattern``, if one holds both);
    the body's first line when none does, as for a link from a reference definition."""
    lines = source_lines(body.text)
    holding = [i for i, line in enumerate(lines) if needle in line or needle in html.unescape(line)]
    preferred = [i for i in holding if pattern and pattern.search(lines[i])]
    found = (preferred or holding or [0])[0]
    return body.first_line + found


def is_draft_source(text: str) -> bool:
    """Whether a file's header says ``Status: draft``, even when another line of it is
    wrong: its problems then hold back the draft, never the published issues."""
    for line in source_lines(text.lstrip("\ufeff")):
        if not line.strip():
            return False
        key, _, value = line.partition(":")
        if key.strip().lower() == "status" and value.strip().lower() == "draft":
            return True
    return False
