"""`invoke import-archive`: a Substack, Ghost, WordPress or feed archive becomes numbered
issues that pass `invoke check`, with their images on the site; importing again changes
nothing."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from hearth_site.gates import html_errors, outside_requests
from tests.conftest import missing
from tests.import_images import image_hosts
from tests.sites import ROOT, build_site, invoke

DATA = ROOT / "tests/data/import"
SAMPLES = {
    "substack": DATA / "substack-export.zip",
    "ghost": DATA / "ghost-export.json",
    "wordpress": DATA / "wordpress-export.xml",
    "feed": DATA / "feed.rss",
}
DEMO_ISSUES = max(int(p.name[:4]) for p in (ROOT / "content/issues").glob("*.md"))
FIRST = f"{DEMO_ISSUES + 1:04d}"
FIRST_URL = f"/issues/{DEMO_ISSUES + 1}/"


@pytest.fixture
def images(monkeypatch):
    with image_hosts() as (url, requests):
        monkeypatch.setenv("HEARTH_IMPORT_FETCH_VIA", url)
        yield requests


def files(folder: Path) -> dict[str, bytes]:
    """The project's files, without what Python and the build cache write for themselves
    (a run on a machine that writes bytecode adds __pycache__ folders)."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
        and "__pycache__" not in p.parts
        and p.relative_to(folder).parts[0] != "cache"
    }


def imported(project: Path) -> list[Path]:
    return sorted(
        p for p in (project / "content/issues").glob("*.md") if int(p.name[:4]) > DEMO_ISSUES
    )


def run_import(project: Path, source: Path | str, *args: str):
    return invoke(project, "import-archive", str(source), *args)


def check_passes(project: Path) -> None:
    result = invoke(project, "check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() in ("No problems found.", "No problems found outside drafts.")


def assert_imported(project: Path, result, count: int) -> list[Path]:
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    written = imported(project)
    assert len(written) == count, result.stdout
    assert written[0].name.startswith(f"{DEMO_ISSUES + 1:04d}-")
    check_passes(project)
    for path in written:
        text = path.read_text()
        assert "http" not in "".join(line for line in text.splitlines() if "![" in line), path
    return written


def test_import_substack_archive_passes_check(project, images):
    result = run_import(project, SAMPLES["substack"])
    written = assert_imported(project, result, 12)
    first = written[0].read_text()
    assert first.startswith(
        "Title: Hello from the workbench\nDate: 2023-01-05 14:00+00:00\n"
        "Summary: Small things, week 1\nCommunity: none\n\n"
    )
    assert f"![A bench with tools, note 1](/images/{FIRST}/bench-1-1456x816.png)" in first
    assert (project / f"content/images/{FIRST}/bench-1-1456x816.png").is_file()
    draft = written[-1].read_text()
    assert "Status: draft" in draft
    later = written[2].read_text()
    assert f"[first note]({{filename}}/issues/{FIRST}-hello-from-the-workbench.md)" in later
    assert "subscribe" not in later.lower() and "Share" not in later
    assert "[A tool I like](https://example.org/tools?id=7)" in later
    assert "[Order the zine](https://zines.example.org/order)" in later
    assert "eotrx" not in later
    redirects = (project / "content/extra/redirects").read_text()
    assert f"/p/hello-from-the-workbench {FIRST_URL} 301" in redirects


def test_import_ghost_archive_passes_check(project, images):
    result = run_import(project, SAMPLES["ghost"], "--old-url", "https://ghost.example.com")
    written = assert_imported(project, result, 12)
    first = written[0].read_text()
    assert (
        "Tags: zines\n" in first
    )  # the demo's spelling of Ghost's "Zines" and "#internal" not in first
    assert "Summary: Excerpt 1" in first
    assert (
        f"[the first post]({{filename}}/issues/{FIRST}-ghost-post-1.md)" in written[1].read_text()
    )
    lexical = next(p for p in written if "ghost-post-9" in p.name).read_text()
    assert (
        "![Lexical image 9](/images/" in lexical
        and "[An essay](https://example.org/essay)" in lexical
    )
    mobiledoc = next(p for p in written if "ghost-post-11" in p.name).read_text()
    assert "[with a link](https://example.org/m)" in mobiledoc
    assert "![A phone](/images/" in mobiledoc
    assert "Status: draft" in next(p for p in written if "ghost-post-10" in p.name).read_text()
    assert not any("about" in p.name for p in written)


def test_import_wordpress_archive_passes_check(project, images):
    result = run_import(project, SAMPLES["wordpress"])
    written = assert_imported(project, result, 12)
    first = written[0].read_text()
    assert "Date: 2023-01-11 09:15+01:00" in first
    assert "Tags: tools, zines" in first  # as the demo spells "Tools"
    assert "wp:" not in first and "<!--" not in first
    assert "[Buy the zine](https://shop.example.org/zine)" in first
    assert f"[the first post]({{filename}}/issues/{FIRST}-wp-post-1.md)" in written[2].read_text()
    assert "pixel.wp.com" not in written[1].read_text()
    assert not any("about" in p.name or "chart" in p.name for p in written)
    redirects = (project / "content/extra/redirects").read_text()
    assert f"/2023/01/wp-post-1/ {FIRST_URL} 301" in redirects


def test_import_feed_passes_check(project, images):
    result = run_import(project, SAMPLES["feed"])
    written = assert_imported(project, result, 12)
    first = written[0].read_text()
    assert "Date: 2023-09-01 07:00-04:00" in first
    assert "Tags: side-projects, zines" in first  # as the demo spells it
    assert "[a wrapped link](https://example.org/x)" in first
    assert "medium.com" not in first


def test_import_twice_changes_nothing(project, images):
    for fmt, source in SAMPLES.items():
        first = run_import(project, source, "--old-url", "https://ghost.example.com")
        assert first.returncode == 0, first.stdout + first.stderr
        before = files(project / "content")
        asked = len(images)
        again = run_import(
            project, source, "--format", fmt, "--old-url", "https://ghost.example.com"
        )
        assert again.returncode == 0, again.stdout + again.stderr
        assert "Nothing to import" in again.stdout, fmt
        assert files(project / "content") == before, fmt
        assert len(images) == asked, fmt
    assert len(imported(project)) == 48
    check_passes(project)


@pytest.fixture(scope="module")
def imported_site(tmp_path_factory):
    """The demo with all four sample archives imported, built as `invoke build` does."""
    root = tmp_path_factory.mktemp("imported")
    project = root / "site"
    for name in ("content", "theme", "plugins"):
        shutil.copytree(ROOT / name, project / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pelicanconf.py", "publishconf.py", "tasks.py"):
        shutil.copy(ROOT / name, project / name)
    with image_hosts() as (url, _requests), pytest.MonkeyPatch.context() as patch:
        patch.setenv("HEARTH_IMPORT_FETCH_VIA", url)
        for source in SAMPLES.values():
            result = run_import(project, source, "--old-url", "https://ghost.example.com")
            assert result.returncode == 0, result.stdout + result.stderr
    return build_site(project / "content", root / "output")


def test_import_builds_with_no_request_to_another_host(imported_site):
    assert outside_requests(imported_site, "http://localhost:8000") == []
    assert (imported_site / "_redirects").read_text().count(" 301") >= 40
    page = (imported_site / f"issues/{DEMO_ISSUES + 1}/index.html").read_text()
    assert f'src="/images/{FIRST}/' in page


def test_imported_issues_pass_the_html_checker(imported_site, test_tool):
    if shutil.which("java") is None:
        missing("Java is missing (apt-get install default-jre-headless): vnu.jar needs it")
    vnu = test_tool("vnu-jar/build/dist/vnu.jar")
    assert html_errors(imported_site, vnu=vnu) == []


def test_import_dry_run_writes_nothing(project, images):
    before = files(project)
    result = run_import(project, SAMPLES["substack"], "--dry-run")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"content/issues/{FIRST}-hello-from-the-workbench.md" in result.stdout
    assert (
        "fetch https://substack-post-media.s3.amazonaws.com/public/images/bench-1_1456x816.png"
        in result.stdout
    )
    assert files(project) == before
    assert images == []


def test_import_broken_zip_names_file(project, tmp_path):
    broken = tmp_path / "export.zip"
    broken.write_bytes(SAMPLES["substack"].read_bytes()[:500])
    result = run_import(project, broken)
    assert result.returncode == 1
    assert "export.zip" in result.stdout + result.stderr
    assert "zip" in (result.stdout + result.stderr).lower()
    assert "Traceback" not in result.stdout + result.stderr
    assert imported(project) == []


def test_import_json_of_another_shape_names_file(project, tmp_path):
    other = tmp_path / "other.json"
    other.write_text('{"posts": []}')
    result = run_import(project, other, "--format", "ghost")
    assert result.returncode == 1
    assert "other.json: is JSON, but not a Ghost export" in result.stderr
    assert "Traceback" not in result.stderr


def test_import_feed_that_is_an_html_page_names_it(project, tmp_path):
    page = tmp_path / "blog.html"
    page.write_text("<!doctype html><html><head><title>Blog</title></head><body>Hi</body></html>")
    result = run_import(project, page)
    assert result.returncode == 1
    assert "blog.html: is not an RSS, Atom or JSON feed (an HTML page?)" in result.stderr
    assert "Traceback" not in result.stderr


def test_import_feed_by_its_address(project, images):
    result = run_import(project, "https://news.example.net/feed.rss")
    assert_imported(project, result, 12)
    assert images[0] == "/news.example.net/feed.rss"


def test_import_address_of_an_html_page_names_it(project, images):
    result = run_import(project, "https://news.example.net/blog.html")
    assert result.returncode == 1
    said = "https://news.example.net/blog.html: cannot be fetched: it is text/html"
    assert said in result.stderr and "an HTML page, not a feed" in result.stderr
    assert "Traceback" not in result.stderr


def test_import_post_without_date_names_post_and_continues(project, images, tmp_path):
    export = tmp_path / "undated.zip"
    with zipfile.ZipFile(SAMPLES["substack"]) as old, zipfile.ZipFile(export, "w") as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename == "posts.csv":
                data = data.replace(b"2023-03-05T14:00:00.000Z", b"")
                data = data.replace(b"2023-03-05T14:00:05.000Z", b"")
            new.writestr(info, data)
    result = run_import(project, export)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert (
        'undated.zip: posts.csv: post 1003.workbench-notes-3 "Workbench notes 3"' in result.stderr
    )
    assert "it has no post_date" in result.stderr
    assert len(imported(project)) == 11
    check_passes(project)


GONE = "https://media.beehiiv.example/uploads/gone-3.jpeg"


def test_import_unfetchable_image_listed_with_file_line(project, images, tmp_path):
    feed = tmp_path / "feed.rss"
    feed.write_text(SAMPLES["feed"].read_text().replace("feed-3.jpeg", "gone-3.jpeg"))
    result = run_import(project, feed)
    assert result.returncode == 0, result.stdout + result.stderr
    issue = next(p for p in imported(project) if "feed-post-3" in p.name)
    lines = issue.read_text().splitlines()
    line = next(i for i, text in enumerate(lines, 1) if "gone-3.jpeg" in text)
    assert lines[line - 1] == f"[Feed picture 3]({GONE})"
    listed = f"content/issues/{issue.name}:{line}: image: {GONE} could not be fetched"
    assert f"{listed} (the host answered 404)" in result.stdout
    check_passes(project)


def test_import_xml_that_is_not_wordpress_names_file(project, tmp_path):
    other = tmp_path / "other.xml"
    other.write_text('<?xml version="1.0"?><rss version="2.0"><channel></channel></rss>')
    result = run_import(project, other, "--format", "wordpress")
    assert result.returncode == 1
    assert "other.xml: is not a WordPress export (WXR)" in result.stderr
    assert "Traceback" not in result.stderr


def test_import_recognises_each_format(tmp_path):
    from hearth_import.sources import recognise
    from hearth_import.substack import read_substack

    assert {fmt: recognise(str(path)) for fmt, path in SAMPLES.items()} == {
        fmt: fmt for fmt in SAMPLES
    }
    folder = tmp_path / "unpacked"
    with zipfile.ZipFile(SAMPLES["substack"]) as export:
        export.extractall(folder)
    assert recognise(str(folder)) == "substack"
    nested = tmp_path / "outer"
    nested.mkdir()
    folder.rename(nested / "export")  # unpacked into a folder of its own
    assert recognise(str(nested)) == "substack"
    assert len(read_substack(nested).posts) == 12
    shutil.rmtree(nested)


def test_import_post_too_deep_to_convert_is_named_and_links_to_it_stay(project, images, tmp_path):
    feed = tmp_path / "feed.rss"
    deep = "<blockquote>" * 3000 + "deep" + "</blockquote>" * 3000
    text = SAMPLES["feed"].read_text()
    feed.write_text(text.replace("<h2>Feed post 1</h2>", deep + "<h2>Feed post 1</h2>", 1))
    result = run_import(project, feed)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert 'feed.rss: entry 1 "Feed post 1": cannot be converted' in result.stderr
    written = imported(project)
    assert len(written) == 11
    assert "(https://news.example.net/p/feed-post-1)" in written[0].read_text()
    check_passes(project)


def test_import_ghost_without_old_url_says_to_give_it_and_writes_nothing(project):
    """Ghost writes the site's own address as __GHOST_URL__: without --old-url every
    image and old link would point nowhere, and a second run could not mend them."""
    before = sorted(p.name for p in (project / "content/issues").iterdir())
    result = run_import(project, SAMPLES["ghost"])
    assert result.returncode == 1
    assert "__GHOST_URL__: give it with --old-url" in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in (project / "content/issues").iterdir()) == before


def test_an_old_path_with_blanks_or_line_breaks_adds_no_redirect_rule():
    from hearth_import.importer import redirects_text

    hostile = "/hello\n/*\thttps://evil.example/:splat\t301!\n#"
    state = {
        "a": {"old_path": hostile, "issue": "0016-hello.md"},
        "b": {"old_path": "/p/fine", "issue": "0017-fine.md"},
    }
    lines = redirects_text(state, {}).splitlines()
    assert lines[1:] == ["/p/fine /issues/17/ 301"]


def test_import_substack_csv_with_an_oversized_field_names_file(project, tmp_path):
    export = tmp_path / "export.zip"
    with zipfile.ZipFile(export, "w") as archive:
        archive.writestr("posts.csv", 'post_id,title\n1.a,"' + "x" * 200_000 + '"\n')
    result = run_import(project, export, "--format", "substack")
    assert result.returncode == 1
    assert "export.zip: posts.csv cannot be read as CSV" in result.stderr
    assert "Traceback" not in result.stderr


def test_import_with_the_wrong_format_says_which_it_looks_like(project):
    result = run_import(project, SAMPLES["substack"], "--format", "ghost")
    assert result.returncode == 1
    assert "looks like a substack export: leave out --format" in result.stderr
    assert "Traceback" not in result.stderr


def test_import_json_feed_file_becomes_issues(project, images, tmp_path):
    """README and import.md promise "any RSS, Atom or JSON feed"; feedparser 6.0 reads
    no JSON Feed, and the file was refused as "not an RSS, Atom or JSON feed"."""
    feed = tmp_path / "feed.json"
    feed.write_text(
        json.dumps(
            {
                "version": "https://jsonfeed.org/version/1.1",
                "title": "Old letters",
                "home_page_url": "https://letters.example.net/",
                "items": [
                    {
                        "id": "https://letters.example.net/p/first",
                        "url": "https://letters.example.net/p/first?utm_source=feed",
                        "title": "First letter",
                        "summary": "Where it <em>all</em> began.",
                        "content_html": '<p>Hello, <a href="https://letters.example.net/p/'
                        'second">see the next</a>.</p>'
                        '<img src="https://cdn.example.net/a.png" alt="A bench">',
                        "date_published": "2024-01-05T09:15:00+01:00",
                        "tags": ["Tools", 7],
                    },
                    {
                        "id": 2,
                        "url": "https://letters.example.net/p/second",
                        "title": "Second letter",
                        "content_text": "Plain text <b>only</b>.\n\nTwo paragraphs.",
                        "date_modified": "2024-02-05T09:15:00Z",
                    },
                    "not an item",
                ],
            }
        )
    )
    result = run_import(project, feed)
    first, second = assert_imported(project, result, 2)
    text = first.read_text()
    assert "Title: First letter\nDate: 2024-01-05 09:15+01:00\n" in text
    assert "Summary: Where it all began.\nTags: tools\n" in text
    assert f"[see the next]({{filename}}/issues/{second.name})" in text
    assert f"![A bench](/images/{FIRST}/a.png)" in text
    assert "Plain text &lt;b>only&lt;/b>.\n\nTwo paragraphs." in second.read_text()
    again = run_import(project, feed)
    assert "Nothing to import" in again.stdout, again.stdout + again.stderr


def test_import_json_that_is_no_json_feed_says_so(project, tmp_path):
    other = tmp_path / "other.json"
    other.write_text('{"version": "1", "items": []}')
    result = run_import(project, other, "--format", "feed")
    assert result.returncode == 1
    assert "other.json: is JSON, but not a JSON Feed" in result.stderr
    assert "Traceback" not in result.stderr


def test_import_feed_excerpt_becomes_summary(project, images, tmp_path):
    """import.md: "the subtitle or excerpt as Summary:". A feed's excerpt beside its full
    text (RSS description, Atom summary) was dropped; a feed without one gets none."""
    feed = tmp_path / "feed.xml"
    feed.write_text(
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
        "<id>https://letters.example.net/</id><updated>2024-01-05T09:15:00Z</updated>"
        "<entry><title>With excerpt</title><id>https://letters.example.net/p/a</id>"
        '<link href="https://letters.example.net/p/a"/><updated>2024-01-05T09:15:00Z</updated>'
        '<summary type="html">&lt;p&gt;Where it all &lt;b&gt;began&lt;/b&gt;.&lt;/p&gt;</summary>'
        '<content type="html">&lt;p&gt;The full text.&lt;/p&gt;</content></entry>'
        "<entry><title>Without</title><id>https://letters.example.net/p/b</id>"
        '<link href="https://letters.example.net/p/b"/><updated>2024-01-06T09:15:00Z</updated>'
        '<content type="html">&lt;p&gt;Only the text.&lt;/p&gt;</content></entry></feed>'
    )
    result = run_import(project, feed)
    with_excerpt, without = assert_imported(project, result, 2)
    assert "\nSummary: Where it all began.\n" in with_excerpt.read_text()
    assert "Summary:" not in without.read_text()
