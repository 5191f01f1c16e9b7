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
from hearth_core.statics import forget_statics, remember_statics, static_generators
from hearth_email.images import RasterError, cache_folder, is_svg, png_beside, rasterised

logger = logging.getLogger(__name__)


def publish_pending_pngs(pelican: Any) -> None:
    # Once every page is written: see hearth_core.statics.
    for generator in static_generators(pelican.settings):
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
    signals.initialized.connect(forget_statics)
    signals.static_generator_finalized.connect(remember_statics)
    signals.finalized.connect(publish_pending_pngs)
