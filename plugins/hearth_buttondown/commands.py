"""What ``invoke send`` and ``invoke import-buttondown`` run: settings in, one message out.

Every failure the tasks expect is one of FAILURES, whose messages are safe to print:
none holds the API key.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

from hearth_buttondown.client import URL_VARIABLE, from_environment
from hearth_buttondown.errors import ButtondownError, SendError
from hearth_buttondown.importer import dry_run_lines, import_archive
from hearth_buttondown.send import Confirm, SendOptions, parse_schedule, send_email
from hearth_buttondown.state import StateError, state_path
from hearth_core.problems import ContentError
from hearth_core.settings import SettingsError

FAILURES = (ButtondownError, StateError, ContentError, SettingsError, FileNotFoundError)


def terminal_confirm(yes: bool, stdin: TextIO | None = None) -> Confirm:
    """Ask at the terminal; ``--yes`` answers for CI; with nobody to ask, the answer is no."""

    def confirm(question: str) -> bool:
        if yes:
            return True
        if not (stdin or sys.stdin).isatty():
            return False
        try:
            return input(question).strip().lower() == "yes"
        except (EOFError, KeyboardInterrupt):
            return False

    return confirm


def send_issue(
    settings: Mapping[str, Any],
    number: int,
    *,
    preview: Sequence[str] = (),
    schedule: str = "",
    now: bool = False,
    force: bool = False,
    dry_run: bool = False,
    confirm: Confirm,
    environ: Mapping[str, str] | None = None,
    out: TextIO | None = None,
    client_options: Mapping[str, Any] | None = None,
) -> None:
    """Render issue ``number``, check it, then hand it to :func:`send_email`."""
    from hearth_email.checks import preflight
    from hearth_email.render import EmailError, render_email

    # `--preview a@x.org --preview b@x.org` or `--preview a@x.org,b@x.org`.
    preview = [address.strip() for given in preview for address in given.split(",")]
    preview = [address for address in preview if address]
    wrong = [address for address in preview if "@" not in address]
    if wrong:
        raise SendError(f"--preview {wrong[0]!r} is not an email address")
    options = SendOptions(
        preview=tuple(preview),
        schedule=parse_schedule(schedule) if schedule else None,
        now=now,
        force=force,
        dry_run=dry_run,
    )
    try:
        email = render_email(dict(settings), number)
    except EmailError as error:
        raise SendError(str(error)) from None
    environ = os.environ if environ is None else environ
    send_email(
        email,
        client_factory=lambda: from_environment(environ, **(client_options or {})),
        state_file=state_path(settings),
        options=options,
        checks=preflight(email),
        confirm=confirm,
        api_url=environ.get(URL_VARIABLE, ""),
        out=out,
    )


def import_buttondown(
    settings: Mapping[str, Any],
    *,
    dry_run: bool = False,
    environ: Mapping[str, str] | None = None,
    out: TextIO | None = None,
    client_options: Mapping[str, Any] | None = None,
) -> list[Path]:
    """Import the archive's sent emails into the issues folder; return the files written."""
    environ = os.environ if environ is None else environ
    if dry_run:
        issues_dir = Path(settings["PATH"], settings["ARTICLE_PATHS"][0])
        print("\n".join(dry_run_lines(environ.get(URL_VARIABLE, ""), issues_dir)), file=out)
        return []
    with from_environment(environ, **(client_options or {})) as client:
        return import_archive(client, settings, out=out)
