"""The designed identity as built files: the theme's settings, icons, the pages' ready data.

The same behaviours in a browser, at 390 and 1280 px, light and dark: test_design_browser.py.
"""

from __future__ import annotations

import json
import re
import struct
import zlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hearth_core.settings import SettingsError
from hearth_core.settingsplace import placed
from hearth_issues.reading import reading
from hearth_members.views import initials
from hearth_site.siteicons import touch_icon_png
from hearth_site.theme import (
    DARK_BACKGROUND,
    LIGHT_BACKGROUND,
    MIN_CONTRAST,
    contrast,
    lighter,
    site_theme,
)
from tests.sites import ROOT, build_site, invoke, issue, page, write_content

LATEST = max(
    int(path.name[:4])
    for path in (ROOT / "content/issues").glob("*.md")
    if "Status: draft" not in path.read_text(encoding="utf-8")
)
# What a page may weigh, uncompressed: the HTML of each kind, and the one stylesheet.
PAGE_BUDGETS = {
    "/": 40_000,
    f"/issues/{LATEST}/": 40_000,
    "/issues/": 40_000,
    "/links/": 80_000,
    "/links/2026/01/": 60_000,
    "/members/": 30_000,
    "/members/anneke/": 40_000,
    "/discussions/": 60_000,
    "/community/": 20_000,
}
STYLESHEET_BUDGET = 24_000


def theme_settings(tmp_path: Path, **theme) -> dict:
    content = tmp_path / "content"
    (content / "images").mkdir(parents=True, exist_ok=True)
    lines = ["HEARTH_THEME = {"] + [f"    {key!r}: {value!r}," for key, value in theme.items()]
    (tmp_path / "pelicanconf.py").write_text("\n".join([*lines, "}", ""]), encoding="utf-8")
    return {"PATH": str(content), "STATIC_PATHS": ["images"], "HEARTH_THEME": theme}


# HEARTH_THEME: a community makes the site its own without touching CSS.


def test_hearth_theme_becomes_css_custom_properties_in_every_page(tmp_path):
    files = dict([issue(1, "One", "2025-10-03")])
    files["images/logo.svg"] = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>\n'
    theme = {
        "accent": "#1f5f8b",
        "heading_font": "Charter, Georgia, serif",
        "logo": "images/logo.svg",
    }
    output = build_site(write_content(tmp_path, files), tmp_path / "output", HEARTH_THEME=theme)
    for url in ("/", "/issues/1/", "/issues/"):
        style = page(output, url).css_first("head style").text()
        assert "--accent:#1f5f8b" in style
        assert "--heading:Charter, Georgia, serif" in style
        # The dark theme gets the same hue, light enough to read on its background.
        dark = re.search(r"prefers-color-scheme: dark\)\{:root\{--accent:(#[0-9a-f]{6})", style)[1]
        assert contrast(dark, DARK_BACKGROUND) >= MIN_CONTRAST
    logo = page(output, "/").css_first(".site-name img")
    assert logo.attributes["src"] == "/images/logo.svg" and logo.attributes["alt"] == ""
    assert (output / "images/logo.svg").is_file()
    assert '"theme_color": "#1f5f8b"' in (output / "site.webmanifest").read_text()


@pytest.mark.parametrize(
    ("key", "value", "says"),
    [
        ("accent", "blue", "is not a colour: write it as #rrggbb"),
        ("accent", "#ffeeaa", "contrast of 1.1:1, below 4.5:1"),
        ("accent_dark", "#222222", "on the dark background"),
        ("heading_font", "Comic Sans; } body { display: none", "is not a font"),
        ("heading_font", 12, "is not a font"),
        ("logo", "images/missing.svg", "does not exist"),
        ("logo", "../secrets.svg", "is not a logo"),
        ("logo", "logo.svg", "is not in a folder the site publishes"),
        ("colour", "#000000", "unknown key 'colour'"),
    ],
)
def test_a_wrong_theme_value_is_refused_at_its_line(tmp_path, key, value, says):
    settings = theme_settings(tmp_path, **{key: value})
    with pytest.raises(SettingsError) as refused:
        site_theme(settings)
    config = tmp_path / "pelicanconf.py"
    message = str(placed(refused.value, config))  # as tasks.py prints it
    assert message.startswith(f"{config}:2: HEARTH_THEME['{key}']: "), message
    assert says in message


def test_invoke_check_names_the_line_of_a_wrong_accent(project):
    config = project / "pelicanconf.py"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace('"accent": "#a33a0b"', '"accent": "#fc0"'), encoding="utf-8")
    line = 1 + text[: text.index('"accent": "#a33a0b"')].count("\n")
    result = invoke(project, "check")
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert f"pelicanconf.py:{line}: HEARTH_THEME['accent']: #fc0 on the light background" in output
    assert "Traceback" not in output


@settings(max_examples=80, deadline=None)
@given(st.from_regex(r"#[0-9a-f]{6}", fullmatch=True))
def test_any_accent_the_theme_accepts_reads_on_both_backgrounds(colour):
    """Open-ended: an accent is refused, or it and the dark one made from it read."""
    if contrast(colour, LIGHT_BACKGROUND) < MIN_CONTRAST:
        return
    assert contrast(lighter(colour), DARK_BACKGROUND) >= MIN_CONTRAST


def test_author_fediverse_must_be_a_handle(tmp_path):
    files = dict([issue(1, "One", "2025-10-03")])
    with pytest.raises(SettingsError, match=r"AUTHOR_FEDIVERSE: 'mara' is not a fediverse handle"):
        build_site(write_content(tmp_path, files), tmp_path / "output", AUTHOR_FEDIVERSE="mara")


# A favicon, an apple-touch-icon and a web manifest.


def test_missing_favicon_favicon_apple_touch_icon_and_manifest(demo_site):
    head = page(demo_site, "/issues/3/").css_first("head")
    links = {link.attributes["rel"]: link.attributes["href"] for link in head.css("link")}
    assert links["icon"] == "/favicon.svg"
    assert links["apple-touch-icon"] == "/apple-touch-icon.png"
    assert links["manifest"] == "/site.webmanifest"
    assert (demo_site / "favicon.svg").read_text().startswith("<svg")
    png = (demo_site / "apple-touch-icon.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert struct.unpack(">II", png[16:24]) == (180, 180)
    manifest = json.loads((demo_site / "site.webmanifest").read_text())
    assert manifest["name"] == "The Workbench" and manifest["start_url"] == "/"
    assert {icon["src"] for icon in manifest["icons"]} == {"/favicon.svg", "/apple-touch-icon.png"}


def test_the_touch_icon_is_a_valid_png_in_the_accent_colour(tmp_path):
    theme = site_theme(theme_settings(tmp_path, accent="#1f5f8b"))
    png = touch_icon_png(theme, size=32)
    length = struct.unpack(">I", png[33:37])[0]
    rows = zlib.decompress(png[41 : 41 + length])
    assert len(rows) == 32 * (1 + 32 * 3)
    assert rows[1:4] == bytes.fromhex("1f5f8b")  # the corner: accent
    assert b"\xff\xff\xff" in rows  # the house: white


# The home page.


def test_home_lists_at_least_5_recent_issues_this_week_s_links_and_active_discussions(demo_site):
    home = page(demo_site, "/")
    recent = [a.attributes["href"] for a in home.css("section.recent .issue-title a")]
    assert len(recent) >= 5
    assert recent == [f"/issues/{n}/" for n in range(LATEST - 1, LATEST - 1 - len(recent), -1)]
    week = home.css_first("section.week-links")
    assert week.css_first("h2").text() == "This week in the community"
    assert f"since issue {LATEST}" in week.css_first(".section-note").text()
    assert len(week.css("li.link")) >= 3
    assert len(home.css("section.active-discussions li.thread")) == 5


def test_home_shows_the_newest_links_before_any_is_shared_since_the_last_issue(tmp_path):
    files = dict([issue(1, "One", "2025-10-03"), issue(2, "Two", "2025-10-10")])
    files["members/ada.yml"] = """
        name: Ada
        links:
          - url: https://ada.example/one
            title: One small app
            date: 2025-10-02
    """
    output = build_site(write_content(tmp_path, files), tmp_path / "output")
    week = page(output, "/").css_first("section.week-links")
    assert week.css_first("h2").text() == "From the community"
    assert [a.text() for a in week.css(".link-title a")] == ["One small app"]


# The issue page.


def test_issue_page_has_byline_reading_time_contents_and_share_links(demo_site):
    issue_page = page(demo_site, f"/issues/{LATEST}/")
    byline = issue_page.css_first(".byline")
    assert "By Mara Lindqvist" in byline.text()
    handle = byline.css_first("a.handle")
    assert handle.text() == "@mara@social.theworkbench.example"
    assert handle.attributes["href"] == "https://social.theworkbench.example/@mara"
    assert re.fullmatch(r"\d+ min read", issue_page.css_first(".reading-time").text())
    toc = [a.attributes["href"] for a in issue_page.css("nav.toc a")]
    headings = [f"#{h.attributes['id']}" for h in issue_page.css("article .content h2")]
    assert toc == headings and len(toc) >= 3
    share = {a.text().strip(): a.attributes["href"] for a in issue_page.css(".share a")}
    assert set(share) == {"Email", "Bluesky", "LinkedIn"}
    assert "issues%2F" in share["Bluesky"] and share["Email"].startswith("mailto:?subject=")
    assert not issue_page.css("script"), "sharing needs no script"


def test_a_short_issue_has_no_table_of_contents():
    short = reading('<p>Hello.</p><h2 id="a">A<a class="headerlink" href="#a">#</a></h2>')
    assert short.sections == () and short.minutes == 1
    long = reading(
        "".join(f'<h2 id="s{n}">S &amp; {n}</h2><p>{"word " * 300}</p>' for n in range(3))
    )
    assert [section.title for section in long.sections] == ["S & 0", "S & 1", "S & 2"]
    assert long.minutes == 4  # 900 words at 230 a minute


def test_the_lede_is_the_first_paragraph_that_says_something():
    text = "<p>Hello again,</p><p>" + "This week I printed a zine on a risograph. " * 2 + "</p>"
    assert reading(text).first_paragraph_html.startswith("This week")


def test_from_the_community_is_cards_crediting_each_member(demo_site):
    cards = page(demo_site, f"/issues/{LATEST}/").css("section.community li.card")
    assert cards
    for card in cards:
        credit = card.css_first(".credit")
        assert credit.text().startswith("Shared by ")
        assert credit.css_first("a").attributes["href"].startswith("/members/")


def test_discuss_on_platform_with_its_icon(demo_site):
    discuss = page(demo_site, f"/issues/{LATEST}/").css_first("p.discuss a")
    assert discuss.text().strip().startswith("Discuss this issue on ")
    assert discuss.css_first("svg.icon") is not None


# Links, members, discussions.


def test_links_directory_one_flat_list_becomes_month_headings_leading_to_month_pages(demo_site):
    links = page(demo_site, "/links/")
    months = links.css("section.month")
    assert len(months) >= 2
    for month in months:
        heading = month.css_first("h2 a")
        assert (demo_site / heading.attributes["href"].strip("/") / "index.html").is_file()
        assert month.css("li.link")
    # Each link shows its site, member, topics and discussion.
    for item in links.css("li.link"):
        assert item.css_first(".domain").text().strip("()")
        assert item.css_first(".link-meta").text().strip().startswith("Shared by ")
    assert links.css("li.link .link-foot a.tag")
    assert links.css("li.link .link-foot a.discuss svg.icon")


def test_members_page_bullet_list_becomes_cards_with_initials_avatars(demo_site):
    members = page(demo_site, "/members/")
    cards = members.css("ul.member-cards > li.member-card")
    assert len(cards) >= 8
    for card in cards:
        avatar = card.css_first(".avatar")
        name = card.css_first(".member-name").text()
        assert avatar.text() == initials(name) and avatar.attributes["aria-hidden"] == "true"
    assert not members.css("main img"), "no image, from this host or another"


@given(st.text(max_size=40))
def test_initials_are_one_or_two_capitals_or_a_question_mark(name):
    found = initials(name)
    assert found == "?" or 1 <= len(found) <= 2


def test_a_member_s_page_shows_their_links_and_the_discussions_on_them(demo_site):
    member = page(demo_site, "/members/anneke/")
    assert member.css("li.link")
    discussed = member.css("ul.discussed li")
    assert discussed
    for item in discussed:
        assert item.css_first("a svg.icon") is not None


def test_discussions_meta_11_replies_reads_as_a_sentence_and_keeps_values_whole(demo_site):
    for thread in page(demo_site, "/discussions/").css("li.thread"):
        meta = thread.css_first(".link-meta")
        text = " ".join(meta.text().split())
        assert re.fullmatch(r"\S.* thread( (on|about) .+)?(, with \d+ repl(y|ies))?; "
                            r"(last active|started) \d{1,2} \w+ \d{4}\.", text), text  # fmt: skip
        assert meta.css_first(".platform svg.icon") is not None
        replies = meta.css_first("strong")
        if replies is not None:
            assert "nowrap" in replies.attributes["class"]


# Keep the bar: bytes, and no script to block rendering.


@pytest.mark.parametrize("url", PAGE_BUDGETS)
def test_page_stays_within_its_byte_budget(demo_site, url):
    size = (demo_site / url.strip("/") / "index.html").stat().st_size
    assert size <= PAGE_BUDGETS[url], f"{url} is {size:,} bytes"


def test_one_stylesheet_within_its_budget_and_no_render_blocking_script(demo_site):
    assert (demo_site / "theme/css/hearth.css").stat().st_size <= STYLESHEET_BUDGET
    for path in demo_site.rglob("*.html"):
        if "pagefind" in path.parts:
            continue
        head = page(demo_site, "/" + path.relative_to(demo_site).as_posix()).css_first("head")
        assert len(head.css('link[rel="stylesheet"]')) == 1, path
        for script in head.css("script"):
            attributes = script.attributes
            assert (
                "defer" in attributes
                or "async" in attributes
                or (attributes.get("type") == "module")
            ), f"{path}: a script in <head> blocks rendering"
