"""Social cards: the 1200×630 PNG a link preview shows for an issue, a topic or the home page.

Drawn at build time with Pillow in Source Sans Pro (OFL), whose regular and bold the
pinned ``font-source-sans-pro`` wheel ships: nothing is downloaded. It draws Latin,
Greek and Cyrillic; a letter it lacks (Chinese, Japanese, Hebrew, emoji ...) is left out
of the card, never drawn as an empty box, and never an error. Static faces, not a
variable font: FreeType draws a variable font's letters ten times slower, which fifty
cards would add to a cold build.

Each card is kept in the build cache (CACHE_PATH/cards/) under a digest of everything
drawn on it, so a build draws only the cards whose words changed; the rest are copied.
"""

from __future__ import annotations

import hashlib
import io
import re
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import PIL
from PIL import Image, ImageColor, ImageDraw, ImageFont

from hearth_core.files import write_atomically
from hearth_core.settings import SettingsError
from hearth_site.produced import ProducedFiles

SIZE = (1200, 630)
# Bump when the drawing or its font changes: every card is drawn again.
DRAWING = 3
FONTS = Path(str(resources.files("font_source_sans_pro") / "files"))
REGULAR, BOLD = FONTS / "SourceSansPro-Regular.ttf", FONTS / "SourceSansPro-Bold.ttf"
# A code point no font maps (the last of plane 16's private use): how .notdef looks.
UNMAPPED = "\U0010fffd"
# The size letters are compared with it at: small to be quick, large enough that no
# glyph's outline comes out the same as the box's.
COVERAGE_SIZE = 24
# Steps of anti-aliasing between the background and the ink, and the accent.
STEPS = 15
# The newest issues get a card of their own; older ones share the site's.
OWN_CARDS = 50
# The accent colour when HEARTH_THEME gives none: the theme's own.
DEFAULT_ACCENT = "#a33a0b"
HEX_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
BACKGROUND = "#fffcf7"
INK = "#1f1a16"
MARGIN = 80
FOLDER = "cards"


@dataclass(frozen=True)
class Card:
    """One card: where it goes under cards/, and every word and colour drawn on it."""

    name: str  # "issue-12.png"
    title: str
    kicker: str  # above the title: "Issue 12", "Topic · 3 issues, 5 links"
    site: str  # the newsletter's name, at the foot
    accent: str
    subtitle: str = ""

    @property
    def digest(self) -> str:
        drawn = (DRAWING, PIL.__version__, SIZE, self.title, self.kicker, self.site)
        text = repr((*drawn, self.accent, self.subtitle))
        return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def issue_card(number: int, title: str, site: str, accent: str) -> Card:
    return Card(f"issue-{number}.png", title, f"Issue {number}", site, accent)


def topic_card(slug: str, name: str, counts: str, site: str, accent: str) -> Card:
    return Card(f"topic-{slug}.png", name, f"Topic · {counts}", site, accent)


def home_card(site: str, description: str, latest: int | None, accent: str) -> Card:
    kicker = f"Latest: issue {latest}" if latest is not None else ""
    return Card("home.png", site, kicker, site, accent, description)


def site_card(site: str, description: str, accent: str) -> Card:
    """The card of every page without one of its own, older issues included."""
    return Card("site.png", site, "", site, accent, description)


@dataclass
class CardCaches:
    """A build-state part (``hearth_core.state``): how many cards this state drew, and
    which card each output file holds, so a preview's next build copies none again."""

    drawn: int = 0
    written: dict[Path, str] = field(default_factory=dict)


def card_accent(settings: Mapping[str, Any]) -> str:
    """HEARTH_THEME's accent colour, or the theme's own where it names none."""
    theme = settings.get("HEARTH_THEME") or {}
    accent = theme.get("accent", DEFAULT_ACCENT) if isinstance(theme, Mapping) else None
    if not isinstance(accent, str) or not HEX_COLOUR.match(accent):
        raise SettingsError(
            f"must be a colour like {DEFAULT_ACCENT}, not {accent!r}",
            setting="HEARTH_THEME",
            key=("accent",),
        )
    return accent


def draw_card(card: Card) -> bytes:
    """The card as PNG bytes."""
    image = Image.new("RGB", SIZE, BACKGROUND)
    draw = ImageDraw.Draw(image)
    fonts = Fonts()
    width = SIZE[0] - 2 * MARGIN
    draw.rectangle((0, 0, SIZE[0], 24), fill=card.accent)
    y = 96
    kicker_text = fonts.drawable(card.kicker)
    if kicker_text:
        kicker = fonts.at(40)
        draw.text((MARGIN, y), _fitted(kicker_text, kicker, width), font=kicker, fill=card.accent)
        y += 72
    size, lines = _title_lines(fonts.drawable(card.title), fonts, width)
    title = fonts.at(size, bold=True)
    for line in lines:
        draw.text((MARGIN, y), line, font=title, fill=INK)
        y += int(size * 1.2)
    subtitle_text = fonts.drawable(card.subtitle)
    if subtitle_text:
        subtitle = fonts.at(36)
        for line in _wrapped(subtitle_text, subtitle, width, 2):
            draw.text((MARGIN, y + 12), line, font=subtitle, fill=INK)
            y += 46
    foot = fonts.at(36)
    site = _fitted(fonts.drawable(card.site), foot, width)
    draw.text((MARGIN, SIZE[1] - 96), site, font=foot, fill=card.accent)
    out = io.BytesIO()
    # The card's three colours and the steps between the background and each of the
    # others (the letters' anti-aliasing) are all it holds: as a palette image it is a
    # third of the bytes of full colour, and a third less time, zlib being most of the cost.
    palette = _palette(card.accent)
    image.quantize(palette=palette, dither=Image.Dither.NONE).save(out, "PNG")
    return out.getvalue()


class Fonts:
    """The card font at the sizes one card uses, and which letters it can draw.

    Made for one card and dropped with it: nothing is kept between cards or builds.
    """

    def __init__(self, regular: Path = REGULAR, bold: Path = BOLD) -> None:
        self.files = {False: regular, True: bold}
        self._sizes: dict[tuple[int, bool], ImageFont.FreeTypeFont] = {}
        self._known: dict[str, bool] = {}
        self._notdef: tuple[float, tuple[tuple[int, int], bytes]] | None = None

    def at(self, size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
        key = (size, bold)
        if key not in self._sizes:
            self._sizes[key] = ImageFont.truetype(str(self.files[bold]), size)
        return self._sizes[key]

    def draws(self, letter: str) -> bool:
        """Whether the font has a glyph for ``letter``: a letter it lacks is drawn as
        .notdef, the empty box, exactly as a code point no font maps. Its advance tells
        most letters apart at once; only those as wide as the box are drawn to compare."""
        if letter not in self._known:
            font = self.at(COVERAGE_SIZE)
            if self._notdef is None:
                self._notdef = (font.getlength(UNMAPPED), _ink(font, UNMAPPED))
            width, ink = self._notdef
            self._known[letter] = (
                letter.isspace() or font.getlength(letter) != width or _ink(font, letter) != ink
            )
        return self._known[letter]

    def drawable(self, text: str) -> str:
        """``text`` without the letters the font lacks, on one line of single spaces:
        the shaper refuses a line or paragraph separator (U+0085, U+2028) outright."""
        kept = "".join(letter for letter in text if self.draws(letter))
        return " ".join(kept.split())


def _ink(font: ImageFont.FreeTypeFont, letter: str) -> tuple[tuple[int, int], bytes]:
    mask = font.getmask(letter)
    return mask.size, bytes(mask)


def _palette(accent: str) -> Image.Image:
    ends = [ImageColor.getrgb(colour)[:3] for colour in (BACKGROUND, INK, accent)]
    background, others = ends[0], ends[1:]
    colours = [background] + [
        tuple(round(b + (o - b) * step / STEPS) for b, o in zip(background, other, strict=True))
        for other in others
        for step in range(1, STEPS + 1)
    ]
    palette = Image.new("P", (1, 1))
    palette.putpalette([value for colour in colours for value in colour])
    return palette


def _title_lines(title: str, fonts: Fonts, width: int) -> tuple[int, list[str]]:
    """The largest size at which the title fits in three lines, else the smallest, cut."""
    for size in (76, 64, 54):
        lines = _wrapped(title, fonts.at(size, bold=True), width, 4)
        if len(lines) <= 3:
            return size, lines
    return 54, _wrapped(title, fonts.at(54, bold=True), width, 4)


def _wrapped(text: str, font: Any, width: int, most: int) -> list[str]:
    """``text`` in lines no wider than ``width``, at most ``most`` (the last cut with …)."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if font.getlength(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = _fitted(word, font, width)  # a word wider than the card is cut
    if line:
        lines.append(line)
    if len(lines) > most:
        lines = [*lines[: most - 1], _fitted(lines[most - 1] + " …", font, width, always=True)]
    return lines


def _fitted(text: str, font: Any, width: int, always: bool = False) -> str:
    """``text``, cut with … where it is wider than ``width``."""
    if font.getlength(text) <= width and not always:
        return text
    while text and font.getlength(text + "…") > width:
        text = text[:-1]
    return text.rstrip(" …") + "…"


def write_cards(
    cards: Iterable[Card],
    output: Path,
    cache: Path | None,
    caches: CardCaches,
    produced: ProducedFiles,
) -> None:
    """Each card into output/cards/, drawn only if the cache holds no card of its digest.
    A card a preview's earlier build wrote is kept, and said to be (``produced``), so the
    build does not remove it as stale (hearth_site.produced).

    The cache keeps the cards of this build alone: one whose words changed is removed.
    """
    kept = Path(cache, FOLDER) if cache else None
    digests, names = set(), set()
    for card in cards:
        names.add(card.name)
        target = output / FOLDER / card.name
        digest = card.digest
        digests.add(digest)
        if caches.written.get(target) == digest and target.is_file():
            produced.keep(target)  # a preview's earlier build wrote it
            continue
        stored = kept / f"{digest}.png" if kept else None
        if stored is None or not stored.is_file():
            data = draw_card(card)
            caches.drawn += 1
            if stored is not None:
                write_atomically(stored, data)
            write_atomically(target, data)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(stored, target)
        caches.written[target] = digest
    # A card no page refers to any more (of a removed issue or topic) goes, as a fresh
    # build would not have it; so does the cache's card of a title since changed.
    for old in _pngs(output / FOLDER):
        if old.name not in names:
            old.unlink(missing_ok=True)
            caches.written.pop(old, None)
    for old in _pngs(kept):
        if old.stem not in digests:
            old.unlink(missing_ok=True)


def _pngs(folder: Path | None) -> list[Path]:
    return list(folder.glob("*.png")) if folder and folder.is_dir() else []
