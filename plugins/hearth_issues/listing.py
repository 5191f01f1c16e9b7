"""The lists of issues (the archive, each topic's page), each issue's entry rendered once.

A live preview writes the pages that list issues on every save, and 700 issues
appear on the archive and again on their topics' pages. An entry is a value made
from what the list shows of an issue, so its HTML, kept by hearth_core.fragments,
never goes stale: an edited issue gets a new entry, rendered again.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, NamedTuple

from jinja2 import Environment, pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from hearth_core.fragments import Fragments

ENTRY_HTML = Fragments("_issue_entry.html", "issue")


class IssueEntry(NamedTuple):
    """What a list shows of an issue, under the names ``_issue_meta.html`` reads."""

    url: str
    title: str
    number: int | None
    date: datetime
    locale_date: str
    summary_text: str


def issue_entry(article: Any) -> IssueEntry:
    return IssueEntry(
        article.url,
        article.title,
        getattr(article, "number", None),
        article.date,
        article.locale_date,
        getattr(article, "summary_text", "") or "",
    )


def add_entries(articles: Iterable[Any], env: Environment) -> None:
    """Give each issue its ``entry``; call once per build, before any list is rendered."""
    ENTRY_HTML.start_build(env)
    for article in articles:
        article.entry = issue_entry(article)


@pass_context
def issue_list_html(context: Context, issues: Iterable[Any], level: int = 2) -> Markup:
    """The ``<li>`` of each issue, for templates: ``issue_list_html(issues, level=3)``."""
    entries = (issue.entry for issue in issues)
    return Markup(ENTRY_HTML.render_all(context.get("SITEURL", ""), entries, level=level))
