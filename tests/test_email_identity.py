"""The email carries the site's identity (ISSUE25 point 9): HEARTH_THEME's accent and heading
face, the site's colours light and dark, and community links as cards crediting each member,
in the forms mail programs keep (inline styles, system fonts, no remote font or image)."""

from __future__ import annotations

import re
import shutil

import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from hearth_core.settings import SettingsError
from hearth_core.settingsplace import placed
from hearth_core.themevalues import FONT_STACKS, lighter
from hearth_email.render import render_email
from tests.sites import ROOT, invoke, settings_for

NUMBER = 13  # a demo issue with community links, an image and a code block
ACCENT = "#1d5a8a"  # not the default: the email must follow pelicanconf.py
DARK_ACCENT = lighter(ACCENT)
WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A copy of the project with its own accent and heading face, and its issue as an email."""
    copy = tmp_path_factory.mktemp("identity") / "site"
    for name in ("content", "theme", "plugins"):
        shutil.copytree(ROOT / name, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pelicanconf.py", "publishconf.py", "tasks.py", ".gitignore"):
        shutil.copy(ROOT / name, copy / name)
    config = copy / "pelicanconf.py"
    text = config.read_text(encoding="utf-8")
    text = text.replace('"accent": "#a33a0b"', f'"accent": "{ACCENT}"')
    text = text.replace('"heading_font": "serif"', '"heading_font": "slab"')
    assert ACCENT in text and '"slab"' in text, "pelicanconf.py's HEARTH_THEME changed shape"
    config.write_text(text, encoding="utf-8")
    result = invoke(copy, "email", "--issue", str(NUMBER))
    assert result.returncode == 0, result.stderr
    assert "All checks passed." in result.stdout
    return copy


@pytest.fixture(scope="module")
def email_html(project):
    return (project / f"output/email/{NUMBER}.html").read_text(encoding="utf-8")


def styles(node) -> str:
    return (node.attributes.get("style") or "").replace(" ", "").lower()


def test_the_rendered_email_uses_the_configured_accent(email_html):
    page = HTMLParser(email_html)
    title = page.css_first("#hearth-email h1")
    assert f"color:{ACCENT}" in styles(title)
    links = page.css("#hearth-email a")
    assert links and all(f"color:{ACCENT}" in styles(link) for link in links)
    # Inline, where Gmail keeps it; the default accent is nowhere.
    assert "#a33a0b" not in email_html.lower()
    # The dark accent, made from it as the site makes it, for programs that read <style>.
    assert DARK_ACCENT in page.css_first("style").text()


def test_headings_use_the_configured_face_and_no_font_is_downloaded(email_html):
    page = HTMLParser(email_html)
    slab = FONT_STACKS["slab"].replace(" ", "").lower()
    for heading in page.css("#hearth-email h1, #hearth-email h2"):
        assert f"font-family:{slab}" in styles(heading), heading.html
    assert "@font-face" not in email_html and "@import" not in email_html
    assert not page.css('link[rel="stylesheet"]')


def test_each_community_card_credits_its_member(email_html):
    community = HTMLParser(email_html).css_first("#hearth-email .community")
    cards = community.css("li.card")
    assert len(cards) >= 2
    for card in cards:
        assert f"border-left:4px solid {ACCENT}".replace(" ", "") in styles(card)
        title = card.css_first(".card-title a")
        assert title.attributes["href"].startswith("https://")
        credit = card.css_first(".credit")
        assert credit.text().startswith("Shared by ")
        member = credit.css_first("a")
        assert member.attributes["href"].startswith("https://theworkbench.example/members/")
        assert member.text().strip() and member.text().strip() in credit.text()


def test_the_email_declares_light_and_dark_and_inlines_its_colours(email_html):
    page = HTMLParser(email_html)
    assert page.css_first('meta[name="color-scheme"]').attributes["content"] == "light dark"
    assert "background-color:#fffcf7" in styles(page.css_first("#hearth-email"))
    assert "color:#1f1a14" in styles(page.css_first("td.email-pad"))
    style = page.css_first("style").text()
    dark = style[style.index("prefers-color-scheme: dark") :]
    assert "#17130f" in dark and "#f1e9de" in dark


def hex_to_rgb(colour: str) -> str:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({red}, {green}, {blue})"


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", WIDTHS)
def test_the_email_reads_in_chromium_light_and_dark(
    new_page, project, email_html, test_tool, scheme, width
):
    """At a phone's and a desktop's width, light and dark: no sideways scrolling, body text
    readable (axe's color-contrast rule), the accent on the title and the links, and no
    request but the email's own files."""
    axe_script = test_tool("axe-core/axe.min.js")
    page = new_page(viewport=WIDTHS[width], is_mobile=width == "phone", color_scheme=scheme)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto((project / f"output/email/{NUMBER}.html").as_uri())
    page.wait_for_load_state("load")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{overflow}px of sideways scrolling at {width} width, {scheme}"
    page.add_script_tag(path=str(axe_script))
    violations = page.evaluate(
        """async () => (await axe.run(document, {runOnly: ["color-contrast"]})).violations
        .map(v => v.nodes.map(n => n.target.join(" ") + ": " + n.failureSummary).join("\\n"))"""
    )
    assert violations == [], "\n".join(violations)
    accent = hex_to_rgb(ACCENT if scheme == "light" else DARK_ACCENT)
    assert page.eval_on_selector("#hearth-email h1", "e => getComputedStyle(e).color") == accent
    link_colours = page.eval_on_selector_all(
        "#hearth-email a", "all => all.map(e => getComputedStyle(e).color)"
    )
    assert link_colours and set(link_colours) == {accent}
    others = [url for url in requested if not re.match(r"^(file|data):", url)]
    assert others == [], others


def test_an_unreadable_accent_stops_the_email_with_the_sites_message(tmp_path):
    """The email checks HEARTH_THEME as `invoke check` does: a pale accent is refused with
    pelicanconf.py's line and what to do, not sent in colours nobody can read."""
    settings = settings_for(
        ROOT / "content",
        tmp_path / "output",
        SITEURL="https://news.example.org",
        HEARTH_THEME={"accent": "#ffff00"},
    )
    with pytest.raises(SettingsError) as raised:
        render_email(settings, NUMBER)
    message = str(placed(raised.value, ROOT / "pelicanconf.py"))  # as tasks.py prints it
    expected = r"pelicanconf\.py:\d+: HEARTH_THEME\['accent'\]: #ffff00 on the light"
    assert re.search(expected, message), message
    assert "choose a darker shade" in message
