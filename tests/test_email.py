"""One issue as an email: what subscribers' mail programs receive, and the checks before sending."""

from __future__ import annotations

import dataclasses
import json

import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from hearth_email.checks import SIZE_LIMIT, preflight
from hearth_email.render import EmailError, render_email
from tests.import_images import PNG
from tests.sites import ROOT, invoke, issue, settings_for, write_content

SITE = "https://news.example.org"
DISCUSSION = "https://forum.example/t/one/7"
BODY = """\
Intro with [a link](https://example.org/page) and [the archive](/issues/).

## A heading

See [the first issue]({filename}/issues/0001-one.md) and [about]({filename}/pages/about.md).

![A sketch of a bench](/images/bench.png)

```
code stays code
```
"""
MEMBER = """\
name: Ada <script>alert(1)</script>
links:
  - url: https://ada.example/two
    title: Two <b>fonts</b>
    date: 2025-10-08
    note: "A *good* read <img src=x onerror=alert(1)>"
"""


def email_settings(tmp_path, files):
    content = write_content(tmp_path, files)
    # The image BODY shows: a missing one fails its own check.
    (content / "images").mkdir(exist_ok=True)
    (content / "images/bench.png").write_bytes(PNG)
    return settings_for(content, tmp_path / "output", SITEURL=SITE, FEED_DOMAIN=SITE)


@pytest.fixture(scope="module")
def email(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("email")
    files = dict(
        [
            issue(1, "One", "2025-10-03 08:00"),
            issue(2, "Two", "2025-10-10 08:00", BODY, Discussion=DISCUSSION),
        ]
    )
    # A title with an ampersand: escaped in HTML, as typed in the subject and the text.
    files["issues/0002-two.md"] = files["issues/0002-two.md"].replace(
        "Title: Two", "Title: Two & more"
    )
    files["members/ada.yml"] = MEMBER
    settings = email_settings(tmp_path, files)
    activity = {"threads": {DISCUSSION: {"title": None, "replies": 4, "last_activity": None}}}
    (tmp_path / "content/discussions").mkdir()
    (tmp_path / "content/discussions/activity.json").write_text(json.dumps(activity))
    return render_email(settings, 2)


def test_the_email_names_the_issue_and_its_page(email):
    assert (email.number, email.subject, email.slug) == (2, "Two & more", "2-two")
    assert email.canonical_url == f"{SITE}/issues/2/"
    web = HTMLParser(email.html).css_first("a")
    assert web.text() == "Read this issue on the web"
    assert web.attributes["href"] == f"{SITE}/issues/2/"


def test_every_url_is_absolute_and_internal_links_lead_to_the_published_pages(email):
    page = HTMLParser(email.html)
    urls = [node.attributes.get("href") or node.attributes.get("src") for node in
            page.css("[href], [src]")]  # fmt: skip
    assert urls and all(url.startswith("https://") for url in urls), urls
    assert f"{SITE}/issues/" in urls
    assert f"{SITE}/issues/1/" in urls
    assert f"{SITE}/about/" in urls
    assert f"{SITE}/images/bench.png" in urls
    assert not page.css(".headerlink")


def test_css_is_inlined_and_the_layout_is_one_column(email):
    page = HTMLParser(email.html)
    assert "color" in page.css_first("h1").attributes["style"]
    assert "font-family" in page.css_first("td.email-pad").attributes["style"]
    column = page.css_first("#hearth-email")
    assert column.attributes["width"] == "600"
    assert column.attributes["role"] == "presentation"
    # Only the rules that cannot be inlined stay in <style>, for programs that read it.
    style = page.css_first("style").text()
    assert "@media (prefers-color-scheme: dark)" in style
    assert "max-width: 620px" in style
    schemes = page.css_first('meta[name="color-scheme"]').attributes["content"]
    assert schemes == "light dark"


def test_the_body_buttondown_receives_is_the_inlined_column_in_html_mode(email):
    first, rest = email.buttondown_body.split("\n", 1)
    assert first == "<!-- buttondown-editor-mode: fancy -->"
    assert not email.buttondown_body.startswith("---")
    assert rest.startswith("<table") and HTMLParser(rest).css_first("table#hearth-email")
    assert "<html" not in rest and "<head" not in rest
    assert 'style="' in rest


def test_community_links_and_the_discussion_are_in_the_email(email):
    page = HTMLParser(email.body_html)
    community = page.css_first(".community")
    assert community.css_first("a").attributes["href"] == "https://ada.example/two"
    assert community.css_first('a[href^="https://news.example.org/members/ada/"]') is not None
    discuss = page.css_first(".discuss")
    assert " ".join(discuss.text().split()) == "Discuss this issue on Discourse (4 replies so far)"
    assert discuss.css_first("a").attributes["href"] == DISCUSSION


def test_what_members_wrote_cannot_run_in_an_inbox(email):
    page = HTMLParser(email.html)
    assert not page.css("script")
    assert all("onerror" not in node.attributes for node in page.css("*"))
    assert "Ada <script>alert(1)</script>" in page.css_first(".community").text()


def test_the_text_version_reads_as_plain_text(email):
    text = email.text
    assert text.startswith("The Workbench · Issue 2 · ")
    assert f"Read it on the web: {SITE}/issues/2/" in text
    assert "Two & more\n==========\n" in text
    assert "[a link](" not in text
    assert "a link (https://example.org/page)" in text
    assert f"the first issue ({SITE}/issues/1/)" in text
    assert "[Image: A sketch of a bench]" in text
    assert "- Two <b>fonts</b> (ada.example), shared by Ada" in text
    assert f"Discuss this issue on Discourse: {DISCUSSION}" in text
    assert "<" not in text.replace("<b>", "").replace("</b>", "").replace("<script>", "").replace(
        "</script>", ""
    )


def test_a_ready_email_passes_every_check(email):
    assert preflight(email) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"subject": " "}, "the subject is empty: give the issue a Title: line"),
        ({"slug": "3-" + "x" * 99}, "must be at most 100 letters, digits, - and _"),
        ({"is_draft": True}, "issue 2 is a draft: its 'read on the web' link leads nowhere"),
        ({"html": "<p>x</p>" + "x" * SIZE_LIMIT}, "KB, over 100 KB: Gmail clips it"),
        ({"html": '<img src="https://e.org/a.png">'}, "the image https://e.org/a.png has no alt"),
        ({"html": '<a href="/issues/1/">x</a>'}, "the link '/issues/1/' is not absolute"),
        ({"html": '<img alt="x" src="data:image/png;base64,AA">'}, "is not absolute"),
        (
            {"html": '<a href="https://e.org/?utm_source=news&id=1&fbclid=x">x</a>'},
            "carries tracking parameters (fbclid, utm_source)",
        ),
    ],
)
def test_each_failed_check_says_what_to_fix(email, change, expected):
    failed = preflight(dataclasses.replace(email, **change))
    assert len(failed) == 1 and expected in failed[0], failed


def test_leftover_markers_are_named_by_file_and_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    files = dict([issue(1, "One", "2025-10-03 08:00", "Hello.\n\nTK: a better ending. TODO\n")])
    failed = preflight(render_email(email_settings(tmp_path, files), 1))
    assert failed == [
        "content/issues/0001-one.md:6: TK left in the text: finish or remove it",
        "content/issues/0001-one.md:6: TODO left in the text: finish or remove it",
    ]


def test_links_stay_under_a_site_published_below_a_path(tmp_path):
    files = dict([issue(1, "One", "2025-10-03 08:00", "See [the archive](/issues/).\n")])
    content = write_content(tmp_path, files)
    base = "https://owner.github.io/hearth"
    settings = settings_for(content, tmp_path / "output", SITEURL=base, FEED_DOMAIN=base)
    rendered = render_email(settings, 1)
    assert f'href="{base}/issues/"' in rendered.html
    assert f"the archive ({base}/issues/)" in rendered.text
    assert preflight(rendered) == []


def test_a_missing_issue_or_broken_content_is_a_clear_error(tmp_path):
    files = dict([issue(1, "One", "2025-10-03 08:00")])
    settings = email_settings(tmp_path, files)
    with pytest.raises(EmailError, match="there is no issue 7: the newest is issue 1"):
        render_email(settings, 7)
    (tmp_path / "content/issues/0001-one.md").write_text("Title: One\n\nNo date.\n")
    with pytest.raises(EmailError, match=r"0001-one.md:1: Date: missing"):
        render_email(settings, 1)


def test_invoke_email_writes_only_the_email_and_prints_sizes(project):
    result = invoke(project, "email", "--issue", "13")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Wrote output/email/13.html (") and lines[0].endswith(" KB)")
    assert lines[1].startswith("Wrote output/email/13.txt (")
    assert lines[2] == "All checks passed."
    assert sorted(p.name for p in (project / "output").iterdir()) == ["email"]
    html = (project / "output/email/13.html").read_text()
    # publishconf.py's public address, never the local preview's.
    assert "https://theworkbench.example/issues/13/" in html
    assert "localhost" not in html


def test_invoke_email_lists_failed_checks_and_exits_non_zero(project):
    result = invoke(project, "email", "--issue", "15")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "content/issues/0015-keep-a-changelog-for-yourself.md:7: TK left" in result.stderr
    assert "`invoke send` refuses this email until they are fixed (or given --force)" in (
        result.stderr
    )
    assert (project / "output/email/15.txt").exists()
    for bad in ("99", "abc"):
        result = invoke(project, "email", "--issue", bad)
        assert result.returncode == 1 and "Traceback" not in result.stderr


def test_demo_issues_render_within_gmails_limit_and_pass_their_checks():
    settings = settings_for(ROOT / "content", ROOT / "output", SITEURL=SITE, FEED_DOMAIN=SITE)
    for number in range(1, 15):
        rendered = render_email(settings, number)
        assert preflight(rendered) == [], number
