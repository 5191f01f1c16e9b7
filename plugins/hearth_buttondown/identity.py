"""How an issue is recognised on Buttondown, and the idempotency keys of its requests.

An issue's email carries its number three ways (``metadata``, ``secondary_id``,
and the ``N-`` in its slug) so that it can be found again when the state file is
lost or a task died between "created" and "recorded".
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from hearth_email.model import RenderedEmail

METADATA_KEY = "hearth_issue"
# belongs_to() scores this or more when the email itself names the issue's number.
NAMES_THE_ISSUE = 3
# Buttondown keeps keys up to 200 characters; ours stay far below.
KEY_DIGEST = 40


def email_fields(email: RenderedEmail) -> dict[str, Any]:
    """What Buttondown stores for issue ``email.number``, apart from its status."""
    return {
        "subject": email.subject,
        "body": email.buttondown_body,
        "slug": email.slug,
        "description": email.description,
        "canonical_url": email.canonical_url,
        "secondary_id": email.number,
        # Strings: metadata is free-form, and strings survive every round trip.
        "metadata": {METADATA_KEY: str(email.number)},
    }


def idempotency_key(email: RenderedEmail, action: str, *parts: Any) -> str:
    """The same request for the same issue always gets the same key, so Buttondown replays
    the first answer instead of doing the work twice; different content gets a new key."""
    newsletter = "{0.scheme}://{0.netloc}".format(urlsplit(email.canonical_url))
    material = json.dumps([newsletter, email.number, action, *parts], sort_keys=True, default=str)
    digest = hashlib.sha256(material.encode("utf-8")).hexdigest()[:KEY_DIGEST]
    return f"hearth-issue-{email.number}-{action}-{digest}"


def belongs_to(candidate: Mapping[str, Any], email: RenderedEmail) -> int:
    """How surely a Buttondown email is this issue's: 0 not at all, up to 4 for certain.

    The strongest sign that names an issue decides: an email whose metadata or
    secondary_id names another issue is never this one, whatever its subject.
    """
    if candidate.get("status") == "deleted":
        return 0
    metadata = candidate.get("metadata")
    named = metadata.get(METADATA_KEY) if isinstance(metadata, Mapping) else None
    if named is not None:
        return 4 if str(named) == str(email.number) else 0
    secondary = candidate.get("secondary_id")
    if secondary is not None:
        return 3 if secondary == email.number else 0
    if candidate.get("slug") == email.slug:
        return 2
    return 1 if candidate.get("subject") == email.subject else 0


def matches(candidates: Iterable[Mapping[str, Any]], email: RenderedEmail) -> list[dict]:
    """The candidates most surely this issue's email (several means ambiguity), or none.

    Only the surest kind counts: a draft carrying this issue's metadata wins over an
    old email that merely shares its subject.
    """
    scored = [(belongs_to(candidate, email), dict(candidate)) for candidate in candidates]
    best = max((score for score, _ in scored), default=0)
    return [candidate for score, candidate in scored if score and score == best]


def differs(current: Mapping[str, Any], fields: Mapping[str, Any]) -> bool:
    """Whether updating ``current`` with ``fields`` would change anything on Buttondown."""
    for name, value in fields.items():
        if name == "metadata":
            have = current.get("metadata") or {}
            if any(have.get(key) != wanted for key, wanted in value.items()):
                return True
        elif current.get(name) != value:
            return True
    return False


def summary(fields: Mapping[str, Any]) -> list[str]:
    """Fields as a dry run shows them: the body by size and digest, not in full."""
    lines = []
    for name, value in fields.items():
        if name == "body":
            digest = hashlib.sha256(value.encode("utf-8")).hexdigest()[:12]
            lines.append(f"body: {len(value)} characters, sha256 {digest}…")
        else:
            lines.append(f"{name}: {json.dumps(value, ensure_ascii=False)}")
    return lines


def ids(candidates: Sequence[Mapping[str, Any]]) -> str:
    return ", ".join(f"{c.get('id')} ({c.get('status')})" for c in candidates)
