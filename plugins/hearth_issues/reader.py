"""Pelican reader for issues and pages: Hearth's strict header, Markdown body."""

from __future__ import annotations

import html
import logging
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

from pelican.readers import BaseReader
from pelican.utils import SafeDatetime

from hearth_core.problems import ContentError
from hearth_core.settings import plugin_settings
from hearth_core.state import build_state
from hearth_issues.bodies import markdown_options
from hearth_issues.caches import IssueCaches
from hearth_issues.model import Issue
from hearth_issues.pages import Page, read_page
from hearth_issues.source import read_issue, site_zone

logger = logging.getLogger(__name__)

DEFAULTS = {"show_drafts": False}


def pelican_date(when: datetime) -> SafeDatetime:
    """``when`` as Pelican's own readers give dates: Pelican formats a SafeDatetime
    (DEFAULT_DATE_FORMAT, "%-d") with its own strftime, the same on every platform; a
    plain datetime with an offset would reach the platform's, which Windows refuses."""
    return SafeDatetime.combine(when.date(), when.timetz())


def show_drafts(settings: dict[str, Any]) -> bool:
    """``HEARTH_ISSUES["show_drafts"]``, checked: a wrong HEARTH_ISSUES is a SettingsError."""
    return bool(plugin_settings(settings, "HEARTH_ISSUES", DEFAULTS)["show_drafts"])


class HearthMarkdownReader(BaseReader):
    """Reads ``content/issues/*.md`` as issues and every other Markdown file as a page."""

    enabled = True
    file_extensions: ClassVar[list[str]] = ["md", "markdown", "mkd", "mdown"]

    def __init__(self, settings: dict[str, Any]) -> None:
        super().__init__(settings)
        content = Path(settings["PATH"])
        self._issue_dirs = [(content / path).resolve() for path in settings["ARTICLE_PATHS"]]
        self._show_drafts = show_drafts(settings)
        self._options = markdown_options(settings["MARKDOWN"])
        self._zone = site_zone(settings)
        self._caches = build_state(settings).part(IssueCaches)

    def read(self, source_path: str) -> tuple[str, dict[str, Any]]:
        path = Path(source_path)
        try:
            if self._is_issue(path):
                source = read_issue(path, self._zone, self._caches.parsed)
                return self._render(source.body), self._issue_metadata(source)
            page = read_page(path)
            return self._render(page.body), self._page_metadata(page)
        except ContentError as error:
            for item in error.problems:
                logger.error("%s", item)
            raise

    def _is_issue(self, path: Path) -> bool:
        resolved = path.resolve()
        return any(resolved.is_relative_to(folder) for folder in self._issue_dirs)

    def _render(self, body: str) -> str:
        return self._caches.body_html.get(self._options, body)

    def _issue_metadata(self, issue: Issue) -> dict[str, Any]:
        # In a draft preview a draft is built like a published issue, flagged so
        # templates show a banner and feeds and the sitemap leave it out.
        previewed = issue.is_draft and self._show_drafts
        metadata: dict[str, Any] = {
            "title": issue.title,
            "date": pelican_date(issue.date),
            "slug": issue.slug,
            "number": issue.number,
            "status": "published" if previewed else issue.status,
            "is_draft": issue.is_draft,
            "discussion": issue.discussion,
            "summary_text": issue.summary,
            "issue": issue,
            # Pelican 4.12 reads draft.category unconditionally; one fixed category
            # keeps it happy and, with CATEGORY_SAVE_AS empty, gets no page.
            "category": self.process_metadata("category", "issues"),
        }
        return metadata | self._shared_metadata(issue.summary, issue.tags)

    def _page_metadata(self, page: Page) -> dict[str, Any]:
        metadata = {"title": page.title, "slug": page.slug, "status": page.status}
        return metadata | {"summary_text": page.summary} | self._shared_metadata(page.summary, ())

    def _shared_metadata(self, summary: str, tags: tuple[str, ...]) -> dict[str, Any]:
        metadata: dict[str, Any] = {}
        if summary:
            # Pelican treats summaries as HTML; ours are plain text.
            metadata["summary"] = html.escape(summary)
        if tags:
            # The list as checked: a text would be split again, at ";" if it has one.
            metadata["tags"] = self.process_metadata("tags", list(tags))
        return metadata
