"""Topics meet: /topics/<slug>/ gathers the issues, member links and discussions on a topic."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hearth_core.topics import slipped_topic, topic_slug, typing_distance
from hearth_members.views import Ref
from hearth_site.topics import SHOWN, build_topic_pages
from tests.sites import build_site, invoke, issue, page, write_content

TOPICS = ["apps", "design", "typography", "writing", "zines", "side-projects", "tools"]


def hrefs(doc, selector: str = "main a") -> list[str]:
    return [a.attributes["href"] for a in doc.css(selector)]


def test_topics_tools_lists_its_issues_links_and_discussions(demo_site):
    """The issue's example: /topics/tools/ listed two issues and linked neither to the
    links nor to the discussions on "tools"."""
    doc = page(demo_site, "/topics/tools/")
    issues = hrefs(doc, "#topic-issues ~ ul .issue-title a")
    assert issues == ["/issues/9/", "/issues/2/"]  # newest first
    links = doc.css("#topic-links ~ ul.link-list > li.link")
    assert len(links) == 10
    for link in links:  # every one of them is about tools
        assert "/links/tags/tools/" in hrefs(link, ".link-foot a.tag")
    assert len(doc.css("#topic-discussions ~ ul.link-list > li")) == 3
    assert doc.css_first("main p.count").text() == "2 issues, 10 links, 3 discussions"
    # The older pages, one kind each, still work and are linked from the topic.
    for older in ("/links/tags/tools/", "/discussions/tags/tools/"):
        assert older in hrefs(doc)
        assert page(demo_site, older).css_first("main h1").text().strip() == "tools"


def test_topics_index_lists_topics_by_size_with_counts(demo_site):
    items = page(demo_site, "/topics/").css("main ul.topic-list > li")
    sizes = []
    for item in items:
        counts = item.css_first(".count").text()
        sizes.append(sum(int(n) for n in re.findall(r"\d+", counts)))
        url = item.css_first("a").attributes["href"]
        topic = page(demo_site, url)
        assert topic.css_first("main p.count").text() == counts
    assert len(items) == 9 and sizes == sorted(sizes, reverse=True)
    assert item.css_first("a").text()  # each topic named


def test_an_issue_tag_and_a_member_topic_match_by_slug(tmp_path):
    content = write_content(
        tmp_path,
        dict(
            [
                issue(1, "One", "2025-01-03", Tags="Side projects"),
                (
                    "members/ada.yml",
                    """
                    name: Ada
                    links:
                      - url: https://ada.example/bench
                        title: My bench
                        date: 2025-01-10
                        tags: [side-projects]
                    """,
                ),
            ]
        ),
    )
    output = build_site(content, tmp_path / "out")
    doc = page(output, "/topics/side-projects/")
    assert doc.css_first("main h1").text() == "side-projects"  # the configured spelling
    assert hrefs(doc, "#topic-issues ~ ul .issue-title a") == ["/issues/1/"]
    assert "https://ada.example/bench" in hrefs(doc, "#topic-links ~ ul .link-title a")
    # The issue's own tag link leads to the same page.
    assert "/topics/side-projects/" in hrefs(page(output, "/issues/1/"))
    assert [p.name for p in (output / "topics").iterdir() if p.is_dir()] == ["side-projects"]


def test_a_topic_only_members_use_has_its_page_and_is_in_the_sitemap(tmp_path):
    content = write_content(
        tmp_path,
        dict(
            [
                issue(1, "One", "2025-01-03"),
                (
                    "members/ada.yml",
                    """
                    name: Ada
                    links:
                      - url: https://ada.example/type
                        title: Type notes
                        date: 2025-01-10
                        tags: [typography]
                    """,
                ),
            ]
        ),
    )
    output = build_site(content, tmp_path / "out")
    doc = page(output, "/topics/typography/")
    assert doc.css_first("main p.count").text() == "1 link"
    assert not doc.css("#topic-issues")
    assert "/topics/typography/</loc>" in (output / "sitemap.xml").read_text()
    assert hrefs(page(output, "/topics/"), "main ul.topic-list a") == ["/topics/typography/"]


def _retag(project: Path, tags: str) -> str:
    path = project / "content/issues/0002-small-tools-big-afternoons.md"
    path.write_text(path.read_text().replace("Tags: tools, side-projects", f"Tags: {tags}"))
    return "content/issues/0002-small-tools-big-afternoons.md"


def test_check_suggests_design_for_the_issue_tag_desing(project):
    name = _retag(project, "tools, desing")
    result = invoke(project, "check")
    assert result.returncode != 0
    assert (
        f'{name}:4: Tags: "desing" is not a configured topic; did you mean "design"?'
        in result.stdout + result.stderr
    )
    assert "Traceback" not in result.stdout + result.stderr


def test_a_tag_unlike_any_configured_topic_is_a_topic_of_its_own(project):
    _retag(project, "tools, typing")  # as like "writing" as a slip, but a word of its own
    result = invoke(project, "check")
    assert result.stdout.strip() == "No problems found.", result.stdout + result.stderr


@pytest.mark.parametrize(
    ("tag", "slip_of"),
    [
        ("desing", "design"),  # two letters swapped
        ("tool", "tools"),  # one dropped
        ("wrting", "writing"),
        ("printing", None),  # a topic of its own beside "writing", two mistakes away
        ("typing", None),
        ("art", None),  # too short to tell
    ],
)
def test_only_one_typing_mistake_makes_a_tag_a_slip(tag, slip_of):
    assert slipped_topic(tag, ["design", "tools", "writing", "arc"]) == slip_of


@given(st.text("abcde", max_size=7), st.text("abcde", max_size=7))
def test_typing_distance_is_a_count_of_mistakes(one, other):
    distance = typing_distance(one, other)
    assert (distance == 0) == (one == other)
    assert distance == typing_distance(other, one)
    assert abs(len(one) - len(other)) <= distance <= max(len(one), len(other))
    assert typing_distance(one, one + "x") == 1


def test_the_members_near_miss_suggestion_is_the_one_issues_get(project):
    """One suggestion rule: a member's "desing" gets the same "design" an issue's does."""
    member = project / "content/members/anneke.yml"
    text = member.read_text()
    first = re.search(r"tags: \[(\w[\w-]*)", text)
    assert first
    member.write_text(text.replace(first[0], "tags: [desing", 1))
    result = invoke(project, "check")
    out = result.stdout + result.stderr
    assert "'desing' is not a topic here (did you mean design?)" in out


@given(st.text(max_size=30))
def test_a_configured_topic_is_never_a_slip_and_a_slip_is_always_configured(tag):
    assert slipped_topic(tag, TOPICS) in (None, *TOPICS)
    for topic in TOPICS:
        assert slipped_topic(topic, TOPICS) is None
        assert slipped_topic(topic.upper().replace("-", " "), TOPICS) is None


names = st.sampled_from(["Tools", "tools", "Side projects", "side-projects", "zines", "Ünï"])


@given(
    st.lists(st.tuples(names, st.integers(0, 3)), max_size=6),
    st.lists(st.tuples(names, st.integers(0, 3)), max_size=6),
    st.lists(st.tuples(names, st.integers(0, 3)), max_size=6),
)
def test_every_item_is_on_the_page_of_its_slug_and_pages_go_by_size(tags, links, threads):
    def items(kind: str, groups):
        return [(name, [f"{kind}-{name}-{n}" for n in range(count)]) for name, count in groups]

    issue_groups = [(SimpleNamespace(name=name), found) for name, found in items("i", tags)]
    link_groups = [(Ref(name, f"links/tags/{name}/"), found) for name, found in items("l", links)]
    thread_groups = [(Ref(name, f"d/{name}/"), found) for name, found in items("d", threads)]
    pages = build_topic_pages(issue_groups, link_groups, thread_groups, TOPICS, "topics/{slug}/")
    assert [p.size for p in pages] == sorted((p.size for p in pages), reverse=True)
    assert len({p.slug for p in pages}) == len(pages)
    by_slug = {p.slug: p for p in pages}
    for groups, field in ((tags, "issues"), (links, "links"), (threads, "discussions")):
        for name, count in groups:
            held = getattr(by_slug[topic_slug(name)], field)
            assert all(f"{field[0]}-{name}-{n}" in held for n in range(count))
    for topic in pages:
        assert topic.url == f"topics/{topic.slug}/"
        assert topic.name in TOPICS or topic_slug(topic.name) not in map(topic_slug, TOPICS)


def test_a_topic_with_many_links_shows_the_newest_and_links_all_of_them():
    links = [(Ref("tools", "links/tags/tools/"), [f"link-{n}" for n in range(25)])]
    (topic,) = build_topic_pages([], links, [], TOPICS, "topics/{slug}/")
    assert topic.links == tuple(f"link-{n}" for n in range(SHOWN))
    assert (topic.link_count, topic.counts_text, topic.size) == (25, "25 links", 25)
    assert topic.links_url == "links/tags/tools/"


def test_every_topic_link_on_every_page_leads_to_a_topic_page(demo_site):
    """The issues' tag links (Pelican's TAG_URL) and the topic pages (one slug rule) agree."""
    found = set()
    for path in demo_site.rglob("index.html"):
        for href in hrefs(page(demo_site, path.relative_to(demo_site).as_posix()), "a"):
            if href.startswith("/topics/"):
                found.add(href)
    assert "/topics/side-projects/" in found
    for href in found:
        assert (demo_site / href.strip("/") / "index.html").is_file(), href
