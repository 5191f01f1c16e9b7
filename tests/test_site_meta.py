"""What a page tells search engines and link previews: canonical, Open Graph, Twitter card."""

from __future__ import annotations

import re

import pytest

from hearth_core.settings import SettingsError
from hearth_site.meta import site_meta
from tests.sites import build_site, issue, page, write_content

SITE = "http://localhost:8000"
# One page of each kind, with its og:type.
KINDS = {
    "/": "website",
    "/issues/": "website",
    "/issues/3/": "article",
    "/topics/": "website",
    "/topics/typography/": "website",
    "/links/": "website",
    "/links/tags/zines/": "website",
    "/members/": "website",
    "/members/anneke/": "website",
    "/discussions/": "website",
    "/discussions/mastodon/": "website",
    "/discussions/tags/zines/": "website",
    "/community/": "website",
    "/about/": "website",
    "/code-of-conduct/": "website",
}


def head_meta(doc):
    return {
        node.attributes.get("property") or node.attributes.get("name"): node.attributes["content"]
        for node in doc.css("head meta[content]")
    }


def canonical(doc):
    link = doc.css_first('head link[rel="canonical"]')
    return link.attributes["href"] if link else None


@pytest.mark.parametrize("path", KINDS)
def test_every_kind_of_page_has_an_absolute_canonical_and_card(demo_site, path):
    doc = page(demo_site, path)
    meta = head_meta(doc)
    assert canonical(doc) == SITE + path
    assert meta["og:url"] == SITE + path
    assert meta["og:type"] == KINDS[path]
    assert meta["og:site_name"] == "The Workbench"
    assert meta["og:title"].strip() and "·" not in meta["og:title"]
    assert meta["og:description"] == meta["description"] and meta["description"].strip()
    assert meta["twitter:card"] == "summary_large_image"
    assert (
        meta["og:image"].startswith(SITE + "/cards/") and meta["twitter:image"] == meta["og:image"]
    )


def test_titles_are_the_page_s_own(demo_site):
    assert head_meta(page(demo_site, "/"))["og:title"] == "The Workbench"
    issue_page = page(demo_site, "/issues/3/")
    assert head_meta(issue_page)["og:title"] == issue_page.css_first("main h1").text().strip()
    about = page(demo_site, "/about/")
    assert head_meta(about)["og:title"] == about.css_first("main h1").text().strip()


def test_the_not_found_page_has_a_card_but_no_address_of_its_own(demo_site):
    doc = page(demo_site, "/404.html")
    meta = head_meta(doc)
    assert canonical(doc) is None and "og:url" not in meta
    assert meta["og:title"] == "Page not found"
    assert meta["twitter:card"] == "summary_large_image" and meta["og:description"]
    assert meta["robots"] == "noindex"


def test_every_page_has_card_metadata_and_the_sitemap_lists_every_canonical(demo_site):
    canonicals = set()
    for path in sorted(demo_site.rglob("*.html")):
        doc = page(demo_site, path.relative_to(demo_site).as_posix())
        meta = head_meta(doc)
        for key in ("og:title", "og:description", "og:type", "og:site_name", "twitter:card"):
            assert meta.get(key), f"{path}: {key}"
        if path.name != "404.html":
            assert canonical(doc) == meta["og:url"], path
            canonicals.add(canonical(doc))
    sitemap = set(re.findall(r"<loc>(.+?)</loc>", (demo_site / "sitemap.xml").read_text()))
    assert sitemap == canonicals
    assert f"Sitemap: {SITE}/sitemap.xml" in (demo_site / "robots.txt").read_text()


def test_a_configured_card_image_is_absolute(tmp_path):
    content = write_content(tmp_path, dict([issue(1, "One", "2025-01-03")]))
    output = build_site(content, tmp_path / "out", SITE_IMAGE="/images/card.png")
    # It stands for the site-wide card; the home page and the issue keep their own.
    for path in ("/about/", "/404.html") if (output / "about").is_dir() else ("/404.html",):
        assert head_meta(page(output, path))["og:image"] == f"{SITE}/images/card.png"
    assert head_meta(page(output, "/"))["og:image"] == f"{SITE}/cards/home.png"
    assert head_meta(page(output, "/issues/1/"))["og:image"] == f"{SITE}/cards/issue-1.png"


def test_card_image_and_address_settings():
    settings = {"SITENAME": "N", "FEED_DOMAIN": "https://n.example/sub/"}
    assert site_meta({**settings, "SITE_IMAGE": "https://cdn.example/c.png"}).image == (
        "https://cdn.example/c.png"
    )
    assert site_meta({**settings, "SITE_IMAGE": "c.png"}).image == "https://n.example/sub/c.png"
    assert site_meta(settings).url == "https://n.example/sub"
    with pytest.raises(SettingsError, match="FEED_DOMAIN"):
        site_meta({"SITENAME": "N", "FEED_DOMAIN": "", "SITEURL": ""})
