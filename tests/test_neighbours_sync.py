"""`invoke sync-neighbours` against feeds served on loopback: RSS, Atom and JSON Feed are
read, every post becomes bounded plain text, and one bad feed (broken, an HTML page, slow,
huge, redirecting off the web) fails alone while the others are written."""

from __future__ import annotations

import datetime
import gzip
import io
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hearth_core.problems import ContentError
from hearth_recommendations.model import Recommendation
from hearth_recommendations.neighbours import (
    SUMMARY_LIMIT,
    TITLE_LIMIT,
    post_problem,
    read_neighbours,
    write_neighbours,
)
from hearth_recommendations.sync import FeedPolicy, parse_posts, run_sync
from tests.sites import build_site, issue, page, write_content

RSS = b"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>Small Batch</title><link>https://smallbatch.example/</link>
<item><title>Older</title><link>https://smallbatch.example/1</link>
<pubDate>Mon, 16 Nov 2026 07:30:00 +0000</pubDate><description>One.</description></item>
<item><title>What a tiny app earned</title><link>https://smallbatch.example/2</link>
<pubDate>Tue, 01 Dec 2026 07:30:00 +0000</pubDate>
<description>&lt;p&gt;Eleven &lt;b&gt;makers&lt;/b&gt;.&lt;/p&gt;</description></item>
<item><title>Oldest</title><link>https://smallbatch.example/0</link>
<pubDate>Mon, 02 Nov 2026 07:30:00 +0000</pubDate></item>
</channel></rss>"""
ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Zine Wire</title><id>urn:x</id>
<updated>2026-11-22T12:00:00Z</updated>
<entry><title>The winter fair calendar</title><id>urn:1</id>
<link href="https://zinewire.example/winter"/><updated>2026-11-22T12:00:00Z</updated>
<summary>Nine fairs.</summary></entry></feed>"""
JSON_FEED = json.dumps(
    {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Weekend Shipping",
        "items": [
            {
                "id": "1",
                "url": "https://weekendshipping.example/two-hours",
                "title": "The two-hour release",
                "date_published": "2026-12-05T10:00:00Z",
                "content_html": "<p>A checklist.</p>",
            }
        ],
    }
).encode()
HOSTILE = (
    b"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>Hostile</title><link>https://hostile.example/</link>
<item><title>&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;
Hi \xe2\x80\xae there</title>
<link>https://hostile.example/1</link>
<description>&lt;script&gt;steal()&lt;/script&gt;&lt;a href="javascript:x"&gt;click&lt;/a&gt; """
    + (b"long " * 400)
    + b"""</description></item>
<item><title>No real link</title><link>javascript:alert(3)</link></item>
<item><title>"""
    + b"T" * 1000
    + b"""</title><link>https://hostile.example/2</link></item>
</channel></rss>"""
)
HTML_PAGE = b"<!doctype html><html><head><title>Not a feed</title></head><body>Hi</body></html>"


class FeedServer(BaseHTTPRequestHandler):
    routes: ClassVar[dict[str, Callable[[BaseHTTPRequestHandler], None]]] = {}

    def do_GET(self) -> None:
        handler = self.routes.get(self.path)
        if handler is None:
            self.send_error(404)
        else:
            handler(self)

    def log_message(self, *args: object) -> None:
        pass


def answer(body: bytes, kind: str = "application/xml", gzipped: bool = False):
    def handle(request: BaseHTTPRequestHandler) -> None:
        data = gzip.compress(body) if gzipped else body
        request.send_response(200)
        request.send_header("Content-Type", kind)
        request.send_header("Content-Length", str(len(data)))
        if gzipped:
            request.send_header("Content-Encoding", "gzip")
        request.end_headers()
        request.wfile.write(data)

    return handle


def slow(request: BaseHTTPRequestHandler) -> None:
    request.send_response(200)
    request.send_header("Content-Type", "application/xml")
    request.end_headers()
    try:
        for _ in range(40):  # a byte now and then: each read is quick, the whole is not
            request.wfile.write(b" ")
            request.wfile.flush()
            time.sleep(0.1)
    except OSError:
        pass


def huge(request: BaseHTTPRequestHandler) -> None:
    request.send_response(200)
    request.send_header("Content-Type", "application/xml")
    request.end_headers()
    try:
        for _ in range(64):
            request.wfile.write(b"<!-- " + b"x" * 65536 + b" -->")
    except OSError:
        pass


def redirect_to(location: str):
    def handle(request: BaseHTTPRequestHandler) -> None:
        request.send_response(302)
        request.send_header("Location", location)
        request.send_header("Content-Length", "0")
        request.end_headers()

    return handle


@contextmanager
def feeds(routes: dict[str, Callable]) -> Iterator[str]:
    handler = type("Routes", (FeedServer,), {"routes": routes})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def site(base: str, name: str, path: str) -> Recommendation:
    return Recommendation(
        url=f"https://{name}.example/",
        title=name,
        description="",
        why="good",
        kind="blog",
        added=datetime.date(2026, 1, 1),
        feed=f"{base}{path}",
        line=1,
    )


POLICY = FeedPolicy(timeout=1.5, max_bytes=1024 * 1024)


def sync(base: str, sites: list[Recommendation], path: Path, count: int = 2):
    out = io.StringIO()
    port = int(base.rsplit(":", 1)[1])
    code = run_sync(sites, path, count, policy=POLICY, out=out, allowed={("127.0.0.1", port)})
    return code, out.getvalue()


GOOD_ROUTES = {
    "/rss": answer(RSS, "application/rss+xml"),
    "/atom": answer(ATOM, "application/atom+xml", gzipped=True),
    "/json": answer(JSON_FEED, "application/feed+json"),
}


def test_sync_neighbours_reads_rss_atom_and_json_feed(tmp_path):
    path = tmp_path / "neighbours.json"
    with feeds(GOOD_ROUTES) as base:
        sites = [
            site(base, "rss", "/rss"),
            site(base, "atom", "/atom"),
            site(base, "json", "/json"),
        ]
        code, out = sync(base, sites, path)
    assert code == 0, out
    found, problems = read_neighbours(path)
    assert problems == []
    rss = found["https://rss.example/"]
    # The newest two, newest first, as plain text.
    assert [(p.title, p.link, p.summary) for p in rss] == [
        ("What a tiny app earned", "https://smallbatch.example/2", "Eleven makers."),
        ("Older", "https://smallbatch.example/1", "One."),
    ]
    assert rss[0].published == datetime.datetime(2026, 12, 1, 7, 30, tzinfo=datetime.UTC)
    assert [p.title for p in found["https://atom.example/"]] == ["The winter fair calendar"]
    assert [(p.title, p.summary) for p in found["https://json.example/"]] == [
        ("The two-hour release", "A checklist.")
    ]


@pytest.mark.parametrize(
    "bad",
    [
        *("broken", "html", "slow", "huge", "missing"),
        *("redirect-loop", "redirect-private", "ftp", "bad-location"),
    ],
)
def test_sync_neighbours_one_bad_feed_fails_alone(tmp_path, bad):
    path = tmp_path / "neighbours.json"
    routes = {
        **GOOD_ROUTES,
        "/broken": answer(b"<rss><channel><item><title>unclosed"),
        "/html": answer(HTML_PAGE, "text/html"),
        "/slow": slow,
        "/huge": huge,
        "/redirect-loop": redirect_to("/redirect-loop"),
        # 10.0.0.1 is private: refused before any connection, so nothing is sent there.
        "/redirect-private": redirect_to("http://10.0.0.1/feed"),
        "/ftp": redirect_to("ftp://files.example/feed.xml"),
        "/bad-location": redirect_to("http://[::1/feed"),
    }
    with feeds(routes) as base:
        sites = [site(base, "rss", "/rss"), site(base, "bad", f"/{bad}")]
        started = time.monotonic()
        code, out = sync(base, sites, path)
        took = time.monotonic() - started
    assert code == 1
    assert took < 10
    failed = [line for line in out.splitlines() if line.startswith("FAILED")]
    assert len(failed) == 1 and failed[0].startswith(f"FAILED bad: {base}/{bad}: "), out
    found = read_neighbours(path)[0]
    assert list(found) == ["https://rss.example/"]


def test_sync_neighbours_keeps_a_failed_feed_s_previous_posts(tmp_path):
    path = tmp_path / "neighbours.json"
    with feeds(GOOD_ROUTES) as base:
        assert sync(base, [site(base, "atom", "/atom")], path)[0] == 0
        before = path.read_text()
        code, out = sync(base, [site(base, "atom", "/gone")], path)
    assert code == 1 and "HTTP 404" in out
    assert path.read_text() == before


def test_sync_neighbours_hostile_html_in_titles_is_plain_bounded_text(tmp_path):
    path = tmp_path / "neighbours.json"
    with feeds({"/hostile": answer(HOSTILE)}) as base:
        code, out = sync(base, [site(base, "hostile", "/hostile")], path, count=5)
    assert code == 0, out
    posts = read_neighbours(path)[0]["https://hostile.example/"]
    # The javascript: link is left out; what is kept is text, bounded, without controls.
    assert [p.link for p in posts] == ["https://hostile.example/1", "https://hostile.example/2"]
    first = posts[0]
    assert "\u202e" not in first.title and "onerror" not in first.title
    assert "steal()" not in first.summary and "href" not in first.summary
    assert len(first.summary) <= SUMMARY_LIMIT and len(posts[1].title) <= TITLE_LIMIT


def test_sync_neighbours_refuses_to_overwrite_a_broken_file(tmp_path):
    path = tmp_path / "neighbours.json"
    path.write_text("{not json")
    with feeds(GOOD_ROUTES) as base, pytest.raises(ContentError) as refused:
        sync(base, [site(base, "rss", "/rss")], path)
    assert "neighbours.json:1: invalid JSON" in str(refused.value)
    assert path.read_text() == "{not json"


def test_sync_neighbours_never_asks_a_private_address_unless_allowed(tmp_path):
    path = tmp_path / "neighbours.json"
    with feeds(GOOD_ROUTES) as base:
        out = io.StringIO()
        code = run_sync([site(base, "rss", "/rss")], path, 2, policy=POLICY, out=out)
    assert code == 1 and "is not a public address" in out.getvalue()


def test_home_page_shows_from_our_neighbours_from_the_synced_file(tmp_path):
    with feeds(GOOD_ROUTES) as base:
        sites = [site(base, "rss", "/rss")]
        recommendations = (
            "- url: https://rss.example/\n  title: Small Batch\n  feed: "
            f"{base}/rss\n  why: Honest.\n  kind: newsletter\n  added: 2026-01-01\n"
        )
        number, text = issue(1, "First", "2026-11-01")
        content = write_content(tmp_path, {"recommendations.yml": recommendations, number: text})
        assert sync(base, sites, content / "neighbours.json")[0] == 0
    output = build_site(content, tmp_path / "output")
    section = page(output, "/").css_first("section.neighbours")
    assert section is not None
    assert [a.text() for a in section.css("h3 a")] == ["What a tiny app earned", "Older"]
    assert "From Small Batch" in section.text()


def test_a_hand_edited_neighbours_file_with_a_bad_post_reports_its_line(tmp_path):
    number, text = issue(1, "First", "2026-11-01")
    bad = {"sites": {"https://a.example/": [{"title": "x", "link": "javascript:1"}]}}
    content = write_content(tmp_path, {number: text, "neighbours.json": json.dumps(bad, indent=2)})
    with pytest.raises(ContentError) as refused:
        build_site(content, tmp_path / "output")
    assert "neighbours.json:3: sites['https://a.example/']: post 0: link" in str(refused.value)


@settings(max_examples=300, deadline=None)
@given(
    title=st.text(max_size=600),
    summary=st.text(max_size=2000),
    link=st.one_of(st.text(max_size=80), st.just("https://ok.example/post")),
)
def test_whatever_a_feed_says_sync_keeps_only_what_a_build_accepts(title, summary, link):
    """Any title, summary and link from a feed: a post is left out, or is bounded plain
    text with a checked link that reads back from the neighbours file unchanged."""
    posts = parse_posts(json_feed_of(title, summary, link), "https://feed.example/", 3)
    for post in posts:
        assert post_problem(post) == ""
        assert "\n" not in post.title + post.summary
        assert len(post.title) <= TITLE_LIMIT and len(post.summary) <= SUMMARY_LIMIT
        assert "<" not in post.summary or "<" in summary or "&lt" in summary


def json_feed_of(title: str, summary: str, link: str) -> bytes:
    item = {"id": "1", "url": link, "title": title, "summary": summary}
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "items": [item]}).encode()


def test_posts_read_back_from_the_file_as_they_were_written(tmp_path):
    post = parse_posts(
        json_feed_of("A <b>bold</b> &amp; title", "x", "https://a.example/1"),
        "https://feed.example/",
        1,
    )
    assert [p.title for p in post] == ["A bold & title"]
    path = tmp_path / "neighbours.json"
    write_neighbours(path, {"https://a.example/": post})
    assert read_neighbours(path) == ({"https://a.example/": tuple(post)}, [])
