"""One issue's email on Buttondown: find it, else create it; update, preview or publish it.

Finding comes first, in order: the email the state file names, then any email on
Buttondown that names this issue (metadata, secondary_id), has its slug, or, with
neither, its subject. Only drafts are changed: an email scheduled, being sent or
sent is recorded as it stands and reported, never sent again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from hearth_buttondown.client import ButtondownClient, utc_timestamp
from hearth_buttondown.errors import (
    ApiError,
    ConnectionFailed,
    NotFound,
    SendError,
    UnexpectedAnswer,
)
from hearth_buttondown.identity import (
    NAMES_THE_ISSUE,
    belongs_to,
    differs,
    email_fields,
    idempotency_key,
    ids,
    matches,
)
from hearth_buttondown.state import Record, record_of, write_state
from hearth_core.problems import display_path
from hearth_email.model import RenderedEmail

Confirm = Callable[[str], bool]
# Answers that mean "Buttondown already has it: look it up", not "failed".
ALREADY_THERE = frozenset({"slug_invalid", "email_duplicate"})
BEING_SENT = frozenset({"about_to_send", "in_flight", "resending", "throttled", "paused"})


class IssueEmail:
    """Issue N's email on Buttondown, found or made, then previewed or published.

    Every answer is recorded in the state file as it comes, so a crash loses nothing.
    What it records passes through the client's redactor (``send_email`` gives it an
    ``out`` that does too).
    """

    def __init__(
        self,
        email: RenderedEmail,
        client: ButtondownClient,
        state_file: Path,
        records: dict[int, Record],
        out: TextIO,
    ) -> None:
        self.email, self.client, self.out = email, client, out
        self.state_file, self.records = state_file, records
        self.changed = False

    def draft(self) -> dict[str, Any]:
        """The issue's draft on Buttondown, created or brought up to date."""
        fields = email_fields(self.email)
        current = self.find()
        created = current is None
        if current is None:
            current = self.create(fields)
        self.refuse_unless_draft(current)
        if differs(current, fields):
            key = idempotency_key(
                self.email, "update", current["id"], current.get("modification_date"), fields
            )
            current = self.client.update_email(current["id"], fields, idempotency_key=key)
            self.say(f"updated draft {current['id']} on Buttondown")
            self.remember(current, "updated draft")
        elif not created:
            self.say(f"draft {current['id']} on Buttondown is up to date")
        return current

    def find(self) -> dict[str, Any] | None:
        """The issue's email: the one the state file names, else one Buttondown has."""
        record = self.records.get(self.email.number)
        if record is not None:
            current = self.recorded(record)
            if current is not None:
                return current
        found = self.search()
        if found is not None:
            self.say(f"found its email on Buttondown: {found['id']} ({found.get('status')})")
            self.remember(found, "found on Buttondown")
        return found

    def recorded(self, record: Record) -> dict[str, Any] | None:
        try:
            current = self.client.get_email(record.id)
        except NotFound:
            current = None
        if current is not None and current.get("status") != "deleted":
            return current
        if record.status != "draft":
            shown = display_path(self.state_file)
            raise SendError(
                f"{shown} records issue {self.email.number} as {record.status} (email "
                f"{record.id}), but Buttondown no longer has that email. It may have reached "
                f"readers: if you are sure it did not, remove issue {self.email.number} from "
                f"{shown} and run this again"
            )
        self.say(f"draft {record.id} is gone from Buttondown; looking for another")
        return None

    def search(self) -> dict[str, Any] | None:
        """Buttondown's email for this issue: by subject first; every page unless that finds
        one that names this issue (a renamed issue's email no longer has its subject)."""
        found = matches(
            self.client.list_emails(subject=self.email.subject, without_body=True), self.email
        )
        if not found or belongs_to(found[0], self.email) < NAMES_THE_ISSUE:
            found = matches(self.client.list_emails(without_body=True), self.email)
        if not found:
            return None
        done = [candidate for candidate in found if candidate.get("status") != "draft"]
        if done:
            return done[0]
        if len(found) > 1:
            raise SendError(
                f"Buttondown has {len(found)} drafts that look like issue {self.email.number}: "
                f"{ids(found)}. Delete the extra ones on Buttondown, then run this again"
            )
        return found[0]

    def create(self, fields: Mapping[str, Any]) -> dict[str, Any]:
        body = {"status": "draft", **fields}
        key = idempotency_key(self.email, "create", body)
        try:
            created = self.client.create_email(body, idempotency_key=key)
        except ApiError as error:
            if error.code not in ALREADY_THERE:
                raise
            # Buttondown says it exists; the subject search missed it (a renamed issue).
            existing = self.search()
            if existing is None:
                raise SendError(
                    f"Buttondown refused issue {self.email.number}'s email ({error.code}: "
                    f"{error.detail}), and no email there looks like this issue: is the slug "
                    f"{self.email.slug!r} taken by another email? Rename that one on Buttondown"
                ) from None
            self.remember(existing, "found on Buttondown")
            return existing
        except (ConnectionFailed, UnexpectedAnswer) as error:
            raise _unsure(error, f"created issue {self.email.number}'s email") from None
        self.say(f"created draft {created['id']} on Buttondown")
        self.remember(created, "created draft")
        return created

    def refuse_unless_draft(self, current: Mapping[str, Any]) -> None:
        if current.get("status") == "draft":
            return
        self.remember(current, f"found {current.get('status')}")
        raise SendError(_where_it_stands(self.email.number, current))

    def preview(self, current: Mapping[str, Any], recipients: Sequence[str]) -> None:
        # A new key per run: asking again for a preview must send one again.
        key = idempotency_key(self.email, "preview", current["id"], recipients, datetime.now(UTC))
        self.client.send_draft(current["id"], recipients, idempotency_key=key)
        self.say(f"sent a preview of draft {current['id']} to {', '.join(recipients)}")
        self.remember(current, f"preview sent to {len(recipients)} address(es)")

    def publish(self, current: Mapping[str, Any], when: datetime | None, confirm: Confirm) -> None:
        what = f"scheduled issue {self.email.number}" if when else f"sent issue {self.email.number}"
        key = idempotency_key(
            self.email, "publish", current["id"], current.get("modification_date"), when
        )
        try:
            try:
                result = self.client.publish_email(
                    current["id"], publish_date=when, idempotency_key=key
                )
            except ApiError as error:
                if error.code != "sending_requires_confirmation":
                    raise
                result = self.confirmed_publish(current, when, key, confirm)
        except (ConnectionFailed, UnexpectedAnswer) as error:
            raise _unsure(error, what) from None
        result = result or self.client.get_email(current["id"])
        self.remember(result, "scheduled" if when else "sent")
        if when:
            self.say(f"scheduled for {utc_timestamp(when)} (email {result['id']})")
        else:
            self.say(f"sending now (email {result['id']}, status {result.get('status')})")

    def confirmed_publish(
        self, current: Mapping[str, Any], when: datetime | None, key: str, confirm: Confirm
    ) -> dict[str, Any] | None:
        """Buttondown wants the key's first live send confirmed: only with the author's yes."""
        asked = "Buttondown asks you to confirm the first live send from this API key. " + (
            question(self.email, f"for {utc_timestamp(when)}") if when else "Send it now?"
        )
        if not confirm(asked):
            raise SendError(
                "Buttondown asks to confirm the first live send from this API key, and it was "
                "not confirmed: nothing was sent. Run this again and answer yes, or add --yes"
            )
        # The first key's answer would be replayed: the confirmed request is a new one.
        return self.client.publish_email(
            current["id"], publish_date=when, idempotency_key=f"{key}-live", live=True
        )

    def remember(self, email: Mapping[str, Any], action: str) -> None:
        """Record what Buttondown said at once, so a crash after this loses nothing."""
        new = record_of(email, action)
        old = self.records.get(self.email.number)
        if old is not None and _same(old, new) and action.startswith("found"):
            return  # nothing new: keep the file as it was
        self.records[self.email.number] = new
        self.changed |= write_state(self.state_file, self.records, self.client.redact)

    def say(self, message: str) -> None:
        print(f"Issue {self.email.number}: {message}.", file=self.out)


def question(email: RenderedEmail, when: str) -> str:
    return f'Send issue {email.number} "{email.subject}" {when}? This cannot be undone. [yes/no] '


def _where_it_stands(number: int, email: Mapping[str, Any]) -> str:
    status, email_id = email.get("status"), email.get("id")
    date = email.get("publish_date") or "an unknown date"
    if status == "scheduled":
        return (
            f"Issue {number} is already scheduled on Buttondown for {date} (email {email_id}), "
            "so it is not sent again. To change it, unschedule it on Buttondown (it becomes a "
            "draft) and run this again"
        )
    if status in BEING_SENT:
        return (
            f"Issue {number} is being sent by Buttondown ({status}, email {email_id}): "
            "not sending it again"
        )
    if status in ("sent", "imported"):
        return f"Issue {number} was already sent on {date} (email {email_id}): not sending it again"
    return (
        f"Issue {number}'s email {email_id} is {status} on Buttondown: Hearth changes and sends "
        "only drafts. Look at it on Buttondown"
    )


def _unsure(error: ConnectionFailed | UnexpectedAnswer, what: str) -> Exception:
    if not error.maybe_done:
        return error
    return SendError(
        f"{error}. Buttondown may have {what} anyway. Run the same command again: it looks "
        "at what Buttondown has first, so it cannot do it twice"
    )


def _same(old: Record, new: Record) -> bool:
    keys = ("id", "status", "slug", "subject", "publish_date")
    return all(getattr(old, key) == getattr(new, key) for key in keys)
