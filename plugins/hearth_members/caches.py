"""What the members' part of the build state keeps from one build to the next."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hearth_core.fragments import Fragments
from hearth_core.memo import KeptByKey
from hearth_core.parallel import TextMemo
from hearth_core.problems import Problem
from hearth_issues.model import Issue
from hearth_members.duplicates import Featured
from hearth_members.model import Member
from hearth_members.render import safe_note_html
from hearth_members.views import LinkPages, Ref

# The last parse of each member file, with the digest, vocabulary and day it was made for.
ParsedMembers = dict[Path, tuple[tuple, tuple[Member | None, list[Problem]]]]


@dataclass
class CommunityAnswer:
    """The last answer of ``load_community``, with what it was computed from: the check
    and the site in one build ask the same question, and so does a preview on every save."""

    common: tuple
    issues: list[Issue]
    written: tuple
    result: tuple[list[Member], list[Problem]]


@dataclass
class MemberCaches:
    """A part of ``hearth_core.state.BuildState``: ``build_state(settings).part(MemberCaches)``."""

    parsed: ParsedMembers = field(default_factory=dict)
    # The addresses in each issue, and each issue's digest, by its text.
    featured: KeptByKey[list[Featured]] = field(default_factory=KeptByKey)
    digests: KeptByKey[bytes] = field(default_factory=KeptByKey)
    answer: CommunityAnswer | None = None
    # The links each issue features and the link pages, by what they were made from.
    chosen: tuple[Any, tuple[dict[int, tuple], dict[str, Ref]]] | None = None
    pages: tuple[Any, LinkPages] | None = None
    views: tuple[Any, dict[int, tuple]] | None = None
    note_html: TextMemo = field(default_factory=lambda: TextMemo(safe_note_html))
    link_html: Fragments = field(default_factory=lambda: Fragments("_link.html", "link"))
    community_html: Fragments = field(default_factory=lambda: Fragments("_community.html", "links"))
