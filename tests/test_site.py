"""The demo newsletter as a reader finds it: pages, URLs, navigation, privacy."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from types import MappingProxyType
from urllib.parse import urlsplit

import pytest

from tests.sites import ROOT, page

ISSUES = sorted((ROOT / "content/issues").glob("*.md"))
PUBLISHED = [p for p in ISSUES if "Status: draft" not in p.read_text()]
DRAFTS = [p for p in ISSUES if p not in PUBLISHED]
LATEST = len(PUBLISHED)


def html_files(output):
    return sorted(output.rglob("*.html"))


def test_demo_has_ten_or_more_issues_over_two_years_and_a_draft():
    years = {re.search(r"^Date: (\d{4})", p.read_text(), re.M)[1] for p in PUBLISHED}
    assert len(PUBLISHED) >= 10
    assert len(years) >= 2
    assert DRAFTS, "the demo shows what a draft looks like"


def test_home_shows_the_promise_subscribe_form_and_the_latest_issue_s_lede(demo_site):
    home = page(demo_site, "/")
    assert "weekly letter" in home.css_first(".promise").text()
    assert home.css_first('.promise form[action$="/embed-subscribe/theworkbench"]')
    lede = home.css_first("section.lede")
    latest = page(demo_site, f"/issues/{LATEST}/")
    assert lede.css_first("h2").text() == latest.css_first("h1").text()
    assert lede.css_first(".standfirst").text() == latest.css_first(".standfirst").text()
    # The lede's paragraph is the issue's own, and the issue is not on the home page in full.
    opening = lede.css_first(".prose p").html
    assert opening in latest.css_first("article .content").html
    assert home.css_first("article .content") is None
    read = lede.css_first(f'a.button[href="/issues/{LATEST}/"]')
    assert read.text() == f"Read issue {LATEST}"
    hrefs = {a.attributes["href"] for a in home.css("main a")}
    assert "/issues/" in hrefs
    footer = {a.attributes["href"] for a in home.css(".site-footer a")}
    assert "http://localhost:8000/feeds/issues.atom.xml" in footer


def test_archive_groups_every_issue_by_year_newest_first(demo_site):
    archive = page(demo_site, "/issues/")
    years = [h.text() for h in archive.css("section.year > h2")]
    assert years == sorted(years, reverse=True) and len(years) >= 2
    links = [a.attributes["href"] for a in archive.css("section.year .issue-title a")]
    assert links == [f"/issues/{n}/" for n in range(LATEST, 0, -1)]
    first = archive.css("section.year li")[0]
    assert first.css_first("time").attributes["datetime"].startswith("20")
    assert f"Issue {LATEST}" in first.text()
    assert first.css_first(".issue-summary").text().strip()


def test_issue_page_has_neighbours_heading_anchors_and_topic_links(demo_site):
    middle = page(demo_site, "/issues/5/")
    assert middle.css_first('a[rel="prev"]').attributes["href"] == "/issues/4/"
    assert middle.css_first('a[rel="next"]').attributes["href"] == "/issues/6/"
    assert not page(demo_site, "/issues/1/").css_first('a[rel="prev"]')
    assert not page(demo_site, f"/issues/{LATEST}/").css_first('a[rel="next"]')
    headings = middle.css("article .content h2, article .content h3")
    assert headings
    for heading in headings:
        anchor = heading.css_first("a.headerlink")
        assert anchor.attributes["href"] == "#" + heading.attributes["id"]
    topics = [a.attributes["href"] for a in middle.css("ul.tags a")]
    assert topics and all(re.fullmatch(r"/topics/[a-z0-9-]+/", href) for href in topics)
    for href in topics:
        assert page(demo_site, href).css_first('a[href="/issues/5/"]')


def test_topics_index_lists_every_topic(demo_site):
    topics = page(demo_site, "/topics/")
    hrefs = {a.attributes["href"] for a in topics.css("main a")}
    on_disk = {f"/topics/{p.name}/" for p in (demo_site / "topics").iterdir() if p.is_dir()}
    assert on_disk and on_disk <= hrefs


@pytest.mark.parametrize("slug", ["about", "code-of-conduct", "contribute"])
def test_pages_live_at_their_slug(demo_site, slug):
    assert page(demo_site, f"/{slug}/").css_first("main h1").text().strip()


def test_not_found_page(demo_site):
    missing = page(demo_site, "/404.html")
    assert {"/", "/issues/"} <= {a.attributes["href"] for a in missing.css("main a")}


def test_unused_pelican_outputs_are_off(demo_site):
    top = {p.name for p in demo_site.iterdir()}
    assert top == {
        "404.html",
        "index.html",
        "favicon.svg",
        "apple-touch-icon.png",
        "site.webmanifest",
        "issues",
        "topics",
        "feeds",
        "theme",
        "images",
        "about",
        "code-of-conduct",
        "contribute",
        "sitemap.xml",
        "robots.txt",
        "links",
        "members",
        "discussions",
        "community",
        "search",
        "pagefind",
        "cards",
        # hearth_recommendations: the page, Ghost's file and the two OPML blogrolls
        "recommendations",
        ".well-known",
        "blogroll.opml",
        "blogroll-members.opml",
    }
    paginated = [p for p in demo_site.rglob("*page*") if "pagefind" not in p.parts]
    assert not paginated, "no paginated copies"


def test_no_page_is_a_byte_identical_copy_of_another(demo_site):
    digests = Counter(hashlib.sha256(p.read_bytes()).hexdigest() for p in html_files(demo_site))
    assert max(digests.values()) == 1


def test_every_page_points_to_the_feeds(demo_site):
    for path in html_files(demo_site):
        doc = page(demo_site, path.relative_to(demo_site).as_posix())
        types = {link.attributes["type"] for link in doc.css('head link[rel="alternate"]')}
        assert types == {"application/atom+xml", "application/rss+xml", "application/feed+json"}, (
            path
        )


def test_pages_make_no_request_to_another_host_and_run_no_script(demo_site):
    for path in html_files(demo_site):
        doc = page(demo_site, path.relative_to(demo_site).as_posix())
        # Only the search page runs a script: its own, from this site (checked below).
        forbidden = "iframe" if path.parent.name == "search" else "script, iframe"
        assert not doc.css(f"{forbidden}, object, embed"), path
        for node in doc.css("[src], link[rel=stylesheet], link[rel=icon]"):
            url = node.attributes.get("src") or node.attributes.get("href")
            assert not urlsplit(url).netloc, f"{path}: {url}"
    css = (demo_site / "theme/css/hearth.css").read_text()
    assert "@import" not in css and "url(" not in css


def test_images_have_alt_text(demo_site):
    images = [
        img
        for p in html_files(demo_site)
        for img in page(demo_site, p.relative_to(demo_site).as_posix()).css("main img")
    ]
    assert len(images) >= 4
    assert all(img.attributes.get("alt", "").strip() for img in images)


def test_drafts_stay_out_of_archive_feeds_and_sitemap(demo_site):
    for draft in DRAFTS:
        number = int(draft.name[:4])
        assert not (demo_site / f"issues/{number}").exists()
        url = f"/issues/{number}/"
        assert url not in (demo_site / "sitemap.xml").read_text()
        for name in ("issues.atom.xml", "issues.rss.xml", "issues.json"):
            assert url not in (demo_site / "feeds" / name).read_text()
        assert not page(demo_site, "/issues/").css_first(f'a[href="{url}"]')


def test_sitemap_lists_public_pages_with_absolute_urls(demo_site):
    sitemap = (demo_site / "sitemap.xml").read_text()
    for url in (
        *("/", "/issues/", "/issues/1/", f"/issues/{LATEST}/", "/about/", "/topics/"),
        *("/links/", "/links/tags/zines/", "/members/", "/members/anneke/"),
    ):
        assert f"<loc>http://localhost:8000{url}</loc>" in sitemap
    assert "Sitemap: http://localhost:8000/sitemap.xml" in (demo_site / "robots.txt").read_text()


def test_links_to_other_issues_by_file_name_lead_to_their_pages(demo_site):
    # Pelican rewrites {filename} links as it writes each page; Hearth skips that
    # search in texts that have none (hearth_site/staticlinks.py), not in these.
    html = (demo_site / "issues/13/index.html").read_text()
    assert 'href="/issues/4/"' in html
    assert "{filename}" not in html


def test_pelican_s_link_rewriting_runs_only_on_texts_that_may_hold_a_link(monkeypatch):
    from hearth_site import staticlinks

    class Text:
        settings = MappingProxyType({"INTRASITE_LINK_REGEX": "[{|](?P<what>.*?)[|}]"})

    rewritten: list[str] = []
    monkeypatch.setattr(staticlinks, "_REWRITE", lambda _c, text, _s: rewritten.append(text))
    plain = '<p>A <a href="https://example.com/">link</a> and <code>x = 1</code></p>'
    assert staticlinks.rewrite_links(Text(), plain, "") is plain
    for text in ('<a href="{filename}/issues/1.md">', '<a href="|filename|/a.md">', "<p>{x}</p>"):
        staticlinks.rewrite_links(Text(), text, "")
    assert len(rewritten) == 3, "Pelican's own rewriting, wherever its pattern could match"
