"""A live preview keeps the articles Pelican made of the issues an edit left alone.

Pelican reads every issue again for each build, and makes its article: on a
700-issue archive that is a third of a preview's rebuild after a one-line edit.
Pelican's own content cache (``get_cached_data`` and ``cache_data`` on its
generators) would keep them in a pickle on disk; a preview's one process keeps
them in memory, through the same two methods.

An article is used again only if all of this holds since the build that read it:
the settings are equal; the issue files are the same files; and every file whose
bytes changed kept its header, where everything one article may show of another
(its title, address, date) comes from. An article made from an issue's own bytes
depends on nothing else: what a build computes across issues (neighbours, listings,
links from members) it sets again on every article, read or kept.
"""

from __future__ import annotations

import os
from typing import Any

from hearth_core.state import build_state


class KeptArticleCaches:
    """A part of the build state (``hearth_core.state``), one per preview process."""

    def __init__(self) -> None:
        # The articles the last preview build read or kept, by source path (as Pelican
        # gives an article's), with the bytes each was made from; and that build's settings.
        self.kept: dict[str, tuple[bytes, Any]] = {}
        self.settings: dict[str, Any] | None = None


def _header(source: bytes) -> bytes:
    # Pelican-style headers end at the first blank line; a file without one is
    # all header here, so any change to it is taken for a change of header.
    return source.split(b"\n\n", 1)[0]


def _usable(sources: dict[str, bytes], settings: dict[str, Any], caches: KeptArticleCaches) -> bool:
    kept = caches.kept
    if settings != caches.settings or sources.keys() != kept.keys():
        return False
    return all(
        _header(source) == _header(kept[path][0])
        for path, source in sources.items()
        if source != kept[path][0]
    )


class KeptArticles:
    """Installed on a preview's ArticlesGenerator as Pelican's cache methods."""

    def __init__(self, generator: Any) -> None:
        self.generator = generator
        files = generator.get_files(
            generator.settings["ARTICLE_PATHS"], exclude=generator.settings["ARTICLE_EXCLUDES"]
        )
        self.sources = {path: _read(path) for path in map(self._source_path, files)}
        self.caches = build_state(generator.settings).part(KeptArticleCaches)
        self.usable = _usable(self.sources, generator.settings, self.caches)
        if not self.usable:
            self.caches.kept.clear()
        self.caches.settings = generator.settings

    def _source_path(self, path: str) -> str:
        # As Pelican's reader makes an article's source_path from the generator's path.
        return os.path.abspath(os.path.join(self.generator.path, path))

    def get_cached_data(self, path: str, default: Any = None) -> Any:
        source_path = self._source_path(path)
        kept = self.caches.kept.get(source_path)
        if not self.usable or kept is None or kept[0] != self.sources.get(source_path):
            return default
        article = kept[1]
        # The same settings by value; the context is this build's own.
        article.settings = self.generator.settings
        article._context = self.generator.context
        return article

    def cache_data(self, path: str, article: Any) -> None:
        source_path = self._source_path(path)
        source = self.sources.get(source_path)
        if source is None:
            self.caches.kept.pop(source_path, None)
        else:
            self.caches.kept[source_path] = (source, article)


def _read(path: str) -> bytes:
    try:
        with open(path, "rb") as file:
            return file.read()
    except OSError:
        return b""  # Pelican's own read reports it


def keep_articles(generator: Any) -> None:
    """At ``article_generator_init``: a preview's builds keep and use again articles."""
    if not generator.settings.get("HEARTH_PREVIEW"):
        return
    kept = KeptArticles(generator)
    generator.get_cached_data = kept.get_cached_data
    generator.cache_data = kept.cache_data
