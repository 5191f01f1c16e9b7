"""The discussion index as readers see it: its pages, its feed, and links from issues."""

from __future__ import annotations

import html
import json
import re
from datetime import datetime

import feedparser
import pytest

from tests.sites import ROOT, build_site, issue, page, write_content

FORUM = "https://forum.example/t/two-fonts/7"
TOOT = "https://social.example/@ada/115469203184726519"
CHAT = "https://discord.com/channels/11/22/33"
GITHUB = "https://github.com/example/community/discussions/4"
SPACES = [
    {"platform": "discourse", "name": "The forum", "url": "https://forum.example/"},
    {
        "platform": "discord",
        "name": "The chat",
        "url": "https://discord.com/channels/11",
        "join": "https://discord.gg/example",
        "description": "Quick questions.",
    },
]
MEMBER = f"""\
name: Ada Example
links:
  - url: https://ada.example/two
    title: Two fonts
    date: 2025-10-08
    tags: [typography]
    discussion: {FORUM}
"""
THREAD = f"""\
title: "Show & tell <b>October</b>"
url: {CHAT}
started: 2025-10-12
tags: [apps]
"""
ABOUT_ISSUE = f"""\
title: Which font for body text?
url: {GITHUB}
started: 2025-10-11
issue: 1
"""
ACTIVITY = {
    "threads": {
        FORUM: {"title": "Two fonts", "replies": 1, "last_activity": "2025-10-20T10:00:00+00:00"},
        TOOT: {
            "title": "<script>alert(1)</script>",
            "replies": 12,
            "last_activity": "2025-10-15T10:00:00+00:00",
        },
        CHAT: {"title": None, "replies": 3, "last_activity": None},
    }
}


def discussion_site(tmp_path, activity=ACTIVITY, **settings):
    files = dict(
        [
            issue(1, "One", "2025-10-03 08:00", Tags="apps", Discussion=TOOT),
            issue(2, "Two", "2025-10-10 08:00"),
        ]
    )
    files["members/ada.yml"] = MEMBER
    files["discussions/show-and-tell.yml"] = THREAD
    files["discussions/body-text.yml"] = ABOUT_ISSUE
    content = write_content(tmp_path, files)
    if activity is not None:
        (content / "discussions/activity.json").write_text(json.dumps(activity))
    options = {"spaces": SPACES, **settings}
    return build_site(
        content,
        tmp_path / "output",
        HEARTH_DISCUSSIONS=options,
        HEARTH_MEMBERS={"tags": ["apps", "typography"]},
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return discussion_site(tmp_path_factory.mktemp("discussions"))


def entries(output, url="/discussions/"):
    return [
        {
            "title": item.css_first(".link-title a").text(),
            "href": item.css_first(".link-title a").attributes["href"],
            "meta": " ".join(item.css_first(".link-meta").text().split()),
        }
        for item in page(output, url).css("li.thread")
    ]


def test_index_lists_every_source_most_recent_activity_first(site):
    listed = entries(site)
    assert [entry["href"] for entry in listed] == [FORUM, TOOT, CHAT, GITHUB]
    forum, toot, chat, github = listed
    # Each meta line reads as a sentence.
    assert forum["meta"] == (
        "Discourse thread about Two fonts, with 1 reply; last active 20 October 2025."
    )
    assert toot["meta"] == (
        "Mastodon thread on Issue 1: One, with 12 replies; last active 15 October 2025."
    )
    # No sync date: ordered and shown by the day it started.
    assert chat["meta"] == "Discord thread, with 3 replies; started 12 October 2025."
    assert github["meta"] == "GitHub Discussions thread on Issue 1: One; started 11 October 2025."


def test_titles_from_content_win_and_every_title_is_text(site):
    titles = [entry["title"] for entry in entries(site)]
    assert titles == ["Two fonts", "<script>alert(1)</script>", "Show & tell <b>October</b>",
                      "Which font for body text?"]  # fmt: skip
    html = (site / "discussions/index.html").read_text()
    assert "<script>" not in html and "<b>October" not in html


def test_about_links_lead_to_the_issue_and_the_link_on_this_site(site):
    about = page(site, "/discussions/").css(".link-meta a")
    hrefs = {a.text(): a.attributes["href"] for a in about}
    assert hrefs["Issue 1: One"] == "/issues/1/"
    month, anchor = hrefs["Two fonts"].split("#")
    assert month.startswith("/links/20") and anchor.startswith("link-")
    assert page(site, month).css_first(f"#{anchor}") is not None


def test_one_page_per_platform_and_per_topic_without_javascript(site):
    assert [e["href"] for e in entries(site, "/discussions/discourse/")] == [FORUM]
    assert [e["href"] for e in entries(site, "/discussions/github/")] == [GITHUB]
    # Tags come from the thread file, the issue and the member link.
    assert [e["href"] for e in entries(site, "/discussions/tags/apps/")] == [TOOT, CHAT]
    assert [e["href"] for e in entries(site, "/discussions/tags/typography/")] == [FORUM]
    filters = page(site, "/discussions/").css("nav a")
    assert "/discussions/mastodon/" in {a.attributes.get("href") for a in filters}
    by_platform = 'nav[aria-label="Discussions by platform"] a[aria-current="page"]'
    current = page(site, "/discussions/discord/").css_first(by_platform)
    assert current.attributes["href"] == "/discussions/discord/"
    assert not page(site, "/discussions/").css("script")


def test_issue_pages_say_where_to_discuss_with_the_reply_count(site):
    discuss = page(site, "/issues/1/").css_first(".discuss")
    assert " ".join(discuss.text().split()) == "Discuss this issue on Mastodon (12 replies)"
    assert discuss.css_first("a").attributes["href"] == TOOT
    assert page(site, "/issues/2/").css_first(".discuss") is None


def test_link_entries_show_their_discussion(site):
    link = page(site, "/links/").css_first("li.link .discuss")
    assert link.text() == "Discuss it on Discourse"
    assert link.attributes["href"] == FORUM
    assert "(1 reply)" in link.parent.text()


def test_home_page_shows_the_most_active_recent_discussions(tmp_path):
    output = discussion_site(tmp_path, home_limit=2)
    home = page(output, "/").css(".active-discussions li.thread h3 a")
    assert [a.attributes["href"] for a in home] == [TOOT, CHAT]


def test_discussions_feed_reads_in_a_feed_reader(site):
    feed = feedparser.parse((site / "feeds/discussions.atom.xml").read_text())
    assert not feed.bozo
    assert [entry.id for entry in feed.entries] == [FORUM, TOOT, CHAT, GITHUB]
    toot = feed.entries[1]
    # A title holding "<" goes as escaped HTML (type="html"): shown as these characters.
    assert toot.title_detail.type == "text/html"
    assert html.unescape(toot.title) == "<script>alert(1)</script>"
    assert toot.link == TOOT
    assert datetime(*toot.updated_parsed[:6]) == datetime(2025, 10, 15, 10)
    assert "12 replies" in toot.summary
    discussions_page = page(site, "/discussions/")
    alternates = discussions_page.css('link[rel="alternate"]')
    assert any(a.attributes["href"].endswith("/feeds/discussions.atom.xml") for a in alternates)


def test_issue_feed_entries_carry_the_discussion_link(site):
    feed = feedparser.parse((site / "feeds/issues.atom.xml").read_text())
    one = next(entry for entry in feed.entries if entry.title == "One")
    assert f'href="{TOOT}"' in one.content[0].value
    assert "Discuss this issue on Mastodon" in one.content[0].value


def test_community_page_says_where_to_talk_and_how_to_join(site):
    community = page(site, "/community/")
    spaces = community.css(".space-list li")
    assert [space.css_first("h2").text() for space in spaces] == ["The forum", "The chat"]
    joins = [space.css_first("a.button") for space in spaces]
    assert [a.attributes["href"] for a in joins] == [
        "https://forum.example/",
        "https://discord.gg/example",
    ]
    assert joins[1].text() == "Join on Discord"
    assert community.css_first('a[href="/code-of-conduct/"]') is not None
    footer = page(site, "/").css_first(".site-footer a[href='/community/']")
    assert footer.text() == "Join the conversation"


def test_sitemap_lists_the_discussion_pages(site):
    sitemap = (site / "sitemap.xml").read_text()
    for url in ("community/", "discussions/", "discussions/discord/", "discussions/tags/apps/"):
        assert f"<loc>http://localhost:8000/{url}</loc>" in sitemap


def test_without_an_activity_file_the_index_still_builds(tmp_path):
    output = discussion_site(tmp_path, activity=None)
    listed = entries(output)
    # Sorted by the day each started: the link's thread, the topic, the issue's two.
    assert [entry["href"] for entry in listed] == [CHAT, GITHUB, FORUM, TOOT]
    assert all("repl" not in entry["meta"] for entry in listed)
    assert page(output, "/issues/1/").css_first(".discuss").text() == (
        "Discuss this issue on Mastodon"
    )


def test_demo_uses_three_platforms_and_every_kind_of_discussion(demo_site):
    listed = entries(demo_site)
    threads = page(demo_site, "/discussions/").css("li.thread .link-meta .platform")
    platforms = {platform.text().strip() for platform in threads}
    assert {"Discourse", "Mastodon", "GitHub Discussions", "Reddit", "Discord"} <= platforms

    def kind(meta: str) -> str:
        found = re.search(r" thread (on|about) ", meta)
        return {"on": "On an issue", "about": "On a link"}[found[1]] if found else "Topic"

    kinds = {kind(entry["meta"]) for entry in listed}
    assert kinds == {"On an issue", "On a link", "Topic"}
    activity = json.loads((ROOT / "content/discussions/activity.json").read_text())
    assert len(activity["threads"]) >= 15
    assert sum("replies" in entry["meta"] for entry in listed) >= 15
