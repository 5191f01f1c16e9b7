"""Threads wherever the community talks: Bluesky, Hacker News, Lobsters, Lemmy, Facebook
Groups, Circle and Geneva are recognised by their addresses' shapes, labelled by name and
shown with their own icon on every page that links them."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hearth_core.platforms import DEFAULT_LEMMY_INSTANCES, DiscussionRef, recognise
from hearth_core.settings import SettingsError
from hearth_discussions.elsewhere.settings import elsewhere_options
from hearth_discussions.settings import lemmy_instances, platform_apis
from hearth_discussions.sync import Platforms, plan_sync
from tests.sites import ROOT, build_site, invoke, issue, page, write_content

ICONS = ROOT / "theme/templates/icons"


def found(url: str, **options) -> tuple[str | None, str, str | None]:
    thread = recognise(url, **options)
    return thread.platform, thread.label, thread.thread_id


# --- One test per address shape ----------------------------------------------------------


def test_recognises_bluesky_post():
    url = "https://bsky.app/profile/theworkbench.bsky.social/post/3mbqx7kz2cs2a"
    assert found(url) == ("bluesky", "Bluesky", "3mbqx7kz2cs2a")


def test_recognises_bluesky_post_by_did():
    url = "https://bsky.app/profile/did:plc:ewvi7nxzyoun6zhxrhs64oiz/post/3mbqx7kz2cs2a"
    assert found(url) == ("bluesky", "Bluesky", "3mbqx7kz2cs2a")


def test_a_bluesky_profile_is_not_a_thread():
    assert found("https://bsky.app/profile/theworkbench.bsky.social") == (None, "bsky.app", None)


def test_recognises_hacker_news_item():
    assert found("https://news.ycombinator.com/item?id=46214587") == (
        "hackernews",
        "Hacker News",
        "46214587",
    )


@pytest.mark.parametrize(
    "url",
    [
        "https://news.ycombinator.com/item",
        "https://news.ycombinator.com/item?id=abc",
        "https://news.ycombinator.com/item?id=1&id=2",
        "https://news.ycombinator.com/news",
    ],
)
def test_a_hacker_news_address_without_one_numeric_id_keeps_its_host_label(url):
    assert found(url) == (None, "news.ycombinator.com", None)


def test_recognises_lobsters_story():
    assert found("https://lobste.rs/s/abc123") == ("lobsters", "Lobsters", "abc123")


def test_recognises_lobsters_story_with_slug():
    url = "https://lobste.rs/s/abc123/in_praise_of_unfinished_things"
    assert found(url) == ("lobsters", "Lobsters", "abc123")


def test_recognises_lemmy_post_on_listed_instance():
    assert found("https://lemmy.world/post/2187") == ("lemmy", "Lemmy", "2187")
    assert "lemmy.world" in DEFAULT_LEMMY_INSTANCES


def test_recognises_lemmy_post_on_an_instance_the_settings_list():
    url = "https://lemmy.theworkbench.example/post/2187"
    listed = lemmy_instances(
        {"HEARTH_DISCUSSIONS": {"lemmy_instances": ["lemmy.theworkbench.example"]}}
    )
    assert found(url, lemmy_instances=listed) == ("lemmy", "Lemmy", "2187")
    # The list replaces the default one (lemmy.world stays: `--elsewhere` searches it).
    assert found("https://sh.itjust.works/post/1", lemmy_instances=listed)[0] is None
    assert listed == {"lemmy.theworkbench.example", "lemmy.world", "lemmy.ml"}


# One instance, listed once: an instance the author has `invoke sync-discussions
# --elsewhere` search (HEARTH_ELSEWHERE["lemmy_instances"]) is recognised as Lemmy too.

OUR_INSTANCE = "lemmy.ourtown.example"
SEARCHED = {"HEARTH_ELSEWHERE": {"lemmy_instances": ["lemmy.world", OUR_INSTANCE]}}


def test_an_instance_listed_for_searching_elsewhere_is_recognised_as_lemmy_and_synced():
    url = f"https://{OUR_INSTANCE}/post/77"
    listed = lemmy_instances(SEARCHED)
    assert found(url, lemmy_instances=listed) == ("lemmy", "Lemmy", "77")
    # HEARTH_DISCUSSIONS' own default list still counts.
    assert set(DEFAULT_LEMMY_INSTANCES) <= listed
    (job,) = plan_sync([url], Platforms(lemmy_instances=listed)).jobs
    assert job.api == f"https://{OUR_INSTANCE}"


HOSTS = st.from_regex(r"[a-z][a-z0-9]{0,8}(\.[a-z][a-z0-9]{0,8}){1,2}\.[a-z]{2,5}", fullmatch=True)


@given(recognised=st.lists(HOSTS, max_size=4), searched=st.lists(HOSTS, max_size=4))
def test_every_instance_searched_elsewhere_is_recognised_as_lemmy(recognised, searched):
    """Searching implies recognising, whatever either list holds: a discussion
    `--elsewhere` finds on an instance is labelled Lemmy wherever its address is shown."""
    settings = {
        "HEARTH_DISCUSSIONS": {"lemmy_instances": recognised},
        "HEARTH_ELSEWHERE": {"lemmy_instances": searched},
    }
    listed = lemmy_instances(settings)
    assert listed == set(recognised) | set(searched)
    assert elsewhere_options(settings).lemmy_hosts <= listed
    for host in listed:
        assert found(f"https://{host}/post/5", lemmy_instances=listed)[:2] == ("lemmy", "Lemmy")


@pytest.mark.parametrize("host", ["https://lemmy.world", "lemmy", 3])
def test_a_wrong_host_in_the_search_list_is_named_wherever_it_is_read(host):
    settings = {"HEARTH_ELSEWHERE": {"lemmy_instances": [host]}}
    expected = r"^pelicanconf\.py: HEARTH_ELSEWHERE\['lemmy_instances'\]: .* is not a host name"
    with pytest.raises(SettingsError, match=expected):
        lemmy_instances(settings)
    with pytest.raises(SettingsError, match=expected):
        elsewhere_options(settings)


def test_an_issue_discussed_on_an_instance_listed_for_searching_says_discuss_on_lemmy(tmp_path):
    thread = f"https://{OUR_INSTANCE}/post/77"
    content = write_content(
        tmp_path, dict([issue(1, "Hello", "2026-01-02 08:00", Discussion=thread)])
    )
    output = build_site(content, tmp_path / "output", **SEARCHED)
    discuss = page(output, "/issues/1/").css_first(".discuss")
    assert discuss.text().strip() == "Discuss this issue on Lemmy"


def test_invoke_sync_lists_a_request_to_an_instance_listed_only_for_searching(project):
    """The author adds their community's instance in one place, HEARTH_ELSEWHERE, and
    `invoke sync-discussions` reads its threads' counts as it does any Lemmy post's."""
    config = project / "pelicanconf.py"
    added = f"HEARTH_ELSEWHERE['lemmy_instances'].append('{OUR_INSTANCE}')"
    config.write_text(config.read_text() + f"\n{added}\n")
    (project / "content/discussions/our-town.yml").write_text(
        f"title: Our town's thread\nurl: https://{OUR_INSTANCE}/post/77\nstarted: 2026-01-05\n"
    )
    result = invoke(project, "sync-discussions", "--platform", "lemmy", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert f"  GET https://{OUR_INSTANCE}/api/v3/post?id=77\n" in result.stdout


def test_unlisted_lemmy_host_keeps_host_label_and_is_never_synced():
    url = "https://lemmy.theworkbench.example/post/2187"
    assert found(url) == (None, "lemmy.theworkbench.example", None)
    plan = plan_sync([url], Platforms())
    assert plan.jobs == []
    assert plan.not_synced == {url: "lemmy.theworkbench.example has no public API Hearth reads"}


def test_recognises_facebook_group_post():
    url = "https://www.facebook.com/groups/theworkbench/posts/1234567890123456/"
    assert found(url) == ("facebook", "Facebook Groups", "1234567890123456")


def test_recognises_facebook_group_permalink():
    url = "https://www.facebook.com/groups/1187654321/permalink/1234567890123456/"
    assert found(url) == ("facebook", "Facebook Groups", "1234567890123456")


def test_recognises_facebook_group_share_link_with_multi_permalinks():
    url = "https://www.facebook.com/groups/theworkbench/?multi_permalinks=1234567890123456"
    assert found(url) == ("facebook", "Facebook Groups", "1234567890123456")


def test_a_facebook_page_or_group_home_is_not_a_group_thread():
    assert found("https://www.facebook.com/theworkbench/posts/1")[0] is None
    assert found("https://www.facebook.com/groups/theworkbench/")[0] is None


def test_recognises_circle_post():
    url = "https://theworkbench.circle.so/c/show-and-tell/my-first-zine"
    assert found(url) == ("circle", "Circle", "my-first-zine")


def test_recognises_geneva_address():
    assert found("https://geneva.com/invite/abc123")[:2] == ("geneva", "Geneva")


def test_recognises_app_geneva_address():
    url = "https://app.geneva.com/home/1a2b3c/chat/4d5e6f"
    assert found(url)[:2] == ("geneva", "Geneva")


def test_look_alike_hosts_are_labelled_by_their_host():
    assert found("https://bsky.app.example/profile/a.b/post/3abc")[0] is None
    assert found("https://evilgeneva.com/x")[0] is None
    assert found("https://circle.so/c/space/post")[0] is None
    assert found("https://news.ycombinator.com.example/item?id=1")[0] is None


@given(
    host=st.from_regex(r"[a-z]{1,12}\.(example|org|net|social)", fullmatch=True).filter(
        lambda host: host not in DEFAULT_LEMMY_INSTANCES
    ),
    post=st.integers(min_value=1, max_value=10**12),
)
def test_no_unlisted_host_is_ever_lemmy(host, post):
    thread = recognise(f"https://{host}/post/{post}")
    assert thread.platform is None and thread.label == host.removeprefix("www.")


# --- Icons: the theme's own, inline --------------------------------------------------------


@pytest.mark.parametrize(
    "key", ["bluesky", "hackernews", "lobsters", "lemmy", "facebook", "circle", "geneva"]
)
def test_every_new_platform_has_its_own_inline_icon(key):
    svg = (ICONS / f"{key}.svg").read_text(encoding="utf-8")
    assert svg.startswith('<svg class="icon" viewBox="0 0 24 24"')
    assert "href" not in svg and "http" not in svg.replace("http://www.w3.org", "")
    assert svg != (ICONS / "other.svg").read_text(encoding="utf-8")
    label = recognise_example(key)
    assert DiscussionRef(label[0], label[1]).icon == key


def recognise_example(key: str) -> tuple[str, str]:
    examples = {
        "bluesky": "https://bsky.app/profile/a.bsky.social/post/3abc",
        "hackernews": "https://news.ycombinator.com/item?id=1",
        "lobsters": "https://lobste.rs/s/abc123",
        "lemmy": "https://lemmy.ml/post/1",
        "facebook": "https://www.facebook.com/groups/g/posts/1",
        "circle": "https://c.circle.so/c/s/p",
        "geneva": "https://app.geneva.com/x",
    }
    thread = recognise(examples[key])
    return thread.url, thread.label


# --- Settings ----------------------------------------------------------------------------


@pytest.mark.parametrize("host", ["https://lemmy.world", "lemmy.world/post", "", 3, "LEMMY"])
def test_a_lemmy_instance_must_be_a_host_name(host):
    with pytest.raises(SettingsError, match=r"HEARTH_DISCUSSIONS\['lemmy_instances'\].*host name"):
        lemmy_instances({"HEARTH_DISCUSSIONS": {"lemmy_instances": [host]}})


def test_an_environment_variable_replaces_the_setting_which_replaces_the_public_api():
    settings = {"HEARTH_DISCUSSIONS": {"apis": {"lobsters": "https://lobsters.mirror.example/"}}}
    assert platform_apis(settings, {}) == {"lobsters": "https://lobsters.mirror.example"}
    environ = {"HEARTH_LOBSTERS_API": "http://127.0.0.1:8123", "HEARTH_BLUESKY_API": " "}
    assert platform_apis(settings, environ) == {"lobsters": "http://127.0.0.1:8123"}


@pytest.mark.parametrize(
    ("apis", "environ", "message"),
    [
        ({"mastodon": "https://m.example"}, {}, "'mastodon' is not a platform whose API"),
        (
            {"bluesky": "http://appview.example"},
            {},
            r"^pelicanconf.py: HEARTH_DISCUSSIONS\['apis'\]\['bluesky'\]: must be an https",
        ),
        ({}, {"HEARTH_LEMMY_API": "http://10.0.0.5"}, "HEARTH_LEMMY_API must be an https"),
    ],
)
def test_a_replaced_api_is_https_or_this_machine(apis, environ, message):
    with pytest.raises(SettingsError, match=message):
        platform_apis({"HEARTH_DISCUSSIONS": {"apis": apis}}, environ)


# --- Labelled by name, with the icon, on the demo's pages --------------------------------


NEW_DEMO_THREADS = {
    "Hacker News": ("hackernews", "https://news.ycombinator.com/item?id=46214587"),
    "Bluesky": ("bluesky", "https://bsky.app/profile/theworkbench.example/post/3mbqx7kz2cs2a"),
    "Lemmy": ("lemmy", "https://lemmy.theworkbench.example/post/2187"),
}


def test_the_demo_labels_new_platforms_by_name_with_their_icons(demo_site):
    index = page(demo_site, "/discussions/")
    for label, (key, url) in NEW_DEMO_THREADS.items():
        icon = (ICONS / f"{key}.svg").read_text(encoding="utf-8")
        threads = [
            thread
            for thread in index.css("li.thread")
            if any(a.attributes.get("href") == url for a in thread.css("a"))
        ]
        assert threads, f"{url} is not listed"
        platform = threads[0].css_first(".link-meta .platform")
        assert platform.text().strip() == label
        drawn = platform.css_first("svg").html
        assert re.findall(r' d="([^"]+)"', icon) == re.findall(r' d="([^"]+)"', drawn)
        # Its platform's own page lists it too.
        assert url in page(demo_site, f"/discussions/{key}/").html


def test_an_issue_discussed_on_a_listed_lemmy_instance_says_discuss_on_lemmy(tmp_path):
    thread = "https://lemmy.theworkbench.example/post/2187"
    content = write_content(
        tmp_path, dict([issue(1, "Hello", "2026-01-02 08:00", Discussion=thread)])
    )
    options = {"lemmy_instances": ["lemmy.theworkbench.example"]}
    output = build_site(content, tmp_path / "output", HEARTH_DISCUSSIONS=options)
    discuss = page(output, "/issues/1/").css_first(".discuss")
    assert discuss.text().strip() == "Discuss this issue on Lemmy"
    lemmy = (ICONS / "lemmy.svg").read_text(encoding="utf-8")
    drawn = discuss.css_first("svg").html
    assert re.findall(r' d="([^"]+)"', lemmy) == re.findall(r' d="([^"]+)"', drawn)
    listed = page(output, "/discussions/lemmy/")
    assert listed.css_first("li.thread .platform").text().strip() == "Lemmy"
