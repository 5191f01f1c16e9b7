"""Recommendations: content/recommendations.yml, checked with file:line, becomes the
/recommendations/ page, Ghost's recommendations.json and OPML blogrolls that feed readers
import, found from every page (<link rel="blogroll">) and every RSS feed (<source:blogroll>)."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from xml.etree import ElementTree

import feedparser

from hearth_core.problems import ContentError
from hearth_recommendations.validate import parse_recommendations
from hearth_site.check import check_content
from tests.sites import build_site, invoke, issue, page, settings_for, write_content
from tests.test_html_valid import nu_html_errors

TODAY = datetime.date(2026, 12, 7)
GOOD = """\
- url: https://smallbatch.example/
  title: Small Batch
  description: A letter about tiny apps.
  feed: https://smallbatch.example/feed.xml
  why: Honest numbers.
  kind: newsletter
  added: 2025-11-02
- url: https://typeclub.example/
  title: "Type Club <b>&amp;</b> friends"
  why: Kind critiques.
  kind: community
  added: 2026-01-20
"""
MEMBER = """\
name: Ada Example
website: https://ada.example/
feed: https://ada.example/feed.xml
blogroll: true
links: []
"""
GHOST_FIELDS = {"url", "created_at", "updated_at"}


def parse(text: str):
    return parse_recommendations(Path("content/recommendations.yml"), text, TODAY)


def messages(text: str) -> list[str]:
    return [str(found) for found in sorted(parse(text)[1])]


def test_recommendations_are_read_with_their_fields():
    found, problems = parse(GOOD)
    assert problems == []
    assert [(r.url, r.kind, r.feed, r.line) for r in found] == [
        ("https://smallbatch.example/", "newsletter", "https://smallbatch.example/feed.xml", 1),
        ("https://typeclub.example/", "community", None, 8),
    ]


def test_recommendation_without_url_reports_file_line():
    text = "- title: No address\n  why: x\n  kind: blog\n  added: 2026-01-01\n"
    assert messages(text) == [
        "content/recommendations.yml:1: [0].url: missing: add a line like url: https://example.org/"
    ]


def test_recommendation_with_a_bad_field_reports_each_at_its_line():
    text = GOOD + (
        "- url: javascript:alert(1)\n"
        "  title: Bad\n"
        "  why: x\n"
        "  kind: podcast\n"
        "  added: 2030-01-01\n"
        "  colour: red\n"
    )
    found = messages(text)
    assert found[0].startswith("content/recommendations.yml:13: [2].url: ")
    assert found[1].startswith("content/recommendations.yml:16: [2].kind: 'podcast' is not a kind")
    assert found[2].startswith("content/recommendations.yml:17: [2].added: 2030-01-01 is in the")
    assert found[3].startswith("content/recommendations.yml:18: [2].colour: unknown field")
    assert parse(text)[0] == []  # never half a list


def test_recommending_a_site_twice_names_the_first_line():
    text = GOOD + GOOD.split("- url: https://typeclub")[0]
    assert messages(text) == [
        "content/recommendations.yml:13: [2].url: https://smallbatch.example/ is recommended on "
        "line 1 already: keep one"
    ]


def test_broken_yaml_in_recommendations_is_a_line_not_a_traceback():
    found = messages("- url: https://a.example/\n title: misaligned\n")
    assert len(found) == 1 and found[0].startswith("content/recommendations.yml:2: invalid YAML")


def test_member_blogroll_needs_website_and_feed(tmp_path):
    content = write_content(
        tmp_path,
        {"members/ada.yml": "name: Ada\nwebsite: https://ada.example/\nblogroll: true\n"},
    )
    problems = [str(p) for p in check_content(settings_for(content, tmp_path / "out"))]
    assert any(
        p.endswith(
            "ada.yml:3: blogroll: lists your own site and its feed, so add both "
            "first: website: https://ada.example and feed: "
            "https://ada.example/feed.xml"
        )
        for p in problems
    ), problems


def test_invoke_check_reports_a_bad_recommendation(tmp_path):
    content = write_content(tmp_path, {"recommendations.yml": "- title: x\n"})
    problems = [str(p) for p in check_content(settings_for(content, tmp_path / "out"))]
    assert any("recommendations.yml:1: [0].url: missing" in p for p in problems), problems


def test_invoke_check_prints_a_bad_recommendation_at_its_line(project):
    path = project / "content/recommendations.yml"
    path.write_text(path.read_text().replace("kind: community", "kind: forum", 1))
    result = invoke(project, "check")
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "content/recommendations.yml:23: [2].kind: 'forum' is not a kind" in (
        result.stdout + result.stderr
    )


def test_a_bad_recommendation_stops_the_build(tmp_path):
    content = write_content(tmp_path, {"recommendations.yml": "- title: x\n"})
    try:
        build_site(content, tmp_path / "out")
    except ContentError as error:
        assert "recommendations.yml:1: [0].url: missing" in str(error)
    else:
        raise AssertionError("the build went on")


def _site(tmp_path: Path) -> Path:
    path, text = issue(1, "First", "2026-11-01")
    content = write_content(
        tmp_path, {"recommendations.yml": GOOD, "members/ada.yml": MEMBER, path: text}
    )
    return build_site(content, tmp_path / "output")


def test_recommendations_page_json_and_blogrolls_are_built(tmp_path):
    output = _site(tmp_path)
    listed = page(output, "/recommendations/")
    titles = [node.text() for node in listed.css("h2.link-title a")]
    assert titles == ["Small Batch", "Type Club <b>&amp;</b> friends"]  # shown as text

    ghost = json.loads((output / ".well-known/recommendations.json").read_text())
    assert [set(entry) for entry in ghost] == [GHOST_FIELDS, GHOST_FIELDS]
    assert ghost[0] == {
        "url": "https://smallbatch.example/",
        "created_at": "2025-11-02T00:00:00.000Z",
        "updated_at": "2025-11-02T00:00:00.000Z",
    }

    root = ElementTree.parse(output / "blogroll.opml").getroot()
    assert root.tag == "opml" and root.get("version") == "2.0"
    outlines = root.findall("./body/outline")
    # Only a site with a feed can be an outline of type "rss".
    assert [o.attrib["xmlUrl"] for o in outlines] == ["https://smallbatch.example/feed.xml"]
    for outline in outlines:
        assert {"type", "text", "title", "xmlUrl", "htmlUrl"} <= set(outline.attrib)
        assert outline.get("type") == "rss"

    members = ElementTree.parse(output / "blogroll-members.opml").getroot()
    assert [
        (o.get("title"), o.get("htmlUrl"), o.get("xmlUrl")) for o in members.iter("outline")
    ] == [("Ada Example", "https://ada.example/", "https://ada.example/feed.xml")]


def test_every_page_kind_links_the_blogroll(tmp_path):
    output = _site(tmp_path)
    for url in (
        "/",
        "/issues/",
        "/issues/1/",
        "/recommendations/",
        "/links/",
        "/search/",
        "/404.html",
        "/members/ada/",
    ):
        links = page(output, url).css('link[rel="blogroll"]')
        hrefs = [(link.attributes["type"], link.attributes["href"]) for link in links]
        assert ("text/xml", "/blogroll.opml") in hrefs, url
        assert ("text/xml", "/blogroll-members.opml") in hrefs, url
        # A reader finds the page from anywhere, not only from the home page.
        footer = [a.attributes["href"] for a in page(output, url).css("footer a")]
        assert "/recommendations/" in footer, url


def test_rss_feeds_name_the_blogroll_and_feedparser_still_reads_them(tmp_path):
    output = _site(tmp_path)
    feeds = sorted((output / "feeds").glob("*.rss.xml"))
    assert feeds
    for feed in feeds:
        root = ElementTree.parse(feed).getroot()
        named = root.findall("./channel/{http://source.scripting.com/}blogroll")
        assert [element.text for element in named] == ["http://localhost:8000/blogroll.opml"]
        parsed = feedparser.parse(feed.read_bytes())
        assert not parsed.bozo and parsed.version == "rss20", feed.name
    assert feedparser.parse((output / "feeds/issues.rss.xml").read_bytes()).entries


def test_a_site_without_recommendations_has_no_blogroll(tmp_path):
    path, text = issue(1, "First", "2026-11-01")
    output = build_site(write_content(tmp_path, {path: text}), tmp_path / "output")
    assert not (output / "blogroll.opml").exists()
    assert not (output / "recommendations").exists()
    assert page(output, "/").css('link[rel="blogroll"]') == []
    assert b"source:blogroll" not in (output / "feeds/issues.rss.xml").read_bytes()


def test_recommendations_page_is_valid_html(tmp_path, test_tool):
    output = _site(tmp_path)
    pages = [output / "recommendations/index.html", output / "index.html"]
    assert nu_html_errors(test_tool("vnu-jar/build/dist/vnu.jar"), pages) == []


def test_the_demo_publishes_recommendations_blogrolls_and_neighbours(demo_site):
    ghost = json.loads((demo_site / ".well-known/recommendations.json").read_text())
    assert len(ghost) >= 4 and all(set(entry) == GHOST_FIELDS for entry in ghost)
    for name in ("blogroll.opml", "blogroll-members.opml"):
        outlines = ElementTree.parse(demo_site / name).getroot().findall("./body/outline")
        assert outlines and all(o.get("type") == "rss" for o in outlines)
    home = page(demo_site, "/")
    section = home.css_first("section.neighbours")
    assert section is not None and section.css_first("h2").text() == "From our neighbours"
    assert len(section.css("li")) >= 3
    assert page(demo_site, "/recommendations/").css("h2.link-title")


NEIGHBOURS = {
    "sites": {
        "https://smallbatch.example/": [
            {
                "title": "What a tiny app earned <script>",
                "link": "https://smallbatch.example/42",
                "published": "2026-12-01T07:30:00+00:00",
                "summary": "Eleven makers.",
            }
        ]
    }
}


def _email(tmp_path: Path, *, email: bool):
    from hearth_email.render import render_email

    path, text = issue(1, "First", "2026-11-01")
    content = write_content(
        tmp_path,
        {
            path: text,
            "recommendations.yml": GOOD,
            "neighbours.json": json.dumps(NEIGHBOURS, indent=2),
        },
    )
    options = {"email": email}
    settings = settings_for(content, tmp_path / "out", HEARTH_RECOMMENDATIONS=options)
    return render_email(settings, 1)


def test_the_email_shows_from_our_neighbours_when_the_setting_asks(tmp_path):
    rendered = _email(tmp_path, email=True)
    assert "From our neighbours" in rendered.html
    assert '<a href="https://smallbatch.example/42"' in rendered.html
    assert "What a tiny app earned &lt;script&gt;" in rendered.html  # text, not markup
    assert "- What a tiny app earned <script>, from Small Batch" in rendered.text
    assert "https://smallbatch.example/42" in rendered.text


def test_the_email_leaves_the_neighbours_out_by_default(tmp_path):
    rendered = _email(tmp_path, email=False)
    assert "From our neighbours" not in rendered.html + rendered.text
