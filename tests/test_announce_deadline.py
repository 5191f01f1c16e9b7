"""`invoke announce` against hosts that are slow on purpose or by accident: however a
host dribbles, the announce ends by its deadline (plus a small margin) with one message
naming the host and what to do, no traceback, and no state file written.

The hosts are real sockets on loopback: one sends its response headers a byte at a
time, one sends good headers and then its body a byte at a time, one accepts the
connection and never says a word. httpx's per-read timeout never trips on the first
two, which is why the deadline covers the whole exchange.
"""

from __future__ import annotations

import functools
import io
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hearth_announce.announce import announce_issue
from hearth_announce.errors import AnnounceError
from hearth_announce.http import JsonClient, Secrets
from tests.announce_fake import environ_for
from tests.sites import issue, settings_for, write_content
from tests.slow_hosts import silent, slow_host, trickled_body, trickled_headers

SITE = "https://theworkbench.example"
TIMEOUT = 1.0  # each read, as tests/test_announce.py runs the client
DEADLINE = 2.0


@pytest.fixture
def site(tmp_path):
    content = write_content(
        tmp_path, dict([issue(1, "Small tools", "2026-01-02 08:00", Summary="Tools.")])
    )
    return content, settings_for(content, tmp_path / "output", FEED_DOMAIN=SITE)


def announce_to(settings, platform: str, base: str) -> tuple[float, str, AnnounceError]:
    """Announce issue 1 on ``platform`` only, its API moved to ``base``, through the real
    client with the short timeouts the other announce tests use (waits not slept)."""
    environ = environ_for(base)
    out = io.StringIO()
    factory = functools.partial(JsonClient, timeout=TIMEOUT, deadline=DEADLINE, sleep=[].append)
    started = time.monotonic()
    with pytest.raises(AnnounceError) as raised:
        announce_issue(
            settings, 1, environ=environ, out=out, client_factory=factory, platforms=[platform]
        )
    return time.monotonic() - started, out.getvalue(), raised.value


def nothing_written(content: Path) -> bool:
    return not (content / "announce.json").exists() and not (content / "discussions").exists()


@pytest.mark.parametrize("platform", ["discourse", "mastodon", "bluesky", "github"])
def test_host_trickling_its_headers_is_given_up_at_the_deadline(site, platform):
    """The red team's slowloris: one header byte every 0.2 s took 19 s against a 2 s
    deadline (hours with the defaults). Now: the deadline, one message, nothing written."""
    content, settings = site
    with slow_host(trickled_headers) as host:
        took, out, error = announce_to(settings, platform, host.base)
    assert took < DEADLINE + 1, f"gave up after {took:.1f} s"
    said = str(error)
    assert f"{host.host} sent no whole answer within {DEADLINE:g} s" in said
    assert "try again later" in said
    assert "run the command again" in said
    assert out.count("FAILED") == 1
    assert "Traceback" not in said + out
    assert nothing_written(content)


def test_host_trickling_its_body_is_given_up_at_the_deadline(site):
    content, settings = site
    with slow_host(trickled_body) as host:
        took, _out, error = announce_to(settings, "discourse", host.base)
    assert took < DEADLINE + 1, f"gave up after {took:.1f} s"
    assert f"{host.host} sent no whole answer within {DEADLINE:g} s" in str(error)
    assert nothing_written(content)


def test_host_that_never_answers_is_given_up_at_the_deadline(site):
    """A read, so it is retried once the per-read timeout trips, but the attempts share
    the one deadline: the second ends with it."""
    content, settings = site
    with slow_host(silent) as host:
        took, _out, error = announce_to(settings, "discourse", host.base)
    assert took < DEADLINE + 1, f"gave up after {took:.1f} s"
    said = str(error)
    assert host.host in said and "try again later" in said
    assert nothing_written(content)


def test_a_create_cut_off_at_the_deadline_says_the_thread_may_be_open():
    """A post whose answer never comes whole may have opened the thread: the message
    says so, and that the next run looks for the thread before opening one."""
    with slow_host(trickled_headers) as host:
        client = JsonClient(
            name="mastodon", base_url=host.base, redact=Secrets(), timeout=TIMEOUT,
            deadline=DEADLINE, sleep=[].append,
        )  # fmt: skip
        started = time.monotonic()
        with client, pytest.raises(AnnounceError) as raised:
            client.request("POST", "/api/v1/statuses", json_body={"status": "x"})
    assert time.monotonic() - started < DEADLINE + 1
    assert "the thread may have been opened anyway" in str(raised.value)


def test_invoke_announce_gives_up_on_a_trickling_host_at_its_default_deadline(project):
    """As a user runs it, with the default 30 s deadline: the host trickling its headers
    is dropped 30 s after the first connection, the task fails with one message, no
    traceback, and announce.json is not written."""
    deadline = 30.0
    with slow_host(trickled_headers) as host:
        environ = {**os.environ, **environ_for(host.base), "HEARTH_SITEURL": SITE}
        result = subprocess.run(
            [sys.executable, "-m", "invoke", "announce", "--issue", "latest",
             "--platform", "discourse"],
            cwd=project, capture_output=True, text=True, timeout=120, env=environ,
        )  # fmt: skip
        talked = host.talked_for()
    said = result.stdout + result.stderr
    assert result.returncode == 1, said
    assert "Traceback" not in said
    assert f"{host.host} sent no whole answer within {deadline:g} s" in said
    assert talked < deadline + 1, f"the client talked for {talked:.1f} s"
    assert not (project / "content" / "announce.json").exists()
