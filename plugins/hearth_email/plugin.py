"""Pelican wiring: the build publishes a PNG beside each SVG of the content's static files.

An email shows the PNG in place of the SVG (``hearth_email.images``), at the address the
SVG has with .png: the site must hold it there once it is live.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from pelican import signals

from hearth_core.files import write_atomically
from hearth_core.state import build_state
from hearth_email.images import RasterError, cache_folder, is_svg, png_beside, rasterised

logger = logging.getLogger(__name__)


class StaticGenerators:
    """A part of the build state: the static generators whose SVGs await their PNGs."""

    def __init__(self) -> None:
        self.pending: list[Any] = []


def remember_statics(generator: Any) -> None:
    # Asking a static file its save_as marks its place as referenced, and Pelican then
    # refuses an {attach} link that would move it: wait until every page is written.
    build_state(generator.settings).part(StaticGenerators).pending.append(generator)


def publish_pending_pngs(pelican: Any) -> None:
    statics = build_state(pelican.settings).part(StaticGenerators)
    pending, statics.pending = statics.pending, []
    for generator in pending:
        publish_pngs(generator)


def publish_pngs(generator: Any) -> None:
    """Each static SVG's PNG, made once per SVG (the cache keeps it) and written beside it."""
    published = {static.save_as for static in generator.staticfiles}
    cache = cache_folder(generator.settings)
    for static in generator.staticfiles:
        target = png_beside(static.save_as)
        if not is_svg(static.save_as) or target in published:
            continue  # not an SVG, or the author's own PNG beside it, which Pelican copies
        try:
            png = rasterised(Path(static.source_path), cache)
        except RasterError as error:
            # Not a build failure: a page shows the SVG itself. `invoke email` refuses
            # an email with it, with this reason, where the PNG is needed.
            logger.info("No PNG for %s: %s", static.save_as, error)
            continue
        # Written each build, as Pelican writes its pages: a build removes what it did
        # not write this time (hearth_site.produced).
        write_atomically(Path(generator.output_path, target), png.read_bytes())


def register() -> None:
    signals.static_generator_finalized.connect(remember_statics)
    signals.finalized.connect(publish_pending_pngs)
