"""Red team: `invoke announce` given hostile answers by the platforms it opens threads on.

Whatever a platform answers, what announce writes (the state file, the thread file,
the issue's Discussion: header) is what the next run and `invoke check` accept."""

from __future__ import annotations

import io
import json

import pytest

from hearth_announce.errors import AnnounceError
from tests.announce_fake import Fault, environ_for, running
from tests.sites import issue, settings_for, write_content
from tests.test_announce import SITE, issue_file, run


@pytest.fixture
def mastodon_first(tmp_path):
    """Issue 1 without a Discussion header; Mastodon the primary target, whose thread
    becomes that header."""
    content = write_content(tmp_path, dict([issue(1, "Small tools", "2026-01-02 08:00")]))
    settings = settings_for(content, tmp_path / "output", FEED_DOMAIN=SITE)
    announce = settings["HEARTH_ANNOUNCE"]
    targets = sorted(announce["targets"], key=lambda target: target["platform"] != "mastodon")
    settings["HEARTH_ANNOUNCE"] = {**announce, "targets": targets}
    return content, settings


@pytest.mark.parametrize(
    "answer",
    [
        {"id": "115943708215364900\n", "account": {"username": "mara"}},
        {"id": "115943708215364900", "account": {"username": "mara\n"}},
    ],
    ids=["status-id-with-a-line-break", "username-with-a-line-break"],
)
def test_mastodon_answer_with_a_line_break_writes_nothing_the_next_run_refuses(
    mastodon_first, answer
):
    content, settings = mastodon_first
    before = issue_file(content, 1).read_bytes()
    out = io.StringIO()
    with running() as (fake, base):
        fake.fail("POST /api/v1/statuses", Fault(body=json.dumps(answer).encode()))
        # Refused where the answer is read (fullmatch, tests/test_announce_anchors.py).
        refused = "not what its API describes: the (status has no id|account has no username)"
        with pytest.raises(AnnounceError, match=refused):
            run(settings, environ=environ_for(base), out=out, platforms=["mastodon"])
        # The next run is not blocked by a state file it refuses: it asks the platform.
        run(settings, environ=environ_for(base), out=io.StringIO(), platforms=["discourse"])
    recorded = json.loads((content / "announce.json").read_text())["issues"]["1"]
    assert "mastodon" not in recorded and "discourse" in recorded
    assert not (content / "discussions/issue-1-mastodon.yml").exists()
    # The answer's line break is shown escaped, never printed as a line of its own.
    assert all(line.startswith("mastodon: ") for line in out.getvalue().splitlines())
    # Discourse, not the primary, left the header as it was: nothing half-written there.
    assert issue_file(content, 1).read_bytes() == before
