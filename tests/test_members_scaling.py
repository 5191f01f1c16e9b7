"""Member loading at archive scale gives the answers the plain, slow definitions give.

``community_links`` takes each issue's window by bisection and ``duplicate_links``
describes the first place an address was seen only when it reports a duplicate.
These tests compare both, on many random archives, against the definitions
written out the simple way, and check the shortcuts in URL and text checks
against the per-character rules they replace.
"""

from __future__ import annotations

import contextlib
import datetime
import random
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest

from hearth_core.problems import display_path, problem
from hearth_core.text import FORBIDDEN
from hearth_members.community import community_links, community_links_of
from hearth_members.duplicates import duplicate_links
from hearth_members.model import Link, Member
from hearth_members.urls import ascii_host, normalize_url

START = datetime.date(2025, 1, 1)
ZONES = (
    datetime.UTC,
    datetime.timezone(datetime.timedelta(hours=13)),
    datetime.timezone(datetime.timedelta(hours=-11)),
)
# Few addresses, many spellings of each: duplicates and Community lists match often.
SPELLINGS = (
    "https://example.org/{}",
    "http://Example.org/{}/",
    "https://example.org:443/{}?utm_source=feed",
    "https://example.org/{}#part",
)


@dataclass(frozen=True)
class FakeIssue:
    number: int
    date: datetime.datetime
    community: tuple[str, ...] | None
    source: object


def _address(rng: random.Random, pages: int) -> str:
    return rng.choice(SPELLINGS).format(f"page-{rng.randint(1, pages)}")


def _link(rng: random.Random, handle: str, index: int, days: int, pages: int) -> Link:
    # Indexes repeat on purpose: links with equal (date, member, index) keep their order.
    return Link(
        url=_address(rng, pages),
        title="A link",
        date=START + datetime.timedelta(days=rng.randint(0, days)),
        note="",
        tags=(),
        discussion=None,
        member=handle,
        source=Path(f"content/members/{handle}.yml"),
        line=3 + index * 3,
        index=index,
        lines=(("url", 3 + index * 3),) if rng.random() < 0.9 else (),
    )


def _links(rng: random.Random, count: int, days: int, pages: int) -> list[Link]:
    return [
        _link(rng, rng.choice(("ada", "bo", "cy")), rng.randint(0, 4), days, pages)
        for _ in range(count)
    ]


def _issues(rng: random.Random, count: int, days: int, pages: int) -> list[FakeIssue]:
    issues = []
    for number in rng.sample(range(1, 10 * count + 2), count):
        day = START + datetime.timedelta(days=rng.randint(-3, days + 3))
        moment = datetime.datetime.combine(
            day, datetime.time(rng.randint(0, 23), rng.choice((0, 30))), rng.choice(ZONES)
        )
        community: tuple[str, ...] | None = None
        if rng.random() < 0.2:
            community = tuple(_address(rng, pages + 2) for _ in range(rng.randint(0, 4)))
        issues.append(FakeIssue(number, moment, community, Path(f"content/issues/{number}.md")))
    return issues


def reference_community_links(issues, links):
    """The definition, one pass over every link for every issue."""
    by_url = {normalize_url(link.url): link for link in links}
    chosen = {}
    previous = None
    for issue in sorted(issues, key=lambda issue: (issue.date, issue.number)):
        day = issue.date.date()
        if issue.community is None:
            window = [
                link
                for link in links
                if (previous is None or link.date > previous) and link.date <= day
            ]
        else:
            window = [by_url[u] for u in map(normalize_url, issue.community) if u in by_url]
        chosen[issue.number] = tuple(
            sorted(window, key=lambda link: (link.date, link.member, link.index), reverse=True)
        )
        previous = day
    return chosen


def _same(chosen, expected) -> None:
    # Identity, not equality: equal links in another order would still compare equal.
    assert list(chosen) == list(expected)
    for number, links in expected.items():
        assert [id(link) for link in chosen[number]] == [id(link) for link in links], number


def _archive(seed: int) -> tuple[list, list]:
    """Issues and links of a random small archive: ``seed`` chooses its span and shape."""
    rng = random.Random(seed)
    days = rng.choice((3, 30, 400))
    pages = rng.choice((2, 20, 500))
    links = _links(rng, rng.randint(0, 120), days, pages)
    return _issues(rng, rng.randint(0, 25), days, pages), links


@pytest.mark.parametrize("seed", range(200))
def test_community_links_match_the_definition_on_random_archives(seed):
    issues, links = _archive(seed)
    _same(community_links(issues, links), reference_community_links(issues, links))


@pytest.mark.parametrize("seed", range(200))
def test_one_issue_s_links_are_those_of_every_issue_s_window(seed):
    # `invoke email` takes one issue's links without sorting every link.
    issues, links = _archive(seed)
    expected = reference_community_links(issues, links)
    chosen = {issue.number: community_links_of(issue, issues, links) for issue in issues}
    _same(dict(sorted(chosen.items(), key=lambda item: list(expected).index(item[0]))), expected)


def test_issues_on_the_same_day_share_nothing_after_the_first():
    rng = random.Random(7)
    links = _links(rng, 60, 10, 50)
    noon = datetime.datetime(2025, 1, 6, 12, tzinfo=datetime.UTC)
    issues = [
        FakeIssue(2, noon, None, "b"),
        FakeIssue(1, noon, None, "a"),
        FakeIssue(3, noon + datetime.timedelta(hours=1), None, "c"),
    ]
    chosen = community_links(issues, links)
    expected = reference_community_links(issues, links)
    _same(chosen, expected)
    assert chosen[1] and chosen[1] == tuple(
        sorted(
            (link for link in links if link.date <= noon.date()),
            key=lambda link: (link.date, link.member, link.index),
            reverse=True,
        )
    )
    assert chosen[2] == chosen[3] == ()


def test_an_issue_dated_before_the_previous_one_locally_gets_nothing():
    # Sorted by the moment, +13:00 comes first yet is a day later where it was written.
    links = _links(random.Random(3), 40, 10, 50)
    ahead = datetime.datetime(2025, 1, 6, 0, 30, tzinfo=ZONES[1])
    behind = datetime.datetime(2025, 1, 5, 23, 0, tzinfo=datetime.UTC)
    issues = [FakeIssue(1, behind, None, "a"), FakeIssue(2, ahead, None, "b")]
    chosen = community_links(issues, links)
    _same(chosen, reference_community_links(issues, links))
    assert chosen[1] == ()


def test_a_community_list_names_links_in_any_spelling_and_skips_unknown_ones():
    rng = random.Random(11)
    links = _links(rng, 30, 20, 5)
    day = datetime.datetime(2025, 2, 1, tzinfo=datetime.UTC)
    listed = (
        "HTTP://example.org/page-1/",
        "https://example.org/nowhere",
        "https://example.org/page-2",
    )
    issues = [
        FakeIssue(1, day, listed, "a"),
        FakeIssue(2, day, (), "b"),
        FakeIssue(3, day, None, "c"),
    ]
    chosen = community_links(issues, links)
    _same(chosen, reference_community_links(issues, links))
    assert {normalize_url(link.url) for link in chosen[1]} == {
        "https://example.org/page-1",
        "https://example.org/page-2",
    }
    assert chosen[2] == ()
    # The list opts the issue out of the window, but the next issue's starts after it.
    assert chosen[3] == ()


def test_no_links_or_no_issues():
    links = _links(random.Random(5), 10, 5, 5)
    assert community_links([], links) == {}
    issue = FakeIssue(4, datetime.datetime(2025, 1, 3, tzinfo=datetime.UTC), None, "a")
    assert community_links([issue], []) == {4: ()}


# Duplicates: the same problems, in the same order, as describing every address up front.


def reference_duplicate_links(members, featured, issue_dates=None):
    first = {}
    issue_date = {}
    for url, path, line in featured:
        key = normalize_url(url)
        if key not in first:
            first[key] = f"was already featured in {display_path(path)}:{line}"
            if issue_dates and path in issue_dates:
                issue_date[key] = issue_dates[path]
    problems = []
    for link in sorted(
        (link for member in members for link in member.links),
        key=lambda link: (link.date, link.source.name, link.index),
    ):
        key = normalize_url(link.url)
        if key in issue_date and link.date < issue_date.pop(key):
            del first[key]
        if key not in first:
            first[key] = (
                f"was already shared by {link.member} in "
                f"{display_path(link.source)}:{link.line_of('url')}"
            )
            continue
        problems.append(
            problem(
                link.source,
                link.line_of("url"),
                link.field_path("url"),
                f"{link.url} {first[key]}: remove this link, or link to the conversation instead",
            )
        )
    return problems


@pytest.mark.parametrize("seed", range(100))
def test_duplicate_links_match_the_definition_on_random_archives(seed):
    rng = random.Random(seed)
    pages = rng.choice((3, 10, 40))
    members = []
    for handle in rng.sample(("ada", "bo", "cy", "dee"), rng.randint(0, 4)):
        links = tuple(_link(rng, handle, index, 30, pages) for index in range(rng.randint(0, 8)))
        source = Path(f"content/members/{handle}.yml")
        members.append(Member(handle, handle.title(), "", None, None, links, source))
    paths = [Path(f"content/issues/{number:04d}-issue.md") for number in range(1, 6)]
    featured = [
        (_address(rng, pages), rng.choice(paths), rng.randint(1, 80))
        for _ in range(rng.randint(0, 30))
    ]
    dates = {path: START + datetime.timedelta(days=rng.randint(0, 30)) for path in paths[:4]}
    issue_dates = rng.choice((None, {}, dates))
    found = duplicate_links(members, featured, issue_dates)
    assert found == reference_duplicate_links(members, featured, issue_dates)


def test_an_issue_after_the_link_lets_the_member_share_it_and_later_ones_are_told():
    issue = Path("content/issues/0002-later.md")
    src = Path("content/members/ada.yml")
    links = tuple(
        Link(
            "https://example.org/a",
            "A",
            START + datetime.timedelta(days=d),
            "",
            (),
            None,
            "ada",
            src,
            3 + 3 * i,
            i,
            (("url", 3 + 3 * i),),
        )
        for i, d in enumerate((1, 5))
    )
    ada = Member("ada", "Ada", "", None, None, links, src)
    featured = [("http://example.org/a/", issue, 9)]
    later = {issue: START + datetime.timedelta(days=3)}
    assert [str(p) for p in duplicate_links([ada], featured, later)] == [
        "content/members/ada.yml:6: links[1].url: https://example.org/a was already shared by "
        "ada in content/members/ada.yml:3: remove this link, or link to the conversation instead"
    ]
    assert [str(p) for p in duplicate_links([ada], featured)] == [
        f"content/members/ada.yml:{line}: links[{index}].url: https://example.org/a was already "
        "featured in content/issues/0002-later.md:9: remove this link, or link to the "
        "conversation instead"
        for index, line in ((0, 3), (1, 6))
    ]


# Shortcuts in the per-character checks


def test_the_forbidden_character_search_is_the_per_character_rule():
    def hidden(character: str) -> bool:
        if character in "\n\t":
            return False
        code = ord(character)
        noncharacter = 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE
        return (
            unicodedata.category(character) in ("Cc", "Cs")
            or character in "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
            or character in "\u2066\u2067\u2068\u2069"
            or noncharacter
        )

    for code in range(sys.maxunicode + 1):
        character = chr(code)
        assert (FORBIDDEN.fullmatch(character) is not None) == hidden(character), hex(code)


@pytest.mark.parametrize(
    "host",
    ["Example.ORG", "example.org.", "a..b", "x" * 64 + ".org", "", ".", "[::1]", "a_b-c.example"],
)
def test_an_ascii_host_is_what_idna_makes_of_it(host):
    expected = host.lower().rstrip(".")
    with contextlib.suppress(UnicodeError):
        expected = expected.encode("idna").decode("ascii")
    assert ascii_host(host) == expected


def test_normalizing_again_gives_the_same_address():
    url = "HTTP://Example.org:80/post/?utm_medium=x&a=1#top"
    assert normalize_url(url) == normalize_url(url) == "https://example.org/post?a=1#top"
