"""Community links as readers see them: pages, feeds and each issue's community section."""

from __future__ import annotations

import html
import json

import feedparser
import pytest

from hearth_core.problems import ContentError
from hearth_core.settings import SettingsError
from hearth_site.check import load_site_content
from pelicanconf import HEARTH_MEMBERS
from tests.sites import build_site, issue, page, settings_for, write_content

ADA = """\
name: Ada Example
bio: Makes tiny apps.
links:
  - url: https://ada.example/one
    title: One small app
    date: 2025-10-01
    note: Worth it for the *onboarding* alone.
    tags: [apps]
  - url: https://ada.example/two?utm_source=news
    title: Two fonts
    date: 2025-10-08
    tags: [typography]
    discussion: https://forum.example/t/two-fonts/7
"""
BO = """\
name: Bo <b>Bold</b>
links:
  - url: https://bo.example/three
    title: Three zines & more
    date: 2025-10-09
"""


def community_site(tmp_path, **issue_headers):
    files = dict(
        [
            issue(1, "One", "2025-10-03 08:00"),
            issue(2, "Two", "2025-10-10 08:00", **issue_headers),
        ]
    )
    files["members/ada.yml"] = ADA
    files["members/bo.yml"] = BO
    return build_site(write_content(tmp_path, files), tmp_path / "output")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return community_site(tmp_path_factory.mktemp("community"))


def community_titles(output, number):
    section = page(output, f"/issues/{number}/").css_first("section.community")
    return [li.css_first("a").text() for li in section.css("li")] if section else []


def test_each_issue_features_links_shared_since_the_previous_issue(site):
    assert community_titles(site, 1) == ["One small app"]
    assert community_titles(site, 2) == ["Three zines & more", "Two fonts"]


def test_community_section_credits_members_and_links_discussions(site):
    section = page(site, "/issues/2/").css_first("section.community")
    assert section.css_first("h2").text() == "From the community"
    assert [a.text() for a in section.css('a[href^="/members/"]')] == [
        "Bo <b>Bold</b>",
        "Ada Example",
    ]
    assert section.css_first('a[href="https://forum.example/t/two-fonts/7"]')
    assert not section.css_first("b"), "member names are text, not markup"


def test_community_section_travels_in_the_feeds(site):
    entry = feedparser.parse((site / "feeds/issues.atom.xml").read_bytes()).entries[0]
    html = entry.content[0].value
    assert "From the community" in html and "Two fonts" in html
    assert 'href="http://localhost:8000/members/ada/"' in html
    item = json.loads((site / "feeds/issues.json").read_text())["items"][0]
    assert "Three zines &amp; more" in item["content_html"]


def test_issue_can_opt_out(tmp_path):
    output = community_site(tmp_path, Community="none")
    assert community_titles(output, 2) == []


def test_issue_can_name_its_links(tmp_path):
    output = community_site(tmp_path, Community="https://ada.example/one/")
    assert community_titles(output, 2) == ["One small app"]


def test_naming_a_link_nobody_shared_is_an_error(tmp_path, monkeypatch):
    # In an issue still to come, that is: in a published one it is a link a moderator
    # removed, which drops out (tests/test_hostile_past.py).
    # A problem in a draft holds back the draft, never the build (docs/checks.md).
    monkeypatch.chdir(tmp_path)
    output = community_site(tmp_path, Community="https://nobody.example/x", Status="draft")
    settings = settings_for(tmp_path / "content", output)
    assert [str(p) for p in load_site_content(settings).draft_problems] == [
        "content/issues/0002-two.md:1: Community: https://nobody.example/x is not a link in "
        "any member's file: copy the URL from content/members/, or write `Community: none`"
    ]
    assert not (output / "issues/2").exists()


def test_links_page_lists_every_link_newest_first_with_its_details(site):
    links = page(site, "/links/")
    items = links.css("li.link")
    assert [i.css_first(".link-title a").text() for i in items] == [
        "Three zines & more",
        "Two fonts",
        "One small app",
    ]
    two = items[1]
    assert two.css_first(".link-title a").attributes["rel"] == "ugc nofollow noopener"
    assert two.css_first(".domain").text() == "(ada.example)"
    assert two.css_first('a[href="/members/ada/"]').text() == "Ada Example"
    assert two.css_first("time").attributes["datetime"] == "2025-10-08"
    assert two.css_first('a[href="/links/tags/typography/"]')
    assert two.css_first("a.discuss").attributes["href"] == "https://forum.example/t/two-fonts/7"
    assert two.css_first('a[href="/issues/2/"]'), "where the link was featured"
    one = items[2]
    assert one.css_first(".link-note em").text() == "onboarding"


def test_each_month_of_links_has_a_page_and_links_shows_the_newest(tmp_path):
    # An archive's links would make one page of megabytes: /links/ shows the
    # newest, and each link lives for good on the page of its month.
    files = dict([issue(1, "One", "2025-10-03 08:00")])
    files["members/ada.yml"] = ADA.replace("2025-10-01", "2025-09-30")
    files["members/bo.yml"] = BO
    members = {**HEARTH_MEMBERS, "recent_links": 2}
    output = build_site(write_content(tmp_path, files), tmp_path / "output", HEARTH_MEMBERS=members)
    links = page(output, "/links/")
    newest = [a.text() for a in links.css("li.link .link-title a")]
    assert newest == ["Three zines & more", "Two fonts"]
    months = links.css('nav[aria-labelledby="link-months"] li')
    counts = [" ".join(li.text().split()) for li in months]
    assert counts == ["October 2025 2", "September 2025 1"]
    october, september = (li.css_first("a").attributes["href"] for li in months)
    assert (october, september) == ("/links/2025/10/", "/links/2025/09/")
    assert [a.text() for a in page(output, october).css("li.link .link-title a")] == [
        "Three zines & more",
        "Two fonts",
    ]
    earlier = page(output, september)
    assert earlier.css_first("h1").text() == "Links shared in September 2025"
    assert [a.text() for a in earlier.css("li.link .link-title a")] == ["One small app"]
    assert earlier.css_first('a[rel="next"]').attributes["href"] == october
    assert page(output, october).css_first('a[rel="prev"]').attributes["href"] == september
    sitemap = (output / "sitemap.xml").read_text()
    assert "/links/2025/09/</loc>" in sitemap and "/links/2025/10/</loc>" in sitemap


def test_recent_links_must_be_one_or_more(tmp_path):
    members = {**HEARTH_MEMBERS, "recent_links": 0}
    with pytest.raises(SettingsError, match=r"HEARTH_MEMBERS\['recent_links'\].*1 or more"):
        build_site(write_content(tmp_path, {}), tmp_path / "output", HEARTH_MEMBERS=members)


def test_links_by_tag(site):
    tagged = page(site, "/links/tags/apps/")
    assert [a.text() for a in tagged.css(".link-title a")] == ["One small app"]


def test_member_directory_and_profiles(site):
    directory = page(site, "/members/")
    assert [a.text() for a in directory.css(".member-cards .member-name a")] == [
        "Ada Example",
        "Bo <b>Bold</b>",
    ]
    ada = page(site, "/members/ada/")
    assert ada.css_first("main h1").text() == "Ada Example"
    assert "Makes tiny apps." in ada.css_first("main").text()
    featured = [a.attributes["href"] for a in ada.css("ul.featured a")]
    assert featured == ["/issues/2/", "/issues/1/"]
    assert len(ada.css("li.link")) == 2


def test_links_feeds(site):
    for name in ("links.atom.xml", "links.rss.xml"):
        parsed = feedparser.parse((site / "feeds" / name).read_bytes())
        assert not parsed.bozo
        # RSS titles, and Atom ones holding "&" or "<", are escaped HTML: shown as text.
        assert [html.unescape(e.title) for e in parsed.entries] == [
            "Three zines & more",
            "Two fonts",
            "One small app",
        ]
        assert parsed.entries[1].link == "https://ada.example/two?utm_source=news"
    feed = json.loads((site / "feeds/links.json").read_text())
    assert feed["items"][1]["id"].startswith("http://localhost:8000/links/#link-")
    types = {
        link.attributes["href"] for link in page(site, "/links/").css('head link[rel="alternate"]')
    }
    assert "http://localhost:8000/feeds/links.atom.xml" in types


def test_member_problems_stop_the_build(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    files = dict([issue(1, "One", "2025-10-03")])
    files["members/ada.yml"] = (
        "name: Ada\nlinks:\n  - url: javascript:alert(1)\n    title: x\n    date: 2025-10-01\n"
    )
    with pytest.raises(ContentError) as failure:
        build_site(write_content(tmp_path, files), tmp_path / "output")
    assert str(failure.value).startswith("content/members/ada.yml:3: links[0].url: ")
    assert not (tmp_path / "output").exists()


def test_demo_community(demo_site):
    members = page(demo_site, "/members/").css(".member-cards > li")
    links = page(demo_site, "/links/").css("li.link")
    assert len(members) >= 8 and len(links) >= 40
    assert page(demo_site, "/issues/7/").css("section.community li")


def test_an_issue_may_discuss_a_link_a_member_shared_before_it(tmp_path):
    body = "Ada's [two fonts](https://ada.example/two) deserve a paragraph.\n"
    files = dict([issue(1, "One", "2025-10-03"), issue(2, "Two", "2025-10-10", body=body)])
    files["members/ada.yml"] = ADA
    output = build_site(write_content(tmp_path, files), tmp_path / "output")
    assert "Two fonts" in community_titles(output, 2)


def test_a_link_an_earlier_issue_featured_is_a_duplicate(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    body = "Read [this](https://ada.example/two/).\n"
    files = dict([issue(1, "One", "2025-10-03", body=body)])
    files["members/ada.yml"] = ADA
    with pytest.raises(ContentError) as failure:
        build_site(write_content(tmp_path, files), tmp_path / "output")
    assert str(failure.value) == (
        "content/members/ada.yml:9: links[1].url: https://ada.example/two?utm_source=news was "
        "already featured in content/issues/0001-one.md:4: remove this link, or link to the "
        "conversation instead"
    )


def test_a_member_discussion_link_must_be_https(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    files = dict([issue(1, "One", "2025-10-03")])
    files["members/ada.yml"] = ADA.replace(
        "https://forum.example/t/two-fonts/7", "http://forum.example/t/two-fonts/7"
    )
    with pytest.raises(ContentError) as failure:
        build_site(write_content(tmp_path, files), tmp_path / "output")
    assert str(failure.value).startswith("content/members/ada.yml:13: links[1].discussion: ")
    assert "copy the thread's full https:// address" in str(failure.value)
