"""The feeds, read by a real feed reader (feedparser), as subscribers see them."""

from __future__ import annotations

import json

import feedparser
import pytest

from tests.sites import build_site, issue, write_content

BODY = """\
## What happened

Read [the first issue](/issues/1/), [a sibling](../1/) and [elsewhere](https://example.org/x).

![A workbench with tools](/images/bench.svg)
"""


@pytest.fixture(scope="module")
def small_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("feeds")
    files = dict(
        [
            issue(1, "One", "2025-12-26 08:00", Summary="First.", Tags="apps"),
            issue(2, "Two", "2026-01-02 08:00", body=BODY, Summary="Second.", Tags="apps, zines"),
            issue(3, "Three", "2026-01-09 08:00", Status="draft"),
        ]
    )
    content = write_content(root, files)
    (content / "images").mkdir()
    (content / "images/bench.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    return build_site(content, root / "output")


def json_items(output):
    return json.loads((output / "feeds/issues.json").read_text())["items"]


def parse(output, name):
    parsed = feedparser.parse((output / "feeds" / name).read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


@pytest.mark.parametrize("name", ["issues.atom.xml", "issues.rss.xml"])
def test_xml_feeds_carry_full_content_with_absolute_links(small_site, name):
    parsed = parse(small_site, name)
    assert [entry.title for entry in parsed.entries] == ["Two", "One"], "drafts stay out"
    two = parsed.entries[0]
    html = two.content[0].value
    assert "What happened" in html
    assert 'href="http://localhost:8000/issues/1/"' in html
    assert 'href="http://localhost:8000/issues/1/"' in html.replace("../1/", "")
    assert 'src="http://localhost:8000/images/bench.svg"' in html
    assert 'alt="A workbench with tools"' in html
    assert "headerlink" not in html, "the site's # permalinks are noise in a reader"
    assert two.link == "http://localhost:8000/issues/2/"
    assert two.id == "http://localhost:8000/issues/2/"
    assert two.published_parsed[:4] == (2026, 1, 2, 7), "08:00 Stockholm is 07:00 UTC"
    assert [tag.term for tag in two.tags] == ["apps", "zines"]
    assert two.summary == "Second."


def test_relative_links_are_resolved_against_the_issue_url(small_site):
    html = parse(small_site, "issues.atom.xml").entries[0].content[0].value
    assert "../1/" not in html
    assert html.count('href="http://localhost:8000/issues/1/"') == 2


def test_rss_puts_the_full_issue_in_content_encoded(small_site):
    raw = (small_site / "feeds/issues.rss.xml").read_text()
    assert "<content:encoded>" in raw
    assert "<pubDate>Fri, 02 Jan 2026 08:00:00 +0100</pubDate>" in raw


def test_json_feed_1_1(small_site):
    feed = json.loads((small_site / "feeds/issues.json").read_text())
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["feed_url"] == "http://localhost:8000/feeds/issues.json"
    assert feed["home_page_url"] == "http://localhost:8000/"
    two = feed["items"][0]
    assert two["id"] == "http://localhost:8000/issues/2/"
    assert two["date_published"] == "2026-01-02T08:00:00+01:00"
    assert 'src="http://localhost:8000/images/bench.svg"' in two["content_html"]
    assert [item["title"] for item in feed["items"]] == ["Two", "One"]


def test_ids_do_not_change_when_a_title_changes(tmp_path):
    def ids(title):
        content = write_content(tmp_path / title, dict([issue(1, title, "2025-12-26")]))
        output = build_site(content, tmp_path / title / "output")
        return [
            [entry.id for entry in parse(output, "issues.atom.xml").entries],
            [entry.id for entry in parse(output, "issues.rss.xml").entries],
            [item["id"] for item in json_items(output)],
        ]

    assert ids("Before") == ids("After")


def test_feed_length_is_a_setting_defaulting_to_twenty(tmp_path):
    files = dict(issue(n, f"Issue {n}", f"2025-01-{n:02d}") for n in range(1, 26))
    content = write_content(tmp_path, files)
    default = build_site(content, tmp_path / "default")
    assert len(parse(default, "issues.atom.xml").entries) == 20
    assert parse(default, "issues.atom.xml").entries[0].title == "Issue 25"
    five = build_site(content, tmp_path / "five", HEARTH_FEEDS={"limit": 5})
    for name in ("issues.atom.xml", "issues.rss.xml"):
        assert len(parse(five, name).entries) == 5
    assert len(json_items(five)) == 5


def test_pelican_feed_writer_is_off(small_site):
    written = sorted(p.relative_to(small_site).as_posix() for p in small_site.rglob("*.xml"))
    assert written == [
        "feeds/discussions.atom.xml",
        "feeds/discussions.rss.xml",
        "feeds/issues.atom.xml",
        "feeds/issues.rss.xml",
        "feeds/links.atom.xml",
        "feeds/links.rss.xml",
        "sitemap.xml",
    ]
