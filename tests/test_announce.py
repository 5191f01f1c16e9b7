"""`invoke announce`: each issue's threads opened once on Discourse, GitHub Discussions,
Mastodon and Bluesky, against a fake of all four on loopback, faults included."""

from __future__ import annotations

import functools
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hearth_announce.announce import announce_issue
from hearth_announce.errors import AnnounceError
from hearth_announce.files import set_empty_discussion
from hearth_announce.http import JsonClient
from hearth_announce.texts import link_facets
from hearth_site.check import load_site_content
from tests.announce_fake import (
    BLUESKY_JWT,
    GITHUB_TOKEN,
    SECRETS,
    Fault,
    environ_for,
    running,
)
from tests.sites import ROOT, build_site, issue, page, settings_for, write_content

SITE = "https://theworkbench.example"
PLATFORMS = ("discourse", "github", "mastodon", "bluesky")


@pytest.fixture
def site(tmp_path):
    """A small newsletter: issue 1 without a Discussion header, issue 2 with one."""
    files = dict(
        [
            issue(1, "Small tools", "2026-01-02 08:00", Summary="Tools that do one thing."),
            issue(
                2,
                "Quiet weeks",
                "2026-01-09 08:00",
                Summary="On weeks when nothing ships.",
                Discussion="https://forum.theworkbench.example/t/quiet-weeks/12",
            ),
        ]
    )
    content = write_content(tmp_path, files)
    return content, settings_for(content, tmp_path / "output", FEED_DOMAIN=SITE)


def run(settings, number=1, *, environ, out=None, sleeps=None, **options):
    """Announce as the task does, with short timeouts and the waits recorded, not slept."""
    factory = functools.partial(
        JsonClient, timeout=1.0, deadline=2.0, sleep=(sleeps if sleeps is not None else []).append
    )
    announce_issue(
        settings,
        number,
        environ=environ,
        out=out if out is not None else io.StringIO(),
        client_factory=factory,
        **options,
    )


def state(content: Path) -> dict:
    return json.loads((content / "announce.json").read_text(encoding="utf-8"))["issues"]


def issue_file(content: Path, number: int) -> Path:
    return next((content / "issues").glob(f"{number:04d}-*.md"))


def test_announce_twice_opens_each_thread_once(site):
    content, settings = site
    with running() as (fake, base):
        run(settings, environ=environ_for(base))
        first = state(content)["1"]
        run(settings, environ=environ_for(base))
        assert fake.created() == dict.fromkeys(PLATFORMS, 1)
        assert state(content)["1"] == first
    assert set(first) == set(PLATFORMS)
    assert first["discourse"] == "https://forum.theworkbench.example/t/issue-1-small-tools/100"
    assert first["github"] == "https://github.com/theworkbench/community/discussions/40"
    assert first["mastodon"].startswith("https://social.theworkbench.example/@workbench/")
    assert first["bluesky"] == "https://bsky.app/profile/theworkbench.example/post/3lannounce000"


def test_announce_after_crash_before_state_write_does_not_post_again(site):
    """Every thread opened, then nothing local kept (the task died before writing):
    the re-run finds each thread on its platform and opens none."""
    content, settings = site
    original = issue_file(content, 1).read_bytes()
    with running() as (fake, base):
        run(settings, environ=environ_for(base))
        opened = state(content)["1"]
        (content / "announce.json").unlink()
        for path in (content / "discussions").glob("issue-1-*.yml"):
            path.unlink()
        issue_file(content, 1).write_bytes(original)
        out = io.StringIO()
        run(settings, environ=environ_for(base), out=out)
        assert fake.created() == dict.fromkeys(PLATFORMS, 1)
    assert state(content)["1"] == opened
    assert out.getvalue().count("found the thread opened before") == 4
    assert len(list((content / "discussions").glob("issue-1-*.yml"))) == 4


@pytest.mark.parametrize(
    "endpoint",
    [
        "POST /posts.json",
        "POST /api/v1/statuses",
        "POST /xrpc/com.atproto.repo.createRecord",
    ],
)
def test_announce_after_a_create_whose_answer_was_lost_does_not_post_again(site, endpoint):
    """The platform opened the thread, then the connection dropped: the task says the
    thread may be open, and the next run finds it instead of opening a second."""
    content, settings = site
    with running() as (fake, base):
        fake.fail(endpoint, Fault(drop_after_work=True), Fault(drop_after_work=True))
        fake.fail(endpoint, Fault(drop_after_work=True))
        with pytest.raises(AnnounceError) as failed:
            run(settings, environ=environ_for(base))
        assert "may have been opened anyway" in str(failed.value)
        run(settings, environ=environ_for(base))
        assert fake.created() == dict.fromkeys(PLATFORMS, 1)
    assert set(state(content)["1"]) == set(PLATFORMS)


def test_announce_writes_thread_file_that_passes_check(site):
    content, settings = site
    with running() as (_fake, base):
        run(settings, environ=environ_for(base))
    files = sorted(path.name for path in (content / "discussions").glob("*.yml"))
    assert files == [f"issue-1-{name}.yml" for name in sorted(PLATFORMS)]
    checked = load_site_content(settings)
    assert checked.problems == []
    text = (content / "discussions" / "issue-1-mastodon.yml").read_text(encoding="utf-8")
    assert "\nissue: 1\n" in text
    assert 'title: "Issue 1: Small tools"' in text


def test_announce_sets_empty_discussion_header_to_primary(site):
    content, settings = site
    path = issue_file(content, 1)
    before = path.read_bytes()
    with running() as (_fake, base):
        run(settings, environ=environ_for(base))
    primary = state(content)["1"]["discourse"]
    head, _, body = before.partition(b"\n\n")
    assert path.read_bytes() == head + b"\nDiscussion: " + primary.encode() + b"\n\n" + body


@pytest.mark.parametrize("ending", ["\n", "\r\n"])
def test_an_empty_discussion_line_is_filled_and_every_other_byte_kept(tmp_path, ending):
    path = tmp_path / "0001-x.md"
    lines = ["Title: X", "Date: 2026-01-02 08:00", "Discussion:", "Tags: tools", "", "Body ☕"]
    path.write_bytes(ending.join(lines).encode())
    assert set_empty_discussion(path, "https://forum.example/t/x/3")
    lines[2] = "Discussion: https://forum.example/t/x/3"
    assert path.read_bytes() == ending.join(lines).encode()


def test_announce_keeps_existing_discussion_header(site):
    content, settings = site
    path = issue_file(content, 2)
    before = path.read_bytes()
    on = "discourse"  # its header names https://forum.theworkbench.example/t/quiet-weeks/12
    with running() as (fake, base):
        run(settings, 2, environ=environ_for(base))
        # The platform its header names has its thread: no second one is opened there.
        assert fake.created() == {name: int(name != on) for name in PLATFORMS}
    assert path.read_bytes() == before
    assert set(state(content)["2"]) == set(PLATFORMS) - {on}


def test_announce_dry_run_lists_requests_without_credentials(project):
    """The demo configures all four: a dry run with no credential lists their requests,
    names each credential missing, and writes nothing."""
    environ = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(
            ("HEARTH_DISCOURSE", "HEARTH_GITHUB", "HEARTH_MASTODON", "HEARTH_BLUESKY")
        )
        and key != "GITHUB_TOKEN"
    }
    before = sorted(p.relative_to(project) for p in (project / "content").rglob("*"))
    result = subprocess.run(
        [sys.executable, "-m", "invoke", "announce", "--issue", "8", "--dry-run"],
        cwd=project, capture_output=True, text=True, timeout=120, env=environ,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    said = result.stdout
    for expected in (
        "POST /posts.json",
        "mutation createDiscussion",
        "POST /api/v1/statuses",
        "com.atproto.repo.createRecord",
        "needs HEARTH_DISCOURSE_API_KEY: NOT SET",
        "needs HEARTH_DISCOURSE_USERNAME: NOT SET",
        "needs HEARTH_GITHUB_TOKEN (or GITHUB_TOKEN): NOT SET",
        "needs HEARTH_MASTODON_TOKEN: NOT SET",
        "needs HEARTH_BLUESKY_APP_PASSWORD: NOT SET",
        "Dry run: nothing was sent",
    ):
        assert expected in said
    assert sorted(p.relative_to(project) for p in (project / "content").rglob("*")) == before


def test_announce_never_prints_credentials(site):
    """Platforms that echo every credential back in their errors, and Bluesky its
    session token too: no output, no message and no file holds any of them."""
    content, settings = site
    echo = json.dumps({"error": " ".join(SECRETS[:4]), "message": SECRETS[1]}).encode()
    echo_session = json.dumps({"error": "InvalidRequest", "message": " ".join(SECRETS)}).encode()
    out = io.StringIO()
    with running() as (fake, base):
        fake.fail("POST /posts.json", Fault(status=401, body=echo))
        fake.fail("POST /graphql", Fault(status=500, body=echo), Fault(status=500, body=echo))
        fake.fail("POST /graphql", Fault(status=500, body=echo))
        fake.fail("GET /api/v1/accounts/verify_credentials", Fault(status=403, body=echo))
        fake.fail("GET /xrpc/com.atproto.repo.listRecords", Fault(status=400, body=echo_session))
        with pytest.raises(AnnounceError) as failed:
            run(settings, environ=environ_for(base), out=out)
    written = "".join(p.read_text(encoding="utf-8") for p in content.rglob("*") if p.is_file())
    for secret in (*SECRETS, BLUESKY_JWT):
        assert secret not in out.getvalue()
        assert secret not in str(failed.value)
        assert secret not in written
    assert "[redacted]" in str(failed.value)
    assert "4 of 4 threads were not opened" in str(failed.value)


def test_bluesky_link_facet_uses_utf8_byte_offsets(site):
    content, settings = site
    path = issue_file(content, 1)
    path.write_text(
        path.read_text(encoding="utf-8").replace("Small tools", "Petits outils é ☕ 🧵"),
        encoding="utf-8",
    )
    with running() as (fake, base):
        run(settings, environ=environ_for(base), platforms=["bluesky"])
        record = fake.records[0]["value"]
    text, (facet,) = record["text"], record["facets"]
    start, end = facet["index"]["byteStart"], facet["index"]["byteEnd"]
    assert text.encode("utf-8")[start:end] == f"{SITE}/issues/1/".encode()
    assert start != text.index(SITE)  # characters and bytes differ before the link
    assert facet["features"] == [
        {"$type": "app.bsky.richtext.facet#link", "uri": f"{SITE}/issues/1/"}
    ]
    assert record["embed"]["$type"] == "app.bsky.embed.external"
    assert record["embed"]["external"]["uri"] == f"{SITE}/issues/1/"


@given(before=st.text(max_size=40), after=st.text(max_size=40))
def test_link_facets_point_at_the_link_in_utf8_bytes(before, after):
    url = "https://theworkbench.example/issues/3/"
    text = f"{before} {url} {after}"
    facets = link_facets(text, url)
    assert facets
    for facet in facets:
        index = facet["index"]
        assert text.encode("utf-8")[index["byteStart"] : index["byteEnd"]] == url.encode()


def test_bluesky_post_embeds_the_issue_social_card(site, tmp_path):
    _content, settings = site
    card = Path(settings["OUTPUT_PATH"], "cards", "issue-1.png")
    card.parent.mkdir(parents=True)
    card.write_bytes(b"\x89PNG\r\n\x1a\n" + b"card" * 100)
    with running() as (fake, base):
        run(settings, environ=environ_for(base), platforms=["bluesky"])
        uploads = [r for r in fake.requests if r[1].endswith("uploadBlob")]
        external = fake.records[0]["value"]["embed"]["external"]
    assert uploads[0][3] == card.read_bytes()
    assert uploads[0][2]["Content-Type"] == "image/png"
    assert external["thumb"]["$type"] == "blob"
    assert external["thumb"]["size"] == card.stat().st_size


@pytest.mark.parametrize(
    ("endpoint", "platform", "status"),
    [
        ("POST /posts.json", "discourse", 401),
        ("POST /graphql", "github", 401),
        ("GET /api/v1/accounts/verify_credentials", "mastodon", 401),
        ("POST /xrpc/com.atproto.server.createSession", "bluesky", 401),
    ],
)
def test_a_refused_credential_fails_that_target_only(site, endpoint, platform, status):
    content, settings = site
    with running() as (fake, base):
        fake.fail(endpoint, Fault(status=status))
        with pytest.raises(AnnounceError) as failed:
            run(settings, environ=environ_for(base))
        assert fake.created()[platform] == 0
        assert sum(fake.created().values()) == 3
    assert f"{platform}: " in str(failed.value)
    assert f"HTTP {status}" in str(failed.value)
    assert set(state(content)["1"]) == set(PLATFORMS) - {platform}


def test_a_missing_credential_skips_that_target_and_says_which(site):
    _content, settings = site
    with running() as (fake, base):
        environ = environ_for(base)
        del environ["HEARTH_MASTODON_TOKEN"]
        with pytest.raises(AnnounceError, match="mastodon: HEARTH_MASTODON_TOKEN not set"):
            run(settings, environ=environ)
        assert fake.created()["mastodon"] == 0
        assert not [r for r in fake.requests if r[1].startswith("/api/v1/")]


def test_a_server_error_on_a_lookup_is_retried(site):
    _content, settings = site
    sleeps: list[float] = []
    with running() as (fake, base):
        fake.fail("GET /t/external_id/hearth-issue-1.json", Fault(status=502), Fault(status=503))
        run(settings, environ=environ_for(base), sleeps=sleeps, platforms=["discourse"])
        assert fake.created()["discourse"] == 1
    assert len(sleeps) == 2


def test_a_server_error_on_a_create_is_not_repeated(site):
    """A 500 may mean the topic was made: no blind retry; the next run looks first."""
    _content, settings = site
    with running() as (fake, base):
        fake.fail("POST /posts.json", Fault(status=500))
        with pytest.raises(AnnounceError, match="HTTP 500"):
            run(settings, environ=environ_for(base), platforms=["discourse"])
        posts = [r for r in fake.requests if r[1] == "/posts.json"]
        assert len(posts) == 1
        run(settings, environ=environ_for(base), platforms=["discourse"])
        assert fake.created()["discourse"] == 1


def test_429_retry_after_is_waited_then_the_create_goes_once(site):
    _content, settings = site
    sleeps: list[float] = []
    with running() as (fake, base):
        fake.fail("POST /api/v1/statuses", Fault(status=429, retry_after="7"))
        run(settings, environ=environ_for(base), sleeps=sleeps, platforms=["mastodon"])
        assert fake.created()["mastodon"] == 1
    assert sleeps == [7.0]


def test_a_retry_after_longer_than_hearth_waits_fails_that_target(site):
    _content, settings = site
    with running() as (fake, base):
        fake.fail("POST /posts.json", Fault(status=429, retry_after="3600"))
        with pytest.raises(AnnounceError, match="HTTP 429"):
            run(settings, environ=environ_for(base), platforms=["discourse"])
        assert fake.created()["discourse"] == 0


def test_a_timed_out_mastodon_status_is_retried_with_its_idempotency_key(site):
    _content, settings = site
    with running() as (fake, base):
        fake.fail("POST /api/v1/statuses", Fault(delay=1.5))
        run(settings, environ=environ_for(base), platforms=["mastodon"])
        keys = {r[2].get("Idempotency-Key") for r in fake.requests if r[1] == "/api/v1/statuses"}
        assert len([r for r in fake.requests if r[1] == "/api/v1/statuses"]) == 2
        assert fake.created()["mastodon"] == 1
    assert len(keys) == 1 and None not in keys


@pytest.mark.parametrize(
    ("endpoint", "platform"),
    [
        ("POST /posts.json", "discourse"),
        ("POST /graphql", "github"),
        ("POST /api/v1/statuses", "mastodon"),
        ("POST /xrpc/com.atproto.repo.createRecord", "bluesky"),
    ],
)
def test_malformed_json_fails_that_target_and_records_nothing(site, endpoint, platform):
    content, settings = site
    with running() as (fake, base):
        fake.fail(endpoint, Fault(body=b"{not json"))
        with pytest.raises(AnnounceError, match="not JSON"):
            run(settings, environ=environ_for(base), platforms=[platform])
    assert not (content / "announce.json").exists() or "1" not in state(content)
    assert not list((content / "discussions").glob("issue-1-*.yml"))


def test_hostile_strings_in_answers_never_reach_a_file_or_the_terminal(site):
    content, settings = site
    hostile_post = {
        "id": 1,
        "topic_id": 77,
        "topic_slug": '"><script>alert(1)</script>\n\u202e',
    }
    hostile_error = json.dumps(
        {"errors": [{"message": "\x1b[31mred\x1b[0m\n::set-output name=x::y \u202egnp"}]}
    ).encode()
    out = io.StringIO()
    with running() as (fake, base):
        fake.fail("POST /posts.json", Fault(body=json.dumps(hostile_post).encode()))
        fake.fail("POST /graphql", Fault(body=hostile_error))
        with pytest.raises(AnnounceError) as failed:
            run(settings, environ=environ_for(base), out=out, platforms=["discourse", "github"])
    assert state(content)["1"]["discourse"] == "https://forum.theworkbench.example/t/topic/77"
    message = str(failed.value)
    for bad in ("\x1b", "\u202e", "\n::set-output"):
        assert bad not in message.split("\n", 1)[1]
        assert bad not in out.getvalue()


def test_dry_run_sends_nothing_and_writes_nothing(site):
    content, settings = site
    before = sorted(p.name for p in content.rglob("*"))
    out = io.StringIO()
    with running() as (fake, base):
        run(settings, environ=environ_for(base), out=out, dry_run=True)
        assert fake.requests == []
    assert sorted(p.name for p in content.rglob("*")) == before
    assert "needs HEARTH_GITHUB_TOKEN (or GITHUB_TOKEN): set\n" in out.getvalue()


# One GitHub token for announce and sync: HEARTH_GITHUB_TOKEN, else GITHUB_TOKEN.


def github_only(base: str, **tokens: str) -> dict[str, str]:
    """The fake's environment with GitHub's token given only as ``tokens`` say."""
    environ = environ_for(base)
    del environ["HEARTH_GITHUB_TOKEN"]
    return {**environ, **tokens}


@pytest.mark.parametrize("hearth_token", [None, " "], ids=["unset", "empty"])
def test_announce_opens_github_discussion_with_GITHUB_TOKEN_when_HEARTH_GITHUB_TOKEN_is_unset(
    site, hearth_token
):
    """An author who set up GitHub for sync (GITHUB_TOKEN) needs no second name; an
    empty HEARTH_GITHUB_TOKEN (a workflow passing a secret that does not exist) is unset."""
    content, settings = site
    given = {"GITHUB_TOKEN": GITHUB_TOKEN}
    if hearth_token is not None:
        given["HEARTH_GITHUB_TOKEN"] = hearth_token
    out = io.StringIO()
    with running() as (fake, base):
        environ = github_only(base, **given)
        run(settings, environ=environ, out=out, dry_run=True)
        said = out.getvalue()
        assert "needs HEARTH_GITHUB_TOKEN (or GITHUB_TOKEN): set, as GITHUB_TOKEN" in said
        run(settings, environ=environ, out=out, platforms=["github"])
        assert fake.created()["github"] == 1
    assert GITHUB_TOKEN not in out.getvalue()
    assert state(content)["1"]["github"].startswith("https://github.com/theworkbench/")


def test_announce_prefers_HEARTH_GITHUB_TOKEN_over_GITHUB_TOKEN(site):
    """Both set (a workflow's own GITHUB_TOKEN beside the author's): Hearth's name wins,
    so the token with the rights the author gave it is the one sent."""
    _content, settings = site
    with running() as (fake, base):
        environ = github_only(
            base, HEARTH_GITHUB_TOKEN=GITHUB_TOKEN, GITHUB_TOKEN="ghs_workflow0token0read0only"
        )
        run(settings, environ=environ, platforms=["github"])
        assert fake.created()["github"] == 1


def test_a_missing_github_token_names_both_variables(site):
    _content, settings = site
    with running() as (fake, base):
        with pytest.raises(
            AnnounceError, match=r"github: HEARTH_GITHUB_TOKEN \(or GITHUB_TOKEN\) not set"
        ):
            run(settings, environ=github_only(base), platforms=["github"])
        assert fake.created()["github"] == 0


def test_announce_never_prints_a_GITHUB_TOKEN_a_platform_echoes(site):
    """The token read from GITHUB_TOKEN is as secret as one from HEARTH_GITHUB_TOKEN."""
    content, settings = site
    echo = json.dumps({"message": f"Bad credentials: bearer {GITHUB_TOKEN}"}).encode()
    out = io.StringIO()
    with running() as (fake, base):
        fake.fail("POST /graphql", Fault(status=401, body=echo))
        with pytest.raises(AnnounceError) as failed:
            run(
                settings,
                environ=github_only(base, GITHUB_TOKEN=GITHUB_TOKEN),
                out=out,
                platforms=["github"],
            )
    written = "".join(p.read_text(encoding="utf-8") for p in content.rglob("*") if p.is_file())
    for shown in (out.getvalue(), str(failed.value), written):
        assert GITHUB_TOKEN not in shown
    assert "[redacted]" in str(failed.value)


def test_a_draft_or_missing_issue_is_refused(site):
    _content, settings = site
    with pytest.raises(AnnounceError, match="there is no issue 9"):
        run(settings, 9, environ={})


def test_a_broken_state_file_stops_before_any_request(site):
    content, settings = site
    (content / "announce.json").write_text('{"issues": {"1": {"discourse": "javascript:x"}}}')
    with running() as (fake, base):
        with pytest.raises(AnnounceError, match=r"announce\.json"):
            run(settings, environ=environ_for(base))
        assert fake.requests == []


def test_announced_issue_page_says_discuss_on_with_the_new_thread(site, tmp_path):
    content, settings = site
    with running() as (_fake, base):
        run(settings, environ=environ_for(base))
    primary = state(content)["1"]["discourse"]
    output = build_site(content, tmp_path / "built", FEED_DOMAIN=SITE)
    issue_page = page(output, "/issues/1/")
    discuss = issue_page.css_first("p.discuss a")
    assert discuss.attributes["href"] == primary
    assert "Discuss this issue on Discourse" in discuss.text()
    index = (output / "discussions" / "index.html").read_text(encoding="utf-8")
    for url in state(content)["1"].values():
        assert url in index
    more = {a.attributes["href"] for a in issue_page.css("p.discuss-more a")}
    assert more == set(state(content)["1"].values()) - {primary}, (
        "the issue page names every platform it was announced on, not only the primary"
    )


def test_demo_configures_all_four_targets():
    from hearth_announce.settings import announce_settings
    from hearth_core.settings import load_settings

    targets = announce_settings(load_settings(ROOT / "pelicanconf.py")).targets
    assert [target.platform for target in targets] == list(PLATFORMS)


def test_invoke_announce_end_to_end_prints_no_credential_and_no_traceback(project):
    """As a user runs it: the demo's newest issue, every target moved to the fake;
    Discourse refuses and echoes the key back. The others open; the task fails with
    a message, not a traceback, and no credential is printed."""
    echo = json.dumps({"errors": [SECRETS[0]], "error_type": "invalid_access"}).encode()
    with running() as (fake, base):
        fake.fail("POST /posts.json", Fault(status=403, body=echo))
        environ = {**os.environ, **environ_for(base), "HEARTH_SITEURL": SITE}
        result = subprocess.run(
            [sys.executable, "-m", "invoke", "announce", "--issue", "latest"],
            cwd=project, capture_output=True, text=True, timeout=120, env=environ,
        )  # fmt: skip
        # Issue 14's Discussion: header names its Mastodon thread: none is opened there.
        assert fake.created() == {"discourse": 0, "github": 1, "mastodon": 0, "bluesky": 1}
    said = result.stdout + result.stderr
    assert "mastodon: the content names its thread already" in said
    assert result.returncode == 1, said
    assert "Traceback" not in said
    assert "discourse: POST /posts.json: HTTP 403" in said
    for secret in (*SECRETS, BLUESKY_JWT):
        assert secret not in said
    opened = json.loads((project / "content" / "announce.json").read_text())["issues"]["14"]
    assert set(opened) == {"github", "bluesky"}
    # Issue 14's Discussion: header was already set: it is kept.
    header = (project / "content" / "issues" / "0014-printing-the-workbench-zine.md").read_text()
    assert "Discussion: https://social.theworkbench.example/@workbench/115943708215364872" in header


@pytest.mark.parametrize(
    ("announce", "expected"),
    [
        ({"targets": []}, "has no targets"),
        ({"targets": [{"platform": "myspace"}]}, "platform must be one of"),
        ({"targets": [{"platform": "discourse", "url": "https://f.example"}]}, "category"),
        ({"targets": [{"platform": "mastodon", "url": "http://m.example"}]}, "https://"),
        ({"targets": [{"platform": "bluesky", "handle": "x"}]}, "handle"),
        (
            {
                "targets": [{"platform": "mastodon", "url": "https://m.example"}],
                "texts": {"status": "{title} {secret}"},
            },
            "{secret} is not a field",
        ),
        (
            {
                "targets": [
                    {"platform": "mastodon", "url": "https://m.example"},
                    {"platform": "mastodon", "url": "https://n.example"},
                ]
            },
            "two targets are named 'mastodon'",
        ),
    ],
)
def test_wrong_settings_are_refused_with_what_to_change(site, announce, expected):
    _content, settings = site
    with pytest.raises(AnnounceError) as refused:
        run({**settings, "HEARTH_ANNOUNCE": announce}, environ={})
    assert expected in str(refused.value)
    assert "HEARTH_ANNOUNCE" in str(refused.value)


def test_a_credential_the_platform_echoes_past_the_message_limit_is_never_printed():
    """A refusal that quotes the token after a long message: the text is cut to its
    limit only after the token is redacted, so no prefix of it survives the cut."""
    import http.server
    import threading

    from hearth_announce.errors import RemoteError
    from hearth_announce.http import JsonClient, Secrets

    token = "ghp_TOPSECRETTOKENabcdefghij0123456789"

    class Echo(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.dumps({"errors": ["A" * 176 + " bad token " + token]}).encode()
            self.send_response(401)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Echo)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        with (
            JsonClient(
                name="github", base_url=base, redact=Secrets([token]), sleep=lambda s: None
            ) as client,
            pytest.raises(RemoteError) as refused,
        ):
            client.request("POST", "/graphql", json_body={})
    finally:
        server.shutdown()
    assert "ghp_TOP" not in str(refused.value)


@given(title=st.text(min_size=1, max_size=600), summary=st.text(max_size=800))
def test_a_status_always_carries_the_issue_address_the_next_run_looks_for(title, summary):
    """However long the title and summary, the short post keeps the issue's address
    whole and within the platform's limit: it is what finds the post again."""
    from hearth_announce.settings import DEFAULT_TEXTS
    from hearth_announce.texts import STATUS_LIMITS, Announcement, status_text

    url = "https://theworkbench.example/issues/14/"
    post = Announcement(14, title, summary, url, None)
    for platform, limit in STATUS_LIMITS.items():
        text = status_text(DEFAULT_TEXTS, post, platform)
        assert url in text and len(text) <= limit


def test_a_status_text_without_the_address_is_refused():
    from hearth_announce.settings import announce_settings

    targets = [{"platform": "mastodon", "url": "https://social.example"}]
    for name in ("status", "post"):
        texts = {name: "New issue {number}: {title} - link in bio"}
        with pytest.raises(AnnounceError, match=r"must hold \{url\}"):
            announce_settings({"HEARTH_ANNOUNCE": {"targets": targets, "texts": texts}})
