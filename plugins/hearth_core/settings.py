"""One dict setting per plugin, merged over its defaults and checked once."""

from __future__ import annotations

import traceback
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from hearth_core.errors import HearthError


class SettingsError(HearthError):
    """A Hearth setting in pelicanconf.py is wrong; the message says how to fix it."""


def plugin_settings(
    settings: Mapping[str, Any], name: str, defaults: Mapping[str, Any]
) -> dict[str, Any]:
    """Return ``defaults`` updated with ``settings[name]``; never mutate the user's dict."""
    given = settings.get(name) or {}
    if not isinstance(given, Mapping):
        raise SettingsError(f"{name} in pelicanconf.py must be a dict, not {type(given).__name__}")
    unknown = sorted(set(given) - set(defaults))
    if unknown:
        raise SettingsError(
            f"{name} in pelicanconf.py has unknown keys {', '.join(unknown)}: "
            f"allowed keys are {', '.join(sorted(defaults))}"
        )
    merged = {**defaults, **given}
    for key, default in defaults.items():
        if default is not None and not isinstance(merged[key], type(default)):
            raise SettingsError(
                f"{name}[{key!r}] in pelicanconf.py must be {type(default).__name__}, "
                f"not {merged[key]!r}"
            )
    return merged


def absolute_site_url(settings: Mapping[str, Any]) -> str:
    """The absolute base URL: feeds and sitemaps need it even where pages are root-relative."""
    return str(settings.get("FEED_DOMAIN") or settings.get("SITEURL") or "").rstrip("/")


def load_settings(config: str | Path, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Pelican's settings from ``config``; here, not with the build, so that a command
    needing only the settings (`invoke email`) does not import the whole build."""
    if not Path(config).is_file():
        raise SettingsError(f"{config} not found: run tasks from the project folder")
    # Pelican's package runs as a whole (its generators and readers too): about 0.1 s
    # of `invoke email`, which needs only the settings. Measured in docs/performance.md.
    from pelican.settings import read_settings

    try:
        return read_settings(str(config), override=dict(overrides or {}))
    except Exception as error:  # the settings files are Python: any mistake in them
        raise SettingsError(_where(error, config)) from None


def _where(error: Exception, config: str | Path) -> str:
    """``error`` as raised reading ``config`` (or a file it imports), at its file and line."""
    if isinstance(error, SyntaxError) and error.filename:
        place, reason = f"{Path(error.filename).name}:{error.lineno}", error.msg
    else:
        folder = Path(config).resolve().parent
        lines = [
            f"{Path(frame.f_code.co_filename).name}:{line}"
            for frame, line in traceback.walk_tb(error.__traceback__)
            if Path(frame.f_code.co_filename).parent == folder
        ]
        place, reason = (lines[-1] if lines else str(config)), str(error)
    return (
        f"{place}: {type(error).__name__}: {reason}. "
        "Fix the settings file there, then run the task again."
    )
