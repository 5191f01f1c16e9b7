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


def add_entries(articles: Iterable[Any], env: Environment, entries: Fragments) -> None:
    """Give each issue its ``entry``; call once per build, before any list is rendered,
    with the build state's ``IssueCaches.entry_html``."""
    entries.start_build(env)
    for article in articles:
        article.entry = issue_entry(article)


def issue_list_html(entry_html: Fragments) -> Any:
    """For templates: ``issue_list_html(issues, level=3)`` gives the ``<li>`` of each issue."""

    @pass_context
    def render(context: Context, issues: Iterable[Any], level: int = 2) -> Markup:
        entries = (issue.entry for issue in issues)
        return Markup(entry_html.render_all(context.get("SITEURL", ""), entries, level=level))

    # As hearth_core.fragments says of its own renderers (see hearth_site/pagememo.py).
    render.renders_only_its_arguments = True  # type: ignore[attr-defined]
    return render
