"""The /search/ page as a reader uses it (issue 25, point 7), on a phone and a desktop:
the query in the address, a form that works before its script, clean excerpts, dates as
the site writes them, results labelled by kind, and axe and vnu finding nothing."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.sites import build_site, issue, page, served, write_content
from tests.test_accessibility import axe_violations
from tests.test_html_valid import nu_html_errors
from tests.test_search import ready

WIDTHS = {"390": {"width": 390, "height": 844}, "1280": {"width": 1280, "height": 800}}
LABEL = "Search issues, links and discussions"

BRIEFLY = """\
We met briefly.

## A risograph

A risograph prints in layers of ink, one drum a colour.

## Kilns

Firing notes for the kiln.
"""


MEMBER = """\
    name: Ada Quillfeather
    links:
      - url: https://ada.example/screens
        title: Screen care
        date: 2025-03-05
        note: Cleaning the screen between colours, with a soft cloth.
        tags: [zines]
    """


@pytest.fixture(scope="module")
def small_site(tmp_path_factory):
    """Two issues with headings (whose anchors Python-Markdown writes as "#") and topics."""
    root = tmp_path_factory.mktemp("search-page")
    files = dict(
        [
            issue(1, "Ink", "2025-03-03 08:00", body=BRIEFLY, Tags="printing, zines"),
            issue(2, "Clay", "2025-03-10 08:00", body="Kilns and clay.\n", Tags="ceramics"),
        ]
    )
    files["members/ada.yml"] = MEMBER
    output = build_site(write_content(root, files), root / "output")
    with served(output) as url:
        yield output, url


VIEWS = [(width, scheme) for width in WIDTHS for scheme in ("light", "dark")]


@pytest.fixture(params=VIEWS, ids=[f"{width}px-{scheme}" for width, scheme in VIEWS])
def tab(request, new_page):
    """A tab at 390 or 1280 px, in light or dark: every test of the page runs in all four."""
    width, scheme = request.param
    return new_page(viewport=WIDTHS[width], is_mobile=width == "390", color_scheme=scheme)


def query_of(tab) -> str:
    return parse_qs(urlsplit(tab.url).query).get("q", [""])[0]


def shown_titles(tab) -> list[str]:
    return tab.locator(".search-results li h2 a").all_inner_texts()


def type_query(tab, query: str) -> None:
    tab.get_by_label(LABEL).fill(query)
    tab.wait_for_function("q => new URLSearchParams(location.search).get('q') === q", arg=query)
    tab.locator(".search-status").filter(has_text="result").wait_for()


def test_typing_a_query_puts_it_in_the_address(tab, small_site):
    _output, url = small_site
    tab.goto(url + "/search/")
    ready(tab)
    type_query(tab, "risograph")
    assert urlsplit(tab.url).path == "/search/" and query_of(tab) == "risograph"
    assert shown_titles(tab) == ["Ink"]


def test_reload_keeps_the_query_and_its_results(tab, small_site):
    _output, url = small_site
    tab.goto(url + "/search/")
    ready(tab)
    type_query(tab, "risograph")
    tab.reload()
    ready(tab)
    tab.locator(".search-results li").first.wait_for()
    assert tab.get_by_label(LABEL).input_value() == "risograph"
    assert shown_titles(tab) == ["Ink"]


def test_back_restores_the_previous_query_and_forward_the_next(tab, small_site):
    _output, url = small_site
    tab.goto(url + "/search/")
    ready(tab)
    type_query(tab, "risograph")
    # Enter ends the query (as a pause in typing does): the next one is a step of its own.
    tab.get_by_label(LABEL).press("Enter")
    type_query(tab, "clay")
    # The address changes as the query is typed, before its results replace the last
    # query's, whose "1 result." the status still says: wait for the new one's.
    tab.locator(".search-results li h2 a").filter(has_text="Clay").wait_for()
    assert shown_titles(tab) == ["Clay"]
    tab.go_back()
    tab.wait_for_function("() => document.querySelector('#search-query').value === 'risograph'")
    tab.locator(".search-results li h2 a").filter(has_text="Ink").wait_for()
    assert query_of(tab) == "risograph" and shown_titles(tab) == ["Ink"]
    tab.go_forward()
    tab.locator(".search-results li h2 a").filter(has_text="Clay").wait_for()
    assert query_of(tab) == "clay"


def test_a_link_to_a_search_shows_its_results_with_its_filters(tab, small_site):
    _output, url = small_site
    tab.goto(url + "/search/?q=kiln&kind=issue&sort=desc")
    tab.locator(".search-status").filter(has_text="result").wait_for()
    assert tab.get_by_label("Show").input_value() == "issue"
    assert shown_titles(tab) == ["Clay", "Ink"], "newest first"


def test_the_form_is_visible_and_searches_before_the_script_loads(tab, small_site):
    # The script held back (a slow phone): the form is there, and its plain GET asks
    # /search/?q=..., which the script answers once it runs.
    _output, url = small_site
    held = []
    tab.route("**/js/search.js", lambda route: held.append(route))
    # A module script delays DOMContentLoaded: the page is read as it arrives.
    tab.goto(url + "/search/", wait_until="commit")
    box = tab.get_by_label(LABEL)
    box.wait_for()
    assert box.is_visible() and tab.get_by_role("button", name="Search").is_visible()
    box.fill("risograph")
    with tab.expect_navigation(wait_until="commit"):
        box.press("Enter")
    assert query_of(tab) == "risograph"
    assert held, "the script was held back"
    tab.unroute_all(behavior="ignoreErrors")
    tab.reload()
    tab.locator(".search-results li").first.wait_for()
    assert shown_titles(tab) == ["Ink"]
    assert tab.url.endswith("/search/?q=risograph"), "the form's empty filters left out"


def test_excerpts_are_free_of_heading_anchors_and_metadata(tab, small_site):
    # Was "briefly# A risograph", and "Issue 1 · printing · zines" as the excerpt.
    _output, url = small_site
    tab.goto(url + "/search/")
    ready(tab)
    type_query(tab, "risograph")
    excerpt = tab.locator(".search-results .search-excerpt").first.inner_text()
    assert "risograph" in excerpt.lower()
    assert "#" not in excerpt, excerpt
    assert "printing" not in excerpt and "Issue 1" not in excerpt, excerpt
    type_query(tab, "printing")  # a topic still finds its issues
    assert shown_titles(tab) == ["Ink"]


def test_a_link_result_s_excerpt_is_its_description_not_its_meta_line(tab, small_site):
    # Was "... with a soft cloth. Link shared by Ada Quillfeather · zines".
    _output, url = small_site
    tab.goto(url + "/search/")
    ready(tab)
    type_query(tab, "cloth")
    assert shown_titles(tab) == ["Screen care"]
    excerpt = tab.locator(".search-results .search-excerpt").first.inner_text()
    assert "soft cloth" in excerpt, excerpt
    for noise in ("shared by", "quillfeather", "zines", "·"):
        assert noise not in excerpt.lower(), excerpt
    type_query(tab, "Quillfeather")  # the member's name still finds the link
    assert shown_titles(tab) == ["Screen care"]


def test_dates_are_written_as_the_rest_of_the_site_writes_them(tab, small_site):
    output, url = small_site
    listed = page(output, "/issues/").css_first('time[datetime^="2025-03-03"]').text(strip=True)
    tab.goto(url + "/search/")
    ready(tab)
    type_query(tab, "risograph")
    day = tab.locator(".search-results .link-meta time").first
    assert day.inner_text() == listed == "Mon 3 March 2025"
    assert day.get_attribute("datetime") == "2025-03-03"


def test_each_result_is_labelled_by_kind(tab, site_url):
    tab.goto(site_url + "/search/")
    ready(tab)
    requested = []
    tab.on("request", lambda request: requested.append(request.url))
    type_query(tab, "zine")
    labels = set(tab.locator(".search-results .search-kind").all_text_contents())
    assert labels <= {"Issue", "Link", "Discussion"} and len(labels) >= 2, labels
    for item in tab.locator(".search-results li").all():
        assert item.locator(".search-kind").count() == 1
    more = tab.get_by_role("button", name="Show more results")
    while more.is_visible():
        more.click()
        tab.wait_for_timeout(300)
    labels = set(tab.locator(".search-results .search-kind").all_text_contents())
    assert labels == {"Issue", "Link", "Discussion"}
    assert {urlsplit(address).netloc for address in requested} == {urlsplit(site_url).netloc}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_search_page_with_results_has_no_accessibility_violations(
    browser, site_url, test_tool, scheme
):
    axe_script = test_tool("axe-core/axe.min.js")
    for width, viewport in WIDTHS.items():
        context = browser.new_context(viewport=viewport, color_scheme=scheme)
        try:
            tab = context.new_page()
            tab.goto(site_url + "/search/?q=zine&kind=link")
            tab.locator(".search-results li").first.wait_for()
            violations = axe_violations(tab, axe_script)
            assert violations == [], f"at {width} px, {scheme}:\n" + "\n".join(violations)
        finally:
            context.close()


def test_the_search_page_is_valid_html(demo_site, test_tool):
    vnu = test_tool("vnu-jar/build/dist/vnu.jar")
    assert nu_html_errors(vnu, [demo_site / "search" / "index.html"]) == []
