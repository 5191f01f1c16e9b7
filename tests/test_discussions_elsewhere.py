"""Discussed elsewhere: `invoke sync-discussions --elsewhere` against a real HTTP server on
127.0.0.1 that answers as Algolia's Hacker News search, Lobsters, Lemmy and Reddit do
(in their documented shapes, faults included), and the pages that show what it found.
"""

from __future__ import annotations

import io
import json
import re
import textwrap
import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hearth_core.problems import ContentError
from hearth_core.state import BuildState
from hearth_discussions.elsewhere.cache import NAME as CACHE_NAME
from hearth_discussions.elsewhere.clients import ShapeError, discussions_in
from hearth_discussions.elsewhere.model import Found
from hearth_discussions.elsewhere.run import Paths, run_elsewhere, sync_elsewhere
from hearth_discussions.elsewhere.settings import Options, Source, elsewhere_options
from hearth_discussions.elsewhere.store import entry_problem, read_elsewhere, write_elsewhere
from hearth_discussions.fetch import FetchPolicy
from tests.sites import build_site, invoke, issue, page, settings_for, write_content
from tests.test_discussions_sync import FakePlatforms, Handler, Reply, Waits

LINK = "https://tools.example/small-tools"
OTHER = "https://zines.example/eight-pages"
LEMMY_HOSTS = frozenset({"lemmy.world", "lemmy.ml"})
PLATFORMS = ("hackernews", "lobsters", "lemmy", "reddit")
ENVIRONMENT = [f"HEARTH_ELSEWHERE_{name.upper()}_API" for name in PLATFORMS]


# Answers in each API's documented shape.


def hn_hit(number: int, url: str, comments: Any, title: str = "Small tools") -> dict:
    return {
        "objectID": str(number),
        "url": url,
        "num_comments": comments,
        "title": title,
        "points": 42,
        "author": "pg",
        "created_at": "2026-01-02T10:00:00.000Z",
        "created_at_i": 1767348000,
        "_tags": ["story", "author_pg", f"story_{number}"],
    }


def hn_answer(*hits: dict) -> dict:
    return {"hits": list(hits), "nbHits": len(hits), "page": 0, "nbPages": 1, "hitsPerPage": 20}


def lobsters_story(short_id: str, url: str, comments: Any, title: str = "Small tools") -> dict:
    return {
        "short_id": short_id,
        "short_id_url": f"https://lobste.rs/s/{short_id}",
        "comments_url": f"https://lobste.rs/s/{short_id}/small_tools",
        "url": url,
        "title": title,
        "comment_count": comments,
        "score": 9,
        "tags": ["practices"],
        "created_at": "2026-01-02T10:00:00.000-06:00",
    }


def lemmy_post(number: int, url: str, comments: Any, host: str, **post: Any) -> dict:
    return {
        "post": {
            "id": number,
            "name": "Small tools",
            "url": url,
            "ap_id": f"https://{host}/post/{number}",
            "deleted": False,
            "removed": False,
            **post,
        },
        "counts": {"post_id": number, "comments": comments, "score": 5},
        "community": {"id": 3, "name": "programming"},
        "creator": {"id": 9, "name": "ada"},
    }


def lemmy_answer(*posts: dict) -> dict:
    return {"type_": "Url", "comments": [], "posts": list(posts), "communities": [], "users": []}


def reddit_post(post_id: str, url: str, comments: Any, sub: str = "programming", **more) -> dict:
    data = {
        "id": post_id,
        "subreddit": sub,
        "permalink": f"/r/{sub}/comments/{post_id}/small_tools/",
        "url": url,
        "num_comments": comments,
        "title": "Small tools",
        **more,
    }
    return {"kind": "t3", "data": data}


def reddit_answer(*children: dict) -> dict:
    return {"kind": "Listing", "data": {"children": list(children), "after": None}}


# The fake platforms: one server, a path prefix for each.

PREFIXES = {
    "hackernews": "/hn/search",
    "lobsters": "/lobsters/stories/url/all.json",
    "lemmy.world": "/lemmy/lemmy.world/api/v3/search",
    "lemmy.ml": "/lemmy/lemmy.ml/api/v3/search",
    "reddit": "/reddit/api/info.json",
}


class Platforms(FakePlatforms):
    """Each platform answers by what it is asked: ``answers[name]`` is a Reply, a list
    of Replies given in turn, or a function of the link asked about."""

    def __init__(self) -> None:
        super().__init__()
        self.answers: dict[str, Any] = {}
        self.fallback = self.route_by_prefix

    def route_by_prefix(self, method: str, path: str, body: bytes) -> Reply | None:
        parts = urlsplit(path)
        query = parse_qs(parts.query)
        link = (query.get("query") or query.get("url") or query.get("q") or [""])[0]
        for name, prefix in PREFIXES.items():
            if parts.path == prefix and name in self.answers:
                answer = self.answers[name]
                if callable(answer):
                    return answer(link)
                if isinstance(answer, list):
                    return answer.pop(0) if len(answer) > 1 else answer[0]
                return answer
        return None

    def asked(self, name: str) -> list[str]:
        """The links ``name`` was asked about, in order."""
        found = []
        for seen in self.seen:
            parts = urlsplit(seen.path)
            if parts.path == PREFIXES[name]:
                query = parse_qs(parts.query)
                found.append((query.get("query") or query.get("url") or query.get("q"))[0])
        return found


@pytest.fixture
def fake():
    platforms = Platforms()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.fake = platforms  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    platforms.base = f"http://127.0.0.1:{server.server_address[1]}"
    yield platforms
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def no_api_from_environment(monkeypatch):
    for name in ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def waits() -> Waits:
    return Waits()


@pytest.fixture
def policy(waits: Waits) -> FetchPolicy:
    return FetchPolicy(timeout=2, attempts=2, backoff=0.01, max_bytes=256 * 1024, sleep=waits)


def apis(base: str) -> dict[str, str]:
    return {
        "hackernews": base + "/hn",
        "lobsters": base + "/lobsters",
        "lemmy": base + "/lemmy/{host}",
        "reddit": base + "/reddit",
    }


def options(base: str, **given: Any) -> Options:
    chosen = {
        "apis": apis(base),
        "min_interval": dict.fromkeys(PLATFORMS, 0),
        **given,
    }
    return elsewhere_options({"HEARTH_ELSEWHERE": chosen})


@dataclass
class Run:
    code: int
    out: str
    progress: str
    found: dict[str, tuple[Found, ...]]


def run(
    fake: Platforms, tmp_path: Path, links: list[str], policy: FetchPolicy, **given: Any
) -> Run:
    now = given.pop("now", None)
    dry_run = given.pop("dry_run", False)
    out, progress = io.StringIO(), io.StringIO()
    paths = Paths(tmp_path / "elsewhere.json", tmp_path / "cache" / CACHE_NAME)
    code = run_elsewhere(
        links,
        paths,
        options(fake.base, **given),
        now=now,
        policy=policy,
        user_agent="Hearth elsewhere search (+https://news.example)",
        out=out,
        progress=progress,
        dry_run=dry_run,
    )
    found, problems = read_elsewhere(paths.discussed, LEMMY_HOSTS)
    assert not problems
    return Run(code, out.getvalue(), progress.getvalue(), found)


def only(*names: str) -> list[str]:
    return list(names)


# Each platform, found by URL.


def test_elsewhere_finds_hacker_news_discussion_by_url(fake, policy, tmp_path):
    fake.answers["hackernews"] = Reply(
        hn_answer(
            hn_hit(41234567, LINK, 123),
            # A search by URL finds longer addresses too: not this link's discussion.
            hn_hit(41234568, LINK + "/part-two", 80),
            hn_hit(41234569, "http://www.tools.example/small-tools/", 7, "Same link, again"),
        )
    )
    result = run(fake, tmp_path, [LINK], policy, platforms=only("hackernews"))
    assert result.code == 0, result.out
    assert result.found[LINK] == (
        Found("hackernews", "https://news.ycombinator.com/item?id=41234567", 123, "Small tools"),
        Found("hackernews", "https://news.ycombinator.com/item?id=41234569", 7, "Same link, again"),
    )
    [path] = [seen.path for seen in fake.seen]
    query = parse_qs(urlsplit(path).query)
    assert query == {
        "query": [LINK],
        "restrictSearchableAttributes": ["url"],
        "tags": ["story"],
    }


def test_elsewhere_finds_lobsters_discussion_by_url(fake, policy, tmp_path):
    fake.answers["lobsters"] = Reply(
        [
            lobsters_story("k2xq9a", LINK, 14),
            {**lobsters_story("evil01", LINK, 99), "short_id_url": "https://evil.example/s/x"},
        ]
    )
    result = run(fake, tmp_path, [LINK], policy, platforms=only("lobsters"))
    assert result.found[LINK] == (
        Found("lobsters", "https://lobste.rs/s/k2xq9a", 14, "Small tools"),
    )
    assert fake.asked("lobsters") == [LINK]


def test_elsewhere_finds_lemmy_discussion_by_url(fake, policy, tmp_path):
    fake.answers["lemmy.world"] = Reply(
        lemmy_answer(
            lemmy_post(2345678, LINK, 9, "lemmy.world"),
            lemmy_post(2345679, LINK, 50, "lemmy.world", removed=True),
            lemmy_post(2345680, OTHER, 3, "lemmy.world"),
        )
    )
    fake.answers["lemmy.ml"] = Reply(lemmy_answer(lemmy_post(77, LINK, 2, "lemmy.ml")))
    result = run(fake, tmp_path, [LINK], policy, platforms=only("lemmy"))
    assert sorted(result.found[LINK], key=lambda f: f.url) == [
        Found("lemmy", "https://lemmy.ml/post/77", 2, "Small tools"),
        Found("lemmy", "https://lemmy.world/post/2345678", 9, "Small tools"),
    ]
    [path, *_] = [seen.path for seen in fake.seen]
    assert parse_qs(urlsplit(path).query)["type_"] == ["Url"]


def test_elsewhere_finds_reddit_discussion_by_url(fake, policy, tmp_path):
    fake.answers["reddit"] = Reply(
        reddit_answer(
            reddit_post("1h3k9zq", LINK, 27, "typography"),
            # An off-site permalink is not Reddit's: left out.
            {
                "kind": "t3",
                "data": {
                    **reddit_post("1h3k9zr", LINK, 500)["data"],
                    "permalink": "https://evil.example/r/x/comments/abc/",
                },
            },
            {"kind": "t1", "data": reddit_post("1h3k9zs", LINK, 1)["data"]},
        )
    )
    result = run(fake, tmp_path, [LINK], policy, platforms=only("reddit"))
    assert result.found[LINK] == (
        Found("reddit", "https://www.reddit.com/r/typography/comments/1h3k9zq/", 27, "Small tools"),
    )
    # Reddit refuses generic agents: the request names Hearth and the site.
    [seen] = fake.seen
    assert seen.headers["User-Agent"] == "Hearth elsewhere search (+https://news.example)"


# Faults.


def test_elsewhere_one_platform_failing_keeps_the_others(fake, policy, tmp_path, waits):
    earlier = Found("hackernews", "https://news.ycombinator.com/item?id=1", 5, "Before")
    write_elsewhere(tmp_path / "elsewhere.json", {LINK: [earlier]})
    fake.answers["hackernews"] = Reply({"message": "down"}, 503)
    fake.answers["lobsters"] = Reply(b"{not json", 200)
    fake.answers["reddit"] = Reply({"message": "slow down"}, 429, {"Retry-After": "86400"})
    fake.answers["lemmy.world"] = Reply(lemmy_answer(lemmy_post(5, LINK, 4, "lemmy.world")))
    fake.answers["lemmy.ml"] = Reply(b'{"posts": 12}', 200)
    result = run(fake, tmp_path, [LINK], policy)
    assert result.code == 1
    # What Hacker News said before stays; Lemmy's answer is new.
    assert set(result.found[LINK]) == {
        earlier,
        Found("lemmy", "https://lemmy.world/post/5", 4, "Small tools"),
    }
    assert "HTTP 503 after 2 attempts" in result.out
    assert "not JSON" in result.out
    assert "rate limited for 86400 s" in result.out
    assert "unexpected response" in result.out
    # Failed requests are asked again on the next run.
    fake.answers["hackernews"] = Reply(hn_answer(hn_hit(9, LINK, 11)))
    again = run(fake, tmp_path, [LINK], policy)
    assert (
        Found("hackernews", "https://news.ycombinator.com/item?id=9", 11, "Small tools")
        in (again.found[LINK])
    )
    assert earlier not in again.found[LINK]
    assert fake.asked("lemmy.world") == [LINK]  # answered once: not due again


def test_elsewhere_timeouts_and_huge_bodies_fail_alone(fake, policy, tmp_path):
    fake.answers["hackernews"] = Reply(hn_answer(), delay=3)
    fake.answers["lobsters"] = Reply(b"[" + b" " * (300 * 1024) + b"]")
    fake.answers["reddit"] = Reply(reddit_answer(reddit_post("abc", LINK, 3)))
    result = run(fake, tmp_path, [LINK], policy, platforms=only("hackernews", "lobsters", "reddit"))
    assert result.code == 1
    assert "timed out after 2 s" in result.out
    assert re.search(r"larger than|too large|more than", result.out), result.out
    assert [f.platform for f in result.found[LINK]] == ["reddit"]


def test_elsewhere_waits_as_retry_after_says_and_keeps_a_minimum_interval(
    fake, policy, tmp_path, waits
):
    fake.answers["hackernews"] = [
        Reply({"message": "busy"}, 429, {"Retry-After": "7"}),
        Reply(hn_answer(hn_hit(3, LINK, 1))),
    ]
    fake.answers["lobsters"] = Reply([])
    result = run(
        fake,
        tmp_path,
        [LINK, OTHER],
        policy,
        platforms=only("hackernews", "lobsters"),
        min_interval={"hackernews": 0, "lobsters": 30},
    )
    assert result.code == 0, result.out
    assert 7 in waits
    # Two Lobsters requests: the second waited (about) the platform's interval.
    assert any(25 < wait <= 30 for wait in waits), waits


def test_elsewhere_a_platform_rate_limiting_for_good_is_not_asked_again_this_run(
    fake, policy, tmp_path
):
    fake.answers["reddit"] = Reply({"message": "slow down"}, 429, {"Retry-After": "3600"})
    links = [f"https://site.example/{n}" for n in range(6)]
    result = run(fake, tmp_path, links, policy, platforms=only("reddit"), concurrency=1)
    assert len(fake.asked("reddit")) == 1
    assert "6 request(s) left for the next run" in result.out


def test_elsewhere_hostile_answers_are_bounded_and_inert(fake, policy, tmp_path):
    hostile = "<script>alert(1)</script>\u202e\x00" + "x" * 5000
    fake.answers["hackernews"] = Reply(
        hn_answer(
            hn_hit(1, LINK, 10**15, hostile),
            hn_hit(2, LINK, -4),
            hn_hit(3, LINK, "12"),
            {**hn_hit(4, LINK, 1), "objectID": "4/../../evil"},
            hn_hit(5, LINK, True),
        )
    )
    result = run(fake, tmp_path, [LINK], policy, platforms=only("hackernews"))
    [found] = result.found[LINK]
    assert found.url == "https://news.ycombinator.com/item?id=1"
    assert found.comments == 1_000_000_000
    assert found.title is not None and len(found.title) <= 200
    assert "\u202e" not in found.title and "\x00" not in found.title


ANSWERS = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner),
    max_leaves=20,
)
FIELD_NAMES = st.sampled_from(
    [
        "hits",
        "objectID",
        "url",
        "num_comments",
        "title",
        "short_id_url",
        "comment_count",
        "posts",
        "post",
        "counts",
        "comments",
        "id",
        "name",
        "data",
        "children",
        "kind",
        "permalink",
    ]
)
SHAPED = st.recursive(
    st.none() | st.integers(-5, 10**12) | st.just(LINK) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(FIELD_NAMES, inner, max_size=5),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    answer=ANSWERS | SHAPED, platform=st.sampled_from(["hackernews", "lobsters", "lemmy", "reddit"])
)
def test_whatever_a_platform_answers_is_refused_or_stored_as_the_build_accepts(answer, platform):
    host = "lemmy.world" if platform == "lemmy" else "x"
    source = Source(platform, "https://api.example", host)
    try:
        found = discussions_in(source, LINK, answer)
    except ShapeError:
        return
    for entry in found:
        assert entry_problem(entry, LEMMY_HOSTS) == ""


# Budget, cache and window.


def test_elsewhere_respects_request_budget_and_resumes_from_cache(fake, policy, tmp_path):
    links = [f"https://site.example/{n}" for n in range(5)]
    fake.answers["hackernews"] = lambda link: Reply(hn_answer(hn_hit(len(link), link, 2)))
    first = run(
        fake, tmp_path, links, policy, platforms=only("hackernews"), budget=2, concurrency=1
    )
    assert fake.asked("hackernews") == links[:2]
    assert "3 request(s) left for the next run" in first.out
    second = run(
        fake, tmp_path, links, policy, platforms=only("hackernews"), budget=2, concurrency=1
    )
    assert fake.asked("hackernews") == links[:4]
    assert set(second.found) == set(links[:4])
    run(fake, tmp_path, links, policy, platforms=only("hackernews"), budget=2, concurrency=1)
    run(fake, tmp_path, links, policy, platforms=only("hackernews"), budget=2, concurrency=1)
    # Every link was answered within the time to live: nothing is due.
    assert fake.asked("hackernews") == links
    later = datetime.now(UTC) + timedelta(days=8)
    run(
        fake,
        tmp_path,
        links,
        policy,
        platforms=only("hackernews"),
        budget=2,
        concurrency=1,
        now=later,
    )
    assert fake.asked("hackernews") == links + links[:2]


def listed(out: str) -> list[str]:
    """The addresses a dry run lists, in its order."""
    return [line.removeprefix("  GET ") for line in out.splitlines() if line.startswith("  GET ")]


def answer_everything(fake: Platforms) -> None:
    fake.answers["hackernews"] = lambda link: Reply(hn_answer(hn_hit(len(link), link, 3)))
    fake.answers["lobsters"] = Reply([lobsters_story("k2xq9a", LINK, 14)])
    fake.answers["lemmy.world"] = fake.answers["lemmy.ml"] = Reply(lemmy_answer())
    fake.answers["reddit"] = Reply(reddit_answer())


def test_elsewhere_dry_run_lists_the_requests_a_run_makes_and_makes_none(fake, policy, tmp_path):
    """As `sync-discussions --dry-run` does for threads: the very requests the run would
    make, none of them made, and neither the file nor the cache written."""
    answer_everything(fake)
    dry = run(fake, tmp_path, [LINK, OTHER], policy, dry_run=True)
    assert dry.code == 0
    assert fake.seen == []
    assert list(tmp_path.rglob("*")) == []
    requests = listed(dry.out)
    assert len(requests) == 2 * 5  # two links, on four platforms (Lemmy: two instances)
    assert dry.out.startswith(
        "Dry run: 10 request(s) due, 10 within this run's budget of 200; "
        "none made, nothing written.\n"
    )
    assert all(request.startswith(fake.base + "/") for request in requests)
    real = run(fake, tmp_path, [LINK, OTHER], policy)
    assert real.code == 0, real.out
    assert sorted(fake.base + seen.path for seen in fake.seen) == sorted(requests)
    # What was answered is not due again: the dry run says so, as the next run would find.
    again = run(fake, tmp_path, [LINK, OTHER], policy, dry_run=True)
    assert listed(again.out) == []
    assert "Dry run: 0 request(s) due" in again.out


def test_elsewhere_dry_run_keeps_to_the_budget_and_says_what_is_left(fake, policy, tmp_path):
    links = [f"https://site.example/{n}" for n in range(5)]
    dry = run(fake, tmp_path, links, policy, platforms=only("hackernews"), budget=2, dry_run=True)
    assert [parse_qs(urlsplit(url).query)["query"][0] for url in listed(dry.out)] == links[:2]
    assert "3 request(s) would be left for the next run." in dry.out
    assert fake.seen == []


def test_elsewhere_a_broken_cache_starts_afresh_and_a_broken_file_stops_the_run(
    fake, policy, tmp_path
):
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / CACHE_NAME).write_text("{broken")
    fake.answers["hackernews"] = Reply(hn_answer(hn_hit(1, LINK, 2)))
    assert run(fake, tmp_path, [LINK], policy, platforms=only("hackernews")).code == 0
    (tmp_path / "elsewhere.json").write_text('{"links": {"' + LINK + '": 12}}\n')
    with pytest.raises(ContentError, match=r"elsewhere.json:1: links\["):
        run(fake, tmp_path, [LINK], policy, platforms=only("hackernews"))
    assert (tmp_path / "elsewhere.json").read_text() == '{"links": {"' + LINK + '": 12}}\n'


MEMBER_LINKS = """\
name: Ada Example
links:
  - url: https://ada.example/recent
    title: Recent
    date: {recent}
  - url: https://ada.example/old
    title: Old
    date: {old}
"""


def window_site(tmp_path: Path) -> Path:
    today = date.today()
    files = dict(
        issue(n, f"Issue {n}", f"2025-01-{n:02d}", f"See [link {n}](https://issue{n}.example/a).\n")
        for n in range(1, 13)
    )
    recent, old = today - timedelta(days=10), today - timedelta(days=200)
    files["members/ada.yml"] = MEMBER_LINKS.format(recent=recent, old=old)
    return write_content(tmp_path, files)


def test_elsewhere_window_is_newest_issues_and_recent_member_links(
    fake, policy, tmp_path, monkeypatch
):
    content = window_site(tmp_path)
    for name, base in apis(fake.base).items():
        monkeypatch.setenv(f"HEARTH_ELSEWHERE_{name.upper()}_API", base)
    fake.answers["hackernews"] = Reply(hn_answer())
    site = settings_for(
        content,
        tmp_path / "output",
        # One at a time, so the requests arrive in the order they are made.
        HEARTH_ELSEWHERE={
            "platforms": ["hackernews"],
            "min_interval": {"hackernews": 0},
            "concurrency": 1,
        },
    )
    out = io.StringIO()
    assert sync_elsewhere(site, policy=policy, out=out, progress=io.StringIO()) == 0
    newest = [f"https://issue{n}.example/a" for n in range(12, 2, -1)]
    assert fake.asked("hackernews") == [*newest, "https://ada.example/recent"]
    # Wider: every issue, and the older member link; only what is not yet answered.
    sync_elsewhere(site, issues=50, days=365, policy=policy, out=out, progress=io.StringIO())
    assert fake.asked("hackernews")[11:] == [
        "https://issue2.example/a",
        "https://issue1.example/a",
        "https://ada.example/old",
    ]


# Pages.

HN = "https://news.ycombinator.com/item?id=41234567"
LOBSTERS = "https://lobste.rs/s/k2xq9a"
ELSEWHERE = {
    "links": {
        LINK: [
            {"platform": "lobsters", "url": LOBSTERS, "comments": 14, "title": "Small tools"},
            {"platform": "hackernews", "url": HN, "comments": 123, "title": "<b>Small</b>"},
            {
                "platform": "hackernews",
                "url": "https://news.ycombinator.com/item?id=1",
                "comments": 2,
                "title": None,
            },
        ]
    }
}
SHOWN = "Also discussed on Hacker News (123 comments) · Lobsters (14)"


def shown_on(node) -> tuple[str, list[str]]:
    [found] = node.css(".elsewhere")
    text = " ".join(found.text().split())
    return text, [a.attributes["href"] for a in found.css("a")]


def test_issue_page_shows_also_discussed_on(tmp_path):
    content = write_content(
        tmp_path,
        {
            "discussions/elsewhere.json": json.dumps(ELSEWHERE, indent=2),
            "issues/x": "",
        }
        | dict([issue(1, "Small tools", "2025-01-01", f"Read [small tools]({LINK}).\n")]),
    )
    (content / "issues/x").unlink()
    output = build_site(content, tmp_path / "output")
    section = page(output, "/issues/1/").css_first(".discussed-elsewhere")
    assert section is not None
    assert section.css_first("li > a").attributes["href"] == LINK
    assert section.css_first("li > a").text() == "small tools"
    assert shown_on(section) == (SHOWN, [HN, LOBSTERS])


def test_link_entry_shows_also_discussed_on(tmp_path):
    member = f"""\
    name: Ada Example
    links:
      - url: {LINK}
        title: Small tools
        date: 2025-10-08
      - url: {OTHER}
        title: Eight pages
        date: 2025-10-09
    """
    content = write_content(
        tmp_path,
        {"members/ada.yml": member, "discussions/elsewhere.json": json.dumps(ELSEWHERE)},
    )
    output = build_site(content, tmp_path / "output")
    for where in ("/links/2025/10/", "/members/ada/", "/links/"):
        entries = page(output, where).css("li.link")
        by_url = {entry.css_first(".link-title a").attributes["href"]: entry for entry in entries}
        assert shown_on(by_url[LINK]) == (SHOWN, [HN, LOBSTERS]), where
        assert by_url[OTHER].css(".elsewhere") == [], where


def test_a_site_without_the_file_shows_nothing_elsewhere(tmp_path):
    content = write_content(tmp_path, dict([issue(1, "Small tools", "2025-01-01", f"<{LINK}>\n")]))
    output = build_site(content, tmp_path / "output")
    assert page(output, "/issues/1/").css(".discussed-elsewhere") == []


def test_elsewhere_file_with_bad_entry_reports_file_line(tmp_path):
    bad = {
        "links": {
            LINK: [
                {"platform": "hackernews", "url": HN, "comments": 3, "title": "Fine"},
                {
                    "platform": "reddit",
                    "url": "https://evil.example/r/x/comments/abc/",
                    "comments": 3,
                    "title": None,
                },
            ]
        }
    }
    text = json.dumps(bad, indent=2)
    content = write_content(tmp_path, {"discussions/elsewhere.json": text})
    line = text.splitlines().index('        "url": "https://evil.example/r/x/comments/abc/",') + 1
    with pytest.raises(ContentError) as raised:
        build_site(content, tmp_path / "output")
    [message] = [str(p) for p in raised.value.problems if "elsewhere.json" in p.path]
    assert message == (
        f"{content}/discussions/elsewhere.json:{line}: links['{LINK}'][1]: "
        "url must be on www.reddit.com, not 'evil.example'"
    )


def test_a_live_preview_shows_the_new_counts_once_the_file_changes(tmp_path):
    member = f"""\
    name: Ada Example
    links:
      - url: {LINK}
        title: Small tools
        date: 2025-10-08
    """
    body = f"Read [small tools]({LINK}).\n"
    member = member.replace(LINK, OTHER)
    elsewhere = {"links": {**ELSEWHERE["links"], OTHER: ELSEWHERE["links"][LINK]}}
    content = write_content(
        tmp_path,
        {"members/ada.yml": member, "discussions/elsewhere.json": json.dumps(elsewhere)}
        | dict([issue(1, "Small tools", "2025-01-01", body)]),
    )
    state = BuildState()
    output = build_site(content, tmp_path / "output", state)
    changed = json.loads(json.dumps(elsewhere))
    changed["links"][LINK][1]["comments"] = 200
    changed["links"][OTHER][1]["comments"] = 200
    (content / "discussions/elsewhere.json").write_text(json.dumps(changed))
    build_site(content, tmp_path / "output", state)
    now = "Also discussed on Hacker News (200 comments) · Lobsters (14)"
    assert shown_on(page(output, "/issues/1/").css_first(".discussed-elsewhere"))[0] == now
    assert shown_on(page(output, "/members/ada/").css_first("li.link"))[0] == now


def test_invoke_sync_discussions_elsewhere_writes_the_file_the_build_reads(project, fake):
    member = f"""\
    name: Ada Example
    links:
      - url: {LINK}
        title: Small tools
        date: {date.today() - timedelta(days=3)}
    """
    (project / "content/members/zz-ada.yml").write_text(textwrap.dedent(member))
    fake.answers["hackernews"] = lambda link: Reply(
        hn_answer(hn_hit(41234567, link, 123)) if link == LINK else hn_answer()
    )
    fake.answers["lobsters"] = Reply([lobsters_story("k2xq9a", LINK, 14)])
    fake.answers["lemmy.world"] = fake.answers["lemmy.ml"] = Reply(lemmy_answer())
    fake.answers["reddit"] = Reply({"message": "busy"}, 429, {"Retry-After": "600"})
    config = project / "pelicanconf.py"
    given = {"apis": apis(fake.base), "min_interval": dict.fromkeys(PLATFORMS, 0), "budget": 6}
    config.write_text(config.read_text() + f"\nHEARTH_ELSEWHERE = {given!r}\n")
    result = invoke(project, "sync-discussions", "--elsewhere", "--issues", "1", "--budget", "90")
    assert "Traceback" not in result.stderr
    assert result.returncode == 1, result.stderr  # Reddit asked to wait too long
    assert "within this run's budget of 90" in result.stderr
    assert "Reddit  " in result.stdout and "rate limited for 600 s" in result.stdout
    assert "Wrote content/discussions/elsewhere.json" in result.stdout
    found, problems = read_elsewhere(project / "content/discussions/elsewhere.json", LEMMY_HOSTS)
    assert problems == []
    assert {f.url for f in found[LINK]} == {HN, LOBSTERS}
    assert (project / "cache" / CACHE_NAME).is_file()
    check = invoke(project, "check")
    assert check.returncode == 0, check.stderr


def test_invoke_sync_discussions_elsewhere_dry_run_asks_nothing_and_writes_nothing(project, fake):
    answer_everything(fake)
    config = project / "pelicanconf.py"
    given = {"apis": apis(fake.base), "min_interval": dict.fromkeys(PLATFORMS, 0)}
    config.write_text(config.read_text() + f"\nHEARTH_ELSEWHERE = {given!r}\n")
    discussed = project / "content/discussions/elsewhere.json"
    before = discussed.read_bytes()
    result = invoke(project, "sync-discussions", "--elsewhere", "--dry-run", "--budget", "7")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout.startswith("Dry run: ")
    assert "within this run's budget of 7; none made, nothing written." in result.stdout
    requests = listed(result.stdout)
    assert len(requests) == 7 and all(url.startswith(fake.base + "/") for url in requests)
    assert "A run would write what they find to content/discussions/elsewhere.json" in (
        result.stdout
    )
    assert fake.seen == []
    assert discussed.read_bytes() == before
    assert not (project / "cache" / CACHE_NAME).exists()
    platform = invoke(project, "sync-discussions", "--elsewhere", "--platform", "reddit")
    assert platform.returncode == 1
    assert platform.stderr == (
        "--elsewhere asks every platform in HEARTH_ELSEWHERE['platforms'], with no "
        "--platform: leave it out\n"
    )


def test_elsewhere_platform_that_never_answers_is_left_after_two_tries(fake, policy, tmp_path):
    """No network, or the host down: after two requests that got no answer, the
    platform is asked nothing more this run (each would wait out its retries), its
    queries stay due, and the others are asked as usual."""
    import socket

    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{closed.getsockname()[1]}/hn"  # nothing listens there
    links = [f"https://example.org/post-{n}" for n in range(5)]
    fake.answers["lobsters"] = Reply([])
    chosen = {**apis(fake.base), "hackernews": dead}
    result = run(fake, tmp_path, links, policy, apis=chosen)
    assert result.code == 1
    asked_dead = [line for line in result.progress.splitlines() if "could not connect" in line]
    assert len(asked_dead) == 2, result.progress
    assert "Hacker News: no answer 2 times in a row: asked nothing more this run" in (
        result.progress
    )
    assert fake.asked("lobsters") == links
