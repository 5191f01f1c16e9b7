"""HEARTH_ANNOUNCE in pelicanconf.py, read and checked once: the targets, in order, and the texts.

The first target is the primary one: an issue without a ``Discussion:`` header gets
its thread there. Credentials are never settings: each platform reads its own
environment variables (``CREDENTIALS``; GitHub's token is the one sync reads too,
``HEARTH_GITHUB_TOKEN`` else ``GITHUB_TOKEN``), and each target's API address can be moved
(to a test's fake on loopback) by ``HEARTH_ANNOUNCE_<NAME>_API``.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from hearth_announce.errors import SettingsProblem
from hearth_discussions.settings import github_token, github_token_from

SETTING = "HEARTH_ANNOUNCE"
PLATFORMS = ("discourse", "github", "mastodon", "bluesky")
PLATFORM_NAMES = MappingProxyType(
    {
        "discourse": "Discourse",
        "github": "GitHub Discussions",
        "mastodon": "Mastodon",
        "bluesky": "Bluesky",
    }
)
# The environment variables each platform's requests need; none is ever printed.
# GitHub's token is found as sync finds it: HEARTH_GITHUB_TOKEN, else GITHUB_TOKEN.
CREDENTIALS = MappingProxyType(
    {
        "discourse": ("HEARTH_DISCOURSE_API_KEY", "HEARTH_DISCOURSE_USERNAME"),
        "github": ("HEARTH_GITHUB_TOKEN",),
        "mastodon": ("HEARTH_MASTODON_TOKEN",),
        "bluesky": ("HEARTH_BLUESKY_APP_PASSWORD",),
    }
)
# Which of those are secrets (the Discourse username is not, but is never needed in print).
SECRETS = (
    "HEARTH_DISCOURSE_API_KEY",
    "HEARTH_GITHUB_TOKEN",
    "HEARTH_MASTODON_TOKEN",
    "HEARTH_BLUESKY_APP_PASSWORD",
)


def credentials(environ: Mapping[str, str]) -> dict[str, str]:
    """Every credential the environment holds, stripped; one literal read per variable, so
    that each is found (and documented) where it is read."""
    found = {
        "HEARTH_DISCOURSE_API_KEY": environ.get("HEARTH_DISCOURSE_API_KEY", ""),
        "HEARTH_DISCOURSE_USERNAME": environ.get("HEARTH_DISCOURSE_USERNAME", ""),
        # The one GitHub token of every feature (read in hearth_discussions.settings).
        "HEARTH_GITHUB_TOKEN": github_token(environ) or "",
        "HEARTH_MASTODON_TOKEN": environ.get("HEARTH_MASTODON_TOKEN", ""),
        "HEARTH_BLUESKY_APP_PASSWORD": environ.get("HEARTH_BLUESKY_APP_PASSWORD", ""),
    }
    return {name: value.strip() for name, value in found.items()}


def credential_label(name: str) -> str:
    """How messages name credential ``name``: GitHub's token goes by either of two names."""
    return "HEARTH_GITHUB_TOKEN (or GITHUB_TOKEN)" if name == "HEARTH_GITHUB_TOKEN" else name


def credential_source(name: str, environ: Mapping[str, str]) -> str:
    """The variable credential ``name`` is read from, or "" when it is not set."""
    if name == "HEARTH_GITHUB_TOKEN":
        found = github_token_from(environ)
        return found[0] if found else ""
    return name if credentials(environ)[name] else ""


DEFAULT_API = MappingProxyType(
    {"github": "https://api.github.com", "bluesky": "https://bsky.social"}
)
TEXT_FIELDS = ("number", "title", "summary", "url")
DEFAULT_TEXTS = MappingProxyType(
    {
        # Discourse's topic and GitHub's discussion titles.
        "title": "Issue {number}: {title}",
        # Their first post (Markdown).
        "post": "{summary}\n\nRead issue {number}, and talk about it here: {url}",
        # Mastodon's status and Bluesky's post: short, the link last.
        "status": "Issue {number}: {title}. {summary} {url}",
    }
)
TARGET_NAME = re.compile(r"[a-z][a-z0-9-]{0,30}")
HANDLE = re.compile(r"(?=.{3,253}\Z)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9-]{1,63})+")
REPOSITORY = re.compile(r"[A-Za-z0-9-]{1,39}/[A-Za-z0-9._-]{1,100}")
# ASCII digits only: "²".isdigit() is true, and int("²") fails.
CATEGORY_ID = re.compile(r"[0-9]{1,20}")
PUBLIC_URL = re.compile(r"https://[a-z0-9.-]+(?::\d{1,5})?")


@dataclass(frozen=True)
class Target:
    """One place a thread is opened: its name (the thread file's suffix), its platform,
    the public address threads are shown at, and what the platform needs."""

    name: str
    platform: str
    # Discourse's and Mastodon's public address; Bluesky's and GitHub's API address.
    url: str
    category: str = ""  # Discourse's category id, GitHub's category name
    repository: str = ""  # GitHub: owner/name
    handle: str = ""  # Bluesky
    visibility: str = "public"  # Mastodon

    @property
    def label(self) -> str:
        return PLATFORM_NAMES[self.platform]

    @property
    def api_variable(self) -> str:
        return f"HEARTH_ANNOUNCE_{self.name.upper().replace('-', '_')}_API"

    def api_base(self, environ: Mapping[str, str]) -> str:
        return environ.get(self.api_variable, "").strip() or self.url


@dataclass(frozen=True)
class AnnounceSettings:
    targets: tuple[Target, ...]
    texts: Mapping[str, str]

    @property
    def primary(self) -> Target:
        return self.targets[0]


def announce_settings(settings: Mapping[str, Any]) -> AnnounceSettings:
    """The checked HEARTH_ANNOUNCE; SettingsProblem says what to change."""
    given = settings.get(SETTING)
    if not isinstance(given, Mapping) or not given.get("targets"):
        raise SettingsProblem(
            f"{SETTING} in pelicanconf.py has no targets: add them as docs/announce.md shows"
        )
    unknown = sorted(set(given) - {"targets", "texts"})
    if unknown:
        raise SettingsProblem(f"{SETTING}: unknown key {unknown[0]!r}: use targets and texts")
    targets = tuple(_target(index, entry) for index, entry in enumerate(given["targets"]))
    names = [target.name for target in targets]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise SettingsProblem(f"{SETTING}: two targets are named {twice[0]!r}: rename one")
    return AnnounceSettings(targets, MappingProxyType(_texts(given.get("texts") or {})))


def _target(index: int, entry: Any) -> Target:
    where = f"{SETTING}['targets'][{index}]"
    if not isinstance(entry, Mapping):
        raise SettingsProblem(f"{where} must be a dict like {{'platform': 'mastodon', ...}}")
    platform = entry.get("platform")
    if platform not in PLATFORMS:
        raise SettingsProblem(f"{where}: platform must be one of {', '.join(PLATFORMS)}")
    fields = dict(entry)
    fields.setdefault("name", platform)
    fields.setdefault("url", DEFAULT_API.get(platform, ""))
    allowed = {"name", "platform", "url", "category", "repository", "handle", "visibility"}
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise SettingsProblem(f"{where}: unknown key {unknown[0]!r}: see docs/announce.md")
    fields = {key: str(value).strip() for key, value in fields.items()}
    target = Target(**fields)
    for problem in _problems(target):
        raise SettingsProblem(f"{where}: {problem}")
    return target


def _problems(target: Target) -> list[str]:
    found = []
    if not TARGET_NAME.fullmatch(target.name):
        found.append("name must be lower-case letters, digits and -, like 'discourse'")
    if not PUBLIC_URL.fullmatch(target.url.rstrip("/")):
        found.append("url must be the platform's https:// address, like https://forum.example")
    if target.platform in ("discourse", "github") and not target.category:
        found.append("category is missing: Discourse's category id, or GitHub's category name")
    if target.platform == "discourse" and not CATEGORY_ID.fullmatch(target.category):
        found.append("category must be the Discourse category's number (its id)")
    if target.platform == "github" and not REPOSITORY.fullmatch(target.repository):
        found.append("repository must be owner/name, like theworkbench/community")
    if target.platform == "bluesky" and not HANDLE.fullmatch(target.handle):
        found.append("handle must be the account's handle, like theworkbench.bsky.social")
    if target.platform == "mastodon" and target.visibility not in ("public", "unlisted"):
        found.append("visibility must be public or unlisted")
    return found


def _texts(given: Any) -> dict[str, str]:
    if not isinstance(given, Mapping):
        raise SettingsProblem(f"{SETTING}['texts'] must be a dict of title, post and status")
    unknown = sorted(set(given) - set(DEFAULT_TEXTS))
    if unknown:
        raise SettingsProblem(f"{SETTING}['texts']: unknown text {unknown[0]!r}")
    texts = {**DEFAULT_TEXTS, **given}
    for name, text in texts.items():
        if not isinstance(text, str) or not text.strip():
            raise SettingsProblem(f"{SETTING}['texts']['{name}'] must be a text")
        try:
            used = [field for _, field, _, _ in string.Formatter().parse(text) if field]
        except ValueError as error:
            raise SettingsProblem(f"{SETTING}['texts']['{name}']: {error}") from None
        wrong = [field for field in used if field not in TEXT_FIELDS]
        if wrong:
            raise SettingsProblem(
                f"{SETTING}['texts']['{name}']: {{{wrong[0]}}} is not a field: use "
                + ", ".join(f"{{{field}}}" for field in TEXT_FIELDS)
            )
        if name in ("post", "status") and "url" not in used:
            # The next run finds its own post by the address: without it, a post
            # whose answer was lost would be made again.
            raise SettingsProblem(
                f"{SETTING}['texts']['{name}'] must hold {{url}}, the issue's address"
            )
    return texts
