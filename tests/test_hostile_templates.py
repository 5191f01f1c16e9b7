"""Hostile input in templates: defence in depth, and dates the same on every platform.

Every template escapes what it prints unless the build made it as HTML (autoescape),
so a template that forgets ``|e`` still shows a member's text as text. Dates are
formatted without directives only some platforms have (``%-d`` fails on Windows).
"""

from __future__ import annotations

import re
import shutil
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jinja2 import Environment, FileSystemLoader
from pelican import signals
from pelican.utils import strftime as pelican_strftime
from selectolax.lexbor import LexborHTMLParser

from hearth_core.dates import day_text, format_date
from hearth_core.text import FORBIDDEN_IN_LINE
from hearth_discussions.index import DiscussionView
from hearth_email.render import _environment as email_environment
from hearth_email.render import render_email
from hearth_issues.reader import pelican_date
from hearth_members.views import LinkView, Ref
from tests.sites import ROOT, build_site, issue, settings_for, write_content
from tests.test_html_valid import nu_html_errors

PIXEL = "<img src=https://tracker.example/p.gif>"
TEMPLATE_CODE = "{{ 7*7 }}"
NAME = f"{PIXEL}{TEMPLATE_CODE}"
BIO = f"<script>alert('bio')</script> {TEMPLATE_CODE} {{% raw %}}"
FEDIVERSE = "@eve@social.example"
TITLE = f"<script>alert('title')</script> {PIXEL} {TEMPLATE_CODE}"
NOTE = f"<script>alert('note')</script> {PIXEL} {TEMPLATE_CODE}"
THREAD_TITLE = f"<script>alert('thread')</script> {PIXEL} {TEMPLATE_CODE}"
MEMBER_TEXTS = [NAME, BIO, TITLE, THREAD_TITLE]

MEMBER = f"""\
name: '{NAME}'
bio: "{BIO}"
fediverse: '{FEDIVERSE}'
links:
  - url: https://eve.example/a
    title: "{TITLE}"
    date: 2026-01-05
    note: "{NOTE}"
    tags: [tools]
"""
THREAD = f"""\
title: "{THREAD_TITLE}"
url: https://forum.example/t/eve/7
started: 2026-01-06
tags: [tools]
link: https://eve.example/a
"""


def hostile_content(root: Path) -> Path:
    files = dict(
        [
            issue(1, "One", "2026-01-02 08:00", Summary="First.", Tags="tools"),
            issue(2, "Two", "2026-01-09 08:00", Summary="Second.", Tags="tools"),
        ]
    )
    files["members/eve.yml"] = MEMBER
    files["discussions/eve.yml"] = THREAD
    return write_content(root, files)


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile-templates")
    return build_site(hostile_content(root), root / "output")


def forgetful_theme(folder: Path) -> Path:
    """The theme with every ``|e`` deleted: only autoescape is left to escape."""
    theme = folder / "theme"
    shutil.copytree(ROOT / "theme", theme)
    for template in (theme / "templates").rglob("*.html"):
        source = template.read_text(encoding="utf-8")
        template.write_text(re.sub(r"\|e\b", "", source), encoding="utf-8")
    return theme


def pages(output: Path) -> dict[str, LexborHTMLParser]:
    return {
        str(path.relative_to(output)): LexborHTMLParser(path.read_text(encoding="utf-8"))
        for path in sorted(output.rglob("*.html"))
        if "pagefind" not in path.parts
    }


def assert_inert(name: str, tree: LexborHTMLParser) -> None:
    """Nothing a member wrote runs, loads or is evaluated on the page."""
    for script in tree.css("script"):
        assert script.attributes.get("src", "").endswith("/js/search.js"), (name, script.html)
    assert not tree.css('img[src*="tracker"]'), name
    handlers = [n.tag for n in tree.css("*") if any(a.startswith("on") for a in n.attributes)]
    assert handlers == [], name
    assert "49" not in tree.body.text(), name  # no {{ 7*7 }} was evaluated


def page_text(output: Path, relative: str) -> str:
    return LexborHTMLParser((output / relative).read_text(encoding="utf-8")).body.text()


def assert_member_text_shown(output: Path) -> None:
    member = page_text(output, "members/eve/index.html")
    for text in (NAME, BIO, TITLE, FEDIVERSE):
        assert text in member
    assert "alert('note')" in member  # the note's tags are text, never elements
    assert NAME in page_text(output, "members/index.html")
    assert TITLE in page_text(output, "links/index.html")
    assert THREAD_TITLE in page_text(output, "discussions/index.html")
    issue_two = page_text(output, "issues/2/index.html")
    assert TITLE in issue_two and NAME in issue_two


def test_member_named_like_an_image_and_template_code_is_text_on_every_page(hostile_site):
    built = pages(hostile_site)
    assert len(built) > 10
    for name, tree in built.items():
        assert_inert(name, tree)
    assert_member_text_shown(hostile_site)


def test_a_template_that_forgets_to_escape_still_shows_member_text_as_text(tmp_path):
    """Defence in depth: autoescape, not each |e, keeps member text inert."""
    theme = forgetful_theme(tmp_path)
    # Even a pelicanconf.py that turns autoescape off does not turn it off for a build.
    jinja = {"trim_blocks": True, "lstrip_blocks": True, "autoescape": False}
    output = build_site(
        hostile_content(tmp_path), tmp_path / "output", THEME=str(theme), JINJA_ENVIRONMENT=jinja
    )
    for name, tree in pages(output).items():
        assert_inert(name, tree)
    assert_member_text_shown(output)


member_text = st.one_of(
    st.text(st.characters(codec="utf-8").filter(lambda c: not FORBIDDEN_IN_LINE.match(c))),
    st.lists(
        st.sampled_from([PIXEL, "<script>", "</script>", TEMPLATE_CODE, "{%", "&amp;", "'"])
    ).map("".join),
).filter(lambda text: text.strip() == text and "  " not in text)


@pytest.fixture(scope="module")
def forgetful_fragments(tmp_path_factory) -> Environment:
    """The theme's fragment templates without a single |e, in an environment set as a
    build sets it (hearth_site.build): only autoescape protects what they print."""
    theme = forgetful_theme(tmp_path_factory.mktemp("forgetful"))
    return Environment(
        loader=FileSystemLoader(str(theme / "templates")),
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=True,
    )


@settings(max_examples=60, deadline=None)
@given(name=member_text, title=member_text, thread_title=member_text)
def test_any_member_text_is_shown_as_itself_by_every_fragment(
    forgetful_fragments, name, title, thread_title
):
    """Open-ended: whatever a member or a platform writes, the fragments (each member
    link, each community section, each discussion) show exactly those characters."""
    member = Ref(name, "members/eve/")
    day = date(2026, 1, 5)
    link = LinkView(
        title, "https://eve.example/a", "eve.example", day, day_text(day), "", (), None,
        member, "link-1", None, "links/2026/01/#link-1",
    )  # fmt: skip
    thread = DiscussionView(
        "https://forum.example/t/x/1", thread_title, Ref("Forum", "discussions/forum/"),
        "link", Ref(title, "links/2026/01/#link-1"), day, (), 3, None,
    )  # fmt: skip
    shown = {
        "_link.html": (dict(link=link, level=2, show_member=True), [title, name]),
        "_community.html": (dict(links=[link]), [title, name]),
        "_discussion.html": (dict(thread=thread, level=2), [thread_title, title]),
    }
    for template, (context, texts) in shown.items():
        html = forgetful_fragments.get_template(template).render(SITEURL="", **context)
        tree = LexborHTMLParser(f"<ul>{html}</ul>")
        assert not tree.css("img, script"), (template, html)
        links = [a.text() for a in tree.css("a")]
        for text in texts:
            assert text in links, (template, text, links)


SEEN_ENVIRONMENTS: list[tuple[str, Any]] = []


def _record_environments(generators: list[Any]) -> None:
    SEEN_ENVIRONMENTS.extend((type(g).__name__, g.env) for g in generators if hasattr(g, "env"))


def test_autoescape_is_on_for_every_template_environment(tmp_path):
    signals.all_generators_finalized.connect(_record_environments)
    try:
        build_site(hostile_content(tmp_path), tmp_path / "output")
    finally:
        signals.all_generators_finalized.disconnect(_record_environments)
    kinds = {kind for kind, _env in SEEN_ENVIRONMENTS}
    # Pages, issues, feeds, members, discussions: the fragments render with these too.
    assert {"ArticlesGenerator", "PagesGenerator", "MembersGenerator"} <= kinds, kinds
    assert all(env.autoescape is True for _kind, env in SEEN_ENVIRONMENTS)
    SEEN_ENVIRONMENTS.clear()

    email = email_environment(settings_for(tmp_path / "content", tmp_path / "output"))
    for name in email.list_templates():
        # The plain-text part is the one template that must not escape: "&amp;" is wrong there.
        assert email.get_template(name).environment.autoescape(name) is (
            not name.endswith(".txt")
        ), name
    assert email.from_string("{{ x }}").render(x="<b>") == "&lt;b&gt;"


def test_the_pelicanconf_turns_autoescape_on():
    """For `pelican` run by hand, without `invoke build`, the settings file does it."""
    from hearth_core.settings import load_settings

    assert load_settings(ROOT / "pelicanconf.py")["JINJA_ENVIRONMENT"]["autoescape"] is True


# Values the build itself made as HTML and sanitised: Markdown of the author's issue
# and pages and of SITE_INTRO, member notes cleaned by nh3, and sections the build
# rendered from these templates. Nothing a member typed is ever on this list.
BUILD_MADE_HTML = {
    "_community.html": {"link.note_html"},
    "_issue_body.html": {"issue.content", 'issue.community_html|default("")'},
    "_link.html": {"link.note_html"},
    "index.html": {"site_intro", "latest.reading.first_paragraph_html"},
    "page.html": {"page.content"},
    "email/_body.html": {"content", "community_html"},
}


def test_only_html_the_build_made_is_marked_safe():
    marked: dict[str, set[str]] = {}
    for template in sorted((ROOT / "theme/templates").rglob("*")):
        if template.is_file():
            source = template.read_text(encoding="utf-8")
            found = set(re.findall(r"\{\{-?\s*(.+?)\s*\|\s*safe\s*-?\}\}", source))
            if found:
                marked[str(template.relative_to(ROOT / "theme/templates"))] = found
    assert marked == BUILD_MADE_HTML
    # Python marks as safe only what hearth_core.fragments rendered with these templates,
    # and an issue's HTML where a template's |safe marked it (hearth_site.bodyprints).
    plugins = ROOT / "plugins"
    markup_calls = {
        str(path.relative_to(plugins))
        for path in plugins.rglob("*.py")
        if "Markup(" in path.read_text(encoding="utf-8")
    }
    assert markup_calls == {
        "hearth_core/fragments.py",
        "hearth_issues/listing.py",
        "hearth_site/bodyprints.py",
    }


def test_pages_with_hostile_member_text_pass_the_html_checker(hostile_site, test_tool):
    built = sorted(path for path in hostile_site.rglob("*.html") if "pagefind" not in path.parts)
    messages = nu_html_errors(test_tool("vnu-jar/build/dist/vnu.jar"), built)
    assert [f"{m.get('url')}:{m.get('lastLine')}: {m['message']}" for m in messages] == []


def test_the_email_shows_member_text_as_text(tmp_path):
    content = hostile_content(tmp_path)
    email = render_email(settings_for(content, tmp_path / "output"), 2)
    tree = LexborHTMLParser(email.html)
    assert_inert("email", tree)
    assert NAME in tree.body.text() and TITLE in tree.body.text()
    assert NAME in email.text and "&lt;" not in email.text  # plain text is not escaped


class WindowsDatetime(datetime):
    """A date whose strftime refuses what Windows' C library refuses: "%-d" and the like."""

    def strftime(self, fmt: str) -> str:
        if re.search(r"%[-#_^0-9]", fmt):
            raise ValueError(f"Invalid format string {fmt!r}")
        return super().strftime(fmt)


def test_dash_d_date_format_works_on_windows():
    """Issue 22: `%-d` (in templates, views and DEFAULT_DATE_FORMAT) fails on Windows."""
    day = WindowsDatetime(2026, 2, 6, 8, 0, tzinfo=UTC)
    with pytest.raises(ValueError, match="Invalid format"):
        day.strftime("%a %-d %B %Y")
    assert format_date(day, "%a %-d %B %Y") == "Fri 6 February 2026"
    assert day_text(day) == "6 February 2026"


def test_issue_dates_reach_pelican_in_its_own_portable_type():
    """Pelican formats DEFAULT_DATE_FORMAT with its own strftime only for SafeDatetime."""
    offset = datetime(2025, 10, 10, 8, 0, tzinfo=timezone(timedelta(hours=2)))
    converted = pelican_date(offset)
    assert converted == offset and converted.utcoffset() == offset.utcoffset()
    assert converted.strftime("%a %-d %B %Y") == "Fri 10 October 2025"
    assert type(converted).strftime is not datetime.strftime


def test_no_template_or_plugin_hands_a_platform_directive_to_strftime():
    sources = [*(ROOT / "plugins").rglob("*.py"), *(ROOT / "theme/templates").rglob("*")]
    calls = [
        f"{path.relative_to(ROOT)}: {call}"
        for path in sources
        if path.is_file()
        for call in re.findall(r"strftime\([^)]*\)", path.read_text(encoding="utf-8"))
        if re.search(r"%[-#_^]", call)
    ]
    assert calls == []


@settings(max_examples=200, deadline=None)
@given(
    day=st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 12, 31)),
    date_format=st.lists(
        st.sampled_from(["%a", "%-d", "%d", "%B", "%-m", "%Y", "%%", "%-H", " ", "x", "%q"]),
        max_size=6,
    ).map("".join),
)
def test_dates_read_as_pelican_reads_them(day, date_format):
    """One format, one text: the pages (Pelican) and the email (Hearth) agree."""
    assert format_date(day, date_format) == pelican_strftime(day, date_format)
    assert format_date(day.date(), "%-d %B %Y") == pelican_strftime(day, "%-d %B %Y")


def test_every_page_shows_dates_as_before(demo_site):
    """The demo's dates: Fri 6 February 2026 style in issues, 6 February 2026 in lists."""
    issue_page = page_text(demo_site, "issues/index.html")
    assert re.search(r"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun) [1-9]\d? [A-Z][a-z]+ 20\d\d\b", issue_page)
    discussions = page_text(demo_site, "discussions/index.html")
    assert re.search(r"(last activity|started) [1-9]\d? [A-Z][a-z]+ 20\d\d", discussions)
    assert not re.search(r"\b0\d [A-Z][a-z]+ 20\d\d", issue_page + discussions)
    assert date(2026, 2, 6).strftime("%d") == "06"  # so a zero would have shown
