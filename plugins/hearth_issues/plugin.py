"""Pelican wiring for issues; the logic lives in the sibling modules."""

from __future__ import annotations

from typing import Any

from pelican import signals
from pelican.generators import ArticlesGenerator, PagesGenerator
from pelican.readers import Readers

from hearth_core.problems import ContentError
from hearth_core.state import build_state
from hearth_issues.archive import by_year, link_neighbours
from hearth_issues.caches import IssueCaches
from hearth_issues.leftout import LeftOutDrafts, without_left_out
from hearth_issues.listing import add_entries, issue_list_html
from hearth_issues.reader import HearthMarkdownReader
from hearth_issues.reading import add_reading
from hearth_issues.source import duplicate_numbers


def read_in_path_order(generator: ArticlesGenerator | PagesGenerator) -> None:
    """Issues and pages in path order (see ``without_left_out``), without the drafts
    the build leaves out for their problems."""
    left_out = build_state(generator.settings).part(LeftOutDrafts).paths
    generator.get_files = without_left_out(generator.get_files, generator.path, left_out)


def use_hearth_reader(readers: Readers) -> None:
    for extension in HearthMarkdownReader.file_extensions:
        readers.reader_classes[extension] = HearthMarkdownReader


def refuse_duplicate_numbers(generator: ArticlesGenerator) -> None:
    # Raised, not logged: two issues with one number would overwrite each other.
    issues = [article.issue for article in generator.articles + generator.drafts]
    problems = duplicate_numbers(issues)
    if problems:
        raise ContentError(problems)


def add_archive_context(generator: ArticlesGenerator) -> None:
    issues = generator.articles
    link_neighbours(issues)
    generator.context["latest_issue"] = issues[0] if issues else None
    generator.context["issue_years"] = by_year(issues)
    entry_html = build_state(generator.settings).part(IssueCaches).entry_html
    add_entries(issues + generator.drafts, generator.env, entry_html)
    generator.context["issue_list_html"] = issue_list_html(entry_html)


def add_reading_times(generators: Any) -> None:
    """Each issue's reading time and contents, from its HTML: once every generator has
    read its files. An issue's HTML asked for earlier, before the static files are known,
    would say its {static} and {attach} links name no file."""
    for generator in generators:
        if isinstance(generator, ArticlesGenerator):
            add_reading(generator.articles + generator.drafts)


def register() -> None:
    signals.readers_init.connect(use_hearth_reader)
    signals.article_generator_init.connect(read_in_path_order)
    signals.page_generator_init.connect(read_in_path_order)
    signals.article_generator_pretaxonomy.connect(refuse_duplicate_numbers)
    signals.article_generator_finalized.connect(add_archive_context)
    signals.all_generators_finalized.connect(add_reading_times)
