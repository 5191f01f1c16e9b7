"""The files other sites read: Ghost's recommendations.json and OPML 2.0 blogrolls."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from xml.etree import ElementTree

from hearth_recommendations.model import Outline, Recommendation

RECOMMENDATIONS_JSON = ".well-known/recommendations.json"
BLOGROLL = "blogroll.opml"
MEMBERS_BLOGROLL = "blogroll-members.opml"
OPML_DOCS = "http://opml.org/spec2.opml"


def _timestamp(day: date) -> str:
    # Ghost writes its dates as JavaScript does: UTC, milliseconds, "Z".
    return f"{day.isoformat()}T00:00:00.000Z"


def recommendations_json(recommendations: Sequence[Recommendation]) -> bytes:
    """``/.well-known/recommendations.json`` as Ghost publishes it: a list of
    ``{"url", "updated_at", "created_at"}``; a Ghost site that receives a webmention
    about this file reads it to list us among the sites that recommend it."""
    document = [
        {
            "url": recommendation.url,
            "updated_at": _timestamp(recommendation.added),
            "created_at": _timestamp(recommendation.added),
        }
        for recommendation in recommendations
    ]
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def recommendation_outlines(recommendations: Sequence[Recommendation]) -> list[Outline]:
    """The recommended sites that have a feed: an OPML outline of type "rss" needs one."""
    return [
        Outline(r.title, r.url, r.feed, r.description or r.why, r.kind)
        for r in recommendations
        if r.feed
    ]


def blogroll_opml(title: str, owner: str, home_url: str, outlines: Sequence[Outline]) -> bytes:
    """An OPML 2.0 subscription list: every outline has type="rss", text, title, xmlUrl
    and htmlUrl, the fields feed readers import. ElementTree escapes every value."""
    root = ElementTree.Element("opml", version="2.0")
    head = ElementTree.SubElement(root, "head")
    ElementTree.SubElement(head, "title").text = title
    if owner:
        ElementTree.SubElement(head, "ownerName").text = owner
    ElementTree.SubElement(head, "ownerId").text = home_url
    ElementTree.SubElement(head, "docs").text = OPML_DOCS
    body = ElementTree.SubElement(root, "body")
    for outline in outlines:
        attributes = {
            "type": "rss",
            "text": outline.title,
            "title": outline.title,
            "xmlUrl": outline.xml_url,
            "htmlUrl": outline.html_url,
        }
        if outline.description:
            attributes["description"] = outline.description
        if outline.category:
            attributes["category"] = outline.category
        ElementTree.SubElement(body, "outline", attributes)
    ElementTree.indent(root)
    return ElementTree.tostring(root, encoding="UTF-8", xml_declaration=True) + b"\n"
