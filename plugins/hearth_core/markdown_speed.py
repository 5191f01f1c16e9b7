"""Python-Markdown made faster on a newsletter archive, with the very same output.

One tweak is left: the inline patterns take a fast path for simple texts
(inline_fast.py), which saves about 8% of the issues' Markdown time and 3.1% of the
benchmark's cold build on its varied archive. Seven more were measured on that archive
and removed, each saving under 3% of the cold build (docs/performance.md has the
table). Tests hold the HTML to what Python-Markdown gives without this extension.
"""

from __future__ import annotations

import os

from markdown import Markdown
from markdown.extensions import Extension

from hearth_core.inline_fast import FastInlineProcessor

# For measuring only: the tweaks named here (comma-separated) stay off, so that the
# benchmark can time a build without each (benchmarks/hearth_bench/tweaks.py).
OFF = frozenset(os.environ.get("HEARTH_MARKDOWN_TWEAKS_OFF", "").split(","))


class FastMarkdownExtension(Extension):
    """Load last: it sees what every other extension registered."""

    def extendMarkdown(self, md: Markdown) -> None:
        # Under another Markdown than it was made for, it takes Markdown's own path
        # (inline_fast.PIN).
        if "inline" not in OFF:
            md.treeprocessors.register(FastInlineProcessor(md), "inline", 20)
