"""The subscribe form's data: Buttondown's embed endpoint, or nothing."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from hearth_core.settings import SettingsError

EMBED_SUBSCRIBE = "https://buttondown.com/api/emails/embed-subscribe/{username}"
USERNAME = re.compile(r"^[A-Za-z0-9_-]+$")


@dataclass(frozen=True)
class Subscribe:
    username: str
    action: str


def subscribe_form(settings: dict[str, Any]) -> Subscribe | None:
    """None when BUTTONDOWN_USERNAME is unset: a form that cannot work is worse than none."""
    username = settings.get("BUTTONDOWN_USERNAME") or ""
    if not username:
        return None
    if not USERNAME.match(username):
        raise SettingsError(
            f"{username!r} is not a Buttondown username: use the letters, digits, - and _ "
            "from your newsletter's buttondown.com address",
            setting="BUTTONDOWN_USERNAME",
        )
    return Subscribe(username, EMBED_SUBSCRIBE.format(username=username))
