"""Build the site in-process so every failure is one clear message, never a traceback.

Pelican's own command line prints a traceback for any exception and exits 0
after logging errors; Hearth treats every Pelican warning or error as fatal.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pelican import Pelican
from pelican.settings import read_settings

from hearth_core.problems import ContentError
from hearth_site.check import check_content


class BuildFailed(Exception):
    """Pelican logged warnings or errors: the output cannot be trusted."""


class _Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def recording_warnings() -> Iterator[list[logging.LogRecord]]:
    recorder = _Recorder()
    root = logging.getLogger()
    root.addHandler(recorder)
    try:
        yield recorder.records
    finally:
        root.removeHandler(recorder)


def load_settings(config: str | Path, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    if not Path(config).is_file():
        raise FileNotFoundError(f"{config} not found: run tasks from the project folder")
    return read_settings(str(config), override=dict(overrides or {}))


def build(settings: dict[str, Any]) -> None:
    """Validate, then build; raise ContentError or BuildFailed instead of writing a bad site."""
    problems = check_content(settings)
    if problems:
        raise ContentError(problems)
    with recording_warnings() as records:
        Pelican(settings).run()
    if records:
        messages = "\n".join(f"{r.levelname.lower()}: {r.getMessage()}" for r in records)
        raise BuildFailed(f"the build logged {len(records)} warning(s) or error(s):\n{messages}")
