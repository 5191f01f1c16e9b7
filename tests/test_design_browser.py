"""The design as readers see it, in Chromium at 390 and 1280 px, in light and dark.

Each page kind this design owns is checked in all four: no sideways scrolling, axe
finds nothing, nothing comes from another host, and the few requests a page makes.
The named tests hold the reader's complaints that started it (issue 25).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from tests.test_accessibility import axe_violations

WIDTHS = {390: {"width": 390, "height": 844}, 1280: {"width": 1280, "height": 800}}
SCHEMES = ("light", "dark")
VIEWS = [(width, scheme) for width in WIDTHS for scheme in SCHEMES]
VIEW_IDS = [f"{width}px-{scheme}" for width, scheme in VIEWS]
PAGE_KINDS = {
    "home": "/",
    "issue": "/issues/14/",
    "archive": "/issues/",
    "links": "/links/",
    "month": "/links/2026/01/",
    "members": "/members/",
    "member": "/members/anneke/",
    "discussions": "/discussions/",
    "platform": "/discussions/mastodon/",
    "community": "/community/",
    "page": "/about/",
    "topics": "/topics/",
    "topic": "/topics/tools/",
}
# Requests a page makes besides its own images: itself, the stylesheet, the favicon.
REQUEST_BUDGET = 3


def visit(new_page, site_url, path, width, scheme):
    """The page at ``path``, with every request it made."""
    page = new_page(viewport=WIDTHS[width], is_mobile=width == 390, color_scheme=scheme)
    requested: list[tuple[str, str]] = []
    page.context.on(
        "request", lambda request: requested.append((request.url, request.resource_type))
    )
    response = page.goto(site_url + path)
    assert response.status == 200, path
    page.wait_for_load_state("load")
    return page, requested


@pytest.mark.parametrize(("width", "scheme"), VIEWS, ids=VIEW_IDS)
@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_every_page_kind_at_both_widths_in_light_and_dark(
    new_page, site_url, test_tool, kind, width, scheme
):
    """axe 0, no sideways scrolling, no other host, no cookie, a few requests, the scheme."""
    axe = test_tool("axe-core/axe.min.js")
    page, requested = visit(new_page, site_url, PAGE_KINDS[kind], width, scheme)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{kind} scrolls sideways by {overflow}px at {width}px"
    host = urlsplit(site_url).netloc
    assert [url for url, _type in requested if urlsplit(url).netloc != host] == []
    others = [url for url, kind_of in requested if kind_of != "image"]
    assert len(others) <= REQUEST_BUDGET, others
    assert page.context.cookies() == []
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    channels = [int(part) for part in background[background.index("(") + 1 : -1].split(",")[:3]]
    assert (sum(channels) > 600) if scheme == "light" else (sum(channels) < 150)
    violations = axe_violations(page, axe)
    assert violations == [], f"{kind} at {width}px, {scheme}:\n" + "\n".join(violations)


@pytest.mark.parametrize(("width", "scheme"), VIEWS, ids=VIEW_IDS)
def test_everything_is_underlined_navigation_included_no_more(new_page, site_url, width, scheme):
    """Underlines only in running text: not the navigation, titles, tags or buttons."""
    page, _ = visit(new_page, site_url, "/issues/14/", width, scheme)
    decoration = "el => getComputedStyle(el).textDecorationLine"
    nav = page.locator(".site-header nav a:not([aria-current])")
    assert nav.count() >= 5
    assert set(nav.evaluate_all(f"els => els.map({decoration})")) == {"none"}
    for selector in (".site-name", ".tags a", "nav.toc a", ".issue-nav a", "p.discuss a"):
        assert page.locator(selector).first.evaluate(decoration) == "none", selector
    running = page.locator("article .content p a:not(.headerlink)")
    assert running.count() >= 1
    assert set(running.evaluate_all(f"els => els.map({decoration})")) == {"underline"}


META_VALUES = ".meta time, .meta .nowrap, .meta .issue-number, .meta .reading-time, .count"


@pytest.mark.parametrize(("width", "scheme"), VIEWS, ids=VIEW_IDS)
@pytest.mark.parametrize(
    "kind", ["home", "issue", "links", "members", "discussions", "topics", "topic"]
)
def test_meta_lines_break_mid_value_11_replies_no_more(new_page, site_url, kind, width, scheme):
    """Each value of a meta line ("11 replies", "23 January 2026") stays on one line."""
    page, _ = visit(new_page, site_url, PAGE_KINDS[kind], width, scheme)
    lines = page.locator(META_VALUES).evaluate_all(
        "els => els.filter(el => el.offsetParent).map(el => [el.textContent.trim(), "
        "new Set([...el.getClientRects()].map(r => Math.round(r.top))).size])"
    )
    assert lines, kind
    broken = [text for text, rows in lines if rows > 1]
    assert broken == [], f"{kind} at {width}px breaks inside {broken}"


@pytest.mark.parametrize(("width", "scheme"), VIEWS, ids=VIEW_IDS)
@pytest.mark.parametrize("kind", ["home", "issue", "links", "members"])
def test_the_footer_is_offset_from_the_column_no_more(new_page, site_url, kind, width, scheme):
    """Header, main column and footer share their left and right edges."""
    page, _ = visit(new_page, site_url, PAGE_KINDS[kind], width, scheme)
    edges = page.evaluate(
        """() => ['.site-header .wrap', 'main', '.site-footer .wrap'].map(selector => {
            const el = document.querySelector(selector), style = getComputedStyle(el);
            const box = el.getBoundingClientRect();
            return [Math.round(box.left + parseFloat(style.paddingLeft)),
                    Math.round(box.right - parseFloat(style.paddingRight))]; })"""
    )
    assert edges[0] == edges[1] == edges[2], edges
    first_text = page.locator(".site-footer .wrap > *").first.bounding_box()
    assert round(first_text["x"]) == edges[1][0]


@pytest.mark.parametrize(("width", "scheme"), VIEWS, ids=VIEW_IDS)
def test_home_is_the_whole_latest_issue_no_more_but_a_lede_and_5_recent(
    new_page, site_url, width, scheme
):
    page, _ = visit(new_page, site_url, "/", width, scheme)
    assert page.locator(".promise form input[type=email]").is_visible()
    lede = page.locator("section.lede")
    assert lede.locator("h2").is_visible() and lede.locator(".standfirst").is_visible()
    assert lede.get_by_role("link", name="Read issue 14").is_visible()
    assert page.locator("article .content").count() == 0
    assert page.locator("section.recent .issue-title a:visible").count() >= 5
    assert page.locator("section.week-links li.link:visible").count() >= 3
    assert page.locator("section.active-discussions li.thread:visible").count() >= 3


@pytest.mark.parametrize(("width", "scheme"), VIEWS, ids=VIEW_IDS)
def test_tag_styles_are_mixed_no_more(new_page, site_url, width, scheme):
    """Topics, months and filters all wear the one tag style."""
    page, _ = visit(new_page, site_url, "/links/", width, scheme)
    styles = page.locator("a.tag").evaluate_all(
        """els => els.map(el => { const s = getComputedStyle(el);
            return [s.borderTopLeftRadius, s.paddingLeft, s.fontSize, s.borderTopWidth]
                .join(' '); })"""
    )
    assert len(styles) >= 10
    assert len(set(styles)) == 1, set(styles)
    # Every tag-like list uses it.
    assert page.locator(".tags a:not(.tag)").count() == 0


@pytest.mark.parametrize(("width", "scheme"), VIEWS, ids=VIEW_IDS)
def test_links_directory_is_one_flat_list_no_more(new_page, site_url, width, scheme):
    page, _ = visit(new_page, site_url, "/links/", width, scheme)
    headings = page.locator("section.month h2 a")
    assert headings.count() >= 2
    href = headings.first.get_attribute("href")
    headings.first.click()
    page.wait_for_url(f"**{href}")
    assert page.locator("main h1").inner_text().startswith("Links shared in ")


@pytest.mark.parametrize(("width", "scheme"), VIEWS, ids=VIEW_IDS)
def test_members_page_is_a_bullet_list_no_more(new_page, site_url, width, scheme):
    page, requested = visit(new_page, site_url, "/members/", width, scheme)
    cards = page.locator(".member-card")
    assert cards.count() >= 8
    box = cards.first.bounding_box()
    avatar = cards.first.locator(".avatar").bounding_box()
    assert avatar["width"] == avatar["height"] >= 40  # a round badge, not a bullet
    assert page.locator("main li").evaluate_all(
        "els => els.every(el => getComputedStyle(el).listStyleType === 'none')"
    )
    if width == 1280:  # cards side by side on a desktop
        second = cards.nth(1).bounding_box()
        assert second["y"] == box["y"] and second["x"] > box["x"]
    assert not [url for url, kind in requested if kind == "image"]


@pytest.mark.parametrize(("width", "scheme"), VIEWS, ids=VIEW_IDS)
def test_issue_page_byline_contents_previous_next_and_community_cards(
    new_page, site_url, width, scheme
):
    page, _ = visit(new_page, site_url, "/issues/13/", width, scheme)
    assert page.locator(".byline").is_visible()
    assert page.locator(".reading-time").is_visible()
    toc = page.locator("nav.toc a")
    if toc.count():
        target = toc.first.get_attribute("href")
        toc.first.click()
        assert page.evaluate("location.hash") == target
    previous, following = page.locator("a[rel=prev]"), page.locator("a[rel=next]")
    for link in (previous, following):
        box = link.bounding_box()
        assert box["height"] >= 48 and box["width"] >= 150  # prominent, easy to hit
    cards = page.locator("section.community li.card")
    assert cards.count() >= 1
    assert cards.first.locator(".credit a").inner_text()
    assert page.locator(".share a").count() == 3
    page, _ = visit(new_page, site_url, "/issues/14/", width, scheme)  # one discussed
    discuss = page.locator("p.discuss a")
    assert discuss.is_visible() and discuss.inner_text().startswith("Discuss this issue on ")


@pytest.mark.parametrize(("width", "scheme"), VIEWS, ids=VIEW_IDS)
def test_icons_are_inline_svg_drawn_in_the_text_colour(new_page, site_url, width, scheme):
    page, requested = visit(new_page, site_url, "/discussions/", width, scheme)
    icons = page.locator("li.thread .platform svg.icon")
    assert icons.count() >= 5
    box = icons.first.bounding_box()
    assert 12 <= box["width"] <= 28
    assert page.locator(".site-header svg.icon").count() == 1  # the search icon
    assert page.locator(".site-footer svg.icon").count() >= 1  # the feeds
    # Drawn in the page: the only SVG fetched is the favicon.
    fetched = {urlsplit(url).path for url, _kind in requested if url.endswith(".svg")}
    assert fetched <= {"/favicon.svg"}


def test_readable_without_javascript_home_links_and_members(new_page, site_url):
    page = new_page(java_script_enabled=False)
    for path in ("/", "/links/", "/members/", "/discussions/"):
        page.goto(site_url + path)
        assert page.locator("main h1").inner_text().strip()
        assert page.locator("main li").count() >= 5


def test_a_hidden_button_stays_hidden_whatever_the_button_style(new_page, site_url):
    """The theme styles buttons with a display of their own; `hidden` must still win
    (the search page hides "Show more results" once every result is shown)."""
    page = new_page()
    page.goto(site_url + "/")
    page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend', "
        "'<button type=button class=\"button\" hidden>Never seen</button>')"
    )
    assert page.get_by_role("button", name="Never seen", include_hidden=True).is_hidden()


@pytest.mark.parametrize(("width", "scheme"), VIEWS, ids=VIEW_IDS)
def test_the_site_s_icon_touch_icon_manifest_and_theme_properties(
    new_page, site_url, width, scheme
):
    """A favicon, an apple-touch-icon and a web manifest that load; HEARTH_THEME's accent
    as the page's custom property, made lighter for the dark scheme."""
    page, _ = visit(new_page, site_url, "/", width, scheme)
    for rel, kind in (("icon", "image/svg+xml"), ("apple-touch-icon", "image/png")):
        href = page.locator(f'link[rel="{rel}"]').get_attribute("href")
        response = page.request.get(site_url + href)
        assert response.ok and response.headers["content-type"].startswith(kind), rel
    manifest = page.request.get(
        site_url + page.locator('link[rel="manifest"]').get_attribute("href")
    )
    assert manifest.json()["icons"]
    accent = page.evaluate(
        "getComputedStyle(document.documentElement).getPropertyValue('--accent').trim()"
    )
    button = page.locator(".promise button").evaluate("el => getComputedStyle(el).backgroundColor")
    assert accent.startswith("#") and button == rgb(accent), (accent, button)
    assert (accent.lower() == "#a33a0b") == (scheme == "light")


def rgb(colour: str) -> str:
    red, green, blue = (int(colour[n : n + 2], 16) for n in (1, 3, 5))
    return f"rgb({red}, {green}, {blue})"


@pytest.mark.parametrize(("width", "scheme"), VIEWS, ids=VIEW_IDS)
def test_topics_tools_lists_its_issues_links_and_discussions_as_readers_see_it(
    new_page, site_url, width, scheme
):
    """Point 4's example, in the browser: /topics/tools/ shows its issues, member links
    and discussions, each leading on; the older one-kind pages are a click away."""
    page, _ = visit(new_page, site_url, "/topics/tools/", width, scheme)
    for section in ("#topic-issues", "#topic-links", "#topic-discussions"):
        assert page.locator(section).is_visible(), section
    assert page.locator("main p.count").inner_text() == "2 issues, 10 links, 3 discussions"
    issues = page.locator("section:has(#topic-issues) .issue-title a")
    assert issues.count() == 2 and issues.first.is_visible()
    links = page.locator("section:has(#topic-links) li.link:visible")
    assert links.count() == 10
    assert page.locator("section:has(#topic-discussions) ul.link-list > li:visible").count() == 3
    for older in ("/links/tags/tools/", "/discussions/tags/tools/"):
        assert page.locator(f'main section > p a[href="{older}"]').is_visible(), older
    issues.first.click()
    page.wait_for_url("**/issues/9/")
    assert page.locator("main h1").is_visible()


@pytest.mark.parametrize(("width", "scheme"), VIEWS, ids=VIEW_IDS)
def test_topics_index_lists_topics_by_size_with_counts_as_readers_see_it(
    new_page, site_url, width, scheme
):
    page, _ = visit(new_page, site_url, "/topics/", width, scheme)
    items = page.locator("main ul.topic-list > li")
    assert items.count() == 9
    counts = items.locator(".count").all_inner_texts()
    sizes = [sum(int(n) for n in re.findall(r"\d+", text)) for text in counts]
    assert sizes == sorted(sizes, reverse=True) and sizes[0] > sizes[-1]
    assert all(item.is_visible() for item in items.locator("a").all())
    first = items.first.locator("a")
    name = first.inner_text()
    first.click()
    page.wait_for_url("**/topics/*/")
    assert page.locator("main h1").inner_text() == name
    assert page.locator("main p.count").inner_text() == counts[0]


CARDS = {
    "home": ("/", "home"),
    "issue": ("/issues/14/", "issue-14"),
    "topic": ("/topics/tools/", "topic-tools"),
}


@pytest.mark.parametrize(("width", "scheme"), VIEWS, ids=VIEW_IDS)
@pytest.mark.parametrize("kind", CARDS)
def test_each_page_s_social_card_is_a_1200_by_630_png_at_an_absolute_address(
    new_page, site_url, kind, width, scheme
):
    """og:image and twitter:image name the page's own card by an absolute address (the
    demo's FEED_DOMAIN); the PNG there loads as an image 1200 by 630."""
    path, card = CARDS[kind]
    page, _ = visit(new_page, site_url, path, width, scheme)
    image = page.locator('meta[property="og:image"]').get_attribute("content")
    assert page.locator('meta[name="twitter:image"]').get_attribute("content") == image
    address = urlsplit(image)
    assert address.scheme in ("http", "https") and address.netloc, image
    assert address.path == f"/cards/{card}.png"
    response = page.request.get(site_url + address.path)
    assert response.ok and response.headers["content-type"] == "image/png"
    size = page.evaluate(
        """src => new Promise((done, fail) => { const image = new Image();
            image.onload = () => done([image.naturalWidth, image.naturalHeight]);
            image.onerror = fail; image.src = src; })""",
        site_url + address.path,
    )
    assert size == [1200, 630]


@pytest.mark.parametrize(("width", "scheme"), VIEWS, ids=VIEW_IDS)
def test_each_link_shows_its_site_member_topics_and_discussion(new_page, site_url, width, scheme):
    """Point 5: on /links/ every link shows its site and member, and a discussed one its
    discussion; a member's page shows their links and the discussions on them."""
    page, _ = visit(new_page, site_url, "/links/", width, scheme)
    links = page.locator("li.link")
    assert links.count() >= 10
    for link in links.all():
        assert (
            link.locator(".domain").is_visible()
            and link.locator('.link-meta a[href^="/members/"]').is_visible()
        )
    assert page.locator("li.link .link-foot a.tag:visible").count() >= 10
    assert page.locator("li.link a.discuss:visible").count() >= 1
    page, _ = visit(new_page, site_url, "/members/anneke/", width, scheme)
    assert page.locator("main li.link:visible").count() >= 1
    assert page.locator("#discussions").is_visible()
    assert page.locator("ul.discussed li:visible").count() >= 1
