"""A link is shared once: addresses that are the same page are found wherever they appear."""

from __future__ import annotations

import datetime
import random
import re
import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hearth_core import weburl
from hearth_members.collect import load_members
from hearth_members.duplicates import (
    TRAILING_PUNCTUATION,
    duplicate_links,
    urls_in_markdown,
)
from hearth_members.model import Member
from hearth_members.urls import _normalize, display_domain, normalize_url
from hearth_members.validate import parse_member

VOCABULARY = ("apps", "design", "tools")
TODAY = datetime.date(2025, 10, 10)


@pytest.mark.parametrize(
    ("url", "normal"),
    [
        ("https://example.org/post", "https://example.org/post"),
        # Scheme and host are case-insensitive; the path is not.
        ("HTTPS://Example.ORG/Post", "https://example.org/Post"),
        # http and https are one article on one site.
        ("http://example.org/post", "https://example.org/post"),
        # Default ports are the same address; other ports are another site.
        ("https://example.org:443/post", "https://example.org/post"),
        ("http://example.org:80/post", "https://example.org/post"),
        ("https://example.org:8443/post", "https://example.org:8443/post"),
        ("http://example.org:443/post", "https://example.org:443/post"),
        # A trailing slash is the same page, and the root is the bare host.
        ("https://example.org/post/", "https://example.org/post"),
        ("https://example.org/", "https://example.org"),
        ("https://example.org", "https://example.org"),
        # Tracking parameters go; others stay, in their order.
        (
            "https://example.org/p?utm_source=news&b=2&UTM_Medium=x&a=1&fbclid=abc",
            "https://example.org/p?b=2&a=1",
        ),
        (
            "https://example.org/p?gclid=1&mc_cid=2&mc_eid=3&ref_src=4&igshid=5&yclid=6&msclkid=7",
            "https://example.org/p",
        ),
        ("https://example.org/p?ref=home", "https://example.org/p?ref=home"),
        ("https://example.org/search?q=zines&page=2", "https://example.org/search?q=zines&page=2"),
        # Fragments are different places on a page: kept.
        ("https://example.org/guide#part-2", "https://example.org/guide#part-2"),
        ("https://example.org/guide/?utm_source=x#part-2", "https://example.org/guide#part-2"),
        # International host names compare in their IDNA form.
        ("https://Bücher.example/über", "https://xn--bcher-kva.example/über"),
        ("https://XN--BCHER-KVA.example/", "https://xn--bcher-kva.example"),
        ("  https://example.org/post  ", "https://example.org/post"),
        # An address in an issue that cannot be split compares as written.
        ("https://[::1", "https://[::1"),
    ],
)
def test_normalized_addresses(url, normal):
    assert normalize_url(url) == normal


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("https://example.org/guide#part-1", "https://example.org/guide#part-2"),
        ("https://example.org/p?id=1", "https://example.org/p?id=2"),
        ("https://example.org/a", "https://example.org/A"),
        ("https://example.org/a", "https://www.example.org/a"),
    ],
)
def test_different_pages_stay_different(one, other):
    assert normalize_url(one) != normalize_url(other)


@pytest.mark.parametrize(
    ("url", "domain"),
    [
        ("https://www.example.org/post", "example.org"),
        ("https://Blog.Example.org:8443/post", "blog.example.org"),
        ("https://wwwexample.org/", "wwwexample.org"),
        # The IDNA form cannot pass for a look-alike of a familiar name.
        ("https://bücher.example/", "xn--bcher-kva.example"),
        ("https://www.аpple.com/", "xn--pple-43d.com"),
    ],
)
def test_display_domain_is_the_host_without_www(url, domain):
    assert display_domain(url) == domain


def test_urls_in_an_issue_are_found_with_their_lines():
    body = textwrap.dedent(
        """\
        Inline [a post](https://example.org/a) and <https://example.org/b>.

        Bare https://example.org/c, then (https://example.org/d).
        Wiki [zines](https://en.wikipedia.org/wiki/Zine_(magazine)) and **https://example.org/e**.
        Site-relative [issue 3](/issues/3/) is not a shared link.

        [ref]: https://example.org/f "Title"
        """
    )
    path = Path("content/issues/0008-show.md")
    assert urls_in_markdown(path, body, 6) == [
        ("https://example.org/a", path, 6),
        ("https://example.org/b", path, 6),
        ("https://example.org/c", path, 8),
        ("https://example.org/d", path, 8),
        ("https://en.wikipedia.org/wiki/Zine_(magazine)", path, 9),
        ("https://example.org/e", path, 9),
        ("https://example.org/f", path, 12),
    ]


# The address pattern as first written: one character or one pair at a time.
ONE_AT_A_TIME = re.compile(r"https?://(?:[^\s<>()\[\]\"'`]|\([^\s<>()\"'`]*\))+", re.IGNORECASE)


def _urls_line_by_line(path, body, first_line):
    found = []
    for number, line in enumerate(body.split("\n"), start=first_line):
        for match in ONE_AT_A_TIME.finditer(line):
            found.append((match[0].rstrip(TRAILING_PUNCTUATION), path, number))
    return found


@given(
    st.lists(
        st.sampled_from(
            [
                "https://example.org/a",
                "http://x.example/(b)",
                "[t](https://e.example/c)",
                "\n",
                " ",
                "\n\n",
                "<https://f.example/>",
                "word",
                ".",
                "(",
                ")",
                "\t",
                "\r",
            ]
        )
    ).map("".join)
)
def test_addresses_are_found_on_the_lines_they_are_on(body):
    # The scan runs over the whole text at once; reading it line by line finds the same.
    path = Path("content/issues/0001-x.md")
    assert urls_in_markdown(path, body, 4) == _urls_line_by_line(path, body, 4)


# Duplicates across the archive


def member(handle: str, *links: tuple[str, str]) -> Member:
    """A valid member sharing (url, date) links; the url is the link's first line."""
    lines = [f"name: {handle.title()}", "links:"]
    for url, day in links:
        lines += [f"  - url: {url}", "    title: A link", f"    date: {day}"]
    path = Path(f"content/members/{handle}.yml")
    parsed, problems = parse_member(path, "\n".join(lines) + "\n", VOCABULARY, TODAY)
    assert problems == []
    assert parsed is not None
    return parsed


def messages(members: list[Member], featured=()) -> list[str]:
    return [str(item) for item in sorted(duplicate_links(members, featured))]


def test_a_link_shared_by_two_members_is_an_error_on_the_later_one_naming_both():
    ada = member("ada", ("https://example.org/post", "2025-10-01"))
    bo = member(
        "bo", ("https://x.example/a", "2025-09-01"), ("http://Example.org/post/", "2025-10-02")
    )
    assert messages([bo, ada]) == [
        "content/members/bo.yml:6: links[1].url: http://Example.org/post/ was already shared by "
        "ada in content/members/ada.yml:3: remove this link, or link to the conversation instead"
    ]


def test_on_the_same_day_the_first_file_name_keeps_the_link():
    ada = member("ada", ("https://example.org/post", "2025-10-01"))
    bo = member("bo", ("https://example.org/post?utm_source=feed", "2025-10-01"))
    assert messages([bo, ada]) == [
        "content/members/bo.yml:3: links[0].url: https://example.org/post?utm_source=feed was "
        "already shared by ada in content/members/ada.yml:3: remove this link, or link to the "
        "conversation instead"
    ]


def test_an_earlier_date_keeps_the_link_whatever_the_file_name():
    ada = member("ada", ("https://example.org/post", "2025-10-05"))
    bo = member("bo", ("https://example.org/post", "2025-10-01"))
    assert messages([ada, bo]) == [
        "content/members/ada.yml:3: links[0].url: https://example.org/post was already shared "
        "by bo in content/members/bo.yml:3: remove this link, or link to the conversation instead"
    ]


def test_a_member_sharing_one_link_twice_is_told_where_the_first_is():
    ada = member(
        "ada",
        ("https://example.org/post", "2025-10-01"),
        ("https://example.org/post", "2025-10-02"),
    )
    assert messages([ada]) == [
        "content/members/ada.yml:6: links[1].url: https://example.org/post was already shared "
        "by ada in content/members/ada.yml:3: remove this link, or link to the conversation instead"
    ]


def test_sections_of_one_page_are_different_links():
    ada = member("ada", ("https://example.org/guide#one", "2025-10-01"))
    bo = member("bo", ("https://example.org/guide#two", "2025-10-01"))
    assert messages([ada, bo]) == []


def test_a_link_already_featured_in_an_issue_names_the_issue_and_its_line():
    body = "Hello.\n\nRead [this post](https://example.org/post/) first.\n"
    issue = Path("content/issues/0008-show-and-tell-special.md")
    featured = urls_in_markdown(issue, body, 6)
    ada = member("ada", ("https://example.org/post", "2025-10-01"))
    assert messages([ada], featured) == [
        "content/members/ada.yml:3: links[0].url: https://example.org/post was already featured "
        "in content/issues/0008-show-and-tell-special.md:8: remove this link, or link to the "
        "conversation instead"
    ]


def test_the_folder_check_finds_duplicates_across_files_and_issues(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "content" / "members"
    folder.mkdir(parents=True)
    link = "  - url: {}\n    title: A link\n    date: 2025-10-0{}\n"
    (folder / "ada.yml").write_text(
        "name: Ada\nlinks:\n" + link.format("https://example.org/a", 1), encoding="utf-8"
    )
    (folder / "bo.yml").write_text(
        "name: Bo\nlinks:\n"
        + link.format("https://example.org/a/", 2)
        + link.format("https://example.org/featured", 2),
        encoding="utf-8",
    )
    featured = [("https://example.org/featured", Path("content/issues/0003-x.md"), 12)]
    members, problems = load_members(folder, VOCABULARY, TODAY, featured)
    assert [m.handle for m in members] == ["ada", "bo"]
    assert [str(item) for item in sorted(problems)] == [
        "content/members/bo.yml:3: links[0].url: https://example.org/a/ was already shared by "
        "ada in content/members/ada.yml:3: remove this link, or link to the conversation instead",
        "content/members/bo.yml:6: links[1].url: https://example.org/featured was already "
        "featured in content/issues/0003-x.md:12: remove this link, or link to the conversation "
        "instead",
    ]


HOSTS = ["example.org", "Example.org", "a-b.example", "example.org.", "xn--bcher-kva.example"]
URL_PARTS = st.tuples(
    st.sampled_from(["http", "https", "HTTPS", "ftp"]),
    st.sampled_from([*HOSTS, "localhost", "ex_ample.org", "[::1]"]),
    st.sampled_from(["", ":443", ":80", ":8080", ":x"]),
    st.text(alphabet="/aZ%.~-_()[]é \t?#=&", max_size=12),
)


@given(URL_PARTS)
def test_plain_addresses_take_a_shortcut_to_the_same_form(parts):
    # The shortcut skips urlsplit for plain addresses; every address gets the same form.
    scheme, host, port, rest = parts
    url = f"{scheme}://{host}{port}/{rest}"
    assert normalize_url(url) == _normalize(url)


SCHEMES = ["https://", "http://", "HTTPS://", "ftp://", "https:/", "//", ""]
LABELS = ["a", "example", "org", "-", "_", "0", "A", "é", "", "xn--bcher-kva", "localhost"]
AFTER_HOST = ["", "", ".", ":80", ":99999", "@b.example", "[", " ", "\\"]
REST = [
    "/", "?", "#", "=", "&", "@", ":", "a", ".", "%20", " ", "\t", "\n", "\\", '"', "<",
    ">", "`", "é", "\u200b", "\u202e", "~", "!", "$", "'", "(", ")", "*", "+", ",", ";",
    "{", "}", "|", "^", "[", "]",
]  # fmt: skip


def test_an_address_accepted_at_a_glance_passes_every_check():
    # check_web_url accepts most addresses with one match (PLAIN_WEB_URL); every
    # one it so accepts, the full checks must accept too.
    generator = random.Random(7)
    urls = []
    for _case in range(50_000):
        host = ".".join(generator.choices(LABELS, k=generator.randint(1, 3)))
        rest = generator.choice(["", "/", "?", "#", "x"])
        rest += "".join(generator.choices(REST, k=generator.randint(0, 2)))
        urls.append(generator.choice(SCHEMES) + host + generator.choice(AFTER_HOST) + rest)
    accepted = [url for url in urls if weburl.PLAIN_WEB_URL.fullmatch(url)]
    assert 200 < len(accepted) < 49_000, "the test reaches both paths"
    for url in accepted:
        assert weburl.checked_in_full(url) == url
