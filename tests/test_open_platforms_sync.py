"""`invoke sync-discussions` for Bluesky, Hacker News, Lobsters and Lemmy, against a real
HTTP server on 127.0.0.1 answering in each API's documented shape (tests/open_platforms_fake.py),
faults included: every guarantee of the other platforms' sync holds for these."""

from __future__ import annotations

import asyncio
import io
import threading
import time
from datetime import UTC, datetime
from http.server import ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from hearth_core.platforms import DEFAULT_LEMMY_INSTANCES
from hearth_discussions.activity import TITLE_LIMIT, read_activity, write_activity
from hearth_discussions.fetch import FetchError, FetchPolicy
from hearth_discussions.model import Activity
from hearth_discussions.sync import CLIENTS, Platforms, dry_run_lines, plan_sync, run_sync
from tests.open_platforms_fake import (
    OpenPlatforms,
    bluesky_post,
    hn_story,
    lemmy_v3,
    lemmy_v4,
    lobsters_story,
    not_found_post,
)
from tests.test_discussions_sync import FakePlatforms, Handler, Reply, Waits

DID = "did:plc:ewvi7nxzyoun6zhxrhs64oiz"
BLUESKY = "https://bsky.app/profile/theworkbench.example/post/3mbqx7kz2cs2a"
BLUESKY_BY_DID = f"https://bsky.app/profile/{DID}/post/3mbqx7kz2cs2a"
HACKERNEWS = "https://news.ycombinator.com/item?id=46214587"
LOBSTERS = "https://lobste.rs/s/abc123/in_praise_of_unfinished_things"
LEMMY = "https://lemmy.world/post/2187"
THREADS = [BLUESKY, HACKERNEWS, LOBSTERS, LEMMY]


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def demo_answers() -> OpenPlatforms:
    """A thread on each platform, as each API tells of it."""
    tree = bluesky_post(
        "In praise of unfinished things: issue 12 is out",
        2,
        "2026-01-09T08:00:00.000Z",
        bluesky_post(
            "Loved it",
            1,
            "2026-01-09T09:00:00.000Z",
            bluesky_post("Same", 0, "2026-01-10T11:30:00.000Z"),
        ),
        bluesky_post("Agreed", 0, "2026-01-09T10:00:00.000Z"),
    )
    return OpenPlatforms(
        handles={"theworkbench.example": DID},
        threads={(DID, "3mbqx7kz2cs2a"): {"thread": tree}},
        hn_items={"46214587": hn_story("Colour contrast without the maths", 87)},
        stories={
            "abc123": lobsters_story(
                "In praise of unfinished things",
                ["2026-01-09T10:12:00.000-06:00", "2026-01-11T07:00:00.000-06:00"],
                "2026-01-09T09:00:00.000-06:00",
            )
        },
        lemmy_posts={
            "2187": lemmy_v3(
                "Printing a zine at home",
                9,
                "2026-01-24T08:00:00.123456Z",
                "2026-01-27T07:15:03.654321Z",
            )
        },
    )


class Fake(FakePlatforms):
    """The four platforms on one loopback server, under /bsky, /hn, /lobsters and /lemmy;
    ``faults`` are answered first, one per request, before the platforms answer."""

    def __init__(self) -> None:
        super().__init__()
        self.open = demo_answers()
        self.faults: list[Reply] = []
        self.fallback = self.serve

    def serve(self, method: str, path: str, body: bytes) -> Reply | None:
        if self.faults:
            return self.faults.pop(0)
        found = self.open.answer(path)
        return Reply(found[1], found[0]) if found else None

    @property
    def apis(self) -> dict[str, str]:
        return {
            "bluesky": f"{self.base}/bsky",
            "hackernews": f"{self.base}/hn",
            "lobsters": f"{self.base}/lobsters",
            "lemmy": f"{self.base}/lemmy",
        }


@pytest.fixture
def fake():
    platforms = Fake()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.fake = platforms  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    platforms.base = f"http://127.0.0.1:{server.server_address[1]}"
    yield platforms
    server.shutdown()
    server.server_close()


@pytest.fixture
def waits() -> Waits:
    return Waits()


@pytest.fixture
def policy(waits: Waits) -> FetchPolicy:
    return FetchPolicy(timeout=2, attempts=3, backoff=0.01, sleep=waits)


def fetch(fake: Fake, url: str, policy: FetchPolicy) -> Activity:
    known = Platforms(apis=fake.apis)
    thread = known.recognise(url)

    async def run() -> Activity:
        async with httpx.AsyncClient() as client:
            return await CLIENTS[thread.platform or ""](client, thread, known.api(thread), policy)

    return asyncio.run(run())


# --- Each platform's answer becomes the right Activity ---------------------------------


def test_bluesky_resolves_the_handle_then_counts_every_reply_in_the_thread(fake, policy):
    found = fetch(fake, BLUESKY, policy)
    # 2 replies to the post, 1 to the first reply; the newest was indexed on the 10th.
    assert found == Activity(
        "In praise of unfinished things: issue 12 is out", 3, utc(2026, 1, 10, 11, 30)
    )
    resolve, thread = fake.paths()
    assert resolve == "/bsky/xrpc/com.atproto.identity.resolveHandle?handle=theworkbench.example"
    assert thread.startswith("/bsky/xrpc/app.bsky.feed.getPostThread?uri=at%3A%2F%2Fdid%3Aplc%3A")


def test_bluesky_post_addressed_by_did_needs_no_handle_lookup(fake, policy):
    assert fetch(fake, BLUESKY_BY_DID, policy).replies == 3
    assert len(fake.seen) == 1


def test_bluesky_counts_replies_of_replies_deeper_than_it_sends(fake, policy):
    # The deepest reply sent says it has 40 replies of its own, which are not sent.
    deep = bluesky_post("Deep", 40, "2026-01-12T00:00:00Z")
    fake.open.threads[(DID, "3mbqx7kz2cs2a")] = {
        "thread": bluesky_post("Root", 1, "2026-01-09T08:00:00Z", deep)
    }
    assert fetch(fake, BLUESKY, policy).replies == 41


def test_a_deleted_bluesky_post_fails_that_thread_with_a_reason(fake, policy):
    uri = f"at://{DID}/app.bsky.feed.post/3mbqx7kz2cs2a"
    fake.open.threads[(DID, "3mbqx7kz2cs2a")] = {"thread": not_found_post(uri)}
    with pytest.raises(
        FetchError, match=r"Bluesky sent no post \(app.bsky.feed.defs#notFoundPost\)"
    ):
        fetch(fake, BLUESKY, policy)


def test_an_unknown_bluesky_handle_fails_with_the_appviews_words(fake, policy):
    fake.open.handles.clear()
    with pytest.raises(FetchError, match="HTTP 400 Bad Request: Unable to resolve handle"):
        fetch(fake, BLUESKY, policy)
    assert len(fake.seen) == 1


def test_a_resolved_did_that_is_not_a_did_is_never_asked_about(fake, policy):
    fake.open.handles["theworkbench.example"] = "../../admin?x="
    with pytest.raises(FetchError, match="'did' is not a DID"):
        fetch(fake, BLUESKY, policy)
    assert len(fake.seen) == 1


def test_hacker_news_descendants_are_the_replies(fake, policy):
    assert fetch(fake, HACKERNEWS, policy) == Activity("Colour contrast without the maths", 87)
    assert fake.paths() == ["/hn/v0/item/46214587.json"]


def test_a_hacker_news_item_that_does_not_exist_is_null_and_fails_that_thread(fake, policy):
    fake.open.hn_items.clear()
    with pytest.raises(FetchError, match="Hacker News has no item with this id"):
        fetch(fake, HACKERNEWS, policy)


def test_a_hacker_news_comment_is_not_a_thread(fake, policy):
    fake.open.hn_items["46214587"] = {"by": "lou", "id": 46214587, "type": "comment", "time": 1}
    with pytest.raises(FetchError, match="the item is a comment, not a story"):
        fetch(fake, HACKERNEWS, policy)


def test_a_dead_hacker_news_story_fails_that_thread(fake, policy):
    fake.open.hn_items["46214587"] = hn_story("Gone", 3, dead=True)
    with pytest.raises(FetchError, match="deleted or dead"):
        fetch(fake, HACKERNEWS, policy)


def test_lobsters_comment_count_and_its_newest_comment(fake, policy):
    assert fetch(fake, LOBSTERS, policy) == Activity(
        "In praise of unfinished things", 2, utc(2026, 1, 11, 13)
    )
    assert fake.paths() == ["/lobsters/s/abc123.json"]


def test_lemmy_v3_counts_comments_and_the_newest_comments_time(fake, policy):
    assert fetch(fake, LEMMY, policy) == Activity(
        "Printing a zine at home", 9, utc(2026, 1, 27, 7, 15, 3)
    )
    assert fake.paths() == ["/lemmy/api/v3/post?id=2187"]


def test_lemmy_v4s_shape_is_read_too(fake, policy):
    fake.open.lemmy_posts["2187"] = lemmy_v4(
        "Printing a zine at home", 4, "2026-01-24T08:00:00Z", "2026-01-25T09:00:00Z"
    )
    assert fetch(fake, LEMMY, policy) == Activity("Printing a zine at home", 4, utc(2026, 1, 25, 9))


def test_lemmy_times_without_an_offset_are_utc(fake, policy):
    fake.open.lemmy_posts["2187"] = lemmy_v3(
        "Old instance", 1, "2026-01-24T08:00:00.123456789", "2026-01-24T09:30:00"
    )
    assert fetch(fake, LEMMY, policy).last_activity == utc(2026, 1, 24, 9, 30)


def test_a_lemmy_post_without_comments_was_last_active_when_it_was_published(fake, policy):
    fake.open.lemmy_posts["2187"] = lemmy_v3(
        "Quiet", 0, "2026-01-24T08:00:00Z", "2026-01-24T08:00:00Z"
    )
    assert fetch(fake, LEMMY, policy) == Activity("Quiet", 0, utc(2026, 1, 24, 8))


# --- Faults, on every platform --------------------------------------------------------------


@pytest.mark.parametrize("url", THREADS)
def test_429_with_retry_after_is_waited_for_then_the_thread_syncs(fake, policy, waits, url):
    fake.faults = [Reply({"error": "RateLimitExceeded"}, 429, {"Retry-After": "7"})]
    assert fetch(fake, url, policy).title
    assert waits == [7.0]


@pytest.mark.parametrize("url", THREADS)
def test_500_is_retried_then_given_up_after_the_attempt_limit(fake, policy, url):
    fake.faults = [Reply({}, 500)] * 3
    with pytest.raises(FetchError, match="HTTP 500 after 3 attempts"):
        fetch(fake, url, policy)
    assert len(fake.seen) == 3


@pytest.mark.parametrize("url", THREADS)
def test_a_slow_platform_times_out(fake, waits, url):
    # Each answer would take 2 s: two attempts of 0.2 s end long before one would come.
    fake.faults = [Reply({}, 200, delay=2)] * 2
    policy = FetchPolicy(timeout=0.2, attempts=2, backoff=0.01, sleep=waits)
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"timed out after 0.2 s \(2 attempts\)"):
        fetch(fake, url, policy)
    assert time.monotonic() - started < 2


@pytest.mark.parametrize("url", THREADS)
def test_an_oversize_answer_is_cut_at_the_size_cap(fake, waits, url):
    fake.faults = [Reply(b'{"x": "' + b"a" * 50_000 + b'"}')]
    policy = FetchPolicy(timeout=2, attempts=1, max_bytes=10_000, sleep=waits)
    with pytest.raises(FetchError, match=r"the answer is larger than .*, the most Hearth reads"):
        fetch(fake, url, policy)


@pytest.mark.parametrize("url", THREADS)
def test_malformed_json_fails_that_thread_without_retrying(fake, policy, url):
    fake.faults = [Reply(b"<html>We'll be right back</html>")]
    with pytest.raises(FetchError, match="the response was not JSON"):
        fetch(fake, url, policy)
    assert len(fake.seen) == 1


MISSING = {
    BLUESKY: lambda open: open.threads.update(
        {(DID, "3mbqx7kz2cs2a"): {"thread": {"$type": "app.bsky.feed.defs#threadViewPost"}}}
    ),
    HACKERNEWS: lambda open: open.hn_items["46214587"].pop("descendants"),
    LOBSTERS: lambda open: open.stories["abc123"].pop("comment_count"),
    LEMMY: lambda open: open.lemmy_posts["2187"]["post_view"]["counts"].pop("comments"),
}


@pytest.mark.parametrize("url", THREADS)
def test_a_missing_field_fails_that_thread_naming_the_field(fake, policy, url):
    MISSING[url](fake.open)
    with pytest.raises(FetchError, match=r"unexpected response: '\w+' is missing or not"):
        fetch(fake, url, policy)


HOSTILE = "\u202eevil\u0000 title\x1b[31m " + "word " * 2000


def hostile_titles(open: OpenPlatforms) -> None:
    root = open.threads[(DID, "3mbqx7kz2cs2a")]["thread"]
    root["post"]["record"]["text"] = HOSTILE
    open.hn_items["46214587"]["title"] = HOSTILE
    open.stories["abc123"]["title"] = HOSTILE
    open.lemmy_posts["2187"]["post_view"]["post"]["name"] = HOSTILE


@pytest.mark.parametrize("url", THREADS)
def test_hostile_titles_are_one_bounded_line_without_control_or_direction_characters(
    fake, policy, url
):
    hostile_titles(fake.open)
    title = fetch(fake, url, policy).title
    assert title is not None and title.startswith("evil title")
    assert len(title) <= TITLE_LIMIT
    assert not any(ord(c) < 32 or c in "\u202e\u0000\x1b" for c in title)


@pytest.mark.parametrize("count", [-1, 10**12, "12", True, 1.5])
@pytest.mark.parametrize("url", THREADS)
def test_a_count_that_is_not_one_fails_that_thread(fake, policy, url, count):
    fake.open.threads[(DID, "3mbqx7kz2cs2a")]["thread"]["post"]["replyCount"] = count
    fake.open.hn_items["46214587"]["descendants"] = count
    fake.open.stories["abc123"]["comment_count"] = count
    fake.open.lemmy_posts["2187"]["post_view"]["counts"]["comments"] = count
    with pytest.raises(FetchError, match="unexpected response"):
        fetch(fake, url, policy)


# --- The whole sync ----------------------------------------------------------------------------


def run(fake: Fake, path: Path, policy: FetchPolicy, urls=THREADS, **options):
    out, progress = io.StringIO(), io.StringIO()
    code = run_sync(
        urls, path, Platforms(apis=fake.apis), policy=policy, out=out, progress=progress, **options
    )
    return code, out.getvalue(), progress.getvalue()


def test_a_sync_writes_each_platforms_thread_and_one_failure_spoils_none_of_the_rest(
    fake, policy, tmp_path
):
    path = tmp_path / "activity.json"
    old = Activity("As it was", 5, utc(2026, 1, 20))
    write_activity(path, {LOBSTERS: old})
    fake.open.stories.clear()  # Lobsters answers 404 for the story
    code, out, progress = run(fake, path, policy)
    assert code == 1
    activity, problems = read_activity(path)
    assert problems == []
    assert activity[LOBSTERS] == old
    assert activity[HACKERNEWS] == Activity("Colour contrast without the maths", 87)
    assert activity[LEMMY].replies == 9 and activity[BLUESKY].replies == 3
    assert "Summary: 3 new, 0 updated, 0 unchanged, 1 failed, 0 not synced." in out
    assert "  Lobsters:\n    lobste.rs/s/abc123/in_praise_of_unfinished_things: HTTP 404" in out
    assert "Hacker News  news.ycombinator.com/item?id=46214587  87 replies" in progress


def test_the_public_apis_are_asked_unless_replaced():
    plan = plan_sync(THREADS, Platforms())
    assert dry_run_lines(plan)[1:] == [
        "  GET https://public.api.bsky.app/xrpc/com.atproto.identity.resolveHandle"
        "?handle=theworkbench.example",
        "  GET https://public.api.bsky.app/xrpc/app.bsky.feed.getPostThread"
        "?uri=at%3A%2F%2Ftheworkbench.example%2Fapp.bsky.feed.post%2F3mbqx7kz2cs2a"
        "&depth=10&parentHeight=0",
        "  GET https://hacker-news.firebaseio.com/v0/item/46214587.json",
        "  GET https://lobste.rs/s/abc123.json",
        "  GET https://lemmy.world/api/v3/post?id=2187",
    ]


def test_a_lemmy_post_is_asked_of_its_own_instance(fake, policy):
    assert "lemmy.ml" in DEFAULT_LEMMY_INSTANCES
    (job,) = plan_sync(["https://lemmy.ml/post/5"], Platforms()).jobs
    assert job.api == "https://lemmy.ml"


def test_a_replaced_api_on_loopback_is_asked_but_an_instance_resolving_to_loopback_is_not(
    fake, policy, tmp_path
):
    """Only the settings, or the environment of who runs sync, open a local address:
    a listed instance whose name leads to this machine is refused before connecting."""
    path = tmp_path / "activity.json"

    async def local(host: str, port: int) -> list[str]:
        return ["127.0.0.1"]

    out, progress = io.StringIO(), io.StringIO()
    code = run_sync(
        [HACKERNEWS, LEMMY],
        path,
        Platforms(apis={"hackernews": fake.apis["hackernews"]}),
        policy=policy,
        out=out,
        progress=progress,
        resolver=local,
    )
    assert code == 1
    assert read_activity(path)[0][HACKERNEWS].replies == 87
    assert "refused" in out.getvalue()
    assert all(seen.path.startswith("/hn/") for seen in fake.seen)
