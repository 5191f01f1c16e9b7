"""Topics where the three topic systems meet: an issue's tags, a member link's topics and a
thread's tags, joined by their slug (``hearth_core.topics.topic_slug``).

Made from Pelican's own results (its articles, grouped by its tags) and from the link and
discussion pages the other plugins made, after reading: nothing is guessed before Pelican
runs. Templates print the pages; they compute nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from hearth_core.topics import topic_slug

# What the topic pages are made from: each group is (topic name, link page's url, items).
Grouped = Iterable[tuple[Any, Sequence[Any]]]


@dataclass(frozen=True)
class TopicPage:
    """One topic's page, /topics/<slug>/: its issues (Pelican's articles, newest first),
    its member links and its discussions, with the older pages that list each kind."""

    name: str
    slug: str
    url: str
    issues: tuple[Any, ...] = ()
    links: tuple[Any, ...] = ()
    discussions: tuple[Any, ...] = ()
    links_url: str = ""  # /links/tags/<slug>/, where the links on it are listed alone
    discussions_url: str = ""  # /discussions/tags/<slug>/
    card: str = ""  # its social card's absolute address

    @property
    def size(self) -> int:
        return len(self.issues) + len(self.links) + len(self.discussions)

    @property
    def counts_text(self) -> str:
        """ "2 issues, 5 links, 1 discussion": what it holds, kinds it has none of left out."""
        counts = [
            _count(len(self.issues), "issue", "issues"),
            _count(len(self.links), "link", "links"),
            _count(len(self.discussions), "discussion", "discussions"),
        ]
        return ", ".join(count for count in counts if count)

    @property
    def updated(self) -> datetime | date | None:
        """The newest issue's date, for the sitemap; None where it has no issue."""
        return self.issues[0].date if self.issues else None


def _count(number: int, one: str, many: str) -> str:
    if not number:
        return ""
    return f"1 {one}" if number == 1 else f"{number} {many}"


def build_topic_pages(
    tags: Grouped,
    link_tags: Grouped,
    discussion_tags: Grouped,
    configured: Sequence[str],
    url_pattern: str,
) -> tuple[TopicPage, ...]:
    """Every topic with something on it, largest first (then by name).

    ``tags``: Pelican's (tag, articles); ``link_tags`` and ``discussion_tags``: (Ref,
    items) from the link and discussion pages; ``configured``: the topics members may use,
    whose spelling names a topic; ``url_pattern``: Pelican's TAG_URL (``topics/{slug}/``).
    """
    names: dict[str, str] = {}
    for topic in configured:
        names.setdefault(topic_slug(topic), topic)
    issues = _by_slug(((tag.name, ""), articles) for tag, articles in tags)
    links = _by_slug(((ref.name, ref.url), views) for ref, views in link_tags)
    threads = _by_slug(((ref.name, ref.url), views) for ref, views in discussion_tags)
    for group in (issues, links, threads):
        for slug, (name, _url, _items) in group.items():
            names.setdefault(slug, name)
    pages = [
        TopicPage(
            name=names[slug],
            slug=slug,
            url=url_pattern.format(slug=slug),
            issues=issues.get(slug, ("", "", ()))[2],
            links=links.get(slug, ("", "", ()))[2],
            discussions=threads.get(slug, ("", "", ()))[2],
            links_url=links.get(slug, ("", "", ()))[1],
            discussions_url=threads.get(slug, ("", "", ()))[1],
        )
        for slug in names
        if slug in issues or slug in links or slug in threads
    ]
    return tuple(sorted(pages, key=lambda page: (-page.size, page.name.casefold())))


def _by_slug(groups: Iterable[tuple[tuple[str, str], Sequence[Any]]]) -> dict:
    """slug -> (first name, url, items); groups whose names share a slug are one (the
    checks keep each kind to one spelling, but an issue's tag and a link's may differ)."""
    found: dict[str, tuple[str, str, tuple]] = {}
    for (name, url), items in groups:
        slug = topic_slug(name)
        if slug in found:
            first, first_url, earlier = found[slug]
            found[slug] = (first, first_url, (*earlier, *items))
        else:
            found[slug] = (name, url, tuple(items))
    return found
