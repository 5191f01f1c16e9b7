"""Red team: the neighbours sync, the recommendations and the webring given hostile
answers and badly edited files. Named after the attack; each holds or is fixed."""

from __future__ import annotations

import json

import pytest

from hearth_recommendations.neighbours import read_neighbours
from tests.test_neighbours_sync import answer, feeds, site, sync


def json_feed(date: str) -> bytes:
    item = {"url": "https://far.example/1", "title": "Far", "date_published": date}
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "items": [item]}).encode()


@pytest.mark.parametrize(
    "date",
    ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00"],
    ids=["year-1-east-of-utc", "year-9999-west-of-utc"],
)
def test_json_feed_dated_past_what_utc_can_say_keeps_the_post_without_a_date(tmp_path, date):
    path = tmp_path / "neighbours.json"
    routes = {
        "/far": answer(json_feed(date), "application/feed+json"),
        "/good": answer(json_feed("2026-12-01T10:00:00Z"), "application/feed+json"),
    }
    with feeds(routes) as base:
        code, out = sync(base, [site(base, "far", "/far"), site(base, "good", "/good")], path)
    assert code == 0, out
    found, problems = read_neighbours(path)
    assert problems == []
    [post] = found["https://far.example/"]
    assert (post.title, post.published) == ("Far", None)
    assert [p.title for p in found["https://good.example/"]] == ["Far"]
