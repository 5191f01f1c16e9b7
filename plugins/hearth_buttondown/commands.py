"""What ``invoke send`` and ``invoke import-buttondown`` run: settings in, one message out.

Every failure the tasks expect is a HearthError, whose message is safe to print:
none holds the API key. Here the tasks' output leaves Hearth for the terminal, so
here it passes through the redactor once more, whatever produced it.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

from hearth_buttondown.client import KEY_VARIABLE, URL_VARIABLE, from_environment
from hearth_buttondown.errors import SendError
from hearth_buttondown.importer import dry_run_lines, import_archive
from hearth_buttondown.send import Confirm, SendOptions, parse_schedule, send_email
from hearth_buttondown.state import state_path
from hearth_core.errors import HearthError
from hearth_core.redaction import Redactor
from hearth_email.model import RenderedEmail


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

    environ = os.environ if environ is None else environ
    with secret_kept(environ) as redact:
        options = SendOptions(
            preview=_addresses(preview),
            schedule=parse_schedule(schedule) if schedule else None,
            now=now,
            force=force,
            dry_run=dry_run,
        )
        email = _rendered(settings, number)
        send_email(
            email,
            client_factory=lambda: from_environment(environ, **(client_options or {})),
            state_file=state_path(settings),
            options=options,
            checks=preflight(email),
            confirm=confirm,
            api_url=environ.get(URL_VARIABLE, ""),
            out=redact.stream(out or sys.stdout),
        )
        if dry_run:
            _say_if_key_missing(environ, out or sys.stdout)


def _say_if_key_missing(environ: Mapping[str, str], out: TextIO) -> None:
    """After a dry run's plan: whether the real command would stop for want of the key.
    Only whether it is set, never any of it."""
    if not environ.get(KEY_VARIABLE, "").strip():
        print(
            f"{KEY_VARIABLE} is not set: the real command would stop before any request. "
            "Set it to your Buttondown API key (Settings → API on buttondown.com) in your "
            "shell or as a CI secret.",
            file=out,
        )


def _addresses(preview: Sequence[str]) -> tuple[str, ...]:
    """`--preview a@x.org --preview b@x.org` or `--preview a@x.org,b@x.org`."""
    addresses = [address.strip() for given in preview for address in given.split(",")]
    addresses = [address for address in addresses if address]
    wrong = [address for address in addresses if "@" not in address]
    if wrong:
        raise SendError(f"--preview {wrong[0]!r} is not an email address")
    return tuple(addresses)


def _rendered(settings: Mapping[str, Any], number: int) -> RenderedEmail:
    from hearth_email.render import EmailError, render_email

    try:
        return render_email(dict(settings), number)
    except EmailError as error:
        raise SendError(str(error)) from None


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
    with secret_kept(environ) as redact:
        out = redact.stream(out or sys.stdout)
        if dry_run:
            issues_dir = Path(settings["PATH"], settings["ARTICLE_PATHS"][0])
            print("\n".join(dry_run_lines(environ.get(URL_VARIABLE, ""), issues_dir)), file=out)
            _say_if_key_missing(environ, out)
            return []
        with from_environment(environ, **(client_options or {})) as client:
            return import_archive(client, settings, out=out)


@contextlib.contextmanager
def secret_kept(environ: Mapping[str, str]) -> Iterator[Redactor]:
    """The redactor for the API key; a failure whose message holds the key is re-raised
    with it blanked out."""
    redact = Redactor((environ.get(KEY_VARIABLE, "").strip(),))
    try:
        yield redact
    except HearthError as error:
        said = str(error)
        if redact(said) == said:
            raise
        raise SendError(redact(said)) from None
