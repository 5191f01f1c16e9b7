"""Every shape check in `invoke announce` takes the whole value: ``"123\\n"`` is not a
status id, ``"mastodon\\n"`` not a target name. With ``^…$`` and ``re.match``, ``$``
matched before a trailing newline, so a platform's answer (or a setting, or the state
file) with a line break at its end passed, and only a later guard caught the damage.

Remote answers go through the real client against the loopback fake of the four
platforms (tests/announce_fake.py), answered with the work done and a hostile body.
"""

from __future__ import annotations

import functools
import io
import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hearth_announce import clients, settings, state
from hearth_announce.announce import announce_issue
from hearth_announce.errors import AnnounceError
from hearth_announce.http import JsonClient
from tests.announce_fake import BLUESKY_JWT, DID, Fault, environ_for, running
from tests.sites import issue, settings_for, write_content

SITE = "https://theworkbench.example"
STATUS_ID = "115943708215364872"


@pytest.fixture
def site(tmp_path):
    content = write_content(
        tmp_path, dict([issue(1, "Small tools", "2026-01-02 08:00", Summary="Tools.")])
    )
    return content, settings_for(content, tmp_path / "output", FEED_DOMAIN=SITE)


def announce(site_settings, platform: str, *faults: tuple[str, Fault]) -> str:
    """Announce issue 1 on ``platform`` against the fake, with ``faults`` queued; the
    message it fails with."""
    factory = functools.partial(JsonClient, timeout=1.0, deadline=5.0, sleep=[].append)
    with running() as (fake, base):
        for endpoint, fault in faults:
            fake.fail(endpoint, fault)
        with pytest.raises(AnnounceError) as refused:
            announce_issue(
                site_settings,
                1,
                environ=environ_for(base),
                out=io.StringIO(),
                client_factory=factory,
                platforms=[platform],
            )
    return str(refused.value)


def answered(data: object) -> Fault:
    """The work done, then ``data`` as the answer."""
    return Fault(body=json.dumps(data).encode())


def test_status_id_with_a_trailing_newline_is_refused(site):
    """The red team's "123\\n": refused where the answer is read, not by a later guard."""
    content, site_settings = site
    said = announce(
        site_settings,
        "mastodon",
        ("POST /api/v1/statuses", answered({"id": f"{STATUS_ID}\n", "account": {"username": "m"}})),
    )  # fmt: skip
    assert "the status has no id" in said
    assert not (content / "announce.json").exists()


def test_account_id_with_a_trailing_newline_is_refused(site):
    _content, site_settings = site
    said = announce(
        site_settings,
        "mastodon",
        ("GET /api/v1/accounts/verify_credentials", answered({"id": "42\n", "username": "mara"})),
    )  # fmt: skip
    assert "the account has no id" in said


def test_mastodon_username_with_a_trailing_newline_is_refused(site):
    content, site_settings = site
    said = announce(
        site_settings,
        "mastodon",
        ("POST /api/v1/statuses", answered({"id": STATUS_ID, "account": {"username": "mara\n"}})),
    )  # fmt: skip
    assert "the account has no username" in said
    assert not (content / "announce.json").exists()


def test_bluesky_did_with_a_trailing_newline_is_refused(site):
    _content, site_settings = site
    session = {"accessJwt": BLUESKY_JWT, "did": DID + "\n"}
    said = announce(
        site_settings, "bluesky", ("POST /xrpc/com.atproto.server.createSession", answered(session))
    )
    assert "the session has no accessJwt or did" in said


def test_bluesky_post_uri_with_a_trailing_newline_is_refused(site):
    content, site_settings = site
    uri = f"at://{DID}/app.bsky.feed.post/3lannounce000\n"
    said = announce(
        site_settings,
        "bluesky",
        ("POST /xrpc/com.atproto.repo.createRecord", answered({"uri": uri, "cid": "c"})),
    )
    assert "the post has no at:// uri" in said
    assert not (content / "announce.json").exists()


def test_discourse_slug_with_a_trailing_newline_is_not_used(site):
    """The topic's slug only decorates its address: one off its shape is replaced."""
    content, site_settings = site
    factory = functools.partial(JsonClient, timeout=1.0, deadline=5.0, sleep=[].append)
    with running() as (fake, base):
        fake.fail("POST /posts.json", answered({"topic_id": 100, "topic_slug": "small-tools\n"}))
        announce_issue(
            site_settings,
            1,
            environ=environ_for(base),
            out=io.StringIO(),
            client_factory=factory,
            platforms=["discourse"],
        )
    opened = json.loads((content / "announce.json").read_text())["issues"]["1"]
    assert opened == {"discourse": "https://forum.theworkbench.example/t/topic/100"}


def test_setting_with_a_trailing_newline_is_read_without_it():
    """Settings are stripped before they are checked: a line break at the end of one
    (a value pasted from a file) is dropped, never carried into an address."""
    target = {
        "platform": "github",
        "name": "github\n",
        "url": "https://api.github.com\n",
        "repository": "theworkbench/community\n",
        "category": "Issues\n",
    }
    read = settings.announce_settings({"HEARTH_ANNOUNCE": {"targets": [target]}}).targets[0]
    assert (read.name, read.url, read.repository, read.category) == (
        "github",
        "https://api.github.com",
        "theworkbench/community",
        "Issues",
    )


def test_discourse_category_in_superscript_digits_is_refused():
    """A category of "²": isdigit() says yes and int() fails; only ASCII digits pass."""
    target = {"platform": "discourse", "url": "https://f.example", "category": "²"}
    with pytest.raises(AnnounceError, match="category must be the Discourse category's number"):
        settings.announce_settings({"HEARTH_ANNOUNCE": {"targets": [target]}})


def test_state_file_target_name_with_a_trailing_newline_is_refused(tmp_path):
    path = tmp_path / "announce.json"
    url = "https://social.theworkbench.example/@workbench/1"
    path.write_text(json.dumps({"issues": {"1": {"mastodon\n": url}}}), encoding="utf-8")
    with pytest.raises(AnnounceError, match="must map target names to thread addresses"):
        state.read_state(path)


PATTERNS = [
    clients.DIGITS,
    clients.SLUG,
    clients.MASTODON_USER,
    clients.DID,
    clients.AT_POST,
    settings.TARGET_NAME,
    settings.REPOSITORY,
    settings.PUBLIC_URL,
    state.NAME,
]


@given(data=st.data())
@pytest.mark.parametrize("pattern", PATTERNS, ids=lambda p: p.pattern[:24])
def test_no_value_the_patterns_accept_survives_a_line_break(pattern: re.Pattern[str], data):
    """Whatever a pattern accepts, the same value with a line break after it (or
    anywhere in it) is refused."""
    value = data.draw(st.from_regex(pattern, fullmatch=True))
    where = data.draw(st.integers(0, len(value)))
    for broken in (value + "\n", value[:where] + "\n" + value[where:]):
        assert pattern.fullmatch(broken) is None


@given(st.sampled_from(["theworkbench.example", "a.bsky.social", "x-y.example.org"]))
def test_handle_pattern_refuses_a_line_break(handle):
    assert settings.HANDLE.fullmatch(handle)
    assert settings.HANDLE.fullmatch(handle + "\n") is None


def test_no_pattern_in_hearth_announce_ends_in_a_dollar():
    """The rule, kept: a pattern that must take a whole value says so with fullmatch,
    because ``$`` also matches before a final line break."""
    import ast
    from pathlib import Path

    found = []
    for path in sorted(Path(clients.__file__).parent.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)):
                text = node.value if isinstance(node.value, str) else node.value.decode()
                if text.endswith("$") and not text.endswith("\\$"):
                    found.append(f"{path.name}:{node.lineno}: {text[-40:]!r}")
    assert not found, "use fullmatch, not $: " + ", ".join(found)
