"""Every validation Hearth runs, without building: what ``invoke check`` prints."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hearth_core.problems import Problem
from hearth_discussions.collect import load_discussions
from hearth_discussions.settings import chat_spaces
from hearth_issues.collect import load_issues, load_pages
from hearth_members.site import load_community


def check_content(settings: dict[str, Any]) -> list[Problem]:
    """All problems in the site's content, sorted by file and line."""
    content = Path(settings["PATH"])
    problems: list[Problem] = []
    issues = []
    for folder in settings["ARTICLE_PATHS"]:
        found, issue_problems = load_issues(content / folder)
        issues += found
        problems += issue_problems
    for folder in settings["PAGE_PATHS"]:
        problems += load_pages(content / folder)[1]
    members, member_problems = load_community(settings, issues)
    problems += member_problems
    chat_spaces(settings)  # a wrong space raises SettingsError, as the build would
    problems += load_discussions(settings, issues, members)[1]
    return sorted(problems)
