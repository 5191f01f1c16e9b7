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
# A topic page shows this many of its newest links and of its latest discussions, and
# links the page that lists them all: a topic of a large archive has thousands of links.
SHOWN = 20


@dataclass(frozen=True)
class TopicPage:
    """One topic's page, /topics/<slug>/: its issues (Pelican's articles, newest first),
    its newest member links and latest discussions (``SHOWN`` of each), with how many it
    has of each and the pages that list every one of them."""

    name: str
    slug: str
    url: str
    issues: tuple[Any, ...] = ()
    links: tuple[Any, ...] = ()
    discussions: tuple[Any, ...] = ()
    link_count: int = 0
    discussion_count: int = 0
    links_url: str = ""  # /links/tags/<slug>/, where the links on it are listed alone
    discussions_url: str = ""  # /discussions/tags/<slug>/
    card: str = ""  # its social card's absolute address

    @property
    def size(self) -> int:
        return len(self.issues) + self.link_count + self.discussion_count

    @property
    def counts_text(self) -> str:
        """ "2 issues, 5 links, 1 discussion": what it holds, kinds it has none of left out."""
        counts = [
            _count(len(self.issues), "issue", "issues"),
            _count(self.link_count, "link", "links"),
            _count(self.discussion_count, "discussion", "discussions"),
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
    none: tuple[str, str, tuple] = ("", "", ())
    pages = []
    for slug, name in names.items():
        if slug not in issues and slug not in links and slug not in threads:
            continue  # a configured topic nothing carries yet
        _, links_url, its_links = links.get(slug, none)
        _, discussions_url, its_threads = threads.get(slug, none)
        pages.append(
            TopicPage(
                name=name,
                slug=slug,
                url=url_pattern.format(slug=slug),
                issues=issues.get(slug, none)[2],
                links=its_links[:SHOWN],
                discussions=its_threads[:SHOWN],
                link_count=len(its_links),
                discussion_count=len(its_threads),
                links_url=links_url,
                discussions_url=discussions_url,
            )
        )
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
