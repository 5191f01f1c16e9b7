"""Pelican wiring: member links into the context, the issues, the feeds and their pages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pelican import signals
from pelican.generators import Generator

from hearth_core.fragments import Fragments
from hearth_core.memo import same_objects
from hearth_core.problems import ContentError
from hearth_discussions.collect import discussion_ref, load_activity
from hearth_discussions.model import Activity
from hearth_feeds.plugin import register_feed
from hearth_issues.model import Issue
from hearth_members.community import Recorded, community_links
from hearth_members.feed import links_feed
from hearth_members.model import Member
from hearth_members.render import note_html
from hearth_members.site import load_community, member_options, recorded_links
from hearth_members.views import LinkPages, Ref, build_link_pages, link_anchor

# Kept from one build to the next: a live preview renders only what changed.
LINK_HTML = Fragments("_link.html", "link")
COMMUNITY_HTML = Fragments("_community.html", "links")


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


# The last link pages, with what they were built from: after an edit to an
# issue's prose, a preview build has the very same members (see load_community).
_LAST_PAGES: list[tuple[list[Member], dict[str, Ref], dict[str, Activity], int, LinkPages]] = []


def _link_pages(
    members: list[Member], featured: dict[str, Ref], activity: dict[str, Activity], recent: int
) -> LinkPages:
    if _LAST_PAGES:
        last_members, last_featured, last_activity, last_recent, pages = _LAST_PAGES[0]
        same_rest = (last_featured, last_activity, last_recent) == (featured, activity, recent)
        if same_rest and same_objects(last_members, members):
            return pages
    pages = build_link_pages(
        members, featured, note_html, lambda url: discussion_ref(url, activity), recent
    )
    _LAST_PAGES[:] = [(members, featured, activity, recent, pages)]
    return pages


def _links_of(
    settings: dict[str, Any], issues: Sequence[tuple[Issue, str]], members: list[Member]
) -> tuple[dict[int, tuple], LinkPages]:
    """The links each issue features, and the link pages; ``issues`` with their URLs."""
    chosen, featured = _chosen_and_featured(issues, members, recorded_links(settings).featured)
    activity = load_activity(settings)[0]
    recent = member_options(settings)["recent_links"]
    return chosen, _link_pages(members, featured, activity, recent)


# The links each issue features, with what they were chosen from: an edit to an
# issue's prose leaves the members and every issue's date, title and address alone.
_LAST_CHOSEN: list[tuple[list[Member], tuple, dict[int, tuple], dict[str, Ref]]] = []


def _chosen_and_featured(
    issues: Sequence[tuple[Issue, str]], members: list[Member], recorded: Recorded
) -> tuple[dict[int, tuple], dict[str, Ref]]:
    chosen_from = (
        recorded,
        *(
            (issue.number, issue.date, issue.community, issue.title, issue.is_draft, url)
            for issue, url in issues
        ),
    )
    if _LAST_CHOSEN:
        last_members, last_chosen_from, chosen, featured = _LAST_CHOSEN[0]
        if last_chosen_from == chosen_from and same_objects(last_members, members):
            return chosen, featured
    links = [link for member in members for link in member.links]
    chosen = community_links([issue for issue, _url in issues], links, recorded)
    featured = _featured_in(issues, chosen)
    _LAST_CHOSEN[:] = [(members, chosen_from, chosen, featured)]
    return chosen, featured


def prepare_link_pages(
    settings: dict[str, Any], published: Sequence[Issue], members: list[Member]
) -> LinkPages | None:
    """The link pages, built before Pelican runs, while the workers convert the issues.

    The members' context finds them (``_link_pages`` remembers them) when Pelican
    lists the same ``published`` issues, in the same order, at the addresses
    ARTICLE_URL gives here. Otherwise it builds them again: a wrong guess here
    costs time, never a wrong page.
    """
    try:
        urls = [settings["ARTICLE_URL"].format(**vars(issue)) for issue in published]
    except (KeyError, IndexError, ValueError, AttributeError):
        return None  # an address Pelican makes from more than the issue's own fields
    return _links_of(settings, list(zip(published, urls, strict=True)), members)[1]


_LAST_VIEWS: list[tuple[dict[int, tuple], LinkPages, dict[int, tuple]]] = []


def _community_views(chosen: dict[int, tuple], pages: LinkPages) -> dict[int, tuple]:
    """Each issue's links as the link pages show them; the last build's, when both
    are the very objects it had (kept above while the members and issues are alike)."""
    if _LAST_VIEWS and _LAST_VIEWS[0][0] is chosen and _LAST_VIEWS[0][1] is pages:
        return _LAST_VIEWS[0][2]
    by_anchor = {view.anchor: view for view in pages.links}
    views = {
        number: tuple(by_anchor[link_anchor(link)] for link in links)
        for number, links in chosen.items()
    }
    _LAST_VIEWS[:] = [(chosen, pages, views)]
    return views


class MembersGenerator(Generator):
    """Reads content/members/ once per build and writes /links/ and /members/."""

    def generate_context(self) -> None:
        articles = self.context["articles"]
        LINK_HTML.start_build(self.env)
        COMMUNITY_HTML.start_build(self.env)
        self.context["links_html"] = LINK_HTML.in_template()
        members, problems = load_community(self.settings, [a.issue for a in articles])
        if problems:
            raise ContentError(problems)
        issues = [(article.issue, article.url) for article in articles]
        chosen, self.pages = _links_of(self.settings, issues, members)
        self.context["hearth_members"] = members
        self._attach_community(articles, chosen, self.pages)
        self.context["link_pages"] = self.pages
        self.feed_links = register_feed(self.context, links_feed(self.pages, self.settings))
        self.context["links_feeds"] = self.feed_links

    def _attach_community(self, articles: list[Any], chosen: dict, pages: LinkPages) -> None:
        # Rendered once here so the page, the feeds and the email show the same section.
        siteurl = self.context["SITEURL"]
        views_by_number = _community_views(chosen, pages)
        for article in articles:
            views = views_by_number.get(article.number, ())
            article.community = views
            article.community_html = COMMUNITY_HTML.render(siteurl, views) if views else ""

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
