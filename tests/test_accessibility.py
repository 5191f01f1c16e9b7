"""axe-core finds no accessibility violation on the main pages, on a phone and on a desktop."""

from __future__ import annotations

import pytest

WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
PAGES = [
    *("/", "/issues/", "/issues/4/", "/links/", "/members/anneke/", "/discussions/"),
    *("/search/", "/no/such/page/"),
]


def axe_violations(page, axe_script):
    page.add_script_tag(path=str(axe_script))
    return page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
        .map(v => `${v.id} (${v.impact}): ${v.help}: `
                  + v.nodes.map(n => n.target.join(" ")).join(", "))"""
    )


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", PAGES)
def test_no_accessibility_violations(new_page, site_url, demo_site, test_tool, path, width):
    axe_script = test_tool("axe-core/axe.min.js")
    if path == "/search/" and not (demo_site / "search" / "index.html").is_file():
        pytest.skip("the demo site has no /search/ page")
    page = new_page(viewport=WIDTHS[width], is_mobile=width == "phone")
    response = page.goto(site_url + path)
    assert response.status == (404 if path.startswith("/no/") else 200)
    if path == "/search/":
        # With results showing, the way readers use it.
        page.get_by_label("Search issues, links and discussions").fill("zine")
        page.locator(".search-results li").first.wait_for()
    violations = axe_violations(page, axe_script)
    assert violations == [], f"{path} at {width} width:\n" + "\n".join(violations)
