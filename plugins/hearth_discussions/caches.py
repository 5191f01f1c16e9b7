"""What the discussions' part of the build state keeps from one build to the next."""

from __future__ import annotations

from dataclasses import dataclass, field

from hearth_core.fragments import Fragments
from hearth_core.memo import KeptByKey, Recent
from hearth_core.problems import Problem
from hearth_discussions.index import DiscussionPages
from hearth_discussions.model import Activity, Source, Thread


@dataclass
class DiscussionCaches:
    """A part of the build state (``hearth_core.state``), one per build or preview."""

    # The activity file, by its size and time of change: every build reads it three
    # times, and a live preview's builds mostly find it unchanged.
    activity: KeptByKey[tuple[dict[str, Activity], list[Problem]]] = field(
        default_factory=KeptByKey
    )
    # The last answers of ``load_discussions``. A build asks twice: with every issue
    # (the check) and with the issues the site shows; a preview's next build again.
    answers: Recent[tuple[list[Source], list[Problem]]] = field(default_factory=lambda: Recent(2))
    # The thread files, for the same two askers: a member's edit changes the
    # sources, not the threads.
    threads: Recent[tuple[list[Thread], list[Problem]]] = field(default_factory=lambda: Recent(2))
    pages: Recent[DiscussionPages] = field(default_factory=lambda: Recent(1))
    discussion_html: Fragments = field(
        default_factory=lambda: Fragments("_discussion.html", "thread")
    )
