"""Pelican's handling of {filename}, {static} and {attach} links, done less often.

Pelican scans every issue's HTML for {static} and {attach} links on every build.
That is about a sixth of a live preview's rebuild after one edit, repeated on
699 unchanged texts. The scan depends on the text, the file it came from and two
settings; the last answer per file is kept while those are the same.

Writing each page, Pelican rewrites such links in its text with a regular
expression tried at every tag: a tenth of the time to write 700 issue pages. A
text with no match for INTRASITE_LINK_REGEX alone (by default, no "{" and no "|")
has no such link, and is left as it is, as Pelican would leave it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from pelican.contents import Content

from hearth_core.memo import KeptByKey
from hearth_core.pins import Pin
from hearth_core.state import build_state

PIN = Pin(
    "hearth_site/staticlinks.py",
    "Content's private _update_content and its get_static_links",
    "pelican",
    "Pelican",
    "4.12.0",
)

# Pelican's own methods, which these stand in for.
_SCAN: Callable[[Content], set[str]] = Content.get_static_links
_REWRITE: Callable[[Content, str, str], str] = Content._update_content


class ScannedLinks(KeptByKey[frozenset[str]]):
    """A part of the build state (``hearth_core.state``): the last scan of each file."""


def static_links(content: Content) -> set[str]:
    """What Pelican's ``Content.get_static_links`` returns, scanned once per text and file."""
    settings = content.settings
    scanned = build_state(settings).part(ScannedLinks)
    key = (content.source_path, settings.get("PATH"), settings.get("INTRASITE_LINK_REGEX"))
    return set(scanned.get(key, content._content, lambda: frozenset(_SCAN(content))))


def rewrite_links(content: Content, text: str, siteurl: str) -> str:
    """What Pelican's ``Content._update_content`` returns, without its search of a text
    that holds no intrasite link: its pattern needs INTRASITE_LINK_REGEX to match."""
    if text and _intrasite(content.settings["INTRASITE_LINK_REGEX"]).search(text) is None:
        return text
    return _REWRITE(content, text, siteurl)


@functools.lru_cache(maxsize=16)
def _intrasite(regex: str) -> re.Pattern[str]:
    return re.compile(regex, re.X)  # as Pelican compiles it, within its own pattern


def register() -> None:
    if not PIN.holds():
        return  # Pelican's own scan and rewrite: slower, and right for any version
    Content.get_static_links = static_links
    Content._update_content = rewrite_links
