"""``HEARTH_THEME``: a community's accent colour, heading face and logo, as CSS custom properties.

In hearth_core so the site (hearth_site.theme) and the email (hearth_email) read the same
checked values without one importing the other.

Checked once, where the values enter: a colour must be a colour that reads on the
page's background, a font a list of family names, a logo a small image in content/.
Every message names the key and what to write instead; tasks.py adds the settings
file's line (hearth_core.settingsplace).
"""

from __future__ import annotations

import colorsys
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hearth_core.settings import SettingsError

NAME = "HEARTH_THEME"
# The page backgrounds of the light and the dark theme (theme/static/css/hearth.css).
LIGHT_BACKGROUND = "#fffcf7"
DARK_BACKGROUND = "#17130f"
DEFAULTS: dict[str, Any] = {
    "accent": "#a33a0b",
    "accent_dark": None,  # made from "accent" when not given
    "heading_font": "serif",
    "logo": "",
}
DEFAULT_DARK_ACCENT = "#f3a06b"
# Named stacks of faces every system has one of: no font is downloaded.
# Unquoted: each name is a run of CSS identifiers, so no character in them needs escaping
# in the page's <style>.
FONT_STACKS = {
    "serif": "Iowan Old Style, Palatino Linotype, Palatino, URW Palladio L, P052, "
    "Book Antiqua, Georgia, serif",
    "sans": "system-ui, -apple-system, Segoe UI, Roboto, Helvetica Neue, Arial, sans-serif",
    "slab": "Rockwell, Roboto Slab, DejaVu Serif, Georgia, serif",
    "humanist": "Seravek, Gill Sans Nova, Ubuntu, Calibri, DejaVu Sans, sans-serif",
    "mono": "ui-monospace, Cascadia Code, Menlo, Consolas, DejaVu Sans Mono, monospace",
}
# Words that start with a letter: valid unquoted in CSS, and nothing to escape in HTML.
FAMILY_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9-]*(?: [A-Za-z][A-Za-z0-9-]*){0,5}$")
HEX_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
LOGO_TYPES = {".svg", ".png", ".webp"}
LOGO_MAX_BYTES = 50_000
# WCAG AA for text: the accent colours links and buttons.
MIN_CONTRAST = 4.5


@dataclass(frozen=True)
class SiteTheme:
    accent: str
    accent_dark: str
    heading_font: str
    logo: str  # the logo's path in the site ("images/logo.svg"), or ""

    @property
    def css(self) -> str:
        """The custom properties the stylesheet reads. Every value was checked on entry
        and holds no character HTML escapes, so the page prints it as it is."""
        return (
            f":root{{--accent:{self.accent};--heading:{self.heading_font}}}"
            f"@media (prefers-color-scheme: dark){{:root{{--accent:{self.accent_dark}}}}}"
        )


def site_theme(settings: Mapping[str, Any]) -> SiteTheme:
    """``HEARTH_THEME`` checked; a SettingsError names the key and what to do."""
    given = settings.get("HEARTH_THEME") or {}
    if not isinstance(given, Mapping):
        raise SettingsError("must be a dict", setting=NAME)
    unknown = sorted(set(given) - set(DEFAULTS), key=str)
    if unknown:
        raise SettingsError(
            f"unknown key {unknown[0]!r}: the keys are {', '.join(sorted(DEFAULTS))}",
            setting=NAME,
            key=(str(unknown[0]),),
        )
    values = {**DEFAULTS, **given}
    accent = _colour("accent", values["accent"], LIGHT_BACKGROUND)
    if values["accent_dark"] is None:
        dark = DEFAULT_DARK_ACCENT if accent == DEFAULTS["accent"] else lighter(accent)
    else:
        dark = _colour("accent_dark", values["accent_dark"], DARK_BACKGROUND)
    font = _font(values["heading_font"])
    logo = _logo(settings, values["logo"])
    return SiteTheme(accent.lower(), dark.lower(), font, logo)


def _refused(key: str, what: str) -> SettingsError:
    return SettingsError(what, setting=NAME, key=(key,))


def _colour(key: str, value: Any, background: str) -> str:
    if not isinstance(value, str) or not HEX_COLOUR.match(value.strip()):
        raise _refused(
            key, f"{value!r} is not a colour: write it as #rrggbb, for example '#a33a0b'"
        )
    colour = _six_digits(value.strip())
    ratio = contrast(colour, background)
    if ratio < MIN_CONTRAST:
        which = "light" if background == LIGHT_BACKGROUND else "dark"
        raise _refused(
            key,
            f"{value} on the {which} background ({background}) has a contrast of "
            f"{ratio:.1f}:1, below {MIN_CONTRAST}:1, so links in it are hard to read: choose a "
            f"{'darker' if which == 'light' else 'lighter'} shade",
        )
    return colour


def _six_digits(colour: str) -> str:
    if len(colour) == 4:
        return "#" + "".join(digit * 2 for digit in colour[1:])
    return colour


def _font(value: Any) -> str:
    if isinstance(value, str) and value in FONT_STACKS:
        return FONT_STACKS[value]
    families = value.split(",") if isinstance(value, str) else []
    names = [" ".join(family.strip().strip("\"'").split()) for family in families]
    if not names or not all(FAMILY_NAME.match(name) for name in names):
        raise _refused(
            "heading_font",
            f"{value!r} is not a font: name one of {', '.join(FONT_STACKS)}, or list "
            "installed families separated by commas, such as 'Charter, Georgia, serif' "
            "(words of letters, digits and -; Hearth loads no font from another host)",
        )
    return ", ".join(names)


def _logo(settings: Mapping[str, Any], value: Any) -> str:
    if not value:
        return ""
    content = Path(settings.get("PATH") or "content")
    relative = Path(str(value).lstrip("/"))
    statics = tuple(settings.get("STATIC_PATHS") or ())
    if not isinstance(value, str) or ".." in relative.parts or relative.suffix not in LOGO_TYPES:
        raise _refused(
            "logo",
            f"{value!r} is not a logo: give the path of an .svg, .png or .webp file "
            "under content/, for example 'images/logo.svg'",
        )
    if not relative.parts or relative.parts[0] not in statics:
        raise _refused(
            "logo",
            f"{value!r} is not in a folder the site publishes: put it in one of "
            f"{', '.join(statics) or 'STATIC_PATHS'} (for example 'images/logo.svg')",
        )
    path = content / relative
    if not path.is_file():
        raise _refused("logo", f"{path} does not exist: add the file, or fix the path")
    if path.stat().st_size > LOGO_MAX_BYTES:
        raise _refused(
            "logo",
            f"{path} is {path.stat().st_size:,} bytes: a logo shown at 2rem high "
            f"needs at most {LOGO_MAX_BYTES:,}; export it smaller",
        )
    return relative.as_posix()


def luminance(colour: str) -> float:
    """WCAG 2's relative luminance of ``#rrggbb``."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def lighter(colour: str) -> str:
    """The accent for the dark theme: the same hue, light enough to read on its background."""
    red, green, blue = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    hue, lightness, saturation = colorsys.rgb_to_hls(red, green, blue)
    while lightness < 1:
        lightness = min(1.0, lightness + 0.02)
        rgb = colorsys.hls_to_rgb(hue, lightness, saturation)
        candidate = "#" + "".join(f"{round(c * 255):02x}" for c in rgb)
        if contrast(candidate, DARK_BACKGROUND) >= MIN_CONTRAST + 1:
            return candidate
    return "#ffffff"
