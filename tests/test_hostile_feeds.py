"""Hostile input in feeds: whatever a member writes reaches feed readers as text.

Members write names, bios, link titles and notes; thread files and chat platforms give
discussion titles. Every feed (issues, links, discussions; Atom, RSS, JSON Feed) is
built for real and read with feedparser, the way a reader shows it, and checked with the
W3C Feed Validation Service's own code (tests/vendor/feedvalidator).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import lxml.html
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from hearth_core.text import FORBIDDEN_IN_LINE
from hearth_feeds.entries import Feed, FeedEntry
from hearth_feeds.ids import canonical_id
from hearth_feeds.render import RENDERERS
from tests.feedcheck import feed_problems, uri_canonical_form
from tests.sites import build_site, issue, write_content

PIXEL = "<img src=https://tracker.example/p.gif>"
TEMPLATE_CODE = "{{ 7*7 }}"
SCRIPT = "<script>alert(1)</script>"
NAME = PIXEL
LINK_TITLE = f"<b>bold</b> {SCRIPT} AT&amp;T {TEMPLATE_CODE}"
NOTE = f"<script>alert(2)</script> {TEMPLATE_CODE} &lt;b&gt;"
THREAD_TITLE = f"{PIXEL} {TEMPLATE_CODE} <script>alert(3)</script>"
ISSUE_TITLE = f"Two <b>x</b> & {TEMPLATE_CODE}"
MATRIX_THREAD = (
    "https://matrix.to/#/#workbench-zines:matrix.org/$Kq3v9cXnT2bYw8LmR4pZ6fHs1dJ0aUeGiO7t"
)
SITE = "http://localhost:8000"
FEEDS = ["issues", "links", "discussions"]
XML_KINDS = {"atom": "atom.xml", "rss": "rss.xml"}

MEMBER = f"""\
name: '{NAME}'
bio: '{TEMPLATE_CODE} {SCRIPT}'
links:
  - url: https://eve.example/a
    title: '{LINK_TITLE}'
    date: 2026-01-05
    note: '{NOTE}'
    discussion: https://matrix.to/#/#eve-room:matrix.org/$abc
"""
THREAD = f"""\
title: '{THREAD_TITLE}'
url: {MATRIX_THREAD}
started: 2026-01-06
link: https://eve.example/a
"""


@pytest.fixture(scope="module")
def hostile_feeds(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile-feeds")
    files = dict([issue(1, "One", "2026-01-02 08:00", Summary="First.")])
    files["issues/0002-two.md"] = (
        f"Title: {ISSUE_TITLE}\nDate: 2026-01-09 08:00\nSummary: {SCRIPT} & co\n\nBody.\n"
    )
    files["members/eve.yml"] = MEMBER
    files["discussions/eve.yml"] = THREAD
    content = write_content(root, files)
    return build_site(content, root / "output") / "feeds"


def read(folder: Path, slug: str, kind: str) -> feedparser.FeedParserDict:
    """The feed as a reader that shows what it is given: feedparser, no sanitising."""
    data = (folder / f"{slug}.{XML_KINDS[kind]}").read_bytes()
    parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    assert not parsed.bozo, parsed.bozo_exception
    return parsed


def shown(detail: dict) -> str:
    """What a reader displays for a title, summary or content: HTML is rendered."""
    if detail["type"] in ("text/plain", "text"):
        return detail["value"]
    return html_text(detail["value"])


def html_text(html: str) -> str:
    assert_inert(html)
    return lxml.html.fragment_fromstring(html, create_parent="div").text_content()


def assert_inert(html: str) -> None:
    """Rendered, the HTML loads nothing and runs nothing a member wrote."""
    tree = lxml.html.fragment_fromstring(html, create_parent="div")
    assert not tree.xpath("//img | //script | //b | //i"), html
    assert "tracker.example" not in " ".join(tree.xpath("//@src | //@href")), html


def entry_texts(entry: feedparser.FeedParserDict) -> list[str]:
    texts = [shown(entry.title_detail), shown(entry.summary_detail)]
    texts += [shown(content) for content in entry.get("content", [])]
    if "author_detail" in entry:
        texts.append(entry.author_detail.name)  # Atom and RSS say a name is text
    return texts


def json_texts(item: dict) -> list[str]:
    # JSON Feed 1.1: title, summary and names are plain text; content_html is HTML.
    names = [author["name"] for author in item.get("authors", [])]
    return [item["title"], item["summary"], html_text(item["content_html"]), *names]


def all_texts(folder: Path, slug: str, kind: str) -> str:
    if kind == "json":
        items = json.loads((folder / f"{slug}.json").read_text(encoding="utf-8"))["items"]
        return "\n".join(text for item in items for text in json_texts(item))
    entries = read(folder, slug, kind).entries
    return "\n".join(text for entry in entries for text in entry_texts(entry))


def test_rss_description_shows_a_member_named_like_an_image_as_text(hostile_feeds):
    """Issue 22's example: `name: <img src=https://tracker.example/p.gif>` became an image."""
    (entry,) = read(hostile_feeds, "links", "rss").entries
    assert entry.summary_detail.type == "text/html"  # readers parse <description> as HTML
    assert shown(entry.summary_detail) == f"eve.example, shared by {PIXEL}"


@pytest.mark.parametrize("kind", ["atom", "rss", "json"])
@pytest.mark.parametrize(
    ("slug", "texts"),
    [
        ("links", [NAME, LINK_TITLE, f"{TEMPLATE_CODE} <b>", "<script>alert(2)</script>"]),
        ("discussions", [THREAD_TITLE, LINK_TITLE]),
        ("issues", [ISSUE_TITLE, NAME, LINK_TITLE, "<script>alert(2)</script>"]),
    ],
)
def test_member_text_stays_text_in_every_feed(hostile_feeds, slug, kind, texts):
    shown_text = all_texts(hostile_feeds, slug, kind)
    for text in texts:
        assert text in shown_text
    assert "49" not in shown_text  # no template ran {{ 7*7 }}


@pytest.mark.parametrize("kind", XML_KINDS)
@pytest.mark.parametrize("slug", FEEDS)
def test_feeds_with_hostile_text_pass_the_w3c_feed_validator(hostile_feeds, slug, kind):
    name = f"{slug}.{XML_KINDS[kind]}"
    document = (hostile_feeds / name).read_bytes()
    assert feed_problems(document, f"{SITE}/feeds/{name}") == []


SOURCE_NAMESPACE_WARNING = "Use of unknown namespace: http://source.scripting.com/"


@pytest.mark.parametrize("kind", XML_KINDS)
@pytest.mark.parametrize("slug", FEEDS)
def test_demo_feeds_pass_the_w3c_feed_validator(demo_site, slug, kind):
    name = f"{slug}.{XML_KINDS[kind]}"
    document = (demo_site / "feeds" / name).read_bytes()
    problems = feed_problems(document, f"{SITE}/feeds/{name}")
    # The demo's RSS names its blogroll in <source:blogroll> (docs/recommendations.md): the
    # validator predates the Source namespace and warns of every namespace it does not
    # know. That one warning is expected; nothing else may be said.
    assert [p for p in problems if not p.endswith(SOURCE_NAMESPACE_WARNING)] == []


def test_atom_id_from_a_matrix_to_address_is_canonical(hostile_feeds):
    """Issue 22's example: `#` where `%23` belongs in an Atom id."""
    ids = [entry.id for entry in read(hostile_feeds, "discussions", "atom").entries]
    expected = MATRIX_THREAD.replace("#/#", "#/%23")
    assert expected in ids
    assert uri_canonical_form(expected) == expected
    # The reader still goes to the thread's own address.
    thread = next(e for e in read(hostile_feeds, "discussions", "atom").entries if e.id == expected)
    assert thread.link in (MATRIX_THREAD, expected)


def test_entry_ids_are_the_same_in_every_kind_of_feed(hostile_feeds):
    """A reader that moves from RSS to Atom or JSON Feed sees no entry twice."""
    atom = [entry.id for entry in read(hostile_feeds, "discussions", "atom").entries]
    rss = [entry.id for entry in read(hostile_feeds, "discussions", "rss").entries]
    items = json.loads((hostile_feeds / "discussions.json").read_text(encoding="utf-8"))["items"]
    assert atom == rss == [item["id"] for item in items]


# Addresses as members and platforms write them: any mix of what RFC 3986 reserves,
# percent-escapes (some not UTF-8), dot segments, non-ASCII, and hosts in any case.
ADDRESS_PIECES = [*"aZ09-._~!$&'()*+,;=:@/?#[]% é", "%41", "%2f", "%2F", "%23", "%e9", "%C3%A9"]
ADDRESS_PIECES += ["..", ".", "/../", "#/#", "ü"]


@settings(max_examples=400, deadline=None)
@given(
    scheme=st.sampled_from(["http", "https", "HTTPS"]),
    host=st.sampled_from(
        ["Example.COM", "a.b.example.", "x.example:443", "x.example:8080", "Bücher.example"]
    ),
    rest=st.lists(st.sampled_from(ADDRESS_PIECES), max_size=12).map("".join),
)
@example(scheme="https", host="matrix.to", rest="#/#workbench-zines:matrix.org/$Kq3v9")
def test_entry_ids_are_in_the_validators_canonical_form(scheme, host, rest):
    ours = canonical_id(f"{scheme}://{host}/{rest}")
    assert canonical_id(ours) == ours
    assert ours.isascii()
    # The validator decodes "%25" twice ("%2541" is read as "A"): not RFC 3986, not ours.
    if not re.search("%25[0-9A-Fa-f]{2}", ours):
        assert uri_canonical_form(ours) == ours


def feed_of(title: str, summary: str, author: str) -> Feed:
    when = datetime(2026, 1, 2, 12, tzinfo=UTC)
    entry = FeedEntry(
        id=f"{SITE}/links/#link-1",
        url="https://eve.example/a",
        title=title,
        published=when,
        summary=summary,
        content_html="<p>Hello.</p>",
        author=author,
    )
    return Feed("links", "Site", "About", SITE, f"{SITE}/", "en", "Mara", (entry,))


line_text = st.text(
    st.characters(codec="utf-8").filter(lambda c: not FORBIDDEN_IN_LINE.match(c)),
    min_size=1,
    max_size=40,
).filter(lambda text: text.strip() == text and "  " not in text)
markup_like = st.lists(
    st.sampled_from([PIXEL, SCRIPT, "<b>", "</b>", "&amp;", "&lt;", "&", "<", ">", "x", " y"]),
    min_size=1,
    max_size=6,
).map("".join)


def looks_like_mojibake(text: str) -> bool:
    """feedparser "repairs" text whose Latin-1 bytes are UTF-8 ("Â¡" becomes "¡"): its
    own guess, which a feed cannot prevent, so such text proves nothing here."""
    try:
        return text.encode("latin-1").decode("utf-8") != text
    except UnicodeError:
        return False


@settings(max_examples=150, deadline=None)
@given(
    title=st.one_of(line_text, markup_like),
    summary=st.one_of(line_text, markup_like),
    author=st.one_of(line_text, markup_like),
)
@example(title=PIXEL, summary=f"eve.example, shared by {PIXEL}", author=PIXEL)
@example(title="AT&T &amp; &#x3C;", summary="&lt;b&gt;", author="a < b")
def test_any_text_reads_back_as_the_same_text_in_every_kind(title, summary, author):
    """Open-ended: whatever text a field holds, a reader shows those characters."""
    assume(not any(map(looks_like_mojibake, (title, summary, author))))
    feed = feed_of(title, summary, author)
    for kind in XML_KINDS:
        document = RENDERERS[kind](feed)
        parsed = feedparser.parse(document, sanitize_html=False)
        (entry,) = parsed.entries
        assert shown(entry.title_detail).strip() == title.strip()
        assert shown(entry.summary_detail).strip() == summary.strip()
        if kind == "atom":
            assert entry.author_detail.name.strip() == author.strip()
    (item,) = json.loads(RENDERERS["json"](feed))["items"]
    assert (item["title"], item["summary"], item["authors"][0]["name"]) == (title, summary, author)
