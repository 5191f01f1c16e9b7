"""Untrusted values outside `invoke announce` whose shape checks used ``^…$`` with
``re.match``, where ``$`` matches before a trailing newline: each is now checked whole
(``fullmatch``), and each class has a named test with the line break at its end.

(The announce ones are in tests/test_announce_anchors.py.)
"""

from __future__ import annotations

import pytest

from hearth_discussions.fetch import FetchError
from hearth_members.pullrequest import PullRequestError
from tests.test_members_pullrequest import check, repo  # noqa: F401 (the fixture)
from tests.test_members_validation import GOOD, parse, problems_of
from tests.test_open_platforms_sync import BLUESKY, fake, fetch, policy, waits  # noqa: F401


def test_member_fediverse_address_with_a_trailing_newline_is_refused():
    """A member file's quoted "@ada@social.example\\n" would have reached the page."""
    said = problems_of('name: Ada\nfediverse: "@ada@social.example\\n"\n')
    assert len(said) == 1 and "is not a fediverse address" in said[0]


def test_member_file_name_with_a_trailing_newline_is_refused():
    member, problems = parse(GOOD, "ada.yml\n")
    assert member is None
    assert any("the file name must be your GitHub login" in str(p) for p in problems)


def test_pull_request_author_with_a_trailing_newline_is_refused(repo):  # noqa: F811
    with pytest.raises(PullRequestError, match="is not a GitHub login"):
        check(repo, "bo\n")


def test_resolved_bluesky_did_with_a_trailing_newline_is_never_asked_about(fake, policy):  # noqa: F811
    fake.open.handles["theworkbench.example"] = "did:plc:ewvi7nxzyoun6zhxrhs64oiz\n"
    with pytest.raises(FetchError, match="'did' is not a DID"):
        fetch(fake, BLUESKY, policy)
    assert len(fake.seen) == 1
