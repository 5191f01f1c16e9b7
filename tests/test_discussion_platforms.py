"""Each discussion link is labelled by its platform, recognised from the URL's shape."""

from __future__ import annotations

import pytest

from hearth_core.platforms import recognise

SHAPES = [
    ("https://discord.com/channels/81384788765712384/381963689470984203", "Discord", None),
    ("https://discord.com/channels/8138478/3819636/1164213445", "Discord", "1164213445"),
    ("https://forum.theworkbench.example/t/small-tools/42", "Discourse", "42"),
    ("https://forum.theworkbench.example/t/small-tools/42/7", "Discourse", "42"),
    (
        "https://social.theworkbench.example/@workbench/115382794112390144",
        "Mastodon",
        "115382794112390144",
    ),
    ("https://www.reddit.com/r/zines/comments/1abc2d/first_zine/", "Reddit", "1abc2d"),
    ("https://old.reddit.com/r/zines/comments/1abc2d", "Reddit", "1abc2d"),
    ("https://github.com/theworkbench/community/discussions/17", "GitHub Discussions", "17"),
    (
        "https://workbench.zulipchat.com/#narrow/stream/12-general/topic/zines",
        "Zulip",
        "12-general/topic/zines",
    ),
    (
        "https://chat.example.org/#narrow/channel/3-apps/topic/ledgers/near/991",
        "Zulip",
        "3-apps/topic/ledgers/near/991",
    ),
    ("https://matrix.to/#/#workbench:matrix.org", "Matrix", None),
    ("https://matrix.to/#/!room:example.org/$event123?via=example.org", "Matrix", "$event123"),
    (
        "https://theworkbench.slack.com/archives/C024BE91L/p1701234567000100",
        "Slack",
        "1701234567000100",
    ),
]


@pytest.mark.parametrize(("url", "label", "thread"), SHAPES)
def test_known_platforms_are_recognised(url, label, thread):
    found = recognise(url)
    assert (found.label, found.thread_id) == (label, thread)


@pytest.mark.parametrize(
    ("url", "label"),
    [
        ("https://www.example.org/some/thread", "example.org"),
        ("https://discord.com/invite/abc", "discord.com"),
        ("https://github.com/theworkbench/community/issues/3", "github.com"),
    ],
)
def test_other_https_shapes_are_labelled_by_their_host(url, label):
    found = recognise(url)
    assert found.platform is None and found.label == label


@pytest.mark.parametrize(
    "url",
    [
        "http://forum.example/t/x/1",
        "javascript:alert(1)",
        "forum.example/t/x/1",
        " https://a.example/",
    ],
)
def test_anything_but_an_https_address_is_refused_with_what_to_do(url):
    with pytest.raises(ValueError, match="copy the thread's full https:// address"):
        recognise(url)
