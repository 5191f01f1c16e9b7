"""Pelican wiring for the topic pages and the social cards: thin, the logic is in
``hearth_site.topics`` and ``hearth_site.cards``."""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pelican.generators import Generator

from hearth_core.pagewriter import write_page
from hearth_core.state import build_state
from hearth_members.site import member_options
from hearth_site.cards import FOLDER as CARDS_FOLDER
from hearth_site.cards import (
    OWN_CARDS,
    Card,
    CardCaches,
    card_accent,
    home_card,
    issue_card,
    site_card,
    topic_card,
    write_cards,
)
from hearth_site.meta import site_meta
from hearth_site.produced import ProducedFiles
from hearth_site.topics import TopicPage, build_topic_pages


@dataclass(frozen=True)
class SocialCards:
    """The absolute addresses of the home page's card and of the site-wide one."""

    home: str
    site: str


class TopicsGenerator(Generator):
    """/topics/ and /topics/<slug>/: the issues, member links and discussions on a topic.

    Pelican's own tag pages are off (TAG_SAVE_AS = ""): these are made from its results
    (the articles grouped by its tags), once the links and discussions are in the context.
    """

    def generate_context(self) -> None:
        links = self.context.get("link_pages")
        discussions = self.context.get("discussion_pages")
        self.topics = build_topic_pages(
            self.context["tags"],
            links.by_tag if links else (),
            discussions.by_tag if discussions else (),
            member_options(self.settings)["tags"],
            self.settings["TAG_URL"],
        )
        self.context["topic_pages"] = self.topics

    def generate_output(self, writer: Any) -> None:
        write = functools.partial(write_page, self, writer)

        topics: tuple[TopicPage, ...] = self.context["topic_pages"]
        write("topics/", "tags", topics=topics)
        for topic in topics:
            write(topic.url, "tag", topic=topic)


class CardsGenerator(Generator):
    """A social card for each of the newest issues, each topic and the home page.

    Runs after TopicsGenerator's context: each topic gets its card's address there.
    """

    def generate_context(self) -> None:
        meta = site_meta(self.settings)
        accent = card_accent(self.settings)
        name = self.settings["SITENAME"]
        description = self.settings.get("SITE_DESCRIPTION") or ""

        def address_of(card: Card) -> str:
            """The address of ``card``, which this build draws (or copies from the cache)."""
            self.cards.append(card)
            return f"{meta.url}/{CARDS_FOLDER}/{card.name}"

        self.cards: list[Card] = []
        articles = self.context["articles"]
        latest = articles[0].number if articles else None
        home = address_of(home_card(name, description, latest, accent))
        # SITE_IMAGE, where set, stands for the site-wide card.
        site = meta.image or address_of(site_card(name, description, accent))
        for article in articles[:OWN_CARDS]:
            article.social_card = address_of(
                issue_card(article.number, article.title, name, accent)
            )
        for article in articles[OWN_CARDS:] + self.context.get("drafts", []):
            article.social_card = site
        self.context["topic_pages"] = tuple(
            replace(
                topic,
                card=address_of(
                    topic_card(topic.slug, topic.name, topic.counts_text, name, accent)
                ),
            )
            for topic in self.context.get("topic_pages", ())
        )
        self.context["social_cards"] = SocialCards(home, site)

    def generate_output(self, writer: Any) -> None:
        cache = self.settings.get("CACHE_PATH")
        state = build_state(self.settings)
        caches, produced = state.part(CardCaches), state.part(ProducedFiles)
        output = Path(self.output_path)
        write_cards(self.cards, output, Path(cache) if cache else None, caches, produced)
