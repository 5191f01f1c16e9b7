"""Pelican wiring: the /recommendations/ page, recommendations.json, the blogrolls and
the neighbours' posts on the home page. The logic lives in the sibling modules."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pelican import signals
from pelican.generators import Generator

from hearth_core.files import write_atomically
from hearth_core.problems import ContentError
from hearth_core.settings import absolute_site_url
from hearth_feeds.plugin import BLOGROLL_URL
from hearth_recommendations.model import Outline
from hearth_recommendations.neighbours import from_neighbours, read_neighbours
from hearth_recommendations.outputs import (
    BLOGROLL,
    MEMBERS_BLOGROLL,
    RECOMMENDATIONS_JSON,
    blogroll_opml,
    recommendation_outlines,
    recommendations_json,
)
from hearth_recommendations.settings import neighbours_path, recommendation_options
from hearth_recommendations.validate import load_recommendations

PAGE_URL = "recommendations/"


@dataclass(frozen=True)
class BlogrollLink:
    """What a page's ``<link rel="blogroll">`` needs: the path below the site and a title."""

    path: str
    title: str


def member_outlines(members: list[Any]) -> list[Outline]:
    """The sites of the members who opted in (``blogroll: true``), which validation
    made sure have a website and a feed."""
    return [
        Outline(member.name, member.website, member.feed, member.bio)
        for member in members
        if member.blogroll and member.website and member.feed
    ]


class RecommendationsGenerator(Generator):
    """Reads content/recommendations.yml and the neighbours file; writes what they make."""

    def generate_context(self) -> None:
        recommendations, problems = load_recommendations(self.settings)
        neighbours, neighbour_problems = read_neighbours(neighbours_path(self.settings))
        if problems or neighbour_problems:
            raise ContentError(problems + neighbour_problems)
        limit = recommendation_options(self.settings)["home_limit"]
        self.recommendations = recommendations
        self.outlines = recommendation_outlines(recommendations)
        self.members = member_outlines(self.context.get("hearth_members", []))
        self.context["recommendations"] = recommendations
        self.context["from_neighbours"] = from_neighbours(recommendations, neighbours, limit)
        name = self.settings["SITENAME"]
        blogrolls = []
        if self.outlines:
            blogrolls.append(BlogrollLink(BLOGROLL, f"{name}: blogroll"))
            # The feeds name the one blogroll the newsletter itself recommends.
            self.context[BLOGROLL_URL] = f"{absolute_site_url(self.settings)}/{BLOGROLL}"
        if self.members:
            blogrolls.append(BlogrollLink(MEMBERS_BLOGROLL, f"{name}: members' sites"))
        self.context["hearth_blogrolls"] = blogrolls

    def generate_output(self, writer: Any) -> None:
        output = Path(self.output_path)
        if self.recommendations:
            writer.write_file(
                f"{PAGE_URL}index.html",
                self.get_template("recommendations"),
                self.context,
                relative_urls=self.settings["RELATIVE_URLS"],
                url=PAGE_URL,
            )
            data = recommendations_json(self.recommendations)
            write_atomically(output / RECOMMENDATIONS_JSON, data)
        name = self.settings["SITENAME"]
        owner = self.settings.get("AUTHOR", "")
        home = f"{absolute_site_url(self.settings)}/"
        if self.outlines:
            opml = blogroll_opml(f"{name}: blogroll", owner, home, self.outlines)
            write_atomically(output / BLOGROLL, opml)
        if self.members:
            opml = blogroll_opml(f"{name}: members' sites", owner, home, self.members)
            write_atomically(output / MEMBERS_BLOGROLL, opml)


def get_generators(_pelican: Any) -> type[RecommendationsGenerator]:
    return RecommendationsGenerator


def register() -> None:
    signals.get_generators.connect(get_generators)
