"""One dict setting per plugin, merged over its defaults and checked once."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from hearth_core.errors import HearthError

# The settings file a command reads when no other is known: an error's place until
# tasks.py finds the file and line the command loaded it from (hearth_core.settingsplace).
SETTINGS_FILE = "pelicanconf.py"


class SettingsError(HearthError):
    """A Hearth setting is wrong: ``pelicanconf.py:42: HEARTH_FEEDS['limit']: what to do``.

    It carries the setting (``HEARTH_FEEDS``), the key inside it (``("limit",)``) and what
    to do; ``placed`` adds the file and line, which only the command knows it loaded.
    Without ``setting``, the message names no setting (an environment variable's) and is
    printed as it is.
    """

    def __init__(
        self,
        message: str,
        *,
        setting: str = "",
        key: Sequence[str | int] = (),
        path: str = SETTINGS_FILE,
        line: int | None = None,
    ) -> None:
        self.setting, self.key, self.what = setting, tuple(key), message
        self.path, self.line = path, line
        super().__init__(self._text())

    @property
    def field(self) -> str:
        """``HEARTH_FEEDS['limit']``: the setting, and the key inside it."""
        return self.setting + "".join(f"[{part!r}]" for part in self.key)

    def placed(self, path: str, line: int | None) -> SettingsError:
        """This error, said at ``path:line`` (or ``path`` alone when no line is known)."""
        return SettingsError(self.what, setting=self.setting, key=self.key, path=path, line=line)

    def _text(self) -> str:
        if not self.setting:
            return self.what
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.field}: {self.what}"

    def __reduce__(self) -> tuple[Any, ...]:
        # Raised in a worker process and pickled back: keep the setting, not only the text.
        options = {"setting": self.setting, "key": self.key, "path": self.path, "line": self.line}
        return (_rebuilt, (self.what, options))


def _rebuilt(what: str, options: dict[str, Any]) -> SettingsError:
    return SettingsError(what, **options)


_TYPE_NAMES = {
    "int": "a whole number (int)",
    "float": "a number (float)",
    "str": "text (str)",
    "bool": "True or False (bool)",
    "list": "a list",
    "dict": "a dict",
}


def plugin_settings(
    settings: Mapping[str, Any], name: str, defaults: Mapping[str, Any]
) -> dict[str, Any]:
    """Return ``defaults`` updated with ``settings[name]``; never mutate the user's dict."""
    given = settings.get(name) or {}
    if not isinstance(given, Mapping):
        raise SettingsError(
            f"must be a dict, not {type(given).__name__}: write {name} = {{...}}", setting=name
        )
    unknown = sorted(set(given) - set(defaults), key=str)
    if unknown:
        # The first unknown key is the field, where a key can be: 'lmit', not (1, 2).
        field = unknown[:1] if isinstance(unknown[0], str | int) else []
        said = ", ".join(map(repr, unknown[len(field) :]))
        others = (f" (and {said})" if field else f" {said}") if said else ""
        raise SettingsError(
            f"unknown key{others}: allowed keys are {', '.join(sorted(defaults))}",
            setting=name,
            key=field,
        )
    merged = {**defaults, **given}
    for key, default in defaults.items():
        # True is an int to Python, never a number to an author.
        wrong_bool = isinstance(merged[key], bool) and not isinstance(default, bool)
        if default is not None and (wrong_bool or not isinstance(merged[key], type(default))):
            kind = type(default).__name__
            raise SettingsError(
                f"must be {_TYPE_NAMES.get(kind, kind)}, not {merged[key]!r}",
                setting=name,
                key=(key,),
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

    # No bytecode for the settings files: Python trusts a cached one whose source has the
    # same size and the same second of change, so a setting edited within the second of
    # the last command (20 to 30) would be read as it was.
    writes_bytecode = sys.dont_write_bytecode
    sys.dont_write_bytecode = True
    try:
        return read_settings(str(config), override=dict(overrides or {}))
    except Exception as error:  # the settings files are Python: any mistake in them
        raise SettingsError(_where(error, config)) from None
    finally:
        sys.dont_write_bytecode = writes_bytecode


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
