"""The demo site in a real browser (Debian's Chromium through Playwright)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

PAGES = [
    *("/", "/issues/", "/issues/4/", "/issues/11/", "/topics/", "/about/", "/code-of-conduct/"),
    *("/links/", "/links/tags/zines/", "/members/", "/members/anneke/"),
    *("/discussions/", "/discussions/mastodon/", "/discussions/tags/zines/", "/community/"),
    *("/search/", "/404.html"),
]


def test_pages_request_nothing_from_other_hosts_and_set_no_cookies(new_page, site_url, demo_site):
    page = new_page()
    requested = []
    # From the browser's own network log, the context's: frames and workers included.
    page.context.on("request", lambda request: requested.append(request.url))
    every_page = [
        "/" + path.relative_to(demo_site).as_posix().removesuffix("index.html")
        for path in sorted(demo_site.rglob("index.html"))
    ]
    for path in [*every_page, "/no/such/page/"]:
        response = page.goto(site_url + path)
        assert response.status == (404 if path.startswith("/no/") else 200), path
    others = sorted({url for url in requested if urlsplit(url).netloc != urlsplit(site_url).netloc})
    assert others == []
    assert len(requested) > len(every_page)
    assert page.context.cookies() == []


def test_skip_link_is_the_first_tab_stop_and_focus_is_visible(new_page, site_url):
    page = new_page()
    page.goto(site_url + "/issues/4/")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        """() => { const el = document.activeElement; const style = getComputedStyle(el);
        const box = el.getBoundingClientRect();
        return {text: el.textContent.trim(), href: el.getAttribute('href'),
                outline: style.outlineStyle, width: parseFloat(style.outlineWidth),
                visible: box.width > 0 && box.height > 0 && box.top >= 0}; }"""
    )
    assert focused["text"] == "Skip to content" and focused["href"] == "#main"
    assert focused["outline"] != "none" and focused["width"] >= 2
    assert focused["visible"]
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


@pytest.mark.parametrize("path", PAGES)
def test_comfortable_on_a_phone_without_sideways_scrolling(new_page, site_url, path):
    page = new_page(viewport={"width": 320, "height": 640}, is_mobile=True)
    page.goto(site_url + path)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 320px"
    font_size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert font_size >= 16


def test_follows_the_readers_light_or_dark_preference(new_page, site_url):
    def background(scheme):
        page = new_page(color_scheme=scheme)
        page.goto(site_url + "/")
        rgb = page.evaluate("getComputedStyle(document.body).backgroundColor")
        return [int(part) for part in rgb[rgb.index("(") + 1 : -1].split(",")[:3]]

    assert sum(background("light")) > 600
    assert sum(background("dark")) < 150


def test_readable_without_javascript(new_page, site_url):
    page = new_page(java_script_enabled=False)
    page.goto(site_url + "/issues/4/")
    assert page.locator("main h1").inner_text().strip()
    assert page.locator("main .content h2").count() >= 2


def test_unknown_address_gets_the_404_page(new_page, site_url):
    page = new_page()
    response = page.goto(site_url + "/no/such/page/")
    assert response.status == 404
    assert page.locator('main a[href="/issues/"]').count() == 1


def test_subscribe_form_submits_to_buttondown_without_javascript(new_page, site_url):
    page = new_page(java_script_enabled=False)
    posted = []

    def capture(route):
        posted.append(route.request)
        route.fulfill(status=200, body="Thanks")

    # Intercepted in the browser: the test never reaches Buttondown.
    page.route("https://buttondown.com/**", capture)
    page.goto(site_url + "/")
    page.get_by_label("Email address").fill("reader@example.org")
    page.get_by_role("button", name="Subscribe").click()
    page.wait_for_load_state()
    assert len(posted) == 1
    request = posted[0]
    assert request.method == "POST"
    assert request.url == "https://buttondown.com/api/emails/embed-subscribe/theworkbench"
    fields = parse_qs(request.post_data)
    assert fields["email"] == ["reader@example.org"]
    assert fields["embed"] == ["1"]
    assert fields.get("url", [""]) == [""], "the honeypot stays empty for people"
