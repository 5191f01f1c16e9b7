"""``HEARTH_THEME`` for the site: the checked values live in hearth_core.themevalues, which
the email reads too; this name stays for the site's modules and tests."""

from __future__ import annotations

from hearth_core.themevalues import (
    DARK_BACKGROUND,
    DEFAULT_DARK_ACCENT,
    DEFAULTS,
    FONT_STACKS,
    LIGHT_BACKGROUND,
    MIN_CONTRAST,
    SiteTheme,
    contrast,
    lighter,
    luminance,
    site_theme,
)

__all__ = [
    "DARK_BACKGROUND",
    "DEFAULTS",
    "DEFAULT_DARK_ACCENT",
    "FONT_STACKS",
    "LIGHT_BACKGROUND",
    "MIN_CONTRAST",
    "SiteTheme",
    "contrast",
    "lighter",
    "luminance",
    "site_theme",
]
