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

from hearth_core.parallel import worker_pool
from hearth_core.problems import ContentError
from hearth_issues.collect import load_site_issues
from hearth_issues.reader import BODY_HTML, markdown_options
from hearth_members.render import NOTE_HTML
from hearth_site.check import load_site_content


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
    with worker_pool() as pool:
        # Markdown is most of a build's work: the workers convert the bodies while
        # this process checks the rest, and Pelican's reader then finds them done.
        issues = load_site_issues(settings)
        options = markdown_options(settings["MARKDOWN"])
        BODY_HTML.start(options, (issue.body for issue in issues[0]), pool)
        content = load_site_content(settings, issues)
        notes = (link.note for member in content.members for link in member.links if link.note)
        NOTE_HTML.start("", notes, pool)
        if content.problems:
            raise ContentError(content.problems)
        with recording_warnings() as records:
            Pelican(settings).run()
    if records:
        messages = "\n".join(f"{r.levelname.lower()}: {r.getMessage()}" for r in records)
        raise BuildFailed(f"the build logged {len(records)} warning(s) or error(s):\n{messages}")
