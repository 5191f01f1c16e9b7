"""Pelican wiring: the discussion index, its feed, and the pages that show it."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from pelican import signals
from pelican.generators import Generator

from hearth_core.pagewriter import write_page
from hearth_core.problems import ContentError
from hearth_core.state import build_state
from hearth_discussions.caches import DiscussionCaches
from hearth_discussions.collect import (
    DiscussionLabels,
    discussion_ref,
    load_activity,
    load_discussions,
)
from hearth_discussions.elsewhere.site import ElsewhereLabels, issue_elsewhere, load_elsewhere
from hearth_discussions.feed import discussions_feed
from hearth_discussions.index import DiscussionPages, build_discussion_pages
from hearth_discussions.settings import chat_spaces, discussion_options, lemmy_instances
from hearth_feeds.plugin import register_feed
from hearth_issues.model import Issue
from hearth_members.model import Member
from hearth_members.plugin import DISCUSSION_LABELS, ELSEWHERE_LABELS


def discussion_pages(
    settings: dict[str, Any], issues: Sequence[Issue], members: Sequence[Member]
) -> DiscussionPages:
    """The discussion index of the site whose published issues are ``issues``, as Pelican
    lists them (newest first); ContentError if a discussion file has a problem."""
    sources, problems = load_discussions(settings, issues, members)
    if problems:
        raise ContentError(problems)
    activity = load_activity(settings)[0]
    spaces = chat_spaces(settings)
    limit = discussion_options(settings)["home_limit"]
    lemmy = lemmy_instances(settings)
    # Kept by what they were built from: a preview's next build, after an edit to an
    # issue's prose, has the same discussions.
    return (
        build_state(settings)
        .part(DiscussionCaches)
        .pages.get(
            (sources, activity, spaces, limit, lemmy),
            lambda: build_discussion_pages(sources, activity, spaces, limit, lemmy),
        )
    )


def give_discussion_labels(generator: Any) -> None:
    """At ``article_generator_finalized``, before the members' context: each member link
    shows its thread's platform and activity (``hearth_members.plugin.DISCUSSION_LABELS``)."""
    activity = load_activity(generator.settings)[0]
    lemmy = lemmy_instances(generator.settings)
    generator.context[DISCUSSION_LABELS] = DiscussionLabels(activity, lemmy)
    generator.context[ELSEWHERE_LABELS] = ElsewhereLabels(load_elsewhere(generator.settings)[0])


class DiscussionsGenerator(Generator):
    """Writes /discussions/ (with a page per platform and per tag) and /community/."""

    def generate_context(self) -> None:
        fragments = build_state(self.settings).part(DiscussionCaches).discussion_html
        fragments.start_build(self.env)
        self.context["discussions_html"] = fragments.in_template()
        articles = self.context["articles"]
        issues = [article.issue for article in articles]
        members = self.context.get("hearth_members", [])
        self.pages = discussion_pages(self.settings, issues, members)
        activity = load_activity(self.settings)[0]
        lemmy = lemmy_instances(self.settings)
        threads = issue_threads(self.pages)
        elsewhere = ElsewhereLabels(load_elsewhere(self.settings)[0])
        for article in articles + self.context.get("drafts", []):
            url = article.metadata.get("discussion")
            article.discussion_ref = discussion_ref(url, activity, lemmy) if url else None
            others = threads.get(f"issues/{article.issue.number}/", ())
            article.more_discussions = tuple(
                discussion_ref(other, activity, lemmy) for other in others if other != url
            )
            article.elsewhere = issue_elsewhere(article.issue.body, elsewhere)
        self.context["discussion_pages"] = self.pages
        self.context["discussions_feeds"] = register_feed(
            self.context, discussions_feed(self.pages, self.settings)
        )

    def generate_output(self, writer: Any) -> None:
        write = functools.partial(write_page, self, writer)

        pages: DiscussionPages = self.pages
        write("discussions/", "discussions", discussions=pages.discussions, filter=None)
        for platform, threads in pages.by_platform:
            write(platform.url, "discussions", discussions=threads, filter=platform)
        for tag, threads in pages.by_tag:
            write(tag.url, "discussions", discussions=threads, filter=tag)
        write("community/", "community", spaces=pages.spaces)


def get_generators(_pelican: Any) -> type[DiscussionsGenerator]:
    return DiscussionsGenerator


def register() -> None:
    signals.get_generators.connect(get_generators)
    signals.article_generator_finalized.connect(give_discussion_labels)


def issue_threads(pages: DiscussionPages) -> dict[str, tuple[str, ...]]:
    """The thread addresses of each issue (by its site-relative URL), in the index's
    order: an issue announced on several platforms shows each, not only its header's."""
    threads: dict[str, list[str]] = {}
    for view in pages.discussions:
        if view.kind == "issue" and view.about is not None:
            threads.setdefault(view.about.url, []).append(view.url)
    return {about: tuple(urls) for about, urls in threads.items()}
