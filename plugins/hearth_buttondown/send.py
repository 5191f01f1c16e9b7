"""``invoke send``: issue N as exactly one Buttondown email, however often the task runs.

Before creating anything the task asks, in order, the state file and Buttondown
itself whether the issue already has an email, so neither a lost state file nor a
crash between "created" and "recorded" can make a second one; the create itself
carries an idempotency key for the crash in between. Only drafts are changed: an
issue scheduled, being sent or sent is reported and left alone.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from hearth_buttondown.client import ButtondownClient
from hearth_buttondown.errors import SendError
from hearth_buttondown.issue_email import Confirm, IssueEmail, question
from hearth_buttondown.plan import dry_run_lines
from hearth_buttondown.state import read_state
from hearth_core.problems import display_path
from hearth_email.model import RenderedEmail
from hearth_email.published import unpublished_images

__all__ = ["Confirm", "SendError", "SendOptions", "parse_schedule", "send_email"]

REVIEW_URL = "https://buttondown.com/emails/{id}"


@dataclass(frozen=True, kw_only=True)
class SendOptions:
    """What to do once the draft is up to date; at most one of preview, schedule, now."""

    preview: tuple[str, ...] = ()
    schedule: datetime | None = None
    now: bool = False
    force: bool = False
    dry_run: bool = False


def parse_schedule(value: str, now: datetime | None = None) -> datetime:
    """``--schedule``: ISO 8601 with its offset, in the future; returned in UTC."""
    example = "2026-11-25T09:00+01:00"
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        raise SendError(
            f"--schedule {value!r}: write a date and time with its offset, like {example}"
        ) from None
    if when.tzinfo is None:
        raise SendError(
            f"--schedule {value}: add the UTC offset, like {example} or ...Z for UTC, "
            "so the time cannot be read in the wrong time zone"
        )
    try:
        when.astimezone(UTC)
    except OverflowError:  # 9999-12-31T23:59-23:59 is after the last time Python can hold
        raise SendError(
            f"--schedule {value}: that time is out of range; give one like {example}"
        ) from None
    now = now or datetime.now(UTC)
    if when <= now:
        raise SendError(
            f"--schedule {value} is in the past ({when.astimezone(UTC):%Y-%m-%d %H:%M} UTC; "
            f"it is {now.astimezone(UTC):%Y-%m-%d %H:%M} UTC now): pick a later time"
        )
    return when.astimezone(UTC)


def send_email(
    email: RenderedEmail,
    *,
    client_factory: Callable[[], ButtondownClient],
    state_file: Path,
    options: SendOptions = SendOptions(),
    checks: Sequence[str] = (),
    confirm: Confirm,
    api_url: str = "",
    out: TextIO | None = None,
) -> None:
    """Create or update issue ``email.number``'s draft, then preview, schedule or send it.

    Everything that can be refused is refused before the first request.
    """
    out = out or sys.stdout
    chosen = [bool(options.preview), options.schedule is not None, options.now]
    if sum(chosen) > 1:
        raise SendError("Choose one of --preview, --schedule and --now")
    _check_preflight(email, checks, options.force, out)
    records = read_state(state_file)
    if options.dry_run:
        plan = dry_run_lines(email, records.get(email.number), options, api_url, state_file)
        print("\n".join(plan), file=out)
        return
    for warning in unpublished_images(email):
        print(f"Warning: {warning}", file=out)
    if options.now and not confirm(question(email, "to every subscriber now")):
        raise SendError(
            f"Issue {email.number} was not sent: confirm at the prompt, "
            "or add --yes where nobody can answer (CI)"
        )
    with client_factory() as client:
        # What Buttondown answered is printed from here on: through the key's redactor.
        out = client.redact.stream(out)
        issue_email = IssueEmail(email, client, state_file, records, out)
        try:
            current = issue_email.draft()
            if options.preview:
                issue_email.preview(current, options.preview)
            elif options.schedule is not None or options.now:
                # --now was confirmed above; a schedule is confirmed only if Buttondown asks.
                confirmed = (lambda _: True) if options.now else confirm
                issue_email.publish(current, options.schedule, confirmed)
            else:
                print(
                    f"Review it: {REVIEW_URL.format(id=current['id'])}\nThen preview it with "
                    f"`invoke send --issue {email.number} --preview you@example.com`, "
                    "or send it with --schedule TIME or --now.",
                    file=out,
                )
        finally:
            if issue_email.changed:
                print(f"Recorded in {display_path(state_file)}: commit it.", file=out)


def _check_preflight(email: RenderedEmail, checks: Sequence[str], force: bool, out: TextIO) -> None:
    if not checks:
        return
    listed = "\n".join(f"  - {check}" for check in checks)
    if not force:
        raise SendError(
            f"Issue {email.number} fails its pre-flight checks:\n{listed}\n"
            "Fix them, or add --force to send it anyway"
        )
    print(
        f"Issue {email.number} fails its pre-flight checks (going on: --force):\n{listed}", file=out
    )
