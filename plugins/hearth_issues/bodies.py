"""Issue and page bodies from Markdown to HTML, as Pelican reads its MARKDOWN setting.

Apart from the reader (reader.py), which imports Pelican: `invoke email` converts
one issue and needs none of Pelican, whose import is a fifth of its time.
"""

from __future__ import annotations

import copy
import functools
import json
from typing import Any

from markdown import Markdown

from hearth_core.markdown_speed import FastMarkdownExtension


def markdown_options(config: dict[str, Any]) -> str:
    """The MARKDOWN setting as text: the key under which converted bodies are remembered."""
    return json.dumps(config, sort_keys=True, default=repr)


@functools.lru_cache(maxsize=4)  # one per MARKDOWN setting; workers make their own
def _renderer(options: str) -> Markdown:
    return markdown_renderer(json.loads(options))


def render_markdown(options: str, body: str) -> str:
    """HTML for ``body``; module-level so worker processes can run it."""
    markdown = _renderer(options)
    markdown.reset()
    return markdown.convert(body)


def markdown_renderer(config: dict[str, Any], speedups: bool = True) -> Markdown:
    """Python-Markdown configured the way Pelican reads its MARKDOWN setting.

    Without ``speedups``, Python-Markdown's own slower path, which tests compare it with.
    """
    # Pelican's own Markdown reader mutates this dict; copy it so we never do.
    options = copy.deepcopy(config)
    extensions = list(options.pop("extensions", []))
    extensions += [name for name in options.get("extension_configs", {}) if name not in extensions]
    # Last, so it sees every pattern the others add; the HTML is the same without it.
    if speedups:
        extensions.append(FastMarkdownExtension())
    return Markdown(extensions=extensions, **options)
