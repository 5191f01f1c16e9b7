"""`invoke preview`, then `invoke serve`: the site as it will be published, working on localhost.

Everything a browser loads or follows is root-relative, so the preview is styled and its
links stay on localhost; what other sites read (canonical links, link cards, feeds, the
sitemap) keeps the public address. Both tasks run as processes, the pages in Chromium.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hearth_site.serve import below_site_path
from tests.sites import ROOT, free_port, invoke, page

PUBLIC = "https://theworkbench.example"
FEED_TYPES = ("application/atom+xml", "application/rss+xml", "application/feed+json")
PAGES = ["/", "/issues/13/", "/issues/", "/links/", "/members/anneke/", "/search/", "/about/"]
# What a reader sees of an element: none of it when it is hidden, empty, or off the page.
SEEN = """el => { const style = getComputedStyle(el); const box = el.getBoundingClientRect();
  return style.display !== 'none' && style.visibility !== 'hidden' && box.width > 1
    && box.height > 1 && box.right > 0 && box.bottom > 0
    && box.left < innerWidth + scrollX + 5000; }"""


@contextlib.contextmanager
def serving(project: Path) -> Iterator[str]:
    """`invoke serve` as a process, on a free port; yield its address once it answers."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "invoke", "serve", "--port", str(port)],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://localhost:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/404.html"):
                    break
            except OSError:
                assert time.monotonic() < deadline, "invoke serve did not come up"
                assert server.poll() is None, "invoke serve exited"
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def copy_of_the_project(project: Path, *settings: str) -> Path:
    """The demo project in ``project``, with ``settings`` added to publishconf.py."""
    for name in ("content", "theme", "plugins"):
        shutil.copytree(ROOT / name, project / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pelicanconf.py", "publishconf.py", "tasks.py"):
        shutil.copy(ROOT / name, project / name)
    with (project / "publishconf.py").open("a") as publishconf:
        publishconf.write("".join(f"\n{line}" for line in settings) + "\n")
    return project


@pytest.fixture(scope="module")
def previewed(tmp_path_factory, browser) -> Iterator[tuple[Path, str]]:
    """The demo after `invoke preview` (with a card image), served by `invoke serve`."""
    project = copy_of_the_project(
        tmp_path_factory.mktemp("preview") / "site", 'SITE_IMAGE = "images/workbench.svg"'
    )
    with pytest.MonkeyPatch.context() as environment:
        environment.delenv("HEARTH_SITEURL", raising=False)
        result = invoke(project, "preview", timeout=300)
        assert result.returncode == 0, result.stderr
        with serving(project) as url:
            yield project, url


def visit(new_page, url: str) -> tuple[object, list[str]]:
    """A page at ``url``, with every request it made; none leaves loopback."""
    page = new_page()
    requested: list[str] = []

    def only_loopback(route) -> None:
        requested.append(route.request.url)
        if urlsplit(route.request.url).hostname in ("localhost", "127.0.0.1"):
            route.continue_()
        else:
            route.abort()  # nothing goes out from a test, whatever the page asks for

    page.context.route("**/*", only_loopback)
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    page.wait_for_load_state("networkidle")
    return page, requested


def internal_hrefs(page) -> list[str]:
    """Every link a reader follows within the site: absolute, as the browser resolves it.
    Links to feeds are subscription addresses for feed readers: they stay public."""
    links = page.eval_on_selector_all(
        "a[href]", "els => els.map(a => [a.href, a.getAttribute('type') || ''])"
    )
    return [href for href, kind in links if kind not in FEED_TYPES and href.startswith("http")]


def test_after_preview_serve_shows_the_site_styled_with_every_request_on_localhost(
    previewed, new_page
):
    _project, url = previewed
    for path in PAGES:
        page, requested = visit(new_page, url + path)
        elsewhere = [r for r in requested if urlsplit(r).netloc != urlsplit(url).netloc]
        assert elsewhere == [], path
        assert any(r.endswith("/theme/css/hearth.css") for r in requested), path
        # The stylesheet applies: the skip link is moved off the page until it has focus.
        assert not page.eval_on_selector(".skip-link", SEEN), path
        header = page.eval_on_selector(
            ".site-header", "el => getComputedStyle(el).borderBottomStyle"
        )
        assert header == "solid", path


def test_after_preview_every_internal_link_stays_on_localhost_and_works(previewed, new_page):
    _project, url = previewed
    followed: set[str] = set()
    for path in PAGES:
        page, _requested = visit(new_page, url + path)
        for href in internal_hrefs(page):
            host = urlsplit(href).netloc
            assert not href.startswith(PUBLIC + "/") and host != urlsplit(PUBLIC).netloc, (
                f"{path} links {href}"
            )
            if host == urlsplit(url).netloc:
                followed.add(href.split("#")[0])
    assert f"{url}/issues/3/" in followed and f"{url}/theme/css/hearth.css" not in followed
    for href in sorted(followed):
        with urllib.request.urlopen(href) as response:
            assert response.status == 200, href


def test_after_preview_the_issue_images_load_from_localhost(previewed, new_page):
    _project, url = previewed
    page, requested = visit(new_page, url + "/issues/13/")
    assert f"{url}/images/contrast-swatches.svg" in requested
    widths = page.eval_on_selector_all("main img", "els => els.map(img => img.naturalWidth)")
    assert widths and all(width > 0 for width in widths)


def test_after_preview_the_anti_spam_field_is_hidden_and_the_form_posts_to_buttondown(
    previewed, new_page
):
    _project, url = previewed
    for path in ("/", "/issues/13/"):
        page, _requested = visit(new_page, url + path)
        assert page.locator("#subscribe-email").is_visible(), path
        assert not page.eval_on_selector('label[for="subscribe-url"]', SEEN), path
        assert not page.eval_on_selector("#subscribe-url", SEEN), path
        action = page.eval_on_selector("form.subscribe, .subscribe form", "f => f.action")
        assert action.startswith("https://buttondown.com/"), path


def test_after_preview_canonical_card_feeds_and_sitemap_keep_the_public_address(previewed):
    project, _url = previewed
    output = project / "output"
    issue = page(output, "/issues/13/")
    assert issue.css_first('link[rel="canonical"]').attributes["href"] == f"{PUBLIC}/issues/13/"
    assert issue.css_first('meta[property="og:url"]').attributes["content"] == (
        f"{PUBLIC}/issues/13/"
    )
    # Issue 13 is among the newest: its own social card, at the public address.
    assert issue.css_first('meta[property="og:image"]').attributes["content"] == (
        f"{PUBLIC}/cards/issue-13.png"
    )
    alternates = [link.attributes["href"] for link in issue.css('link[rel="alternate"]')]
    assert alternates and all(href.startswith(f"{PUBLIC}/feeds/") for href in alternates)
    feed = feedparser.parse((output / "feeds/issues.atom.xml").read_bytes())
    assert feed.entries and all(e.link.startswith(f"{PUBLIC}/issues/") for e in feed.entries)
    # Links inside an entry's text are absolute too: a feed reader has no page to resolve them.
    contents = " ".join(entry.content[0].value for entry in feed.entries)
    assert f'src="{PUBLIC}/images/' in contents
    assert not re.search(r'(?:href|src)="/', contents)
    locations = re.findall(r"<loc>([^<]+)</loc>", (output / "sitemap.xml").read_text())
    assert locations and all(loc.startswith(f"{PUBLIC}/") for loc in locations)
    assert f"Sitemap: {PUBLIC}/sitemap.xml" in (output / "robots.txt").read_text()


def test_preview_below_a_path_is_served_there_on_localhost(
    tmp_path, new_page, browser, monkeypatch
):
    """A site published at https://owner.github.io/news links "/news/issues/3/": served there."""
    project = copy_of_the_project(tmp_path / "site")
    public = "https://owner.github.io/news"
    monkeypatch.setenv("HEARTH_SITEURL", public)
    result = invoke(project, "preview", timeout=300)
    assert result.returncode == 0, result.stderr
    with serving(project) as url:
        page, requested = visit(new_page, f"{url}/news/issues/13/")
        assert all(urlsplit(r).netloc == urlsplit(url).netloc for r in requested)
        assert f"{url}/news/theme/css/hearth.css" in requested
        assert f"{url}/news/images/contrast-swatches.svg" in requested
        assert page.eval_on_selector(".site-header", "el => getComputedStyle(el).borderBottomStyle")
        hrefs = internal_hrefs(page)
        assert f"{url}/news/issues/12/" in hrefs
        assert all(not h.startswith("https://owner.github.io/") for h in hrefs)
        with urllib.request.urlopen(f"{url}/news/issues/12/") as response:
            assert response.status == 200
    canonical = page_canonical(project / "output")
    assert canonical == f"{public}/issues/13/"


def page_canonical(output: Path) -> str:
    return page(output, "/issues/13/").css_first('link[rel="canonical"]').attributes["href"]


@given(
    st.sampled_from(["", "/news", "/a/b"]),
    st.text(alphabet=st.sampled_from("/anews.?=%"), max_size=30),
)
def test_the_preview_server_finds_each_page_below_the_site_s_path_as_in_output(below, rest):
    """What a page links below the site's path is what output/ holds at the root."""
    path = "/" + rest.lstrip("/")
    assert below_site_path(below + path, below) == path
    if below and not path.startswith((below + "/", below + "?")) and path != below:
        assert below_site_path(path, below) == path  # the root stays served as it is
