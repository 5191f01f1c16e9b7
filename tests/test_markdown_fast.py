"""Hearth's faster Markdown (markdown_speed.py) gives exactly the HTML Python-Markdown gives."""

from __future__ import annotations

import os

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from markdown import Markdown
from markdown.extensions import Extension
from markdown.inlinepatterns import SimpleTagInlineProcessor

import pelicanconf
from hearth_bench.archive import issue_text
from hearth_core.inline_fast import FastInlineProcessor, _follows_known_rules
from hearth_issues.bodies import markdown_renderer
from hearth_members.render import note_markdown
from tests.sites import ROOT

# Pieces that reach every rule the fast path follows, and every one it leaves alone.
PIECES = [
    "word",
    "two words",
    " ",
    "\n",
    "\t",
    "\u00a0",
    "*",
    "**",
    "_",
    "__",
    "`",
    "``",
    "[",
    "]",
    "(",
    ")",
    "!",
    "^",
    "<",
    ">",
    "&",
    "&amp;",
    "&#38;",
    "\\",
    "\\`",
    '"',
    "'",
    ":",
    ".",
    "  \n",
    "{: .note}",
    "[x](https://a.example/b_c?d=1&e=2)",
    "[x y](https://a.example/(b))",
    '[x](https://a.example "title")',
    "[x](<https://a.example>)",
    "[x][ref]",
    "[ref]",
    "![alt](https://a.example/i.png)",
    "[^1]",
    "<https://a.example>",
    "<me@a.example>",
    "<b>bold</b>",
    "`<code & more>`",
    "*em*",
    "*em with words*",
    " *em* ",
    "**strong**",
    "***both***",
    "_under_",
]
DEFINITIONS = "\n\n[ref]: https://ref.example\n[^1]: A footnote.\n*[HTML]: Hypertext"
BLOCKS = [
    "{}",
    "- {}",
    "## {}",
    "> {}",
    "1. {}\n2. {}",
    "| a | b |\n|---|---|\n| {} | x |",
    "{}\n===",
    "Term\n: {}",
    "[TOC]\n\n## {}",
    "```python\n{}\n```",
    '```python hl_lines="1"\n{}\n```',
    "    {}",
    "```\n{}\n```",
]


ISSUE_FAST = markdown_renderer(pelicanconf.MARKDOWN)
ISSUE_STOCK = markdown_renderer(pelicanconf.MARKDOWN, speedups=False)
NOTE_FAST = note_markdown()
NOTE_STOCK = note_markdown(speedups=False)


def converted(markdown: Markdown, text: str) -> str:
    markdown.reset()
    return markdown.convert(text)


def assert_same_html(text: str) -> None:
    fast = converted(ISSUE_FAST, text), converted(NOTE_FAST, text)
    stock = converted(ISSUE_STOCK, text), converted(NOTE_STOCK, text)
    assert fast == stock


@settings(max_examples=int(os.environ.get("FUZZ", 1500)), deadline=None)
@given(
    pieces=st.lists(st.sampled_from(PIECES), max_size=14),
    block=st.sampled_from(BLOCKS),
    definitions=st.booleans(),
)
@example(pieces=["*", "word", "*", ".", " ", "*em*"], block="{}", definitions=False)
@example(pieces=["`", "[x](https://a.example)", "`"], block="- {}", definitions=False)
@example(pieces=["[", "`", "word", "`", "](https://a.example)"], block="{}", definitions=False)
@example(pieces=["[ref]", " ", "*em*"], block="{}", definitions=True)
def test_any_text_gives_the_same_html_as_python_markdown(pieces, block, definitions):
    text = block.replace("{}", "".join(pieces))
    assert_same_html(text + (DEFINITIONS if definitions else ""))


def test_issues_and_pages_give_the_same_html_as_python_markdown():
    sources = sorted((ROOT / "content").rglob("*.md"))
    texts = [path.read_text(encoding="utf-8").split("\n\n", 1)[-1] for path in sources]
    # The benchmark's issues: Markdown as varied as a real archive's.
    texts += [issue_text(number, 700, None) for number in (1, 350, 700)]
    assert len(texts) > 10
    for text in texts:
        assert_same_html(text)


def test_member_notes_give_the_same_html_as_python_markdown():
    notes = [
        path.read_text(encoding="utf-8")
        for path in sorted((ROOT / "content" / "members").glob("*"))
    ]
    assert notes
    for note in notes:
        assert_same_html(note)


@pytest.mark.parametrize("markdown", [ISSUE_FAST, NOTE_FAST], ids=["issues", "member notes"])
def test_newsletter_lines_take_the_fast_path(markdown):
    # A change of Python-Markdown or of the settings that turned it off would
    # cost half the build's Markdown time without changing a byte: say so here.
    assert _follows_known_rules(markdown)
    processor = markdown.treeprocessors["inline"]
    assert isinstance(processor, FastInlineProcessor)
    processor.run(markdown.parser.parseDocument(["warm-up"]).getroot())
    line = "[A *good* read](https://a.example/x_y?a=1&b=2): it says `x < y` and *more*."
    assert processor._simple_inline(line) is not None


class Strikethrough(Extension):
    def extendMarkdown(self, md):
        md.inlinePatterns.register(SimpleTagInlineProcessor(r"(~~)(.+?)~~", "del"), "del", 65)


def test_another_inline_pattern_turns_the_fast_path_off():
    config = {**pelicanconf.MARKDOWN, "extensions": [Strikethrough()]}
    fast, stock = markdown_renderer(config), markdown_renderer(config, speedups=False)
    assert not _follows_known_rules(fast)
    text = "A ~~struck~~ word, [a *link*](https://a.example) and `code`."
    assert "<del>struck</del>" in converted(fast, text)
    assert converted(fast, text) == converted(stock, text)
