"""What the issues' part of the build state keeps from one build to the next."""

from __future__ import annotations

from pathlib import Path

from hearth_core.fragments import Fragments
from hearth_core.parallel import TextMemo
from hearth_issues.bodies import render_markdown
from hearth_issues.source import KeptParses


class IssueCaches:
    """A part of ``hearth_core.state.BuildState``: ``build_state(settings).part(IssueCaches)``."""

    def __init__(self) -> None:
        # The last valid parse of each issue file (see hearth_issues.source).
        self.parsed: KeptParses = {}
        # What this state last read from or wrote to each stored file of parses.
        self.stored: dict[Path, KeptParses] = {}
        # Every issue and page body, converted once per state and, in a build, on every core.
        self.body_html = TextMemo(render_markdown)
        # Each issue's entry in the lists (hearth_issues.listing).
        self.entry_html = Fragments("_issue_entry.html", "issue")
