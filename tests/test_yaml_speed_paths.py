"""libyaml reads ordinary files fast, and every file exactly as PyYAML's own scanner would."""

from __future__ import annotations

import gc
import random
from pathlib import Path

import pytest

from hearth_core import yamlsource
from hearth_core.yamlsource import Value, load_yaml

PATH = Path("content/members/ada.yml")
MEMBER = """\
handle: ada
name: Ada Example
bio: |
  Writes about type, zines and *slow* software.
  Second line: with a colon, a # and a question? Yes.
website: https://ada.example/?from=hearth
links:
  - url: https://ada.example/posts/1?page=2#top
    title: 'Kerning, and why it''s hard'
    date: 2025-10-08
    tags: [typography, design]
    note: A *really* good post - with a dash, and &c. Worth it!
  - url: https://ada.example/posts/2
    title: "Tabs\\tand \\"quotes\\" é 😀"
    date: 2024-02-29
    tags:
      - zines
    discussion: https://social.example/@ada/1
"""


def shape(value: Value | None) -> object:
    """A value with the type of every datum, since True == 1 and 1 == 1.0."""
    if value is None:
        return None
    data = value.data
    if isinstance(data, list):
        data = [shape(item) for item in data]
    elif isinstance(data, dict):
        data = {key: shape(item) for key, item in data.items()}
    else:
        data = (type(data).__name__, data)
    return data, value.line, value.raw


def in_python(text: str) -> tuple[object, list]:
    """What load_yaml says when PyYAML's pure-Python scanner reads every file."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(yamlsource, "_compose_in_c", lambda text: yamlsource._UNSURE)
        value, problems = load_yaml(PATH, text)
    return shape(value), problems


def as_loaded(text: str) -> tuple[object, list]:
    value, problems = load_yaml(PATH, text)
    return shape(value), problems


@pytest.mark.parametrize(
    "text",
    [
        MEMBER,
        MEMBER.replace("\n", "\n\n").rstrip("\n"),
        "name: Ada\nlinks:\n  - url: https://x.example\n    date: 2025-13-45\n",
        "dates: [2024-02-29, 2023-02-29, 0000-01-01, 2025-1-5, 2025-10-08 10:00:00]\n",
        "name: Ada\nname: Bo\n1984: x\nyes: y\n? [a]\n: z\n",
        "a:\n-\n- [b, {c: d}]\n- ? e\n  : f\nnote: >\n  folded\n\n  text\n",
        "",
        "# only a comment",
    ],
)
def test_libyaml_reads_ordinary_files_exactly_as_pyyaml_does(text):
    assert yamlsource._compose_in_c(text) is not yamlsource._UNSURE
    assert as_loaded(text) == in_python(text)


@pytest.mark.parametrize(
    "text",
    [
        "name: &Co\n",
        "name: *a\n",
        "name: !important\n",
        "links:\n  - &a\n    url: x\n",
        "? !!str a\n: b\n",
        "tags: [a,*b]\n",
        "tags: {a: b, c: &d e}\n",
        "&a name: x\n",
        "--- !!map\na: b\n",
        "note: *Really* good\n",
        "%YAML 1.1\n---\na: b\n",
        "name: Ada\n\tbio: x\n",
        "name: Ada\t\nbio: x\n",
        "name: Ada\r\nbio: x\r\n",
        "\ufeffname: Ada\n",
        "name: Ada\x85bio: x\n",
        "name: 'Ada\x07'\n",
        "name: 'Ada\ud800'\n",
        "---",
        "tags: [what? yes]\n",
        "a: {?\n}\n",
        "name: Ada\n---\nname: Bo\n",
        "name: 'Ada\n",
    ],
)
def test_files_libyaml_may_read_differently_are_left_to_pyyaml(text):
    assert yamlsource._compose_in_c(text) is yamlsource._UNSURE
    assert as_loaded(text) == in_python(text)


def test_an_invisible_character_is_still_named_with_its_line():
    assert [str(p) for p in load_yaml(PATH, "name: Ada\nbio: '\x1b'\n")[1]] == [
        "content/members/ada.yml:2: invalid YAML: the file contains the invisible character "
        "U+001B — delete it (retyping the line is the easiest way)"
    ]


def test_changed_files_read_the_same_both_ways():
    """Small edits to a good file, most of them mistakes, as a member might make them."""
    pieces = [
        *("&", "*", "!", "?", "? ", "- ", ": ", ":", ",", "[", "]", "{", "}", "#", " #"),
        *("'", '"', "|", ">", "@", "%", "\t", "\r\n", "\n", "\n  ", "\n- ", "---", "..."),
        *("yes", "~", "1e3", "2025-02-30", "x" * 1030, "é", "\u2028", "\ufeff", "  "),
    ]
    rng = random.Random(2025)
    via_libyaml = 0
    for _ in range(300):
        text = MEMBER
        for _ in range(rng.randint(1, 3)):
            at = rng.randint(0, len(text))
            if rng.random() < 0.7:
                text = text[:at] + rng.choice(pieces) + text[at:]
            else:
                text = text[:at] + text[at + rng.randint(1, 6) :]
        via_libyaml += yamlsource._compose_in_c(text) is not yamlsource._UNSURE
        assert as_loaded(text) == in_python(text), text
    assert via_libyaml > 50, "too few edits reached the libyaml path to test it"


@pytest.mark.parametrize("enabled", [True, False])
def test_the_cycle_collector_is_left_as_it_was(enabled):
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        load_yaml(PATH, MEMBER)
        load_yaml(PATH, "name: 'Ada\n")
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
