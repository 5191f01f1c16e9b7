"""Simple member notes skip Markdown and nh3 (render._simple_note_html), with the same HTML."""

from __future__ import annotations

import random
import re
from datetime import date

import pytest
import yaml

from hearth_bench.archive import _member_text
from hearth_members import render
from hearth_members.render import _simple_note_html, note_markdown, safe_note_html
from tests.sites import ROOT
from tests.test_members_safety import PAYLOADS, assert_safe

ORDINARY = [
    "Early afternoons maps something the shipping members every about make use. "
    "*afternoons* matters.",
    "Why it is *worth* reading, **twice**.",
    "A short list of collections with clear rights statements, and the two popular ones "
    "I stopped using because I couldn't tell what was safe.",
    'She calls it "the quiet list" -- and it is: 12 links (mostly old), no ads!',
    "Read it twice. *Really* worth it?\n",
]

WORDS = ["word", "Two", "notes", "x", "1", "2024", "e.g.", "don't", '"quoted"', "(aside)"]
# Pieces that keep a note simple, and pieces that must send it down the full path.
SIMPLE_PIECES = [
    *WORDS,
    *".,;:!?'\"()-",
    "--",
    "...",
    "*em*",
    "*em two*",
    "**strong**",
    "**strong two**",
    "*1*",
    "*em*.",
    "*em two*,",
    "**strong**!?",
]
REJECTED = "<>&[]`\\_#|~=/@*\t\r\x00\x0c"
OTHER_PIECES = [
    *REJECTED,
    "\n",
    "\n\n",
    "  ",
    "  \n",
    "\n===",
    "\n---",
    "***x***",
    "*x**",
    "**x*",
    "* x*",
    "*x *",
    "*x*y",
    "(*x*)",
    '"*x*"',
    "* ",
    "1. ",
    "- ",
    "> ",
    "# ",
    "    ",
    "é",
    "\u00a0",
    "\u200b",
    "\u2028",
    "—",
    "🙂",
    "&amp;",
    "&#106;",
    "[x](https://a.example)",
    "<https://a.example>",
    "https://a.example",
    "a@b.example",
]


STOCK = note_markdown(speedups=False)


def full_path_html(text: str, speedups: bool = True) -> str:
    """``safe_note_html`` as it was before the fast path: Markdown, then nh3, for every note."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(render, "_simple_note_html", lambda _text: None)
        if not speedups:
            patch.setattr(render, "_markdown", lambda: STOCK)
        return safe_note_html("", text)


def generated_notes(count: int) -> list[str]:
    rng = random.Random(20_251)
    notes = []
    for _ in range(count):
        pieces = [rng.choice(SIMPLE_PIECES) for _ in range(rng.randint(1, 8))]
        if rng.random() < 0.4:
            # Somewhere in the note, once or more: a piece outside the simple form.
            for _ in range(rng.randint(1, 2)):
                pieces.insert(rng.randint(0, len(pieces)), rng.choice(OTHER_PIECES))
        note = (" " if rng.random() < 0.9 else "").join(pieces)
        if rng.random() < 0.8:
            note = rng.choice(["Note ", "A ", "It's "]) + note
        if rng.random() < 0.2:
            note = rng.choice([" ", "1 ", "\n", "*x* "]) + note
        if rng.random() < 0.3:
            note += rng.choice(["\n", " ", "\n\n", " \n"])
        notes.append(note)
    return notes


def test_ordinary_notes_take_the_fast_path_with_the_same_html():
    for note in ORDINARY:
        html = _simple_note_html(note)
        assert html is not None, note
        assert html == safe_note_html("", note) == full_path_html(note)
    assert _simple_note_html(ORDINARY[1]) == (
        "<p>Why it is <em>worth</em> reading, <strong>twice</strong>.</p>"
    )


def test_the_benchmark_archive_s_notes_all_take_the_fast_path():
    member = yaml.safe_load(_member_text(7, 40, date(2020, 1, 1), 365, 0))
    notes = [link["note"] for link in member["links"] if "note" in link]
    assert len(notes) == 20
    for note in notes:
        assert _simple_note_html(note) == full_path_html(note), note


def test_the_demo_site_s_notes_give_the_same_html():
    notes = [
        link["note"]
        for path in sorted((ROOT / "content" / "members").glob("*.yml"))
        for link in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("links", [])
        if link.get("note")
    ]
    fast = [note for note in notes if _simple_note_html(note) is not None]
    assert len(fast) > len(notes) * 3 // 4
    for note in notes:
        assert safe_note_html("", note) == full_path_html(note), note


@pytest.mark.parametrize("speedups", [True, False], ids=["fast markdown", "stock markdown"])
def test_any_note_gives_the_same_html_with_or_without_the_fast_path(speedups):
    notes = generated_notes(1500 if speedups else 500)
    taken = 0
    for note in notes:
        simple = _simple_note_html(note)
        assert safe_note_html("", note) == full_path_html(note, speedups), note
        if simple is not None:
            taken += 1
            # Nothing but the paragraph and emphasis, whatever the member wrote.
            assert set(re.findall(r"</?([^>]*)>", simple)) <= {"p", "em", "strong"}, note
    # Both paths are exercised, not just one of them.
    assert len(notes) // 5 < taken < len(notes) * 4 // 5


@pytest.mark.parametrize("piece", [*REJECTED, "\n\n", "  ", "é", "\u00a0", "\u2028"])
def test_every_character_outside_the_simple_set_takes_the_full_path(piece):
    for note in (f"A note {piece} here.", f"A note{piece}", f"{piece}A note."):
        assert _simple_note_html(note) is None, note


def test_hostile_notes_never_take_the_fast_path():
    hostile = [
        *PAYLOADS,
        "&#106;avascript:alert(1)",
        '<img src=x onerror="alert(1)">',
        "[x](javascript:alert(1))",
        "Read *this* <script>alert(1)</script>",
    ]
    for payload in hostile:
        for note in (payload, f"A fine *note* {payload}", f"{payload} *x*."):
            assert _simple_note_html(note) is None, note
            assert_safe(safe_note_html("", note))


def test_an_address_without_markup_stays_text_on_both_paths():
    # Neither Markdown nor nh3 makes a link of a bare address: it is only words.
    for note in ("Try javascript:alert(1) now.", "Click *here* javascript:alert(1)"):
        html = _simple_note_html(note)
        assert html is not None and "<a" not in html
        assert html == full_path_html(note) == full_path_html(note, speedups=False)


def test_a_build_sends_only_the_notes_that_need_markdown_to_the_workers(monkeypatch):
    from hearth_core import parallel
    from hearth_core.parallel import worker_pool

    monkeypatch.setattr(parallel, "BATCH_CHARACTERS", 10)
    memo = parallel.TextMemo(safe_note_html)  # as a build state's MemberCaches keeps it
    simple = ["A plain *note*.", "Another one."]
    rich = ["See [the post](https://ex.org/p) <b>now</b>.", "- a list\n- of two"]
    sent = []
    start = memo.start

    def recording_start(options, texts, *args, **kwargs):
        texts = list(texts)
        sent.extend(texts)
        return start(options, texts, *args, **kwargs)

    monkeypatch.setattr(memo, "start", recording_start)
    with worker_pool() as pool:
        render.start_notes(simple + rich, pool, memo)
        rendered = [render.note_html(note, memo) for note in simple + rich]
    assert sent == rich
    assert rendered == [safe_note_html("", note) for note in simple + rich]
