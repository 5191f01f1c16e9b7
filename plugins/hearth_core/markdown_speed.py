"""Python-Markdown made faster on a newsletter archive, with the very same output.

Each part removes work Python-Markdown repeats without need; tests hold the
HTML to what Python-Markdown gives without this extension.

- The inline patterns take a fast path for simple texts (inline_fast.py).
- ``is_block_level``, asked half a million times in a build, looks a tag up in
  a list of sixty names; here it looks in a set made of that list.
- codehilite makes a new Pygments lexer and formatter for every code block, and
  the formatter works out its whole style sheet each time: here each pair of
  name and options makes them once.
- A block goes through a dozen block tests, each a regular expression over the
  whole block, before it is found to be a paragraph or a list: here a test is
  skipped when the block lacks a character its expression cannot match without.
- toc walks every element of every page for its ``[TOC]`` marker; here only a
  page whose source has the marker.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from typing import Any

import markdown.extensions.codehilite as codehilite
from markdown import Markdown, blockprocessors, util
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension
from markdown.extensions.abbr import AbbrBlockprocessor
from markdown.extensions.attr_list import AttrListTreeprocessor
from markdown.extensions.def_list import DefListProcessor
from markdown.extensions.footnotes import FootnoteBlockProcessor
from markdown.extensions.tables import TableProcessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor, UnescapeTreeprocessor
from markdown.util import Registry

from hearth_core.inline_fast import FastInlineProcessor


# For measuring only: the tweaks named here (comma-separated) stay off, so that the
# benchmark can time a build without each (benchmarks/hearth_bench/tweaks.py).
OFF = frozenset(os.environ.get("HEARTH_MARKDOWN_TWEAKS_OFF", "").split(","))


class FastMarkdownExtension(Extension):
    """Load last: it sees what every other extension registered."""

    def extendMarkdown(self, md: Markdown) -> None:
        if "inline" not in OFF:
            md.treeprocessors.register(FastInlineProcessor(md), "inline", 20)
        # Before every other preprocessor: the source as the author wrote it.
        md.preprocessors.register(_SourceChecks(md), "hearth_source_checks", 1000)
        md.registerExtension(self)
        self.md = md
        if "needles" not in OFF:
            for processor in md.parser.blockprocessors:
                _skip_test_without_needles(processor)
        if "registry" not in OFF:
            _list_once(md.parser.blockprocessors)
        if "unescape" not in OFF:
            for processor in md.treeprocessors:
                _unescape_only_escapes(processor)
        if "attr_list" in md.treeprocessors and "attr_list" not in OFF:
            _skip_without_braces(md, md.treeprocessors["attr_list"])
        if "highlighters" not in OFF:
            _cache_code_highlighters()
        self.reset()

    def reset(self) -> None:
        if "block_level" in OFF:
            return
        # Made again for each document: an extension may add a name to the list later.
        names = frozenset(self.md.block_level_elements)
        known: dict[Any, bool] = {}  # by tag: a document has a few dozen kinds

        def is_block_level(tag: Any) -> bool:
            try:
                return known[tag]
            except KeyError:
                block = known[tag] = isinstance(tag, str) and tag.lower().rstrip("/") in names
                return block

        self.md.is_block_level = is_block_level  # type: ignore[method-assign]


class _SourceChecks(Preprocessor):
    """Notes what the document's source lacks, so later steps can skip their search:
    toc's for its marker, attr_list's for "{", which its syntax cannot do without."""

    def run(self, lines: list[str]) -> list[str]:
        source = "\n".join(lines)
        if "toc" in self.md.treeprocessors and "toc" not in OFF:  # a Registry: no get()
            toc = self.md.treeprocessors["toc"]
            if not hasattr(toc, "hearth_marker"):
                toc.hearth_marker = toc.marker
            marker = toc.hearth_marker
            # Only a speed-up: with the marker kept, toc finds out for itself.
            toc.marker = marker if marker and marker in source else ""
        self.md.hearth_has_brace = "{" in source  # type: ignore[attr-defined]
        return lines


def _skip_without_braces(md: Markdown, processor: Treeprocessor) -> None:
    # attr_list looks for {: ...} after every element's text; in a document without a
    # "{" (nearly every newsletter issue) it can find none.
    if type(processor) is not AttrListTreeprocessor or hasattr(processor.run, "hearth_skips"):
        return
    full_run = processor.run

    def run(root: Any) -> None:
        if getattr(md, "hearth_has_brace", True):
            full_run(root)

    run.hearth_skips = True  # type: ignore[attr-defined]
    processor.run = run  # type: ignore[method-assign]


def _unescape_only_escapes(processor: Treeprocessor) -> None:
    # Asked for every text and tail of every element: most hold no escaped character.
    if type(processor) is not UnescapeTreeprocessor or processor.RE is not UnescapeTreeprocessor.RE:
        return
    unescape = processor.unescape
    if hasattr(unescape, "hearth_checks"):
        return

    def only_escapes(text: str) -> str:
        return unescape(text) if util.STX in text else text

    only_escapes.hearth_checks = True  # type: ignore[attr-defined]
    processor.unescape = only_escapes  # type: ignore[method-assign]


class _ListedRegistry(Registry):
    """A Registry that lists its items once, not on every iteration: the block parser
    goes through its processors for each of 80,000 blocks of a newsletter archive."""

    _listed: list[Any] | None = None

    def __iter__(self) -> Iterator[Any]:
        if self._listed is None or not self._is_sorted:
            self._listed = list(Registry.__iter__(self))
        return iter(self._listed)

    def register(self, item: Any, name: str, priority: float) -> None:
        self._listed = None
        super().register(item, name, priority)

    def deregister(self, name: str, strict: bool = True) -> None:
        self._listed = None
        super().deregister(name, strict)


def _list_once(registry: Registry) -> None:
    if type(registry) is Registry:
        registry.__class__ = _ListedRegistry


# For each block test, text its expression needs (any one of them) to match at all.
_NEEDLES: dict[type[BlockProcessor], tuple[str, ...]] = {
    blockprocessors.HashHeaderProcessor: ("#",),
    blockprocessors.SetextHeaderProcessor: ("\n=", "\n-"),
    blockprocessors.HRProcessor: ("-", "_", "*"),
    blockprocessors.BlockQuoteProcessor: (">",),
    blockprocessors.ReferenceProcessor: ("]:",),
    DefListProcessor: (":",),
    TableProcessor: ("|",),  # a header row of two cells or more, or a border
    AbbrBlockprocessor: ("*[",),
    FootnoteBlockProcessor: ("[^",),
}
_EXPRESSIONS = ("RE", "SEARCH_RE")


def _skip_test_without_needles(processor: BlockProcessor) -> None:
    kind = type(processor)
    needles = _NEEDLES.get(kind)
    # Only Python-Markdown's own processors, with the expressions they were written with.
    if needles is None or getattr(processor.test, "hearth_needles", None):
        return
    if any(getattr(processor, name, 0) is not getattr(kind, name, 0) for name in _EXPRESSIONS):
        return
    full_test = processor.test
    # Asked half a million times a build: one search in C, not a generator of them.
    search = re.compile("|".join(map(re.escape, needles))).search

    def test(parent: Any, block: str) -> bool:
        return search(block) is not None and full_test(parent, block)

    test.hearth_needles = needles  # type: ignore[attr-defined]
    processor.test = test  # type: ignore[method-assign]


def _cache_code_highlighters() -> None:
    if not getattr(codehilite.get_lexer_by_name, "hearth_cached", False):
        codehilite.get_lexer_by_name = _made_once(codehilite.get_lexer_by_name)
        codehilite.get_formatter_by_name = _made_once(codehilite.get_formatter_by_name)


# Pygments lexers and formatters keep no state between the texts they handle:
# highlight() is meant to be called with the same ones again and again.
_MAX_KEPT = 512


def _made_once(make: Callable[..., Any]) -> Callable[..., Any]:
    kept: dict[tuple[str, str], Any] = {}

    def made(name: str, **options: Any) -> Any:
        key = (name, repr(sorted(options.items())))
        if key not in kept:
            if len(kept) >= _MAX_KEPT:
                kept.clear()
            kept[key] = make(name, **options)  # an unknown name raises, as before
        return kept[key]

    made.hearth_cached = True  # type: ignore[attr-defined]
    made.__wrapped__ = make  # type: ignore[attr-defined]
    return made
