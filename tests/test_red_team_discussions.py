"""Red team: `invoke sync-discussions --elsewhere` given a cache or answers that are
hostile or broken. Named after the attack; each holds or is fixed."""

from __future__ import annotations

import pytest

from tests.test_discussions_elsewhere import (  # noqa: F401 (fixtures used by name)
    CACHE_NAME,
    LINK,
    Reply,
    fake,
    hn_answer,
    hn_hit,
    no_api_from_environment,
    only,
    policy,
    run,
    waits,
)


@pytest.mark.parametrize(
    "when", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00"], ids=["year-1", "year-9999"]
)
def test_a_cache_dated_past_what_utc_can_say_is_asked_again_not_a_traceback(
    fake,  # noqa: F811 (the fixture imported above)
    policy,  # noqa: F811
    tmp_path,
    when,
):
    """The cache is the run's own file, but it lies in cache/ where anything may edit it:
    one it cannot read costs requests, never the run."""
    (tmp_path / "cache").mkdir()
    key = f"hackernews {LINK}"
    (tmp_path / "cache" / CACHE_NAME).write_text(f'{{"asked": {{"{key}": "{when}"}}}}')
    fake.answers["hackernews"] = Reply(hn_answer(hn_hit(1, LINK, 2)))
    result = run(fake, tmp_path, [LINK], policy, platforms=only("hackernews"))
    assert result.code == 0, result.out + result.progress
    assert [found.comments for found in result.found[LINK]] == [2]
