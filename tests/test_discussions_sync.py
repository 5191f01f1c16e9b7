"""`invoke sync-discussions` against a real HTTP server on 127.0.0.1 that plays each platform.

Every test points the platform readers at the server through the API base, the
same seam a newsletter uses to point sync at a self-hosted forum.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from hearth_core.platforms import recognise
from hearth_core.problems import ContentError
from hearth_discussions.activity import read_activity, write_activity
from hearth_discussions.clients import CLIENTS
from hearth_discussions.fetch import FetchError, FetchPolicy
from hearth_discussions.model import Activity, ChatSpace
from hearth_discussions.sync import run_sync, sync_discussions
from tests.open_platforms_fake import OpenPlatforms, bluesky_post, hn_story
from tests.sites import free_port, invoke, issue, settings_for, write_content

TOKEN = "ghp_FAKE0token0that0must0never0leak0X9"
FORUM = "https://forum.example/t/small-tools/42"
SOCIAL = "https://social.example/@mara/1100"
REDDIT = "https://www.reddit.com/r/zines/comments/1abc2d/first_zine/"
GITHUB = "https://github.com/workbench/community/discussions/17"


@dataclass
class Reply:
    body: Any = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class FakePlatforms:
    """Routes per test; a route's replies are given in turn, the last one repeating."""

    def __init__(self) -> None:
        self.base = ""
        self.routes: dict[tuple[str, str], list[Reply]] = {}
        self.fallback: Callable[[str, str, bytes], Reply | None] | None = None
        self.seen: list[Seen] = []
        self.active = self.peak = 0
        self.lock = threading.Lock()

    def route(self, path: str, *replies: Reply, method: str = "GET") -> None:
        self.routes[(method, path)] = list(replies)

    def answer(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Reply:
        with self.lock:
            self.seen.append(Seen(method, path, headers, body))
            self.active += 1
            self.peak = max(self.peak, self.active)
            replies = self.routes.get((method, path))
            if replies:
                return replies.pop(0) if len(replies) > 1 else replies[0]
        found = self.fallback(method, path, body) if self.fallback else None
        return found or Reply({"error": f"no route for {method} {path}"}, 404)

    def done(self) -> None:
        with self.lock:
            self.active -= 1

    def paths(self) -> list[str]:
        return [seen.path for seen in self.seen]


class Handler(BaseHTTPRequestHandler):
    server: Any

    def do_GET(self) -> None:
        self.respond()

    def do_POST(self) -> None:
        self.respond()

    def respond(self) -> None:
        fake: FakePlatforms = self.server.fake
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            reply = fake.answer(self.command, self.path, dict(self.headers), body)
            time.sleep(reply.delay)
        finally:
            # Counted as finished before answering, so a client's next request never overlaps.
            fake.done()
        data = reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body).encode()
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            pass  # the client stopped waiting: that is what the timeout tests want

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def platforms():
    fake = FakePlatforms()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.fake = fake  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    fake.base = f"http://127.0.0.1:{server.server_address[1]}"
    yield fake
    server.shutdown()
    server.server_close()


class Waits(list):
    """A FetchPolicy sleep that records how long it was asked to wait, and returns at once."""

    async def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def waits() -> Waits:
    return Waits()


@pytest.fixture
def policy(waits: Waits) -> FetchPolicy:
    return FetchPolicy(timeout=2, attempts=3, backoff=0.01, sleep=waits)


@pytest.fixture
def token(monkeypatch):
    monkeypatch.delenv("HEARTH_GITHUB_TOKEN", raising=False)  # it would win over this one
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    return TOKEN


def fetch(url: str, api: str, policy: FetchPolicy) -> Activity:
    thread = recognise(url)

    async def run() -> Activity:
        async with httpx.AsyncClient() as client:
            return await CLIENTS[thread.platform](client, thread, api, policy)

    return asyncio.run(run())


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


# --- The answers each platform gives --------------------------------------------------


def topic(title: str = "Small tools", posts: int = 15, last: str = "2026-01-30T09:15:00.123Z"):
    return {"id": 42, "title": title, "posts_count": posts, "last_posted_at": last}


def status(content: str, when: str = "2026-01-02T10:00:00.000Z", warning: str = ""):
    return {"id": "1100", "created_at": when, "content": content, "spoiler_text": warning}


def context(*times: str):
    return {
        "ancestors": [],
        "descendants": [{"id": str(i), "created_at": t} for i, t in enumerate(times)],
    }


def reddit_answer(title: str, comments: int, created: float, tree: list[dict]) -> list[dict]:
    post = {
        "kind": "t3",
        "data": {"title": title, "num_comments": comments, "created_utc": created},
    }
    return [
        {"kind": "Listing", "data": {"children": [post]}},
        {"kind": "Listing", "data": {"children": tree}},
    ]


def comment(created: float, *replies: dict) -> dict:
    listing = {"kind": "Listing", "data": {"children": list(replies)}} if replies else ""
    return {"kind": "t1", "data": {"created_utc": created, "replies": listing}}


def discussion(title: str, created: str, comments: list[tuple[str, int, str | None]]) -> dict:
    """comments: (createdAt, reply count, newest reply's createdAt)."""
    nodes = [
        {
            "createdAt": at,
            "replies": {"totalCount": count, "nodes": [{"createdAt": last}] if last else []},
        }
        for at, count, last in comments
    ]
    found = {
        "title": title,
        "createdAt": created,
        "comments": {"totalCount": len(nodes), "nodes": nodes},
    }
    return {"data": {"repository": {"discussion": found}}}


# --- Each platform's answer becomes the right Activity ---------------------------------


def test_discourse_topic_replies_exclude_the_opening_post(platforms, policy):
    platforms.route("/forum/t/42.json", Reply(topic(title="  Small   tools ")))
    found = fetch(FORUM, platforms.base + "/forum", policy)
    assert found == Activity("Small tools", 14, utc(2026, 1, 30, 9, 15))
    assert platforms.paths() == ["/forum/t/42.json"]


def test_mastodon_counts_the_whole_reply_tree_and_titles_the_post_as_plain_text(platforms, policy):
    html = (
        "<p>Issue 9 is out: counting words &amp; why the counter lies, with notes on "
        "editors, <a href='https://x.example/'><span>#</span>tools</a></p><p>Reply here</p>"
    )
    platforms.route("/api/v1/statuses/1100", Reply(status(html)))
    platforms.route(
        "/api/v1/statuses/1100/context",
        Reply(context("2026-01-03T08:00:00Z", "2026-01-05T12:30:00.500Z", "2026-01-04T00:00:00Z")),
    )
    found = fetch(SOCIAL, platforms.base, policy)
    assert found.title == (
        "Issue 9 is out: counting words & why the counter lies, with notes on editors…"
    )
    assert len(found.title) <= 81
    assert found.replies == 3
    assert found.last_activity == utc(2026, 1, 5, 12, 30)


def test_mastodon_content_warning_is_the_title_and_a_lone_post_is_its_own_last_activity(
    platforms, policy
):
    platforms.route(
        "/api/v1/statuses/1100",
        Reply(status("<p>spoilers for the zine</p>", "2026-01-02T10:00:00Z", "Zine ending")),
    )
    platforms.route("/api/v1/statuses/1100/context", Reply(context()))
    assert fetch(SOCIAL, platforms.base, policy) == Activity("Zine ending", 0, utc(2026, 1, 2, 10))


def test_reddit_last_activity_is_the_newest_comment_anywhere_in_the_tree(platforms, policy):
    tree = [
        comment(1_700_000_100, comment(1_700_000_900, comment(1_700_005_000))),
        comment(1_700_000_200),
        {"kind": "more", "data": {"count": 12, "children": ["abc"]}},
    ]
    platforms.route(
        "/comments/1abc2d.json?raw_json=1",
        Reply(reddit_answer(" First zine: done & folded ", 16, 1_700_000_000.0, tree)),
    )
    found = fetch(REDDIT, platforms.base, policy)
    assert found == Activity(
        "First zine: done & folded", 16, datetime.fromtimestamp(1_700_005_000, UTC)
    )


def test_github_counts_comments_and_replies_with_the_token_from_the_environment(
    platforms, policy, token
):
    answer = discussion(
        "Naming your side project",
        "2026-01-01T00:00:00Z",
        [("2026-01-02T00:00:00Z", 2, "2026-01-09T10:00:00Z"), ("2026-01-05T00:00:00Z", 0, None)],
    )
    platforms.route("/graphql", Reply(answer), method="POST")
    found = fetch(GITHUB, platforms.base + "/graphql", policy)
    assert found == Activity("Naming your side project", 4, utc(2026, 1, 9, 10))
    request = platforms.seen[0]
    assert request.headers["Authorization"] == f"bearer {token}"
    sent = json.loads(request.body)
    assert sent["variables"] == {"owner": "workbench", "repo": "community", "number": 17}


def test_github_discussion_without_comments_was_last_active_when_it_started(
    platforms, policy, token
):
    platforms.route(
        "/graphql", Reply(discussion("Quiet", "2026-01-01T08:00:00Z", [])), method="POST"
    )
    assert fetch(GITHUB, platforms.base + "/graphql", policy) == Activity(
        "Quiet", 0, utc(2026, 1, 1, 8)
    )


# --- Failures: retried when it can help, clear when it cannot --------------------------


@pytest.mark.parametrize("header", ["7", "date"])
def test_429_waits_as_long_as_retry_after_says_then_succeeds(platforms, policy, waits, header):
    if header == "date":
        header = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    platforms.route(
        "/t/42.json", Reply({"error": "slow down"}, 429, {"Retry-After": header}), Reply(topic())
    )
    assert fetch(FORUM, platforms.base, policy).replies == 14
    assert len(waits) == 1
    if header == "7":
        assert waits == [7.0]
    else:
        assert 28 <= waits[0] <= 30


def test_a_retry_after_beyond_the_cap_gives_up_at_once(platforms, policy, waits):
    platforms.route("/t/42.json", Reply({}, 429, {"Retry-After": "3600"}))
    with pytest.raises(FetchError, match="rate limited for 3600 s; try later"):
        fetch(FORUM, platforms.base, policy)
    assert waits == []
    assert len(platforms.seen) == 1


def test_500_twice_then_success_backs_off_exponentially(platforms, policy, waits):
    platforms.route("/t/42.json", Reply({}, 500), Reply({}, 502), Reply(topic()))
    assert fetch(FORUM, platforms.base, policy).replies == 14
    assert len(platforms.seen) == 3
    first, second = waits
    assert 0.01 <= first <= 0.015
    assert 0.02 <= second <= 0.03


def test_500_always_fails_after_the_attempt_limit(platforms, policy, waits):
    platforms.route("/t/42.json", Reply({}, 500))
    with pytest.raises(FetchError) as failure:
        fetch(FORUM, platforms.base, policy)
    assert failure.value.reason == "HTTP 500 after 3 attempts"
    assert str(failure.value) == f"{platforms.base}/t/42.json: HTTP 500 after 3 attempts"
    assert len(platforms.seen) == 3
    assert len(waits) == 2


def test_other_4xx_fail_at_once_with_the_servers_words(platforms, policy):
    platforms.route("/t/42.json", Reply({"errors": ["The topic is private"]}, 403))
    with pytest.raises(FetchError, match="HTTP 403 Forbidden: The topic is private"):
        fetch(FORUM, platforms.base, policy)
    assert len(platforms.seen) == 1


def test_a_slow_server_times_out_after_the_policy_timeout(platforms, waits):
    platforms.route("/t/42.json", Reply(topic(), delay=0.6))
    policy = FetchPolicy(timeout=0.2, attempts=2, backoff=0.01, sleep=waits)
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"timed out after 0.2 s \(2 attempts\)"):
        fetch(FORUM, platforms.base, policy)
    assert time.monotonic() - started < 1.5
    assert len(platforms.seen) == 2


def test_a_closed_port_is_a_connection_failure(policy, waits):
    port = free_port()  # bound, then released: nothing listens there
    with pytest.raises(FetchError, match=r"could not connect: .* \(3 attempts\)"):
        fetch(FORUM, f"http://127.0.0.1:{port}", policy)
    assert len(waits) == 2


def test_malformed_json_is_a_failure_not_retried(platforms, policy):
    platforms.route("/t/42.json", Reply(b"<html>Maintenance</html>"))
    with pytest.raises(FetchError, match="the response was not JSON"):
        fetch(FORUM, platforms.base, policy)
    assert len(platforms.seen) == 1


@pytest.mark.parametrize(
    ("url", "path", "method", "answer"),
    [
        (FORUM, "/t/42.json", "GET", {"title": "x", "posts_count": "many"}),
        (SOCIAL, "/api/v1/statuses/1100", "GET", ["not", "a", "status"]),
        (REDDIT, "/comments/1abc2d.json?raw_json=1", "GET", {"kind": "Listing"}),
        (GITHUB, "/", "POST", {"data": {"repository": {"discussion": {"title": "x"}}}}),
    ],
)
def test_json_of_the_wrong_shape_is_a_fetch_error(
    platforms, policy, token, url, path, method, answer
):
    platforms.route(path, Reply(answer), method=method)
    with pytest.raises(FetchError, match="unexpected response"):
        fetch(url, platforms.base, policy)


def test_graphql_errors_in_a_200_answer_are_githubs_message(platforms, policy, token):
    errors = {
        "data": {"repository": None},
        "errors": [
            {"message": "Could not resolve to a Repository with the name 'workbench/community'."}
        ],
    }
    platforms.route("/graphql", Reply(errors), method="POST")
    with pytest.raises(FetchError, match="GitHub said: Could not resolve to a Repository"):
        fetch(GITHUB, platforms.base + "/graphql", policy)


# --- The whole sync: merge, summary, file ------------------------------------------------


def spaces(base: str) -> list[ChatSpace]:
    def space(platform: str, url: str, api: str) -> ChatSpace:
        return ChatSpace(platform, platform, url, url, "", api)

    return [
        space("discourse", "https://forum.example/", base + "/forum"),
        space("mastodon", "https://social.example/@mara", base + "/social"),
        space("reddit", "https://www.reddit.com/r/zines", base + "/reddit"),
        space("github", "https://github.com/workbench/community/discussions", base + "/graphql"),
    ]


def serve_all(platforms: FakePlatforms) -> None:
    """Every platform answers for the four threads above."""
    platforms.route("/forum/t/42.json", Reply(topic()))
    platforms.route("/social/api/v1/statuses/1100", Reply(status("<p>Hello</p>")))
    platforms.route("/social/api/v1/statuses/1100/context", Reply(context("2026-01-03T08:00:00Z")))
    platforms.route(
        "/reddit/comments/1abc2d.json?raw_json=1",
        Reply(reddit_answer("First zine", 2, 1_700_000_000, [comment(1_700_000_500)])),
    )
    answer = discussion(
        "Naming", "2026-01-01T00:00:00Z", [("2026-01-02T00:00:00Z", 1, "2026-01-03T00:00:00Z")]
    )
    platforms.route("/graphql", Reply(answer), method="POST")


@dataclass
class Run:
    code: int
    out: str
    progress: str


def sync(fake: FakePlatforms, path: Path, urls: list[str], policy: FetchPolicy, **options) -> Run:
    out, progress = io.StringIO(), io.StringIO()
    code = run_sync(
        urls,
        path,
        spaces(fake.base),
        policy=policy,
        user_agent="Hearth discussion sync (+https://news.example)",
        out=out,
        progress=progress,
        **options,
    )
    return Run(code, out.getvalue(), progress.getvalue())


def test_a_full_sync_writes_every_thread_and_reports_progress(platforms, policy, token, tmp_path):
    serve_all(platforms)
    path = tmp_path / "activity.json"
    run = sync(platforms, path, [FORUM, SOCIAL, REDDIT, GITHUB], policy)
    assert run.code == 0
    assert read_activity(path) == (
        {
            FORUM: Activity("Small tools", 14, utc(2026, 1, 30, 9, 15)),
            SOCIAL: Activity("Hello", 1, utc(2026, 1, 3, 8)),
            REDDIT: Activity("First zine", 2, datetime.fromtimestamp(1_700_000_500, UTC)),
            GITHUB: Activity("Naming", 2, utc(2026, 1, 3)),
        },
        [],
    )
    progress = run.progress.splitlines()
    assert progress[0] == "Fetching 4 threads, 4 at a time."
    assert [line[:6] for line in progress[1:]] == ["[1/4] ", "[2/4] ", "[3/4] ", "[4/4] "]
    assert "Discourse           forum.example/t/small-tools/42  14 replies" in run.progress
    assert "Mastodon            social.example/@mara/1100  1 reply" in run.progress
    assert "Summary: 4 new, 0 updated, 0 unchanged, 0 failed, 0 not synced." in run.out
    assert f"Wrote {path}" in run.out
    assert {seen.headers["User-Agent"] for seen in platforms.seen} == {
        "Hearth discussion sync (+https://news.example)"
    }


def test_a_failing_platform_keeps_its_previous_data_while_others_update(
    platforms, policy, token, tmp_path
):
    serve_all(platforms)
    platforms.route("/social/api/v1/statuses/1100", Reply({}, 503))
    path = tmp_path / "activity.json"
    old_social = Activity("Old post", 5, utc(2025, 12, 1))
    write_activity(path, {FORUM: Activity("Small tools", 10, utc(2026, 1, 1)), SOCIAL: old_social})
    run = sync(platforms, path, [FORUM, SOCIAL], policy)
    assert run.code == 1
    activity, _ = read_activity(path)
    assert activity == {
        FORUM: Activity("Small tools", 14, utc(2026, 1, 30, 9, 15)),
        SOCIAL: old_social,
    }
    assert run.out.splitlines()[:5] == [
        "Summary: 0 new, 1 updated, 0 unchanged, 1 failed, 0 not synced.",
        "Changed:",
        "  forum.example/t/small-tools/42",
        "    replies: 10 → 14",
        "    last_activity: 2026-01-01T00:00:00+00:00 → 2026-01-30T09:15:00+00:00",
    ]
    assert run.out.splitlines()[5:8] == [
        "Failed (previous data kept):",
        "  Mastodon:",
        "    social.example/@mara/1100: HTTP 503 after 3 attempts",
    ]
    assert "social.example/@mara/1100  failed: HTTP 503 after 3 attempts" in run.progress


def test_threads_the_content_no_longer_names_are_dropped(platforms, policy, tmp_path):
    serve_all(platforms)
    path = tmp_path / "activity.json"
    gone = "https://forum.example/t/old-thread/7"
    write_activity(
        path,
        {
            gone: Activity("Old", 1, None),
            FORUM: Activity("Small tools", 14, utc(2026, 1, 30, 9, 15)),
        },
    )
    run = sync(platforms, path, [FORUM], policy)
    assert run.code == 0
    assert set(read_activity(path)[0]) == {FORUM}
    assert "Summary: 0 new, 0 updated, 1 unchanged, 0 failed, 0 not synced." in run.out
    assert (
        "Dropped 1 thread the content no longer names:\n  forum.example/t/old-thread/7\n" in run.out
    )


def test_without_a_token_github_threads_are_skipped_keeping_their_data(
    platforms, policy, tmp_path, monkeypatch
):
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    monkeypatch.delenv("HEARTH_GITHUB_TOKEN", raising=False)
    serve_all(platforms)
    path = tmp_path / "activity.json"
    kept = Activity("Naming", 9, utc(2025, 1, 1))
    write_activity(path, {GITHUB: kept})
    run = sync(platforms, path, [FORUM, GITHUB], policy)
    assert run.code == 0
    assert read_activity(path)[0][GITHUB] == kept
    assert "/graphql" not in platforms.paths()
    assert (
        "Not synced (previous data kept):\n"
        "  set HEARTH_GITHUB_TOKEN (or GITHUB_TOKEN) to sync GitHub Discussions:\n"
        "    github.com/workbench/community/discussions/17\n"
    ) in run.out
    assert "1 not synced" in run.out


def test_platforms_without_an_api_keep_what_they_had(platforms, policy, tmp_path):
    path = tmp_path / "activity.json"
    discord = "https://discord.com/channels/8138478/3819636/1164213445"
    write_activity(path, {discord: Activity(None, 34, utc(2026, 1, 30))})
    before = path.read_bytes()
    run = sync(platforms, path, [discord], policy)
    assert run.code == 0
    assert platforms.seen == []
    assert path.read_bytes() == before
    assert "  Discord has no public API Hearth reads:\n    discord.com/channels/" in run.out


def test_the_token_never_appears_in_output_errors_or_the_file(platforms, policy, token, tmp_path):
    # A hostile or broken server echoing the credential back must not make us print it.
    second = "https://github.com/workbench/community/discussions/18"
    platforms.fallback = lambda method, path, body: (
        Reply({"message": f"Bad credentials: bearer {TOKEN}"}, 401)
        if b'"number": 18' in body or b'"number":18' in body
        else Reply({"errors": [{"message": f"token {TOKEN} lacks read:discussion"}]})
    )
    path = tmp_path / "activity.json"
    run = sync(platforms, path, [GITHUB, second], policy)
    assert run.code == 1
    assert "HTTP 401 Unauthorized: Bad credentials: [redacted]" in run.out
    assert "GitHub said: token [redacted] lacks read:discussion" in run.out
    dry = sync(platforms, path, [GITHUB, second], policy, dry_run=True)
    everything = run.out + run.progress + dry.out + dry.progress
    everything += path.read_text() if path.exists() else ""
    assert TOKEN not in everything
    assert TOKEN[4:] not in everything


# One GitHub token for sync and `invoke announce`: HEARTH_GITHUB_TOKEN, else GITHUB_TOKEN.


def test_sync_reads_github_discussions_with_HEARTH_GITHUB_TOKEN(
    platforms, policy, monkeypatch, tmp_path
):
    """The name `invoke announce` reads is enough for sync too: one token, set up once."""
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    monkeypatch.setenv("HEARTH_GITHUB_TOKEN", TOKEN)
    serve_all(platforms)
    run = sync(platforms, tmp_path / "activity.json", [GITHUB], policy, dry_run=True)
    assert f"POST {platforms.base}/graphql" in run.out
    assert TOKEN not in run.out + run.progress
    found = fetch(GITHUB, platforms.base + "/graphql", policy)
    assert found.title == "Naming"
    assert platforms.seen[0].headers["Authorization"] == f"bearer {TOKEN}"


def test_sync_prefers_HEARTH_GITHUB_TOKEN_over_GITHUB_TOKEN(platforms, policy, monkeypatch):
    """Under GitHub Actions GITHUB_TOKEN is the workflow's own; an author's
    HEARTH_GITHUB_TOKEN beside it is the one sent, by sync as by announce."""
    monkeypatch.setenv("GITHUB_TOKEN", "ghs_the0workflow0token")
    monkeypatch.setenv("HEARTH_GITHUB_TOKEN", TOKEN)
    serve_all(platforms)
    fetch(GITHUB, platforms.base + "/graphql", policy)
    assert [seen.headers["Authorization"] for seen in platforms.seen] == [f"bearer {TOKEN}"]


def test_sync_never_prints_a_HEARTH_GITHUB_TOKEN_a_server_echoes(
    platforms, policy, monkeypatch, tmp_path
):
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    monkeypatch.setenv("HEARTH_GITHUB_TOKEN", TOKEN)
    platforms.fallback = lambda method, path, body: Reply(
        {"message": f"Bad credentials: bearer {TOKEN}"}, 401
    )
    path = tmp_path / "activity.json"
    run = sync(platforms, path, [GITHUB], policy)
    assert run.code == 1
    assert "Bad credentials: [redacted]" in run.out
    everything = run.out + run.progress + (path.read_text() if path.exists() else "")
    assert TOKEN not in everything


def test_concurrent_requests_never_exceed_the_limit(platforms, waits, tmp_path):
    urls = [f"https://forum.example/t/topic-{n}/{n}" for n in range(1, 11)]
    for n in range(1, 11):
        platforms.route(f"/forum/t/{n}.json", Reply(topic(title=f"Topic {n}"), delay=0.1))
    policy = FetchPolicy(concurrency=3, timeout=2, backoff=0.01, sleep=waits)
    run = sync(platforms, tmp_path / "activity.json", urls, policy)
    assert run.code == 0
    assert len(platforms.seen) == 10
    assert platforms.peak == 3


def test_platform_filter_syncs_only_those_platforms(platforms, policy, token, tmp_path):
    serve_all(platforms)
    path = tmp_path / "activity.json"
    kept = Activity("Old post", 5, utc(2025, 12, 1))
    write_activity(path, {SOCIAL: kept})
    run = sync(platforms, path, [FORUM, SOCIAL], policy, platforms=["discourse"])
    assert platforms.paths() == ["/forum/t/42.json"]
    assert read_activity(path)[0][SOCIAL] == kept
    assert "Left alone (not in --platform): 1 thread." in run.out


def test_dry_run_lists_requests_makes_none_and_writes_nothing(platforms, policy, token, tmp_path):
    serve_all(platforms)
    path = tmp_path / "activity.json"
    run = sync(platforms, path, [FORUM, SOCIAL, REDDIT, GITHUB], policy, dry_run=True)
    assert run.code == 0
    assert platforms.seen == []
    assert not path.exists()
    base = platforms.base
    assert run.out.splitlines() == [
        "Dry run: 4 threads to fetch with 5 request(s); none made, nothing written.",
        f"  GET {base}/forum/t/42.json",
        f"  GET {base}/social/api/v1/statuses/1100",
        f"  GET {base}/social/api/v1/statuses/1100/context",
        f"  GET {base}/reddit/comments/1abc2d.json?raw_json=1",
        f"  POST {base}/graphql",
    ]


def test_an_unchanged_sync_leaves_the_file_untouched(platforms, policy, token, tmp_path):
    serve_all(platforms)
    path = tmp_path / "activity.json"
    assert sync(platforms, path, [FORUM, SOCIAL, REDDIT, GITHUB], policy).code == 0
    before = path.read_bytes()
    os.utime(path, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    run = sync(platforms, path, [FORUM, SOCIAL, REDDIT, GITHUB], policy)
    assert path.read_bytes() == before
    assert path.stat().st_mtime_ns == 1_000_000_000_000_000_000
    assert "Summary: 0 new, 0 updated, 4 unchanged, 0 failed, 0 not synced." in run.out
    assert f"Nothing changed: {path} is as it was." in run.out


def test_content_problems_stop_the_sync_before_any_request(platforms, tmp_path):
    content = write_content(
        tmp_path,
        dict(
            [
                issue(1, "Hello", "2026-01-02", Discussion="https://forum.example/t/hello/1"),
                issue(2, "Broken", "2026-01-09", Discussion="http://forum.example/t/x/2"),
            ]
        ),
    )
    settings = settings_for(
        content,
        tmp_path / "output",
        HEARTH_DISCUSSIONS={
            "spaces": [
                {
                    "platform": "discourse",
                    "name": "Forum",
                    "url": "https://forum.example/",
                    "api": platforms.base,
                },
            ]
        },
    )
    with pytest.raises(ContentError, match=r"issues/0002-broken\.md"):
        sync_discussions(settings, out=io.StringIO(), progress=io.StringIO())
    assert platforms.seen == []
    assert not (content / "discussions").exists()


# --- The task, as the author runs it -------------------------------------------------------


def demo_platforms(method: str, path: str, body: bytes) -> Reply | None:
    """Plausible answers for every thread of the demo content, derived from its id."""
    if found := re.fullmatch(r"/forum/t/(\d+)\.json", path):
        n = int(found[1])
        return Reply(topic(title=f"Topic {n}", posts=n % 7 + 2, last="2026-02-01T10:00:00Z"))
    if found := re.fullmatch(r"/social/api/v1/statuses/(\d+)(/context)?", path):
        if found[2]:
            return Reply(context("2026-02-02T10:00:00Z", "2026-02-03T10:00:00Z"))
        return Reply(status(f"<p>Post {found[1][-4:]}</p>", "2026-02-01T09:00:00Z"))
    if re.fullmatch(r"/reddit/comments/\w+\.json\?raw_json=1", path):
        return Reply(reddit_answer("A year of small things", 41, 1_734_600_000, []))
    if path == "/graphql":
        number = json.loads(body)["variables"]["number"]
        return Reply(discussion(f"Discussion {number}", "2026-02-01T00:00:00Z", []))
    found = DEMO_OPEN_PLATFORMS.answer(path)
    return Reply(found[1], found[0]) if found else None


# The demo's threads on Bluesky and Hacker News (its Lemmy instance is not listed here).
DEMO_OPEN_PLATFORMS = OpenPlatforms(
    handles={"theworkbench.example": "did:plc:ewvi7nxzyoun6zhxrhs64oiz"},
    threads={
        ("did:plc:ewvi7nxzyoun6zhxrhs64oiz", "3mbqx7kz2cs2a"): {
            "thread": bluesky_post("New issue", 4, "2026-02-01T08:00:00.000Z")
        }
    },
    hn_items={"46214587": hn_story("Colour contrast without the maths", 87)},
)


def test_invoke_sync_discussions_writes_the_activity_file(platforms, project, token):
    platforms.fallback = demo_platforms
    base = platforms.base
    spaces = [
        {
            "platform": "discourse",
            "name": "Forum",
            "url": "https://forum.theworkbench.example/",
            "api": base + "/forum",
        },
        {
            "platform": "mastodon",
            "name": "Social",
            "url": "https://social.theworkbench.example/@workbench",
            "api": base + "/social",
        },
        {
            "platform": "reddit",
            "name": "Reddit",
            "url": "https://www.reddit.com/r/SideProject",
            "api": base + "/reddit",
        },
        {
            "platform": "github",
            "name": "GitHub",
            "url": "https://github.com/theworkbench/community/discussions",
            "api": base + "/graphql",
        },
        {
            "platform": "discord",
            "name": "Discord",
            "url": "https://discord.com/channels/1187654321098765432",
        },
    ]
    config = project / "pelicanconf.py"
    apis = {"bluesky": base + "/bsky", "hackernews": base + "/hn", "lemmy": base + "/lemmy"}
    config.write_text(
        config.read_text() + f"\nHEARTH_DISCUSSIONS = {{'spaces': {spaces!r}, 'apis': {apis!r}}}\n"
    )
    activity = project / "content/discussions/activity.json"
    before, _ = read_activity(activity)
    result = invoke(project, "sync-discussions")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert re.search(
        r"Summary: \d+ new, \d+ updated, \d+ unchanged, 0 failed, \d+ not synced\.", result.stdout
    )
    assert "Wrote content/discussions/activity.json" in result.stdout
    assert "  Discord has no public API Hearth reads:" in result.stdout
    assert re.search(
        r"\[ ?\d+/\d+\] Discourse +forum\.theworkbench\.example/t/issue-1-hello-workbench/12"
        r"  6 replies",
        result.stderr,
    )
    after, problems = read_activity(activity)
    assert problems == []
    assert after["https://forum.theworkbench.example/t/issue-1-hello-workbench/12"] == Activity(
        "Topic 12", 6, utc(2026, 2, 1, 10)
    )
    assert after["https://github.com/theworkbench/community/discussions/17"] == Activity(
        "Discussion 17", 0, utc(2026, 2, 1)
    )
    assert after["https://news.ycombinator.com/item?id=46214587"] == Activity(
        "Colour contrast without the maths", 87, None
    )
    bluesky = "https://bsky.app/profile/theworkbench.example/post/3mbqx7kz2cs2a"
    assert after[bluesky] == Activity("New issue", 4, utc(2026, 2, 1, 8))
    discord = next(url for url in after if url.startswith("https://discord.com/"))
    assert after[discord] == before[discord]
    # Not a listed Lemmy instance in this site's settings: labelled by its host, never asked.
    lemmy = "https://lemmy.theworkbench.example/post/2187"
    assert after[lemmy] == before[lemmy]
    assert "lemmy.theworkbench.example has no public API Hearth reads" in result.stdout
    assert not any(seen.path.startswith("/lemmy") for seen in platforms.seen)
    assert TOKEN not in result.stdout + result.stderr + activity.read_text()

    again = invoke(project, "sync-discussions")
    assert again.returncode == 0, again.stderr
    assert "Nothing changed: content/discussions/activity.json is as it was." in again.stdout


def test_invoke_sync_discussions_refuses_an_unknown_platform(project):
    result = invoke(project, "sync-discussions", "--platform", "discourse,slack")
    assert result.returncode == 1
    assert (
        "--platform slack: sync reads only bluesky, discourse, github, hackernews, lemmy, "
        "lobsters, mastodon, reddit" in result.stderr
    )
    assert "Traceback" not in result.stderr
