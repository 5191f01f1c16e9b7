"""Pelican scans every issue's HTML for {static} and {attach} links on every build.

That is about a sixth of a live preview's rebuild after one edit, repeated on
699 unchanged texts. The scan depends on the text, the file it came from and two
settings; the last answer per file is kept while those are the same.
"""

from __future__ import annotations

from collections.abc import Callable

from pelican.contents import Content

from hearth_core.memo import KeptByKey

_SCAN: Callable[[Content], set[str]] = Content.get_static_links
_SCANNED: KeptByKey[frozenset[str]] = KeptByKey()


def static_links(content: Content) -> set[str]:
    """What Pelican's ``Content.get_static_links`` returns, scanned once per text and file."""
    settings = content.settings
    key = (content.source_path, settings.get("PATH"), settings.get("INTRASITE_LINK_REGEX"))
    return set(_SCANNED.get(key, content._content, lambda: frozenset(_SCAN(content))))


def register() -> None:
    Content.get_static_links = static_links  # type: ignore[method-assign]
