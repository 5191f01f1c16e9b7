"""Red team: `invoke import-archive` given hostile exports and feeds.

Each test is named after the attack. Whatever the export holds, the import either
writes issues that `invoke check` accepts, or names the file (and the post) and what
to do: never a traceback, never a file outside content/, never a non-image as an image.
"""

from __future__ import annotations

import gzip
import html
import http.server
import json
import os
import re
import time
import zipfile
from pathlib import Path
from typing import ClassVar

import pytest
from bs4 import BeautifulSoup

from hearth_import.fetch import Fetcher, FetchFailed
from hearth_import.model import Archive, ImportFailed
from hearth_import.sources import read_archive
from tests.import_images import PNG, image_hosts
from tests.sites import invoke, serving

FETCHER = Fetcher(max_bytes=1024 * 1024, timeout=2.0)
OLD_URL = "https://ghost.example.com"
POST = {
    "id": "1",
    "slug": "a-post",
    "title": "A post",
    "status": "published",
    "published_at": "2023-01-01T00:00:00Z",
    "html": "<p>Hello.</p>",
}


def ghost_export(path: Path, posts: list, **data) -> Path:
    path.write_text(json.dumps({"db": [{"data": {"posts": posts, **data}}]}))
    return path


def read(source: Path, fmt: str = "") -> Archive:
    return read_archive(str(source), fmt or "ghost", FETCHER, OLD_URL)


def test_ghost_export_nested_100000_deep_is_named_not_a_recursion_error(tmp_path):
    export = tmp_path / "deep.json"
    export.write_text('{"db": [{"data": {"posts": ' + "[" * 100_000 + "]" * 100_000 + "}}]}")
    with pytest.raises(ImportFailed, match=r"deep\.json: is not JSON Hearth reads \(nested"):
        read(export)


@pytest.mark.parametrize(
    "data",
    [
        {"tags": 5},
        {"posts_tags": 5},
        {"tags": "text", "posts_tags": {"a": 1}},
        {
            "tags": [{"id": "t", "name": "Zines"}],
            "posts_tags": [{"post_id": "1", "tag_id": "t", "sort_order": "first"}],
        },
        {
            "tags": [{"id": "t", "name": "Zines"}],
            "posts_tags": [{"post_id": "1", "tag_id": "t", "sort_order": [1]}],
        },
    ],
    ids=["tags-a-number", "posts-tags-a-number", "tags-text", "sort-order-text", "sort-order-list"],
)
def test_ghost_export_tags_of_the_wrong_type_are_no_tags_not_a_crash(tmp_path, data):
    archive = read(ghost_export(tmp_path / "tags.json", [POST], **data))
    assert archive.problems == []
    assert [post.slug for post in archive.posts] == ["a-post"]


@pytest.mark.parametrize(
    "published_at", [10**20, -(10**20), 1e308, True], ids=["huge", "negative", "float", "bool"]
)
def test_ghost_export_date_past_any_clock_names_the_post(tmp_path, published_at):
    archive = read(ghost_export(tmp_path / "dates.json", [{**POST, "published_at": published_at}]))
    assert archive.posts == []
    [message] = archive.problems
    assert 'dates.json: post a-post "A post": its published_at' in message
    assert "is not a date" in message


def test_ghost_export_lexical_nested_100000_deep_names_the_post(tmp_path):
    lexical = '{"root": ' + '{"type": "paragraph", "children": [' * 50_000 + "]}" * 50_000 + "}"
    post = {**POST, "html": "", "lexical": lexical}
    archive = read(ghost_export(tmp_path / "lexical.json", [post]))
    assert archive.posts == []
    [message] = archive.problems
    assert 'post a-post "A post": its lexical cannot be read (nested' in message


@pytest.mark.parametrize(
    "slug", [{"a": 1}, ["a"], 7, "  "], ids=["object", "list", "number", "blank"]
)
def test_ghost_export_slug_that_is_not_text_names_the_post(tmp_path, slug):
    archive = read(ghost_export(tmp_path / "slugs.json", [{**POST, "slug": slug}]))
    assert archive.posts == []
    [message] = archive.problems
    assert "it has no slug" in message


def test_hostile_ghost_export_through_invoke_prints_no_traceback(project, tmp_path):
    export = tmp_path / "hostile.json"
    export.write_text('{"db": [{"data": {"posts": ' + "[" * 100_000 + "]" * 100_000 + "}}]}")
    result = invoke(project, "import-archive", str(export), "--old-url", OLD_URL)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "hostile.json: is not JSON Hearth reads" in result.stderr


RSS_WITH_BAD_LINK = """<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
<link>{channel}</link><item><title>A post</title><link>{item}</link>
<pubDate>Mon, 02 Jan 2023 10:00:00 +0000</pubDate><description>Hello.</description></item>
</channel></rss>"""


@pytest.mark.parametrize("where", ["channel", "item"])
def test_feed_link_no_parser_reads_names_the_post_not_a_traceback(tmp_path, where):
    links = {"channel": "https://blog.example.com/", "item": "https://blog.example.com/p/a"}
    links[where] = "http://[x/a"
    feed = tmp_path / "feed.rss"
    feed.write_text(RSS_WITH_BAD_LINK.format(**links))
    archive = read(feed, "feed")
    assert archive.hosts <= {"blog.example.com"}
    if where == "item":
        [message] = archive.problems
        assert 'feed.rss: entry 1 "A post": ' in message
    else:
        assert [post.title for post in archive.posts] == ["A post"]


WXR = """<?xml version="1.0"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>t</title><link>{channel}</link>
<item><title>A post</title><link>{item}</link><pubDate>Mon, 02 Jan 2023 10:00:00 +0000</pubDate>
<wp:post_type>post</wp:post_type><wp:status>publish</wp:status><wp:post_name>a</wp:post_name>
<content:encoded><![CDATA[<p>Hello.</p>]]></content:encoded></item></channel></rss>"""


@pytest.mark.parametrize("where", ["channel", "item"])
def test_wordpress_link_no_parser_reads_names_the_post_not_a_traceback(tmp_path, where):
    links = {"channel": "https://blog.example.com/", "item": "https://blog.example.com/a/"}
    links[where] = "http://[x/a"
    export = tmp_path / "wordpress.xml"
    export.write_text(WXR.format(**links))
    archive = read(export, "wordpress")
    assert archive.hosts <= {"blog.example.com"}
    if where == "item":
        [message] = archive.problems
        assert 'wordpress.xml: post a "A post": ' in message
    else:
        assert [post.title for post in archive.posts] == ["A post"]


POSTS_CSV = "post_id,post_date,is_published,title\n{post_id},2023-01-05T14:00:00Z,true,A post\n"


def substack_folder(root: Path, post_id: str) -> Path:
    export = root / "export"
    (export / "posts").mkdir(parents=True)
    (export / "posts.csv").write_text(POSTS_CSV.format(post_id=post_id))
    return export


def test_substack_post_id_with_dot_dot_reads_no_file_outside_the_export(tmp_path):
    secret = tmp_path / "secret.html"
    secret.write_text("<p>the author's private notes</p>")
    export = substack_folder(tmp_path, "1.x/../../../secret")
    (export / "posts/1.x").mkdir()  # so that the path resolves through it
    archive = read(export, "substack")
    assert archive.posts == []
    [message] = archive.problems
    assert "is outside the export's folder" in message


def test_substack_post_that_is_a_link_out_of_the_export_is_not_read(tmp_path):
    secret = tmp_path / "id_rsa"
    secret.write_text("-----BEGIN PRIVATE KEY-----")
    export = substack_folder(tmp_path, "1.hello")
    (export / "posts/1.hello.html").symlink_to(secret)
    archive = read(export, "substack")
    assert archive.posts == []
    [message] = archive.problems
    assert "posts/1.hello.html is outside the export's folder" in message


def test_substack_posts_csv_that_is_a_link_out_of_the_export_is_named(tmp_path):
    elsewhere = tmp_path / "elsewhere.csv"
    elsewhere.write_text(POSTS_CSV.format(post_id="1.hello"))
    export = tmp_path / "export"
    export.mkdir()
    (export / "posts.csv").symlink_to(elsewhere)
    with pytest.raises(ImportFailed, match=r"export: posts\.csv is outside the export's folder"):
        read(export, "substack")


@pytest.mark.parametrize(
    "published_at",
    ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:00-05:00", "1900-01-01T00:00:00Z"],
    ids=["year-1", "year-9999", "1900"],
)
def test_post_dated_outside_what_check_accepts_is_named_and_the_rest_imported(
    project, tmp_path, published_at
):
    posts = [{**POST, "slug": "far", "published_at": published_at}, POST]
    export = ghost_export(tmp_path / "dates.json", posts)
    result = invoke(project, "import-archive", str(export), "--old-url", OLD_URL)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert 'dates.json: post far "A post": its date ' in result.stderr
    assert "is outside the dates Hearth accepts (1970 to 2999)" in result.stderr
    written = [p.name for p in (project / "content/issues").glob("*-a-post.md")]
    assert len(written) == 1 and not list((project / "content/issues").glob("*-far.md"))
    check = invoke(project, "check")
    assert check.returncode == 0, check.stdout + check.stderr


@pytest.mark.parametrize(
    "text",
    [
        '{"imported": {"ghost:/a/": {"issue": 16, "old_path": "/a/"}}}',
        '{"imported": {"ghost:/a/": {"issue": "0016-a.md", "old_path": null}}}',
        '{"imported": ' + "[" * 100_000 + "]" * 100_000 + "}",
        '{"imported": {"ghost:/a/": {"issue": "0016-a.md", "old_',
    ],
    ids=["issue-a-number", "old-path-null", "nested-100000-deep", "truncated"],
)
def test_import_record_edited_badly_by_hand_says_restore_it(tmp_path, text):
    from hearth_import.importer import read_state

    record = tmp_path / "imported.json"
    record.write_text(text)
    with pytest.raises(ImportFailed, match="is not the import record Hearth writes"):
        read_state(record)


class _HostileImages(http.server.BaseHTTPRequestHandler):
    """Images that are not images: each path answers as its name says."""

    ANSWERS: ClassVar[dict[str, tuple[bytes, str]]] = {
        "/cdn.example/page.png": (b"<!doctype html><script>alert(1)</script>", "image/png"),
        "/cdn.example/vector.png": (b'<svg xmlns="http://www.w3.org/2000/svg"/>', "image/png"),
        "/cdn.example/odd.png": (b"\x00" * 64, "image/pngx"),
        "/cdn.example/mislabelled.jpg": (PNG, "image/jpeg"),
    }

    def do_GET(self) -> None:
        body, kind = self.ANSWERS[self.path]
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_images_that_are_not_images_stay_links_and_are_never_saved(project, tmp_path, monkeypatch):
    images = "".join(
        f'<p><img src="https://cdn.example/{name}" alt="{name}"></p>'
        for name in ("page.png", "vector.png", "odd.png", "mislabelled.jpg")
    )
    feed = tmp_path / "feed.rss"
    feed.write_text(
        RSS_WITH_BAD_LINK.format(
            channel="https://blog.example.com/", item="https://blog.example.com/p/a"
        ).replace(
            "<description>Hello.</description>", f"<description><![CDATA[{images}]]></description>"
        )
    )
    before = set((project / "content/images").rglob("*"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _HostileImages)
    with serving(server) as base:
        monkeypatch.setenv("HEARTH_IMPORT_FETCH_VIA", base)
        result = invoke(project, "import-archive", str(feed))
    assert result.returncode == 0, result.stdout + result.stderr
    after = set((project / "content/images").rglob("*")) - before
    saved = sorted(p.name for p in after if p.is_file())
    # The PNG sent as a JPEG is kept, named for what it is; nothing else is saved.
    assert saved == ["mislabelled.png"]
    for name in ("page.png", "vector.png"):
        assert (
            f"image: https://cdn.example/{name} could not be fetched (it is not an image"
            in result.stdout
        )
    assert "https://cdn.example/odd.png could not be fetched" in result.stdout
    check = invoke(project, "check")
    assert check.returncode == 0, check.stdout + check.stderr


def _redirect(location: str):
    def handle(request: http.server.BaseHTTPRequestHandler) -> None:
        request.send_response(302)
        request.send_header("Location", location)
        request.send_header("Content-Length", "0")
        request.end_headers()

    return handle


def _slow(request: http.server.BaseHTTPRequestHandler) -> None:
    request.send_response(200)
    request.send_header("Content-Type", "image/png")
    request.end_headers()
    try:
        for _ in range(100):  # a byte now and then: each read is quick, the whole is not
            request.wfile.write(b"\x89")
            request.wfile.flush()
            time.sleep(0.1)
    except OSError:
        pass


def _huge(request: http.server.BaseHTTPRequestHandler) -> None:
    request.send_response(200)
    request.send_header("Content-Type", "image/png")
    request.end_headers()
    try:
        for _ in range(64):
            request.wfile.write(b"\x00" * 65536)
    except OSError:
        pass


def _gzip_bomb(request: http.server.BaseHTTPRequestHandler) -> None:
    body = gzip.compress(b"\x00" * (64 * 1024 * 1024))
    request.send_response(200)
    request.send_header("Content-Type", "image/png")
    request.send_header("Content-Encoding", "gzip")
    request.send_header("Content-Length", str(len(body)))
    request.end_headers()
    request.wfile.write(body)


class _HostileHost(http.server.BaseHTTPRequestHandler):
    ROUTES: ClassVar[dict] = {
        "/cdn.example/private.png": _redirect("http://10.0.0.1/a.png"),
        "/cdn.example/loopback.png": _redirect("http://127.0.0.1:9/a.png"),
        "/cdn.example/metadata.png": _redirect("http://169.254.169.254/latest/meta-data/"),
        "/cdn.example/ftp.png": _redirect("ftp://files.example/a.png"),
        "/cdn.example/bad-location.png": _redirect("http://[::1/a.png"),
        "/cdn.example/loop.png": _redirect("/cdn.example/loop.png"),
        "/cdn.example/slow.png": _slow,
        "/cdn.example/huge.png": _huge,
        "/cdn.example/bomb.png": _gzip_bomb,
    }

    def do_GET(self) -> None:
        self.ROUTES[self.path](self)

    def log_message(self, *args: object) -> None:
        pass


@pytest.mark.parametrize("name", [path.rsplit("/", 1)[1] for path in _HostileHost.ROUTES])
def test_image_host_that_redirects_stalls_or_floods_fails_that_image_alone(name):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _HostileHost)
    server.daemon_threads = True
    with serving(server) as base:
        fetcher = Fetcher(max_bytes=1024 * 1024, timeout=1.5, via=base)
        started = time.monotonic()
        with pytest.raises(FetchFailed) as failed:
            fetcher.get(f"https://cdn.example/{name}", ("image/png",))
        took = time.monotonic() - started
    assert took < 5
    reason = str(failed.value)
    assert reason and "\n" not in reason
    if name in ("private.png", "loopback.png", "metadata.png"):
        assert "is not a public address" in reason


ENTITY_ATTACKS = {
    "billion-laughs": (
        '<!ENTITY a "lollollol">'
        + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9)),
        "&j;",
    ),
    "quadratic-blowup": (f'<!ENTITY a "{"x" * 100_000}">', "&a;" * 20_000),
    "external-entity": ('<!ENTITY a SYSTEM "file:///etc/passwd">', "&a;"),
}


@pytest.mark.parametrize("attack", ENTITY_ATTACKS)
def test_wordpress_export_with_an_entity_attack_is_refused_by_name_at_once(tmp_path, attack):
    declarations, use = ENTITY_ATTACKS[attack]
    export = tmp_path / "wordpress.xml"
    text = WXR.format(channel="https://blog.example.com/", item="https://blog.example.com/a/")
    export.write_text(
        text.replace(
            '<?xml version="1.0"?>\n', f'<?xml version="1.0"?>\n<!DOCTYPE rss [{declarations}]>\n'
        )
        .replace("<p>Hello.</p>", "")
        .replace("<![CDATA[]]>", use)
    )
    started = time.monotonic()
    with pytest.raises(ImportFailed, match=r"wordpress\.xml: is not well-formed XML"):
        read(export, "wordpress")
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("attack", ENTITY_ATTACKS)
def test_feed_with_an_entity_attack_imports_no_entity_text(tmp_path, attack):
    declarations, use = ENTITY_ATTACKS[attack]
    feed = tmp_path / "feed.rss"
    text = RSS_WITH_BAD_LINK.format(channel="https://b.example/", item="https://b.example/p/a")
    feed.write_text(
        text.replace(
            '<?xml version="1.0"?>', f'<?xml version="1.0"?><!DOCTYPE rss [{declarations}]>'
        ).replace("<title>A post</title>", f"<title>{use}</title>")
    )
    started = time.monotonic()
    archive = read(feed, "feed")
    assert time.monotonic() - started < 5
    for post in archive.posts:
        # Never expanded: the entity stays as written, or is dropped.
        assert "lollollol" * 10 not in post.title and "x" * 1000 not in post.title
        assert "root:" not in post.title + post.html


def test_post_whose_issue_check_would_refuse_is_named_and_never_written(project, tmp_path):
    tags = [{"id": f"t{i}", "name": f"topic number {i}"} for i in range(60)]
    links = [{"post_id": "2", "tag_id": f"t{i}", "sort_order": i} for i in range(60)]
    posts = [
        {**POST, "id": "1", "slug": "long-title", "title": "T" * 100_000},
        {**POST, "id": "2", "slug": "many-tags", "title": "Many tags"},
        {**POST, "id": "3", "slug": "huge-body", "html": "<p>" + "word " * 900_000 + "</p>"},
        {
            **POST,
            "id": "4",
            "slug": "fine",
            "html": '<p><a href="__GHOST_URL__/long-title/">See</a></p>',
        },
    ]
    export = ghost_export(tmp_path / "big.json", posts, tags=tags, posts_tags=links)
    result = invoke(project, "import-archive", str(export), "--old-url", OLD_URL)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    said = result.stderr
    assert "post long-title" in said and "(Title: is 100000 characters long" in said
    assert 'post many-tags "Many tags": cannot be converted (its issue would not pass' in said
    assert "post huge-body" in said and "over the limit of 4096 KiB" in said
    issues = project / "content/issues"
    assert [p.name.split("-", 1)[1] for p in issues.glob("*.md") if "fine" in p.name] == ["fine.md"]
    for slug in ("long-title", "many-tags", "huge-body"):
        assert not list(issues.glob(f"*-{slug}.md"))
    # The link to the post that was refused stays a link to its old address.
    fine = next(issues.glob("*-fine.md")).read_text()
    assert "{filename}" not in fine and "ghost.example.com/long-title/" in fine
    check = invoke(project, "check")
    assert check.returncode == 0, check.stdout + check.stderr


JSON_FEED = {
    "version": "https://jsonfeed.org/version/1.1",
    "title": "Weekend Shipping",
    "home_page_url": "https://weekendshipping.example/",
    "items": [
        {
            "id": "https://weekendshipping.example/two-hours",
            "url": "https://weekendshipping.example/two-hours",
            "title": "The two-hour release",
            "date_published": "2023-02-05T10:00:00+01:00",
            "summary": "A checklist.",
            "content_html": '<p>Ship it. <img src="https://cdn.example/desk.png" alt="A desk"></p>'
            '<p>See <a href="/three-hours">the next one</a>.</p>',
            "tags": ["Shipping", 7],
        },
        {
            "id": 2,
            "url": "https://weekendshipping.example/three-hours",
            "title": "Three hours",
            "date_published": "2023-02-12T10:00:00Z",
            "content_text": "Plain text <script>alert(1)</script>.\n\nTwo paragraphs.",
        },
        "not an item",
        {"id": ["x"], "url": 5, "title": {"a": 1}, "content_html": 7, "tags": "x"},
    ],
}


def test_import_json_feed_passes_check(project, tmp_path, monkeypatch):
    """JSON Feed is one of the formats the import promises (docs/import.md); feedparser
    6.0 reads none, and every JSON Feed was refused as "not a feed"."""
    feed = tmp_path / "feed.json"
    feed.write_text(json.dumps(JSON_FEED))
    with image_hosts() as (base, requests):
        monkeypatch.setenv("HEARTH_IMPORT_FETCH_VIA", base)
        result = invoke(project, "import-archive", str(feed))
    # The item with nothing of the right type has neither a link nor an id: named.
    assert result.returncode == 1, result.stdout + result.stderr
    assert "feed.json: entry 3: it has neither a link nor an id" in result.stderr
    assert "Traceback" not in result.stderr
    assert requests == ["/cdn.example/desk.png"]
    issues = project / "content/issues"
    first = next(issues.glob("*-two-hours.md")).read_text()
    assert first.startswith(
        "Title: The two-hour release\nDate: 2023-02-05 10:00+01:00\nSummary: A checklist.\n"
        "Tags: shipping\n"
    )
    assert "![A desk](/images/" in first and "{filename}/issues/" in first
    second = next(issues.glob("*-three-hours.md")).read_text()
    assert "Plain text &lt;script>alert(1)&lt;/script>." in second
    check = invoke(project, "check")
    assert check.returncode == 0, check.stdout + check.stderr


@pytest.mark.parametrize(
    "text",
    ['{"version": "https://jsonfeed.org/version/1.1", "items": 5}', '{"items": []}', "{" * 300],
    ids=["items-a-number", "no-version", "nested-300-deep"],
)
def test_json_feed_of_the_wrong_shape_is_named(tmp_path, text):
    feed = tmp_path / "feed.json"
    feed.write_text(text)
    try:
        archive = read(feed, "feed")
    except ImportFailed as failed:
        assert "feed.json: is" in str(failed)
    else:
        assert archive.posts == [] and archive.problems == []


def test_an_old_path_with_a_splat_a_placeholder_or_well_known_adds_no_redirect_rule(
    project, tmp_path
):
    """The import's rules come first in the site's one _redirects file, and its first
    match wins: "/* /issues/16/ 301" would send every missing page to one issue, and a
    rule for /.well-known/webfinger would hide Bridgy Fed's."""
    items = "".join(
        f"<item><title>Post {index}</title><link>https://blog.example.com{path}</link>"
        "<pubDate>Mon, 02 Jan 2023 10:00:00 +0000</pubDate><description>Hi.</description></item>"
        for index, path in enumerate(
            ["/*", "/:slug/", "/.well-known/webfinger", "/", "/a/*/b", "/p/fine"]
        )
    )
    feed = tmp_path / "feed.rss"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        f"<link>https://blog.example.com/</link>{items}</channel></rss>"
    )
    result = invoke(project, "import-archive", str(feed))
    assert result.returncode == 0, result.stdout + result.stderr
    rules = (project / "content/extra/redirects").read_text().splitlines()[1:]
    assert len(rules) == 1 and rules[0].startswith("/p/fine /issues/")


ESCAPES = "\x1b]0;pwned\x07 \x1b[31mred\x1b[0m \x1b[2J \u202egnp.exe"


def test_escape_sequences_in_an_export_never_reach_the_terminal(project, tmp_path):
    """A title or slug is quoted in the problems the import prints: an escape sequence
    there would be the terminal's to run (set its title, clear the screen, recolour)."""
    posts = [
        {**POST, "slug": f"x{ESCAPES}", "title": f"Red {ESCAPES}", "published_at": None},
        {**POST, "id": "2", "slug": "fine", "title": f"Fine {ESCAPES}"},
    ]
    export = ghost_export(tmp_path / "escapes.json", posts)
    result = invoke(project, "import-archive", str(export), "--old-url", OLD_URL)
    assert result.returncode == 1
    said = result.stdout + result.stderr
    assert "it has no date" in said
    for character in ("\x1b", "\x07", "\u202e"):
        assert character not in said
    check = invoke(project, "check")
    assert check.returncode == 0, check.stdout + check.stderr


# Each written as a feed's post would carry it; the import either writes it inert or
# refuses the post by name (the last guard), and the built page runs none of them.
XSS_VECTORS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<a href="jav&#x09;ascript:alert(1)">a</a>',
    '<a href="&#106;avascript:alert(1)">b</a>',
    '<a href=" javascript:alert(1)">c</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">d</a>',
    '<a href="vbscript:msgbox(1)">e</a>',
    "<details open ontoggle=alert(1)>x</details>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<p style="background:url(javascript:alert(1))">s</p>',
    '<object data="x.swf"></object>',
    '<embed src="x.swf">',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<link rel=stylesheet href="https://evil.example/x.css">',
    "<code>`</code><img src=x onerror=alert(2)><code>`</code>",
    "<code>``</code>[x](javascript:alert(3))",
    "<pre><code>&lt;/code&gt;&lt;script&gt;alert(4)&lt;/script&gt;</code></pre>",
    "<p>[link](javascript:alert(5)) ![i](javascript:alert(6))"
    " &lt;script&gt;alert(7)&lt;/script&gt;</p>",
    "<p>&lt;img src=x onerror=alert(8)&gt;</p>",
    '<p>{: onclick="alert(9)" }</p>',
    "<p>text<br/>{: .x onmouseover=alert(10)}</p>",
    '<a href="https://ok.example/" onclick="alert(11)">ok</a>',
    '<img src="https://cdn.example/x.png" alt="x" onerror="alert(12)">',
    '<a href="https://ok.example/&quot; onclick=&quot;alert(13)">q</a>',
    '<a href="https://ok.example/)](javascript:alert(14))">p</a>',
    '<p>*<a href="javascript:alert(15)">x</a>*</p>',
    "<table><tr><td onclick=alert(16)>t</td></tr></table>",
    "<h1 onclick=alert(17)>h</h1>",
    '<blockquote cite="javascript:alert(18)">q</blockquote>',
    '<video poster="javascript:alert(19)"></video>',
    "<p>&lt;/p&gt;&lt;script&gt;alert(20)&lt;/script&gt;</p>",
    "<p>[x][1]</p><p>[1]: javascript:alert(21)</p>",
    "<p>&lt;javascript:alert(22)&gt; &lt;https://ok.example/&gt;</p>",
    "<p>`<img src=x onerror=alert(23)>`</p>",
    '<a href="https://ok.example/`onclick=alert(24)`">r</a>',
    "<p>:::x onclick=alert(25)</p>",
    "<p>[^1]</p><p>[^1]: <script>alert(26)</script></p>",
    "<p>&#x3C;script&#x3E;alert(27)&#x3C;/script&#x3E;</p>",
    "<p>***</p><p>&lt;!-- --&gt;&lt;script&gt;alert(28)&lt;/script&gt;</p>",
    "<p>    &lt;script&gt;alert(29)</p>",
    "<ul><li>a<ul><li>&lt;script&gt;alert(30)&lt;/script&gt;</li></ul></li></ul>",
]


EXECUTABLE_TAGS = {"script", "iframe", "object", "embed", "form", "base", "meta", "link", "style"}
SCRIPT_SCHEME = re.compile(r"\s*(?:javascript|vbscript|data):", re.IGNORECASE)


def test_script_vectors_in_a_feed_never_run_on_the_built_pages(project, tmp_path, monkeypatch):
    items = "".join(
        f"<item><title>Vector {index}</title><link>https://blog.example.com/v{index}</link>"
        "<pubDate>Mon, 02 Jan 2023 10:00:00 +0000</pubDate>"
        f"<description>{html.escape(vector)}</description></item>"
        for index, vector in enumerate(XSS_VECTORS)
    )
    feed = tmp_path / "vectors.rss"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        f"<link>https://blog.example.com/</link>{items}</channel></rss>"
    )
    monkeypatch.setenv("HEARTH_IMPORT_FETCH_VIA", "http://127.0.0.1:9")  # no image host
    result = invoke(project, "import-archive", str(feed))
    assert "Traceback" not in result.stderr
    refused = result.stderr.count("cannot be converted (its page would carry")
    assert result.stdout.count("content/issues/") - 1 + refused >= len(XSS_VECTORS) - 1
    assert invoke(project, "check").returncode == 0
    built = invoke(project, "build")
    assert built.returncode == 0, built.stdout + built.stderr
    pages = [
        page
        for page in (project / "output/issues").glob("*/index.html")
        if int(page.parent.name) > 15
    ]
    assert len(pages) >= len(XSS_VECTORS) - refused
    for page in pages:
        article = BeautifulSoup(page.read_text(), "html.parser").find("article")
        for tag in article.find_all(True):
            assert tag.name not in EXECUTABLE_TAGS, (page, str(tag)[:80])
            for name, value in tag.attrs.items():
                text = " ".join(value) if isinstance(value, list) else str(value)
                assert not name.startswith("on") and name != "style", (page, str(tag)[:80])
                if name in ("href", "src", "action", "poster", "data", "formaction"):
                    assert not SCRIPT_SCHEME.match(text), (page, str(tag)[:80])


@pytest.mark.parametrize("fmt", ["", "ghost", "feed", "wordpress", "substack"])
def test_a_pipe_given_as_the_export_is_refused_not_waited_on(project, tmp_path, fmt):
    """A typo naming a FIFO, /dev/stdin or /dev/zero was read without end (or waited
    for a writer for ever): only a file or a folder is read."""
    pipe = tmp_path / "export.json"
    os.mkfifo(pipe)
    given = ["--format", fmt] if fmt else []
    result = invoke(project, "import-archive", str(pipe), *given, "--old-url", OLD_URL, timeout=60)
    assert result.returncode == 1
    assert "export.json: is not a file or a folder (a device or a pipe)" in result.stderr
    assert "Traceback" not in result.stderr


def test_ghost_markdown_card_of_lists_nested_thousands_deep_names_the_post(tmp_path):
    lexical = {"root": {"children": [{"type": "markdown", "markdown": "- " * 3000 + "deep"}]}}
    post = {**POST, "html": "", "lexical": json.dumps(lexical)}
    archive = read(ghost_export(tmp_path / "cards.json", [post, {**POST, "slug": "b"}]))
    assert [p.slug for p in archive.posts] == ["b"]
    [message] = archive.problems
    assert 'cards.json: post a-post "A post": its lexical nests too deep to be read' in message


def test_wordpress_post_of_caption_openers_without_closers_imports_at_once(tmp_path):
    """Every [caption without a [/caption] after it scanned the rest of the post: 8,000
    of them (112 KB) took 40 seconds, a megabyte most of an hour."""
    content = "[caption]<img>" * 8_000 + "[caption]<img src='https://a.example/x.png'> Ok[/caption]"
    export = tmp_path / "wordpress.xml"
    text = WXR.format(channel="https://blog.example.com/", item="https://blog.example.com/a/")
    export.write_text(text.replace("<p>Hello.</p>", content))
    started = time.monotonic()
    [post] = read(export, "wordpress").posts
    assert time.monotonic() - started < 5
    assert "<figure><img src='https://a.example/x.png'><figcaption>Ok</figcaption></figure>" in (
        post.html
    )


def test_substack_zip_whose_posts_csv_is_over_the_limit_is_named(tmp_path):
    export = tmp_path / "export.zip"
    with zipfile.ZipFile(export, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("posts.csv", "post_id\n" + "1.a\n" * (6 * 1024 * 1024))
    with pytest.raises(ImportFailed, match=r"export\.zip: posts\.csv is larger than 20 MiB"):
        read(export, "substack")
