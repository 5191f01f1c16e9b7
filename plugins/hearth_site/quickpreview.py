"""The live preview's fast path: an edited issue's own page, before the full build.

Most saves in a preview change the text of one issue. Its page can be written
again in milliseconds with everything the last build already knows (the other
issues, the community links, the templates), so the open page shows the edit at
once; the full build follows and updates every other page that shows the issue.
Anything else (a header, a new or deleted file, a member file, a template) takes
the full build only.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pelican import signals
from pelican.contents import Content
from pelican.writers import Writer

from hearth_core.problems import ContentError
from hearth_issues.bodies import markdown_options
from hearth_issues.reader import BODY_HTML
from hearth_issues.source import read_issue, site_zone
from hearth_site.keptarticles import forget
from hearth_site.meta import site_path, under_site_path

# The articles generator of the last preview build that finished, and the one
# of the build under way (kept only if that build succeeds).
_LAST: list[Any] = []
_BUILDING: list[Any] = []


def forget_rendered_content() -> None:
    """Pelican memoizes every article's HTML in a class-wide cache for the life of
    the process: a live preview would keep every build's articles alive."""
    for method in ("get_content", "get_summary"):
        Content.__dict__[method].cache.clear()


def _building(generator: Any) -> None:
    if generator.settings.get("HEARTH_PREVIEW"):
        _BUILDING[:] = [generator]


def _built(_pelican: Any) -> None:
    if _BUILDING:
        _LAST[:] = _BUILDING
        _BUILDING.clear()


def rerender_issues(paths: Iterable[Path]) -> bool:
    """Write the pages of these edited issues again; False (writing nothing) unless
    every path is an issue of the last build whose header is unchanged."""
    if not _LAST:
        return False
    generator = _LAST[0]
    found = [_updated(generator, Path(path)) for path in paths]
    updates = [update for update in found if update is not None]
    if not updates or len(updates) < len(found):
        return False
    forget_rendered_content()
    for article, issue in updates:
        _write(generator, article, issue)
    return True


def _updated(generator: Any, path: Path) -> tuple[Any, Any] | None:
    for article in [*generator.articles, *generator.drafts]:
        if Path(article.source_path).resolve() == path.resolve():
            break
    else:
        return None
    try:
        issue = read_issue(path, site_zone(generator.settings))
    except (ContentError, OSError):
        return None  # the full build says what is wrong
    before = article.issue
    same_header = dataclasses.replace(issue, body=before.body, body_line=before.body_line)
    return (article, issue) if same_header == before else None


def _write(generator: Any, article: Any, issue: Any) -> None:
    settings = generator.settings
    html = BODY_HTML.get(markdown_options(settings["MARKDOWN"]), issue.body)
    path = site_path(settings)
    article._content = under_site_path(html, path) if path else html
    article.issue = article.metadata["issue"] = issue
    forget(article.source_path)  # it no longer is what its file's last bytes made
    extra = {"all_articles": generator.articles} if article in generator.drafts else {}
    Writer(generator.output_path, settings=settings).write_file(
        article.save_as,
        generator.get_template(article.template),
        generator.context,
        relative_urls=settings["RELATIVE_URLS"],
        article=article,
        category=getattr(article, "category", None),
        override_output=hasattr(article, "override_save_as"),
        url=article.url,
        blog=True,
        **extra,
    )


def register() -> None:
    signals.article_generator_finalized.connect(_building)
    signals.finalized.connect(_built)
