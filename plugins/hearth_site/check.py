"""Every validation Hearth runs, without building: what ``invoke check`` prints."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hearth_core.files import unsafe_entries
from hearth_core.problems import Problem
from hearth_discussions.collect import load_discussions
from hearth_discussions.settings import chat_spaces
from hearth_issues.collect import load_pages, load_site_issues
from hearth_issues.model import Issue
from hearth_members.model import Member
from hearth_members.site import load_community
from hearth_site.theme import site_theme
from hearth_site.views import byline


@dataclass(frozen=True)
class SiteContent:
    """Everything under content/ that the build reads, and what is wrong with it."""

    issues: list[Issue]
    members: list[Member]
    problems: list[Problem]


def load_site_content(
    settings: dict[str, Any], loaded_issues: tuple[list[Issue], list[Problem]] | None = None
) -> SiteContent:
    """Read and check all content; ``loaded_issues`` spares reading the issues twice."""
    issues, problems = loaded_issues or load_site_issues(settings)
    problems = list(problems)
    for folder in settings["PAGE_PATHS"]:
        problems += load_pages(Path(settings["PATH"], folder))[1]
    members, member_problems = load_community(settings, issues)
    problems += member_problems
    chat_spaces(settings)  # a wrong space raises SettingsError, as the build would
    site_theme(settings)  # and so does a wrong HEARTH_THEME
    byline(settings)
    problems += load_discussions(settings, issues, members)[1]
    problems += unsafe_entries(Path(settings["PATH"]), settings.get("IGNORE_FILES", ()))
    # A link in a folder of members is reported by the folder's reader and the scan.
    return SiteContent(issues, members, sorted(set(problems)))


def check_content(settings: dict[str, Any]) -> list[Problem]:
    """All problems in the site's content, sorted by file and line."""
    return load_site_content(settings).problems
