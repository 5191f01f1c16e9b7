"""Search: the Pagefind index the build writes, and the /search/ page in a real browser."""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from hearth_issues.source import issue_file_name
from hearth_search.pagefind import indexed_pages, part_key, write_search_index
from hearth_search.records import (
    SearchRecord,
    by_month,
    parts_file,
    parts_meta,
    record_html,
)
from tests.sites import build_site, issue, page, served, write_content

# One query on a 700-issue archive: Pagefind's script and WebAssembly, and the index chunks.
BUDGET = 300 * 1024

BODY = """\
Hello again,

## What members made

A paragraph about [a project](https://example.org/{n}) with *emphasis* and `code`.

- one point
- another point

```python
print("issue {n}")
```

## One idea

> A quote worth keeping.
"""


def write_issues(folder: Path, count: int) -> None:
    folder.mkdir(parents=True)
    first = date(2016, 1, 1)
    for n in range(1, count + 1):
        header = f"Title: Issue number {n}\nDate: {first + timedelta(weeks=n)}\n"
        header += f"Summary: Summary of issue {n}.\nTags: topic{n % 12}, weekly\n\n"
        (folder / issue_file_name(n, f"issue-{n}")).write_text(header + BODY.format(n=n))


def test_the_build_indexes_the_site_under_pagefind_in_a_recent_part_and_an_archive(demo_site):
    bundle = demo_site / "pagefind"
    parts = json.loads((bundle / "parts.json").read_text())["parts"]
    assert parts == ["recent", "archive"], "the newest first"
    assert (bundle / "recent" / "pagefind.js").is_file()
    for part in parts:
        assert list((bundle / part / "fragment").iterdir())
        assert not (bundle / part / "playground").exists()
        assert not (bundle / part / "pagefind-ui.js").exists(), "the page has its own"


def test_search_page_leads_to_the_archive_without_javascript(demo_site):
    doc = page(demo_site, "/search/")
    fallback = {a.attributes["href"] for a in doc.css("main noscript a")}
    assert {"/issues/", "/links/"} <= fallback
    form = doc.css_first('form[role="search"]')
    assert form.attributes.get("action") == "/search/" and "hidden" not in form.attributes
    assert form.css_first('input[type="search"][name="q"]') is not None
    nav = {a.text(strip=True): a.attributes["href"] for a in doc.css("header nav a")}
    assert nav["Search"] == "/search/"


def test_only_the_search_page_loads_the_search_script(demo_site):
    for path in ("/", "/issues/4/", "/links/", "/discussions/"):
        assert not page(demo_site, path).css("script"), path
    (script,) = page(demo_site, "/search/").css("script")
    assert script.attributes["src"].endswith("/js/search.js")


@pytest.fixture(scope="module")
def archive_url(tmp_path_factory):
    """A newsletter of 700 weekly issues, built and served once."""
    root = tmp_path_factory.mktemp("archive")
    write_issues(root / "content" / "issues", 700)
    (root / "content" / "pages").mkdir()
    with served(build_site(root / "content", root / "output")) as url:
        yield url


@pytest.fixture(scope="module")
def community_url(tmp_path_factory):
    """One issue and one member's links, in a month the issue never names."""
    root = tmp_path_factory.mktemp("community")
    files = dict([issue(1, "One", "2025-03-03 08:00", body="Plain words about kilns.\n")])
    files["members/ada.yml"] = """\
        name: Ada Quillfeather
        links:
          - url: https://ada.example/glaze
            title: Glaze notes
            date: 2025-02-20
            tags: [zines]
          - url: https://ada.example/clay
            title: Clay notes
            date: 2025-02-21
            tags: [apps]
        """
    with served(build_site(write_content(root, files), root / "output")) as url:
        yield url


@pytest.fixture
def search_page(browser):
    contexts = []

    def open_search(url):
        context = browser.new_context()
        contexts.append(context)
        tab = context.new_page()
        requested = []
        tab.on("requestfinished", lambda request: requested.append(request))
        tab.goto(url + "/search/")
        ready(tab)
        return tab, requested

    yield open_search
    for context in contexts:
        context.close()


def ready(tab):
    """Until search.js has loaded the index and answers the form (which works before)."""
    tab.locator(".search-form[data-ready]").wait_for(state="attached")


def fetched(requests, folder):
    return [request.url for request in requests if folder in request.url]


def search(tab, query):
    tab.get_by_label("Search issues, links and discussions").fill(query)
    tab.locator(".search-status").filter(has_text="result").wait_for()
    return tab.locator(".search-results li")


def test_a_query_finds_issues_links_and_discussions(search_page, site_url):
    tab, requested = search_page(site_url)
    results = search(tab, "zine")
    assert results.count() >= 2
    first = results.first.locator("a")
    assert first.inner_text().strip()
    assert first.get_attribute("href").startswith(("/", "https://"))
    assert "<mark>" in results.first.inner_html()
    assert {urlsplit(r.url).netloc for r in requested} == {urlsplit(site_url).netloc}
    assert tab.context.cookies() == []


def test_results_filter_by_kind_and_sort_by_date(search_page, site_url):
    tab, _requested = search_page(site_url)
    search(tab, "zine")
    for kind, label in [
        ("link", "Link shared by "),
        ("discussion", "Discussion on "),
        ("issue", "Issue "),
    ]:
        tab.get_by_label("Show").select_option(kind)
        tab.wait_for_function(
            "label => { const m = [...document.querySelectorAll('.search-results .link-meta')];"
            " return m.length > 0 && m.every(e => e.textContent.startsWith(label)); }",
            arg=label,
        )
    tab.get_by_label("sorted by").select_option("desc")
    tab.wait_for_function(
        "() => { const d = [...document.querySelectorAll('.search-results .link-meta time')]"
        ".map(e => e.getAttribute('datetime'));"
        " return d.length > 1 && d.every((x, i) => i === 0 || d[i - 1] >= x); }"
    )


def test_one_query_on_a_700_issue_archive_transfers_under_300_kb(search_page, archive_url):
    tab, requested = search_page(archive_url)
    assert search(tab, "project").count() > 0
    tab.wait_for_load_state("networkidle")
    search_files = [r for r in requested if urlsplit(r.url).path.startswith("/pagefind/")]
    sizes = [r.sizes() for r in search_files]
    transferred = sum(s["responseBodySize"] + s["responseHeadersSize"] for s in sizes)
    assert search_files
    assert transferred < BUDGET, f"{transferred} bytes in {len(search_files)} requests"
    # One fetch per result shown, and none to find out whether there are more.
    assert len([r for r in search_files if "/fragment/" in r.url]) == 10


def link_place(item):
    """Where a link lives for good: the page of the month it was shared in."""
    shared = item.css_first(".link-meta time").attributes["datetime"]
    return f"/links/{shared[:4]}/{shared[5:7]}/#{item.attributes['id']}"


def link_places(demo_site, path):
    return {link_place(item) for item in page(demo_site, path).css("li.link")}


def result_links(tab):
    return tab.locator(".search-results li h2 a").evaluate_all(
        "as => as.map(a => a.getAttribute('href'))"
    )


def test_links_are_results_of_their_own_and_keep_to_the_chosen_topic(
    search_page, site_url, demo_site
):
    # "the" is in links on every topic, in the same months: each month's record
    # carries all their topics, and the page keeps only the links on the one chosen.
    zines = link_places(demo_site, "/links/tags/zines/")
    tab, _requested = search_page(site_url)
    search(tab, "the")
    tab.get_by_label("Show").select_option("link")
    tab.wait_for_function(
        "() => [...document.querySelectorAll('.search-results li h2 a')]"
        ".every(a => /^\\/links\\/\\d{4}\\/\\d\\d\\/#link-/.test(a.getAttribute('href')))"
    )
    assert not set(result_links(tab)) <= zines, "other topics' links match too"
    tab.get_by_label("on", exact=True).select_option("zines")
    tab.wait_for_function(
        "anchors => { const found = [...document.querySelectorAll('.search-results li h2 a')]"
        ".map(a => a.getAttribute('href'));"
        " return found.length > 0 && found.every(href => anchors.includes(href)); }",
        arg=sorted(zines),
    )


def test_show_more_reaches_every_result(search_page, site_url):
    tab, _requested = search_page(site_url)
    tab.get_by_label("Show").select_option("link")
    search(tab, "the")
    assert tab.locator(".search-status").inner_text() == "The first 10 results shown."
    assert len(result_links(tab)) == 10
    more = tab.get_by_role("button", name="Show more results")
    while more.is_visible():
        shown = len(result_links(tab))
        more.click()
        tab.wait_for_function(
            "shown => document.querySelectorAll('.search-results li').length > shown", arg=shown
        )
    found = result_links(tab)
    assert len(found) > 10 and len(set(found)) == len(found)
    assert tab.locator(".search-status").inner_text() == f"{len(found)} results."


def test_filters_alone_fetch_no_index_and_ask_for_a_word(search_page, site_url):
    # Listing everything of a kind would fetch the whole index: megabytes on an archive.
    tab, requested = search_page(site_url)
    before = len(requested)
    tab.get_by_label("Show").select_option("link")
    tab.locator(".search-status").filter(has_text="Type a word").wait_for()
    tab.wait_for_load_state("networkidle")
    assert not fetched(requested[before:], "/pagefind/index/")
    assert tab.locator(".search-results li").count() == 0


def test_a_link_found_by_its_title_leads_to_its_place_on_its_month_s_page(
    search_page, site_url, demo_site
):
    doc = page(demo_site, "/links/")
    first = doc.css_first("li.link")
    title = first.css_first(".link-title a").text(strip=True)
    tab, _requested = search_page(site_url)
    tab.get_by_label("Show").select_option("link")
    search(tab, title)
    hrefs = result_links(tab)
    assert hrefs[0] == link_place(first), hrefs
    # Its title, label and date as the links page shows them.
    member = first.css_first(".link-meta a").text(strip=True)
    shared = first.css_first(".link-meta time").attributes["datetime"]
    result = tab.locator(".search-results li").first
    assert result.locator("h2 a").inner_text() == title
    written = first.css_first(".link-meta time").text(strip=True)
    assert result.locator(".link-meta").inner_text() == f"Link shared by {member} · {written}"
    assert result.locator(".link-meta time").get_attribute("datetime") == shared


def test_links_and_discussions_are_indexed_as_one_record_per_month_with_a_part_each():
    def record(day, title, *tags):
        url = f"/sub/links/{day:%Y/%m}/#{title}"
        return SearchRecord(url, title, "link", day, tags, "<p>note</p>", "Link shared by Ada")

    links = [record(date(2025, 3, 9), "c", "zines"), record(date(2025, 3, 2), "b", "apps")]
    links.append(record(date(2025, 2, 20), "a"))
    march, february = by_month(links, "Links shared", lambda day: f"/sub/links/{day:%Y/%m}/")
    assert march.title == "Links shared in March 2025"
    assert (march.url, february.url) == ("/sub/links/2025/03/", "/sub/links/2025/02/")
    assert (march.kind, march.date, march.tags) == ("link", date(2025, 3, 9), ("apps", "zines"))
    assert [(part.title, part.url) for part in march.parts] == [
        ("c", "/sub/links/2025/03/#c"),
        ("b", "/sub/links/2025/03/#b"),
    ]
    assert february.parts[0].label == "Link shared by Ada"
    html = record_html(march)
    assert "<h1" not in html
    assert '<h2 id="c">c</h2><p>note</p><h2 id="b">b</h2>' in html
    assert 'data-pagefind-meta="month[content]" content="March 2025"' in html
    # Their own page and anchor, the date's day, the label and topics by number.
    assert json.loads(parts_meta(march)) == {
        "labels": ["Link shared by Ada"],
        "tags": ["apps", "zines"],
        "parts": {"c": [9, 0, [1]], "b": [2, 0, [0]]},
    }


def test_a_group_s_parts_are_a_file_beside_the_index_which_its_metadata_names(tmp_path):
    links = [
        SearchRecord(f"/links/2025/0{m}/#t{m}", f"t{m}", "link", date(2025, m, 9), (), "", "By A")
        for m in (2, 3)
    ]
    groups = by_month(links, "Links shared", lambda day: f"/links/{day:%Y/%m}/")
    folder = write_search_index(groups, tmp_path, "en")
    names = {parts_file(group) for group in groups}
    assert len(names) == 2, "one file per group"
    for group in groups:
        # Pagefind keeps only the file's name: the parts would cost it a third of its time.
        assert f'meta="parts[content]" content="{parts_file(group)}"' in record_html(group)
        stored = folder / "hearth-parts" / parts_file(group)
        assert stored.read_text(encoding="utf-8") == parts_meta(group)


def test_a_part_on_another_page_keeps_its_address():
    thread = SearchRecord(
        "https://forum.example/t/1", "Fonts", "discussion", date(2025, 3, 9), (), "", "On it"
    )
    (month,) = by_month([thread], "Discussions active", lambda _day: "/discussions/")
    assert json.loads(parts_meta(month))["parts"] == {"r0": [9, 0, [], "https://forum.example/t/1"]}


def test_a_member_s_name_or_a_topic_finds_their_links(search_page, community_url):
    tab, _requested = search_page(community_url)
    results = search(tab, "Quillfeather")
    assert sorted(results.locator("h2 a").all_inner_texts()) == ["Clay notes", "Glaze notes"]
    results = search(tab, "zines")
    # Retried until it holds: the status already says "2 results." from the search
    # before, so `search` may return before the new results replace the old (a full
    # suite on a busy machine read ['Clay notes', 'Glaze notes'] here).
    expect(results.locator("h2 a")).to_have_text(["Glaze notes"])


def test_words_only_in_the_index_s_metadata_make_no_result(search_page, community_url):
    # "February" is only in the month's title ("Links shared in February 2025"), which
    # Pagefind matches too: such a record has no section to show, and is not fetched.
    tab, requested = search_page(community_url)
    before = len(requested)
    tab.get_by_label("Search issues, links and discussions").fill("february")
    tab.locator(".search-status").filter(has_text="No results.").wait_for()
    tab.wait_for_load_state("networkidle")
    assert not fetched(requested[before:], "/pagefind/fragment/")


def test_issues_are_indexed_without_their_inline_tags_into_the_very_same_index(tmp_path):
    from types import SimpleNamespace

    from hearth_issues.bodies import markdown_options, render_markdown
    from hearth_search.records import issue_records
    from tests.sites import settings_for

    options = markdown_options(settings_for(tmp_path, tmp_path)["MARKDOWN"])
    body = BODY + 'Mid*word*emphasis, a [link](https://ex.org/a "Its title")s and `x`y.\n'
    html = render_markdown(options, body.format(n=1))
    assert "<a " in html and "<span" in html and "<code>" in html
    articles = [
        SimpleNamespace(
            is_draft=False,
            issue=SimpleNamespace(number=n),
            locale_date=f"{n} January 2025",
            summary_text="",
            url=f"issues/{n}/",
            title=f"Issue {n}",
            date=datetime(2025, 1, n),
            _content=html,
            source_path=f"content/issues/{n}.md",
        )
        for n in (1, 2)
    ]
    records = issue_records(articles)
    assert all("<a " not in record.page and "<em>" not in record.page for record in records)

    def index(records: list[SearchRecord], folder: Path) -> dict[str, bytes]:
        write_search_index(records, folder, "en")
        return {
            str(path.relative_to(folder)): path.read_bytes()
            for path in sorted(folder.rglob("*"))
            if path.is_file()
        }

    # As written but for the heading anchors, which no excerpt should show.
    unanchored = re.sub(r'<a class="headerlink"[^>]*>#</a>', "", html)
    assert unanchored != html
    as_written = [
        replace(record, body_html=f"<p></p>{unanchored}")
        for n, record in zip((1, 2), records, strict=True)
    ]
    assert index(records, tmp_path / "stripped") == index(as_written, tmp_path / "as-written")


# The benchmark's queries: words of its archive (hearth_bench.archive.VOCABULARY), alone and
# in pairs, as readers of that newsletter would type them.
BENCHMARK_QUERIES = [
    *("kilns", "fonts", "keyboards", "birdhouses", "typography", "contrast", "notebooks"),
    *("zines", "quilts budgets", "shipping late", "weekend project", "paper folds"),
]


@pytest.fixture(scope="module")
def parts_and_one_index(tmp_path_factory):
    """The benchmark's archive, a few hundred records over six years, built once; and
    the same site with its records in one index instead of a recent part and an archive."""
    from hearth_bench.archive import WEEKLY_LINK_LIMIT, ArchiveShape, write_archive
    from hearth_core.state import BuildState
    from hearth_search.records import SearchCaches
    from pelicanconf import HEARTH_MEMBERS

    root = tmp_path_factory.mktemp("parts")
    write_archive(
        root / "content", ArchiveShape(issues=300, members=20, links=2000, discussions=200)
    )
    state = BuildState()
    members = {**HEARTH_MEMBERS, "weekly_link_limit": WEEKLY_LINK_LIMIT}
    parts = build_site(root / "content", root / "parts", state, HEARTH_MEMBERS=members)
    caches = state.part(SearchCaches)
    assert caches.community is not None
    records = [record for _made, record in caches.issue_records.values()] + caches.community[1]
    one = shutil.copytree(parts, root / "one", ignore=shutil.ignore_patterns("pagefind"))
    write_search_index(records, one, "en", split=lambda _record: "all")
    return parts, one


def first_ten(search_page, url, query):
    """The first ten results' addresses, and the bytes the query fetched from /pagefind/."""
    tab, requested = search_page(url)
    search(tab, query)
    tab.wait_for_load_state("networkidle")
    sizes = [r.sizes() for r in requested if urlsplit(r.url).path.startswith("/pagefind/")]
    transferred = sum(s["responseBodySize"] + s["responseHeadersSize"] for s in sizes)
    return result_links(tab)[:10], transferred


def test_parts_merged_give_the_first_10_results_of_one_index(search_page, parts_and_one_index):
    parts, one = parts_and_one_index
    assert json.loads((parts / "pagefind/parts.json").read_text())["parts"] == ["recent", "archive"]
    assert indexed_pages(parts / "pagefind") == indexed_pages(one / "pagefind") > 300
    with served(parts) as in_parts, served(one) as in_one:
        for query in BENCHMARK_QUERIES:
            expected, _bytes = first_ten(search_page, in_one, query)
            assert len(expected) == 10, query
            found, transferred = first_ten(search_page, in_parts, query)
            assert set(found) == set(expected), query
            assert transferred < BUDGET, f"{query!r}: {transferred} bytes over the two parts"


def test_one_query_over_the_parts_of_the_benchmark_s_archive_transfers_under_300_kb(
    search_page, parts_and_one_index
):
    parts, _one = parts_and_one_index
    with served(parts) as url:
        tab, requested = search_page(url)
        assert search(tab, "weekend project").count() == 10
        tab.wait_for_load_state("networkidle")
    search_files = [r for r in requested if urlsplit(r.url).path.startswith("/pagefind/")]
    sizes = [r.sizes() for r in search_files]
    transferred = sum(s["responseBodySize"] + s["responseHeadersSize"] for s in sizes)
    detail = "\n".join(
        f"{s['responseBodySize']} {r.url}" for r, s in zip(search_files, sizes, strict=True)
    )
    assert transferred < BUDGET, f"{transferred} bytes in {len(search_files)} requests\n{detail}"
    assert {urlsplit(r.url).netloc for r in requested} == {urlsplit(url).netloc}


def year_records(years: range, per_year: int = 3) -> list[SearchRecord]:
    return [
        SearchRecord(
            f"/issues/{year}-{n}/",
            f"Kilns of {year}, {n}",
            "issue",
            date(year, 3, n + 1),
            ("kilns",),
            f"<p>Firing notes {year} {n}.</p>",
            f"Issue {n}",
        )
        for year in years
        for n in range(per_year)
    ]


def by_year(record: SearchRecord) -> str:
    return str(record.date.year)


def cached_parts(cache: Path) -> dict[str, int]:
    """Each cached part's folder, by name, with its inode: the same while it is kept as is."""
    return {path.name: path.stat().st_ino for path in cache.iterdir()}


def test_an_unchanged_part_is_not_indexed_again_and_a_changed_one_is(tmp_path):
    cache, records = tmp_path / "cache", year_records(range(2021, 2025))
    write_search_index(records, tmp_path / "first", "en", cache=cache, split=by_year)
    before = cached_parts(cache)
    assert len(before) == 4, "a part a year"
    edited = [replace(records[0], title="Kilns, edited"), *records[1:]]
    assert records[0].date.year == 2021
    folder = write_search_index(edited, tmp_path / "second", "en", cache=cache, split=by_year)
    after = cached_parts(cache)
    kept = {name: inode for name, inode in after.items() if before.get(name) == inode}
    assert len(kept) == 3 and len(after) == 4, "the three other years were copied, not redone"
    listed = json.loads((folder / "parts.json").read_text())
    assert listed["parts"] == ["2024", "2023", "2022", "2021"]
    assert listed["pages"] == {"2024": 3, "2023": 3, "2022": 3, "2021": 3}
    assert set(listed["options"]) == set(listed["parts"]), "each part's ranking settings"
    assert indexed_pages(folder) == 12
    # Pagefind's bytes differ run to run: the years kept are the very bundles of the first.
    first, second = _bundle_files(tmp_path / "first/pagefind"), _bundle_files(folder)
    for year in ("2022", "2023", "2024"):
        assert {n: b for n, b in first.items() if n.startswith(year)} == {
            n: b for n, b in second.items() if n.startswith(year)
        }
    assert {n for n in first if n.startswith("2021/fragment")} != {
        n for n in second if n.startswith("2021/fragment")
    }, "the edited year is indexed again"


def _bundle_files(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_a_part_s_key_is_its_records_pagefind_s_version_and_options(monkeypatch):
    from hearth_search import pagefind

    records = tuple(year_records(range(2024, 2025)))
    key = part_key(records, "en")
    assert part_key(records, "en") == key
    assert part_key(records[:2], "en") != key
    assert part_key((replace(records[0], body_html="<p>other</p>"), *records[1:]), "en") != key
    assert part_key(records, "de") != key, "another option"
    monkeypatch.setattr(pagefind, "PAGEFIND_VERSION", "0.0.1")
    assert part_key(records, "en") != key, "another Pagefind"


def test_a_damaged_cached_part_is_ignored_with_a_note_and_indexed_again(tmp_path, caplog):
    cache, records = tmp_path / "cache", year_records(range(2023, 2025))
    write_search_index(records, tmp_path / "first", "en", cache=cache, split=by_year)
    damaged = next(cache.iterdir())
    chunk = next((damaged / "fragment").iterdir())
    chunk.write_bytes(chunk.read_bytes()[:5])
    folder = write_search_index(records, tmp_path / "second", "en", cache=cache, split=by_year)
    notes = [r.getMessage() for r in caplog.records if "damaged" in r.getMessage()]
    assert len(notes) == 1 and "\n" not in notes[0], notes
    assert indexed_pages(folder) == 6
    # Pagefind names its metadata differently run to run; its records keep their names.
    fragments = {name for name in _bundle_files(folder) if "/fragment/" in name}
    assert fragments == {n for n in _bundle_files(tmp_path / "first/pagefind") if "/fragment/" in n}
    assert (cache / damaged.name / "hearth-part.json").is_file(), "kept whole again"


def test_a_part_half_written_into_the_cache_is_never_used(tmp_path, caplog):
    # A build killed while Pagefind wrote: the folder beside the part, never the part.
    cache, records = tmp_path / "cache", year_records(range(2024, 2025))
    write_search_index(records, tmp_path / "first", "en", cache=cache)
    (part,) = cache.iterdir()
    (part / "hearth-part.json").unlink()
    folder = write_search_index(records, tmp_path / "second", "en", cache=cache)
    assert indexed_pages(folder) == 3
    assert any("damaged" in r.getMessage() for r in caplog.records)


def test_the_recent_part_begins_with_the_quarter_of_the_newest_issue():
    from hearth_search.records import index_parts

    issues = [SearchRecord(f"/i/{m}/", "t", "issue", date(2025, m, 5), (), "", "") for m in (1, 8)]
    talk = SearchRecord("/discussions/", "t", "discussion", date(2026, 2, 1), (), "", "")
    part = index_parts([*issues, talk])
    assert [part(record) for record in (*issues, talk)] == ["archive", "recent", "recent"]
    assert part(replace(issues[0], date=date(2025, 7, 1))) == "recent"
    assert part(replace(issues[0], date=date(2025, 6, 30))) == "archive"
