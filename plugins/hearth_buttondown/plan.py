"""What ``invoke send --dry-run`` prints: the requests a real run would make, none made.

Which of them a real run makes depends on Buttondown's answers, so each request
says when it would be made. Headers are never shown, apart from idempotency keys.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from hearth_buttondown.client import API_URL, utc_timestamp
from hearth_buttondown.identity import METADATA_KEY, email_fields, idempotency_key, summary
from hearth_buttondown.state import Record
from hearth_core.problems import display_path
from hearth_email.model import RenderedEmail

if TYPE_CHECKING:
    from hearth_buttondown.send import SendOptions


def dry_run_lines(
    email: RenderedEmail,
    record: Record | None,
    options: SendOptions,
    api_url: str,
    state_file: Path,
) -> list[str]:
    fields = {"status": "draft", **email_fields(email)}
    lines = [
        f"Dry run: no request made, nothing written. Buttondown API: {api_url or API_URL}",
        f'Issue {email.number}: "{email.subject}"',
    ]
    if record is not None:
        target = record.id
        lines.append(
            f"  GET /emails/{target}  (the email {display_path(state_file)} records, "
            f"{record.status} then)"
        )
    else:
        target = "{id}"
        query = urlencode({"subject": email.subject, "excluded_fields": "body"})
        key = idempotency_key(email, "create", fields)
        lines += [
            f"  GET /emails?{query}  (an email with {METADATA_KEY} {email.number} in its "
            f"metadata, secondary_id {email.number}, slug {email.slug} or this subject)",
            "  GET /emails?excluded_fields=body  (then every page, unless the subject finds an "
            f"email naming issue {email.number})",
            f"  POST /emails  (if none is found: X-Idempotency-Key {key})",
        ]
    lines.append(f"  PATCH /emails/{target}  (instead, if it is a draft that differs)")
    lines += [f"      {line}" for line in summary(fields)]
    lines += _action_lines(target, options)
    lines.append(
        "A real run stops before any change if the email is scheduled, being sent or sent."
    )
    return lines


def _action_lines(target: str, options: SendOptions) -> list[str]:
    if options.preview:
        recipients = ", ".join(f'"{address}"' for address in options.preview)
        return [f'  POST /emails/{target}/send-draft  {{"recipients": [{recipients}]}}']
    if options.schedule is not None:
        when = utc_timestamp(options.schedule)
        return [f'  POST /emails/{target}/publish  {{"publish_date": "{when}"}}']
    if options.now:
        return [f"  POST /emails/{target}/publish  {{}}  (after you confirm)"]
    return []
