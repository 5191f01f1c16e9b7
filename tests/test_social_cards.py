"""Social cards: a 1200×630 PNG per newest issue, topic and the home page, drawn once."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from PIL import Image

from hearth_core.settings import SettingsError
from hearth_core.state import BuildState
from hearth_site.cards import (
    BOLD,
    DEFAULT_ACCENT,
    MARGIN,
    REGULAR,
    SIZE,
    UNMAPPED,
    Card,
    CardCaches,
    Fonts,
    card_accent,
    draw_card,
)
from tests.sites import build_site, issue, page, write_content

SITE = "http://localhost:8000"


def card_of(output: Path, path: str) -> str:
    doc = page(output, path)
    image = doc.css_first('head meta[property="og:image"]').attributes["content"]
    twitter = doc.css_first('head meta[name="twitter:image"]').attributes["content"]
    assert twitter == image
    assert doc.css_first('head meta[name="twitter:card"]').attributes["content"] == (
        "summary_large_image"
    )
    return image


def file_of(output: Path, address: str) -> Path:
    assert address.startswith(SITE + "/")
    return output / address.removeprefix(SITE + "/")


def test_every_card_is_a_1200_by_630_png(demo_site):
    cards = sorted((demo_site / "cards").glob("*.png"))
    assert len(cards) == 2 + 14 + 9  # home and site, 14 issues, 9 topics
    for path in cards:
        with Image.open(path) as image:
            assert (image.format, image.size) == ("PNG", (1200, 630)), path


@pytest.mark.parametrize(
    ("path", "card"),
    [
        ("/", "cards/home.png"),
        ("/issues/3/", "cards/issue-3.png"),
        ("/topics/tools/", "cards/topic-tools.png"),
        ("/links/", "cards/site.png"),
        ("/404.html", "cards/site.png"),
    ],
)
def test_og_image_is_the_page_s_own_card_at_an_absolute_address(demo_site, path, card):
    address = card_of(demo_site, path)
    assert address == f"{SITE}/{card}"
    assert file_of(demo_site, address).is_file()


def test_og_image_is_absolute_under_a_sub_path(tmp_path):
    content = write_content(tmp_path, dict([issue(1, "One", "2025-01-03")]))
    base = "https://news.example/workbench"
    output = build_site(content, tmp_path / "out", SITEURL=base, FEED_DOMAIN=base)
    doc = page(output, "/issues/1/")
    assert doc.css_first('meta[property="og:image"]').attributes["content"] == (
        f"{base}/cards/issue-1.png"
    )


def fifty_one_issues(tmp_path: Path) -> Path:
    """Weekly issues 1 to 51, the newest with the highest number."""
    days = [date(2024, 1, 5) + timedelta(weeks=n) for n in range(51)]
    return write_content(
        tmp_path, dict(issue(n, f"Issue number {n}", str(day)) for n, day in enumerate(days, 1))
    )


def test_the_51st_newest_issue_uses_the_site_card(tmp_path):
    output = build_site(fifty_one_issues(tmp_path), tmp_path / "out")
    assert card_of(output, "/issues/2/") == f"{SITE}/cards/issue-2.png"  # the 50th newest
    assert card_of(output, "/issues/1/") == f"{SITE}/cards/site.png"
    assert not (output / "cards/issue-1.png").exists()
    assert len(list((output / "cards").glob("issue-*.png"))) == 50


def test_a_second_build_draws_no_card_again_and_an_edit_draws_one(tmp_path):
    content = write_content(
        tmp_path,
        dict([issue(1, "One", "2025-01-03", Tags="tools"), issue(2, "Two", "2025-01-10")]),
    )
    first, second, third = BuildState(), BuildState(), BuildState()
    output = build_site(content, tmp_path / "out", first)
    drawn = sorted((output / "cards").glob("*.png"))
    # home, site, two issues, one topic
    assert first.part(CardCaches).drawn == len(drawn) == 5
    before = {path.name: path.read_bytes() for path in drawn}
    (output / "cards/issue-1.png").unlink()  # a fresh output, the cache kept
    build_site(content, output, second)
    assert second.part(CardCaches).drawn == 0
    assert {path.name: path.read_bytes() for path in drawn} == before
    one = content / "issues/0001-one.md"
    one.write_text(one.read_text().replace("Title: One", "Title: One, renamed"))
    build_site(content, output, third)
    assert third.part(CardCaches).drawn == 1
    assert (output / "cards/issue-1.png").read_bytes() != before["issue-1.png"]
    assert len(list((tmp_path / "cache/cards").glob("*.png"))) == 5  # the old one went


def title_region(png: bytes) -> bytes:
    """The pixels of a card's title lines, below the kicker and above the foot."""
    with Image.open(io.BytesIO(png)) as image:
        return image.convert("L").crop((MARGIN, 168, SIZE[0] - MARGIN, 450)).tobytes()


def test_card_draws_non_latin_title(tmp_path):
    """Greek and Cyrillic are drawn as letters; what the font lacks (Japanese, Hebrew,
    an emoji) is left out, never drawn as the empty box (.notdef) Pillow's own font drew."""
    title = "日本語の小さな道具 — Ωμέγα, мир, עברית, 🎉"
    content = write_content(tmp_path, dict([issue(1, "one", "2025-01-03")]))
    path = content / "issues/0001-one.md"
    path.write_text(path.read_text().replace("Title: one", f"Title: {title}"))
    output = build_site(content, tmp_path / "out")
    built = (output / "cards/issue-1.png").read_bytes()
    fonts = Fonts()
    assert all(fonts.draws(letter) for letter in "Ωμέγαмир")
    assert not any(fonts.draws(letter) for letter in "日本語の道具עברית🎉")
    assert fonts.drawable(title) == "— Ωμέγα, мир, ,"

    def card(words: str) -> bytes:
        return draw_card(Card("x.png", words, "Issue 1", "The Workbench", DEFAULT_ACCENT))

    assert title_region(built) == title_region(card("— Ωμέγα, мир, ,"))
    blank = title_region(card(""))
    assert title_region(built) != blank
    # A title the font cannot draw at all leaves its lines empty, where drawing it as it
    # is would put a row of .notdef boxes.
    assert title_region(card("日本語の道具")) == blank
    assert ink_of("日本語の道具") == ink_of(UNMAPPED * 6) != ink_of("")
    assert ink_of("Ωμέγα мир") != ink_of(UNMAPPED * 5 + " " + UNMAPPED * 3)


def ink_of(text: str) -> bytes:
    """``text`` drawn as it is, boxes and all, in the font of a card's title."""
    return bytes(Fonts().at(76, bold=True).getmask(text))


def test_the_card_font_ships_in_a_pinned_wheel_under_the_ofl():
    assert REGULAR.is_file() and BOLD.is_file()
    assert "SIL Open Font License" in (REGULAR.parent / "LICENSE.txt").read_text()
    root = Path(__file__).parent.parent
    assert "font-source-sans-pro==0.0.1" in (root / "constraints.txt").read_text()
    assert '"font-source-sans-pro==0.0.1"' in (root / "pyproject.toml").read_text()


@settings(max_examples=25, deadline=None)
@given(title=st.text(max_size=300), kicker=st.text(max_size=80))
@example(title="a", kicker="\x85")  # the shaper (raqm) refused these with a RuntimeError
@example(title="", kicker="\u2029")
def test_any_title_draws_a_card_of_the_size(title, kicker):
    card = Card("x.png", title, kicker, "The Workbench", DEFAULT_ACCENT, subtitle=title)
    with Image.open(io.BytesIO(draw_card(card))) as image:
        assert image.size == (1200, 630)
    fonts = Fonts()
    assert all(fonts.draws(letter) for letter in fonts.drawable(title))  # never a box


def test_the_accent_comes_from_hearth_theme(tmp_path):
    content = write_content(tmp_path, dict([issue(1, "One", "2025-01-03")]))
    output = build_site(content, tmp_path / "out", HEARTH_THEME={"accent": "#0055aa"})
    with Image.open(output / "cards/issue-1.png") as image:
        assert image.convert("RGB").getpixel((600, 10)) == (0x00, 0x55, 0xAA)
    assert card_accent({}) == DEFAULT_ACCENT
    with pytest.raises(SettingsError, match=r"HEARTH_THEME\['accent'\].*#a33a0b"):
        card_accent({"HEARTH_THEME": {"accent": "blue-ish"}})
