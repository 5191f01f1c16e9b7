"""Behaviour that depends on settings or unusual content: fixture sites, built for real."""

from __future__ import annotations

import re

import pytest

from hearth_core.problems import ContentError
from hearth_core.settings import SettingsError
from tests.sites import build_site, issue, page, write_content


def test_tags_ending_in_digits_do_not_clash(tmp_path):
    files = dict(
        [
            issue(1, "One", "2025-01-03", Tags="tag1"),
            issue(2, "Two", "2025-01-10", Tags="tag13"),
            issue(3, "Three", "2025-01-17", Tags="tag1, web3"),
        ]
    )
    output = build_site(write_content(tmp_path, files), tmp_path / "out")
    one = [a.attributes["href"] for a in page(output, "/topics/tag1/").css("main .issue-title a")]
    thirteen = [
        a.attributes["href"] for a in page(output, "/topics/tag13/").css("main .issue-title a")
    ]
    assert one == ["/issues/3/", "/issues/1/"]
    assert thirteen == ["/issues/2/"]


def test_subscribe_form_posts_to_buttondown_with_a_honeypot(tmp_path):
    output = build_site(
        write_content(tmp_path, dict([issue(1, "One", "2025-01-03")])), tmp_path / "o"
    )
    form = page(output, "/").css_first("form")
    assert form.attributes["method"] == "post"
    assert (
        form.attributes["action"]
        == "https://buttondown.com/api/emails/embed-subscribe/theworkbench"
    )
    assert form.css_first('input[type="email"][name="email"][required]')
    assert form.css_first('input[type="hidden"][name="embed"]').attributes["value"] == "1"
    email_id = form.css_first('input[name="email"]').attributes["id"]
    assert form.css_first(f'label[for="{email_id}"]')
    honeypot = form.css_first('input[name="url"]')
    assert honeypot.attributes["tabindex"] == "-1"
    assert honeypot.parent.attributes["aria-hidden"] == "true"


def test_no_form_without_a_buttondown_username(tmp_path):
    content = write_content(tmp_path, dict([issue(1, "One", "2025-01-03")]))
    output = build_site(content, tmp_path / "o", BUTTONDOWN_USERNAME="")
    pages = list(output.rglob("*.html"))
    assert pages
    for path in pages:
        if path.parent.name != "search":  # the search form, not a subscribe form
            assert "<form" not in path.read_text(), path


def test_a_bad_buttondown_username_says_what_to_set(tmp_path):
    content = write_content(tmp_path, dict([issue(1, "One", "2025-01-03")]))
    expected = re.escape("pelicanconf.py: BUTTONDOWN_USERNAME: 'my news' is not a Buttondown")
    with pytest.raises(SettingsError, match=expected):
        build_site(content, tmp_path / "o", BUTTONDOWN_USERNAME="my news")


def test_unknown_plugin_setting_is_refused(tmp_path):
    content = write_content(tmp_path, dict([issue(1, "One", "2025-01-03")]))
    expected = re.escape("pelicanconf.py: HEARTH_FEEDS['lmit']: unknown key: allowed keys are")
    with pytest.raises(SettingsError, match=expected):
        build_site(content, tmp_path / "o", HEARTH_FEEDS={"lmit": 5})


def test_draft_preview_shows_drafts_marked_but_never_in_feeds_or_sitemap(tmp_path):
    files = dict([issue(1, "One", "2025-01-03"), issue(2, "Two", "2025-01-10", Status="draft")])
    content = write_content(tmp_path, files)
    normal = build_site(content, tmp_path / "normal")
    assert not (normal / "issues/2").exists()
    preview = build_site(content, tmp_path / "preview", HEARTH_ISSUES={"show_drafts": True})
    draft = page(preview, "/issues/2/")
    assert "Draft" in draft.css_first(".draft-banner").text()
    assert page(preview, "/issues/").css_first('a[href="/issues/2/"]')
    assert "/issues/2/" not in (preview / "sitemap.xml").read_text()
    for name in ("issues.atom.xml", "issues.rss.xml", "issues.json"):
        assert "/issues/2/" not in (preview / "feeds" / name).read_text()


def test_pelican_warnings_fail_the_build(tmp_path):
    body = "See [a missing issue]({filename}/issues/0009-missing.md).\n"
    content = write_content(tmp_path, dict([issue(1, "One", "2025-01-03", body=body)]))
    # Found by the checks the build runs first, at the link's line (test_one_set_of_checks).
    with pytest.raises(ContentError, match=r"0001-one\.md:4: link: .*0009-missing\.md"):
        build_site(content, tmp_path / "o")


def test_site_with_no_issue_yet_builds(tmp_path):
    output = build_site(write_content(tmp_path, {}), tmp_path / "o")
    assert "No issue has been published yet" in page(output, "/").text()
