"""Pelican wiring: member links into the context, the issues, the feeds and their pages."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

from pelican import signals
from pelican.generators import Generator

from hearth_core.elsewhere import Elsewhere, no_elsewhere
from hearth_core.platforms import DiscussionRef, recognise
from hearth_core.problems import ContentError
from hearth_core.state import build_state
from hearth_feeds.plugin import register_feed
from hearth_issues.model import Issue
from hearth_members.caches import MemberCaches
from hearth_members.community import Recorded, community_links
from hearth_members.feed import links_feed
from hearth_members.model import Member
from hearth_members.render import note_html
from hearth_members.site import load_community, member_options, recorded_links
from hearth_members.views import LinkPages, Ref, build_link_pages, link_anchor

# The context key under which hearth_discussions puts the function that labels a
# thread's address with its platform and activity (``DiscussionLabels``).
DISCUSSION_LABELS = "discussion_labels"
# Likewise for a link's discussions on other sites ("Also discussed on ..."): ``ElsewhereLabels``.
ELSEWHERE_LABELS = "elsewhere_labels"


def _featured_in(issues: Sequence[tuple[Issue, str]], chosen: dict[int, tuple]) -> dict[str, Ref]:
    """Which published issue featured each link, by link anchor; ``issues`` with their URLs."""
    featured: dict[str, Ref] = {}
    for issue, url in issues:
        if issue.is_draft:
            continue
        ref = Ref(f"Issue {issue.number}: {issue.title}", url, issue.number)
        for link in chosen.get(issue.number, ()):
            featured.setdefault(link_anchor(link), ref)
    return featured


def _link_pages(
    caches: MemberCaches,
    members: list[Member],
    featured: dict[str, Ref],
    discussion_labels: Callable[[str], DiscussionRef],
    recent: int,
    elsewhere: Callable[[str], Elsewhere] = no_elsewhere,
) -> LinkPages:
    # Kept while made from equal inputs: after an edit to an issue's prose, a preview
    # build has the same members (see load_community), found equal item by item at once.
    made_from = (members, featured, discussion_labels, recent, elsewhere)
    if caches.pages is not None and caches.pages[0] == made_from:
        return caches.pages[1]
    render_note = functools.partial(note_html, memo=caches.note_html)
    pages = build_link_pages(members, featured, render_note, discussion_labels, recent, elsewhere)
    caches.pages = (made_from, pages)
    return pages


def _links_of(
    settings: dict[str, Any],
    issues: Sequence[tuple[Issue, str]],
    members: list[Member],
    discussion_labels: Callable[[str], DiscussionRef],
    elsewhere: Callable[[str], Elsewhere] = no_elsewhere,
) -> tuple[dict[int, tuple], LinkPages]:
    """The links each issue features, and the link pages; ``issues`` with their URLs."""
    caches = build_state(settings).part(MemberCaches)
    recorded = recorded_links(settings).featured
    chosen, featured = _chosen_and_featured(caches, issues, members, recorded)
    recent = member_options(settings)["recent_links"]
    return chosen, _link_pages(caches, members, featured, discussion_labels, recent, elsewhere)


def plain_discussion_label(url: str) -> DiscussionRef:
    """A link's discussion labelled by its platform alone: a site without hearth_discussions."""
    return DiscussionRef(url, recognise(url).label)


def _chosen_and_featured(
    caches: MemberCaches,
    issues: Sequence[tuple[Issue, str]],
    members: list[Member],
    recorded: Recorded,
) -> tuple[dict[int, tuple], dict[str, Ref]]:
    # Kept while made from equal inputs: an edit to an issue's prose leaves the members
    # and every issue's date, title and address alone.
    made_from = (
        members,
        recorded,
        *(
            (issue.number, issue.date, issue.community, issue.title, issue.is_draft, url)
            for issue, url in issues
        ),
    )
    if caches.chosen is not None and caches.chosen[0] == made_from:
        return caches.chosen[1]
    links = [link for member in members for link in member.links]
    chosen = community_links([issue for issue, _url in issues], links, recorded)
    featured = _featured_in(issues, chosen)
    caches.chosen = (made_from, (chosen, featured))
    return chosen, featured


def _community_views(
    caches: MemberCaches, chosen: dict[int, tuple], pages: LinkPages
) -> dict[int, tuple]:
    """Each issue's links as the link pages show them; kept while both are equal."""
    if caches.views is not None and caches.views[0] == (chosen, pages):
        return caches.views[1]
    by_anchor = {view.anchor: view for view in pages.links}
    views = {
        number: tuple(by_anchor[link_anchor(link)] for link in links)
        for number, links in chosen.items()
    }
    caches.views = ((chosen, pages), views)
    return views


class MembersGenerator(Generator):
    """Reads content/members/ once per build and writes /links/ and /members/."""

    def generate_context(self) -> None:
        articles = self.context["articles"]
        self.caches = build_state(self.settings).part(MemberCaches)
        self.caches.link_html.start_build(self.env)
        self.caches.community_html.start_build(self.env)
        self.context["links_html"] = self.caches.link_html.in_template()
        members, problems = load_community(self.settings, [a.issue for a in articles])
        if problems:
            raise ContentError(problems)
        issues = [(article.issue, article.url) for article in articles]
        # hearth_discussions, when the site has it, gives each thread's activity here
        # (DISCUSSION_LABELS): the members' package never asks the discussions' one.
        labels = self.context.get(DISCUSSION_LABELS, plain_discussion_label)
        elsewhere = self.context.get(ELSEWHERE_LABELS, no_elsewhere)
        chosen, self.pages = _links_of(self.settings, issues, members, labels, elsewhere)
        self.context["hearth_members"] = members
        self._attach_community(articles, chosen, self.pages)
        self.context["link_pages"] = self.pages
        self.feed_links = register_feed(self.context, links_feed(self.pages, self.settings))
        self.context["links_feeds"] = self.feed_links

    def _attach_community(self, articles: list[Any], chosen: dict, pages: LinkPages) -> None:
        # Rendered once here so the page, the feeds and the email show the same section.
        siteurl = self.context["SITEURL"]
        views_by_number = _community_views(self.caches, chosen, pages)
        render = self.caches.community_html.render
        for article in articles:
            views = views_by_number.get(article.number, ())
            article.community = views
            article.community_html = render(siteurl, views) if views else ""

    def generate_output(self, writer: Any) -> None:
        def write(save_as: str, template: str, **data: Any) -> None:
            writer.write_file(
                save_as,
                self.get_template(template),
                self.context,
                relative_urls=self.settings["RELATIVE_URLS"],
                **data,
            )

        pages = self.pages
        write("links/index.html", "links", links=pages.recent, months=pages.months, url="links/")
        for number, month in enumerate(pages.months):
            newer = pages.months[number - 1] if number else None
            older = pages.months[number + 1] if number + 1 < len(pages.months) else None
            write(
                f"{month.url}index.html",
                "links_month",
                month=month,
                links=month.links,
                newer=newer,
                older=older,
                url=month.url,
            )
        for tag, links in self.pages.by_tag:
            write(f"{tag.url}index.html", "links_tag", tag=tag, links=links, url=tag.url)
        write("members/index.html", "members", members=self.pages.members, url="members/")
        for member in self.pages.members:
            write(f"{member.url}index.html", "member", member=member, url=member.url)


def get_generators(_pelican: Any) -> type[MembersGenerator]:
    return MembersGenerator


def register() -> None:
    signals.get_generators.connect(get_generators)
