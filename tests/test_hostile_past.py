"""The past is frozen: a member file, whatever it says later, never changes an issue already out.

Sites are built for real into temporary folders; pull requests are real git repositories.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import hypothesis
import pytest
from hypothesis import strategies as st

from hearth_core.problems import ContentError
from hearth_issues.source import parse_issue
from hearth_members.community import community_links
from hearth_members.model import Link, Member
from hearth_members.past import (
    Record,
    is_published,
    newest_published,
    read_record,
    record_newly_published,
)
from hearth_members.pullrequest import (
    backdated_problems,
    check_pull_request,
    link_changes,
    own_link_problems,
)
from hearth_site.check import check_content, load_site_content
from tests.sites import build_site, issue, page, settings_for, write_content
from tests.test_members_pullrequest import git, git_identity, member, write

__all__ = ["git_identity"]  # the fixture, used by every test here

MEMBERS = "content/members"
STOCKHOLM = ZoneInfo("Europe/Stockholm")
ADA = member(
    "ada",
    ("https://ada.example/one", "2025-10-01"),  # issue 1
    ("https://ada.example/two", "2025-10-08"),  # issue 2
)
BO = member("bo", ("https://bo.example/old", "2025-10-02"), ("https://bo.example/x", "2025-10-05"))
ISSUES = dict(
    [
        issue(1, "One", "2025-10-03 08:00"),
        issue(2, "Two", "2025-10-10 08:00"),
    ]
)


def backdated(count: int, since: int = 1873) -> list[tuple[str, str]]:
    """``count`` links dated from ``since`` on, one every 90 days: never crowded, all long
    past. Dates before 1970 are refused as out of range before they are compared."""
    start = datetime.date(since, 1, 1)
    return [
        (f"https://bo.example/old/{n}", (start + datetime.timedelta(days=90 * n)).isoformat())
        for n in range(count)
    ]


# Through `invoke check` and the build, on a site whose issues are out.


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Path]:
    """A site built once, so its published issues are recorded: (content, output)."""
    content = write_content(tmp_path, {**ISSUES, "members/ada.yml": ADA, "members/bo.yml": BO})
    output = build_site(content, tmp_path / "output")
    return content, output


def problems_in(content: Path, output: Path) -> list[str]:
    return [str(p) for p in load_site_content(settings_for(content, output)).problems]


def rebuild(content: Path, output: Path) -> Path:
    return build_site(content, output)


def community_urls(output: Path, number: int) -> list[str]:
    section = page(output, f"/issues/{number}/").css_first("section.community")
    return [a.attributes["href"] for a in section.css("li a.link-title, li a")] if section else []


def featured_in(output: Path, number: int) -> set[str]:
    return {url for url in community_urls(output, number) if "ada.example" in url or "bo." in url}


def test_the_first_build_records_each_published_issues_links(built):
    content, _output = built
    record, problems = read_record(content / "members/_featured.json")
    assert problems == [] and record is not None
    assert record.featured == {
        1: ("https://bo.example/old", "https://ada.example/one"),
        2: ("https://ada.example/two", "https://bo.example/x"),
    }


def test_backdated_links_to_1873_are_refused_by_check(built):
    content, output = built
    (content / "members/bo.yml").write_text(member("bo", *backdated(400)), encoding="utf-8")
    problems = problems_in(content, output)
    before_1970 = [day for _url, day in backdated(400) if day < "1970"]
    assert len(problems) == len(before_1970) > 380
    assert problems[0] == (
        f"{content}/members/bo.yml:5: links[0].date: 1873-01-01 is outside the dates Hearth "
        "accepts (1970 to 2999): check the year"
    )
    with pytest.raises(ContentError):
        rebuild(content, output)


def test_backdated_links_in_range_are_each_refused_by_check(built):
    content, output = built
    links = backdated(200, since=1973)  # up to 2022
    (content / "members/bo.yml").write_text(member("bo", *links), encoding="utf-8")
    problems = problems_in(content, output)
    assert len(problems) == 200
    assert problems[0] == (
        f"{content}/members/bo.yml:5: links[0].date: 1973-01-01 is not after 2025-10-10, the date "
        "of issue 2, the newest published issue: a new link is dated 2025-10-11 or later, the "
        "day you share it (issues already out never change)"
    )
    with pytest.raises(ContentError):
        rebuild(content, output)


def test_a_link_dated_after_the_newest_issue_is_new_and_on_its_day_is_not(built):
    # Issue 2 features the links dated up to its day: one dated that day, shared once the
    # issue is out, would be written into it.
    content, output = built
    link = "\n  - url: https://bo.example/today\n    title: T\n    date: 2025-10-10\n"
    bo = BO.rstrip("\n") + link
    (content / "members/bo.yml").write_text(bo, encoding="utf-8")
    assert [p.split(": ")[1] for p in problems_in(content, output)] == ["links[2].date"]
    (content / "members/bo.yml").write_text(bo.replace("2025-10-10", "2025-10-11"))
    assert problems_in(content, output) == []
    output = rebuild(content, output)
    assert "https://bo.example/today" not in featured_in(output, 2)


def test_a_moderator_redating_a_link_leaves_published_issues_as_they_were(built):
    # Moved from issue 1's week into issue 2's: the check lets a known link be re-dated
    # (check-pr lets only a moderator do it), and the issues keep what they featured.
    content, output = built
    (content / "members/ada.yml").write_text(ADA.replace("2025-10-01", "2025-10-09"))
    output = rebuild(content, output)
    assert "https://ada.example/one" in featured_in(output, 1)
    assert "https://ada.example/one" not in featured_in(output, 2)


def test_redating_old_links_into_one_week_is_over_the_limit_in_check(built):
    content, output = built
    links = [(f"https://bo.example/w{n}", f"2025-10-0{n}") for n in range(1, 7)]
    (content / "members/bo.yml").write_text(member("bo", *links), encoding="utf-8")
    problems = problems_in(content, output)
    assert (
        f"{content}/members/bo.yml:18: links[5]: 6 links dated within 7 days (2025-10-01, "
        "2025-10-02, 2025-10-03, 2025-10-04, 2025-10-05, 2025-10-06), over the limit of 5 in any "
        "7 days: remove 1 of them and share it in a later week"
    ) in problems


def test_a_moderator_removing_a_link_takes_it_out_of_every_page(built):
    content, output = built
    pages = [
        "issues/1/index.html",
        "feeds/issues.atom.xml",
        "feeds/issues.rss.xml",
        "feeds/issues.json",
        "links/index.html",
        "links/2025/10/index.html",
        "feeds/links.atom.xml",
        "members/bo/index.html",
    ]
    for name in pages:
        assert "https://bo.example/old" in (output / name).read_text(), name
    (content / "members/bo.yml").write_text(member("bo", ("https://bo.example/x", "2025-10-05")))
    assert problems_in(content, output) == []  # no error: it drops out
    output = rebuild(content, output)
    written = [
        path
        for path in output.rglob("*")
        if path.suffix in (".html", ".xml", ".json", ".txt") and path.is_file()
    ]
    assert len(written) > 10
    assert [p for p in written if "bo.example/old" in p.read_text(encoding="utf-8")] == []
    assert featured_in(output, 1) == {"https://ada.example/one"}
    # The record keeps what the issue featured; a moderator's removal is what the pages show.
    record = json.loads((content / "members/_featured.json").read_text())
    assert "https://bo.example/old" in record["issues"]["1"]


def test_a_published_issue_naming_a_removed_link_builds_without_it(tmp_path):
    files = {
        **dict([issue(1, "One", "2025-10-03 08:00", Community="https://gone.example/x")]),
        "members/ada.yml": ADA,
    }
    content = write_content(tmp_path, files)
    output = build_site(content, tmp_path / "output")
    assert community_urls(output, 1) == []


def test_a_broken_record_is_reported_with_its_file(built):
    content, output = built
    (content / "members/_featured.json").write_text('{"issues": [[[', encoding="utf-8")
    assert problems_in(content, output) == [
        f"{content}/members/_featured.json:1: is not a record the build wrote: restore it "
        "from git (git checkout -- <file>), or delete it and build again"
    ]


# What counts as published.


def one_issue(date: str, status: str = "published"):
    text = f"Title: T\nDate: {date}\nStatus: {status}\n\nHello.\n"
    found, problems = parse_issue(Path("content/issues/0001-t.md"), text, STOCKHOLM)
    assert problems == [] and found is not None
    return found


def test_an_issue_is_published_once_not_a_draft_and_its_date_has_come():
    now = datetime.datetime(2025, 10, 10, 8, 30, tzinfo=STOCKHOLM)
    assert is_published(one_issue("2025-10-10 08:00"), now)
    assert not is_published(one_issue("2025-10-10 09:00"), now)
    assert not is_published(one_issue("2025-10-03 08:00", "draft"), now)
    assert is_published(one_issue("2025-10-10T06:00:00+00:00"), now)
    assert not is_published(one_issue("2025-10-10T07:00:00+00:00"), now)


def test_an_issue_is_recorded_only_once_its_date_has_come(tmp_path):
    later_today = one_issue("2025-10-10 09:00")
    path = tmp_path / "_featured.json"
    before = datetime.datetime(2025, 10, 10, 8, 30, tzinfo=STOCKHOLM)
    assert record_newly_published(path, None, [later_today], [], before) == []
    assert not path.exists()
    after = before + datetime.timedelta(hours=1)
    assert record_newly_published(path, None, [later_today], [], after) == [later_today]
    assert read_record(path) == (Record({1: ()}, frozenset()), [])


# Through check-pr, which sees what a pull request adds and changes.


@pytest.fixture
def repo(tmp_path, monkeypatch):
    root = tmp_path / "site"
    root.mkdir()
    git(root, "init", "--quiet", "--initial-branch=main")
    files = {
        "pelicanconf.py": 'HEARTH_MEMBERS = {"moderators": ["mara"]}\n',
        **{f"content/{name}": text for name, text in ISSUES.items()},
        f"{MEMBERS}/ada.yml": ADA,
        f"{MEMBERS}/bo.yml": BO,
        "content/pages/.keep": "",
    }
    write(root, files, "base")
    git(root, "checkout", "--quiet", "-b", "pull-request")
    monkeypatch.chdir(root)
    return root


def check(repo: Path, author: str) -> list[str]:
    settings = {
        "PATH": str(repo / "content"),
        "ARTICLE_PATHS": ["issues"],
        "PAGE_PATHS": ["pages"],
        "TIMEZONE": "UTC",
        "HEARTH_MEMBERS": {"moderators": ["mara"]},
    }
    found = check_pull_request(repo, settings, author, "main", check_content=check_content)
    return [str(p) for p in found]


def test_backdated_links_to_1873_are_refused_by_check_pr(repo):
    write(repo, {f"{MEMBERS}/bo.yml": member("bo", *backdated(400), *BO_LINKS)})
    problems = check(repo, "bo")
    assert len(problems) > 380
    assert all(
        ("links[" in problem and ".date: 18" in problem) or ".date: 19" in problem
        for problem in problems
    )
    links = backdated(200, since=1973)  # up to 2022
    write(repo, {f"{MEMBERS}/bo.yml": member("bo", *links, *BO_LINKS)})
    problems = check(repo, "bo")
    assert len(problems) == 200
    assert problems[-1] == (
        f"content/members/bo.yml:602: links[199].date: {links[-1][1]} is not after 2025-10-10, the "
        "date of issue 2, the newest published issue: a new link is dated 2025-10-11 or later, "
        "the day you share it (issues already out never change)"
    )


BO_LINKS = [("https://bo.example/old", "2025-10-02"), ("https://bo.example/x", "2025-10-05")]


def test_a_new_link_dated_before_the_newest_issue_is_refused_for_a_moderator_too(repo):
    write(
        repo, {f"{MEMBERS}/bo.yml": member("bo", *BO_LINKS, ("https://bo.example/n", "2025-10-09"))}
    )
    problems = check(repo, "mara")
    assert len(problems) == 1
    assert problems[0].startswith("content/members/bo.yml:11: links[2].date: 2025-10-09 is not")
    write(
        repo, {f"{MEMBERS}/bo.yml": member("bo", *BO_LINKS, ("https://bo.example/n", "2025-10-11"))}
    )
    assert check(repo, "bo") == []


def test_redating_old_links_to_this_week_is_refused_by_check_pr(repo):
    this_week = [("https://bo.example/old", "2025-10-20"), ("https://bo.example/x", "2025-10-21")]
    write(repo, {f"{MEMBERS}/bo.yml": member("bo", *this_week)})
    assert check(repo, "bo") == [
        "content/members/bo.yml:5: links[0].date: changes the date of https://bo.example/old "
        "from 2025-10-02 to 2025-10-20: only a moderator (mara) may change the date of a link "
        "already shared; put 2025-10-02 back",
        "content/members/bo.yml:8: links[1].date: changes the date of https://bo.example/x from "
        "2025-10-05 to 2025-10-21: only a moderator (mara) may change the date of a link already "
        "shared; put 2025-10-05 back",
    ]
    assert check(repo, "mara") == []


def test_changing_a_links_address_is_refused_unless_by_a_moderator(repo):
    moved = BO.replace("url: https://bo.example/x", "url: https://eve.example/x")
    write(repo, {f"{MEMBERS}/bo.yml": moved})
    problems = check(repo, "bo")
    assert problems == [
        "content/members/bo.yml:6: links[1].url: changes the address of 'Post at "
        "https://bo.example/x' (2025-10-05) from https://bo.example/x to https://eve.example/x: "
        "only a moderator (mara) may change the address of a link already shared; put it back, "
        "or share the new address as a new link, dated the day you share it",
        "content/members/bo.yml:8: links[1].date: 2025-10-05 is not after 2025-10-10, the date of "
        "issue 2, the newest published issue: a new link is dated 2025-10-11 or later, the day "
        "you share it (issues already out never change)",
    ]


def test_a_member_removing_their_own_link_is_allowed_and_it_drops_out(repo):
    write(repo, {f"{MEMBERS}/bo.yml": member("bo", ("https://bo.example/x", "2025-10-05"))})
    assert check(repo, "bo") == []


def test_an_issue_out_on_main_since_the_branch_was_made_counts(repo):
    write(
        repo, {f"{MEMBERS}/bo.yml": member("bo", *BO_LINKS, ("https://bo.example/n", "2025-10-12"))}
    )
    git(repo, "checkout", "--quiet", "main")
    write(
        repo,
        dict([(f"content/{name}", text) for name, text in [issue(3, "Three", "2025-10-17 08:00")]]),
    )
    git(repo, "checkout", "--quiet", "pull-request")
    problems = check(repo, "bo")
    assert len(problems) == 1
    assert problems[0].startswith(
        "content/members/bo.yml:11: links[2].date: 2025-10-12 is not after 2025-10-17, the date of "
        "issue 3"
    )


def test_a_link_the_author_left_out_of_an_issue_is_not_taken_for_a_backdated_one(tmp_path):
    files = {
        **dict([issue(1, "One", "2025-10-03 08:00")]),
        **dict([issue(2, "Two", "2025-10-10 08:00", Community="https://ada.example/two")]),
        "members/ada.yml": ADA,
        "members/bo.yml": BO,
    }
    content = write_content(tmp_path, files)
    output = build_site(content, tmp_path / "output")
    assert featured_in(output, 2) == {"https://ada.example/two"}
    assert problems_in(content, output) == []  # bo's link of 2025-10-05 was known


# Whatever a member's own pull request does, if check-pr lets it through, the links of
# every published issue are as they were, or fewer (the member removed one).

START = datetime.date(2025, 1, 3)
NOW = datetime.datetime(2025, 2, 12, 12, tzinfo=ZoneInfo("UTC"))  # issues 1-6 are out
WEEKLY_ISSUES = [one_issue(f"{START + datetime.timedelta(weeks=n)} 08:00") for n in range(9)]


def numbered(issue_, number: int):
    return dataclasses.replace(issue_, number=number)


def bo_member(links: list[tuple[str, str, int]]):
    """bo's file with (url, title, day) links, days counted from START."""
    return Member(
        handle="bo",
        name="Bo",
        bio="",
        website=None,
        fediverse=None,
        links=tuple(
            Link(
                url,
                title,
                START + datetime.timedelta(days=day),
                "",
                (),
                None,
                "bo",
                Path("bo.yml"),
                3 + 3 * index,
                index,
            )
            for index, (url, title, day) in enumerate(links)
        ),
        source=Path("bo.yml"),
    )


edits = st.one_of(
    st.just(("keep",)),
    st.just(("remove",)),
    st.tuples(st.just("redate"), st.integers(0, 40)),
    st.tuples(st.just("readdress"), st.integers(0, 999)),
)


@hypothesis.settings(max_examples=150, deadline=None)
@hypothesis.given(
    st.lists(st.integers(0, 40), max_size=8),
    st.data(),
    st.lists(st.integers(0, 40), max_size=4),
)
def test_whatever_check_pr_lets_a_member_do_leaves_published_issues_alone(days, data, added):
    issues = [numbered(issue_, number) for number, issue_ in enumerate(WEEKLY_ISSUES, 1)]
    before = [(f"https://bo.example/{n}", f"T{n}", day) for n, day in enumerate(days)]
    after = []
    for url, title, day in before:
        edit = data.draw(edits)
        if edit[0] == "keep":
            after.append((url, title, day))
        elif edit[0] == "redate":
            after.append((url, title, edit[1]))
        elif edit[0] == "readdress":
            after.append((f"https://eve.example/{edit[1]}", title, day))
    after += [(f"https://bo.example/new{n}", f"N{n}", day) for n, day in enumerate(added)]
    old, new = bo_member(before), bo_member(after)
    changes = link_changes(old, new)
    newest = newest_published(issues, NOW)
    problems = own_link_problems(Path("bo.yml"), changes, "bo", ["mara"])
    problems += backdated_problems(changes, newest)
    hypothesis.assume(problems == [])
    was, now = community_links(issues, old.links), community_links(issues, new.links)
    for issue_ in issues:
        if is_published(issue_, NOW):
            assert {link.url for link in now[issue_.number]} <= {
                link.url for link in was[issue_.number]
            }
