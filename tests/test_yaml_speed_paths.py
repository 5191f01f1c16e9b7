"""Files are read by libyaml where it reads exactly as PyYAML would, and by PyYAML otherwise."""

from __future__ import annotations

import gc
import random
from pathlib import Path

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

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


ORDINARY = ["Ada", "A good post", "https://a.example/p?q=1#top", "2025-10-08", "[design]"]
TYPED = [  # values a member may write, which YAML may read as no text
    *("yes", "No", "on", "OFF", "true", "null", "Null", "~", "", "1984", "+1", "1.5", "1e3"),
    *("1.5e+3", ".inf", "0x1f", "0o17", "0b101", "1_000", "1:30", "<<", "=", "2024-02-29"),
    *("2025-13-45", "2025-1-5", "2024-02-29 10:00:00", "2024-02-29t10:00Z", "a:b", "a :b"),
    *("a#b", "a  b", "it's", "a ]", "a, [b], {c}", "é", "😀", "\u00a0x", "x\u00a0", "..."),
    *("x" * 1030, "[a, b]", "[a,b]", "[]", "[a-, 1984, yes, 2025-01-01, 0x1f, No]"),
    *("'a'", '"a"', "''", '""', '"1984"', "'yes'", '" a: b # c "', "'a\\b'", '"@a@b.example"'),
]
ODD = [  # values that need quotes, or are not what they seem
    *(" ", "-1", "a: b", "a:", "a #b", "# c", "a ", "'it''s'", '"a\\"b"', '"a\\tb"', "'a' b"),
    *('"a" #c', "'a", '"a', "-a", "- a", "?a", ":a"),
    *(",a", "*a*", "&a", "!a", "|", ">", "%a", "@a", "`a", "{a}", "[a, ]", "[a b]", "[-a]"),
    *("[a,  b]", "[a, [b]]", "[a, {b: c}]", "[a?]", "[a] b", "\u2028", "\ufeff", "a\tb"),
    *("---", "~ #", "[~]", "[a.b]"),
]
ODD_KEYS = ["yes", "null", "on", "Url", "1984", "x" * 1030, "a b", "url ", "- url", "links"]


def template_member(links: int) -> str:
    """A file as the template makes it, links and all."""
    lines = [
        "# Share links with The Workbench community: copy this file to",
        "handle: ada",
        "name: Ada Example",
        "bio: Makes tiny apps, the odd zine & [rare] things:mostly! 100% é 😀",
        "website: https://ada.example/?from=hearth#top",
        "",
        "# The links you share; the order does not matter.",
        "links:",
        "    # Required. The address: http:// or https:// only.",
    ]
    for number in range(links):
        lines += [
            f"  - url: https://ada.example/posts/{number}?a=b:c",
            f"    title: Yes, {number} reasons a*b is ~ok - or 'not'",
            f"    date: 2025-10-{number % 28 + 1:02}",
            "    tags: [design, side-projects]" if number % 2 else "    tags: [zines,tools]",
            "    note: A *really* good post,with a colon:in it, a#hash and a question? Yes:no.",
            f"    discussion: https://social.example/@ada/{number}",
        ]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    "text",
    [
        template_member(3),
        template_member(1).replace("\n", "\n\n"),
        "links: []\nname: Ada\n",
        "name: yes\nbio: 1984\nwebsite: ~\nfediverse:\nlinks:\n - url: null\n   date: 2025-13-45\n",
        "name: Ada\nlinks:\n  - url:\n  - url: x\n    tags: [1984, yes, 2025-01-01, 0x1f, a-b]\n",
        "tags: []\nlinks:\n      - date: 2024-02-29\n        note: 1.5\nname: 1_000\n",
        "name: Ada\nlinks:\n# at column 0\n    - url: x\n\n# between\n    - url: y\nbio:\n",
        "a: <<\nb: =\nc: ...\nd: 1:30\ne: .inf\nf: 2025-10-08 10:00:00\ng: a:b#c\nh: A  B\n",
        "name: Ada",
        "fediverse: \"@ada@social.example\"\nname: '1984'\nbio: 'a: b # c \\ '\nnote: \"\"\n",
    ],
)
def test_template_shaped_files_are_read_by_libyaml_as_pyyaml_reads_them(text):
    assert yamlsource._compose_in_c(text) is not yamlsource._UNSURE
    assert as_loaded(text) == in_python(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "# only a comment\n",
        "---\nname: Ada\n",
        "name: Ada\nname: Bo\n",
        "links:\n  - url: x\n    url: y\n",
        "yes: y\n",
        "name: Ada\nlinks:\n  - on: x\n",
        "name: Ada # a comment\n",
        "name: Ada \n",
        "name:  \n",
        "name: a: b\n",
        "name: Ada:\n",
        "name:Ada\n",
        "name : Ada\n",
        "Name: Ada\n",
        "name: 'Ada''s'\n",
        'name: "\\u00e9"\n',
        'name: "Ada" # a comment\n',
        "name: -1\n",
        "name: *a\n",
        "bio: |\n  text\n",
        "bio: Makes\n  apps\n",
        "name: Ada\n  bio: x\n",
        " name: Ada\n",
        "links:\n- url: x\n",
        "links:\n  - url: x\n   title: y\n",
        "links:\n  - url: x\n      title: y\n",
        "links:\n  - url: x\n    - title: y\n",
        "links:\n  -  url: x\n",
        "links:\n  - url: x\nname: Ada\n  - url: y\n",
        "name: Ada\n  - url: x\n",
        "links:\n  - url:\n      - x\n",
        "links:\n  - tags:\n    - x\n",
        "tags: [a b]\n",
        "tags: [a, ]\n",
        "tags: [-a]\n",
        "tags: [a,  b]\n",
        "tags: [a] \n",
        "tags: [a, 'b']\n",
        "tags: {a: b}\n",
        "name: Ada\tLovelace\n",
        "name: Ada\r\nbio: x\r\n",
        "\ufeffname: Ada\n",
        "x" * 65 + ": long key\n",
    ],
)
def test_files_off_the_template_s_shape_read_the_same_either_way(text):
    assert as_loaded(text) == in_python(text)


def test_each_odd_value_and_key_reads_the_same_either_way():
    """Every odd value as a field, a link's first field and a later one; every odd key."""
    files = [
        "name: Ada\n{}: {}\nlinks:\n  - url: x\n    title: y\n",
        "name: Ada\nlinks:\n  - {}: {}\n    title: y\n  - url: z\n",
        "name: Ada\nlinks:\n  - url: x\n    {}: {}\n    title: y\n",
    ]
    for key, value in [*(("a", value) for value in TYPED + ODD), *((key, "b") for key in ODD_KEYS)]:
        for file in files:
            text = file.format(key, value).replace(": \n", ":\n")  # "bio:" when empty
            assert as_loaded(text) == in_python(text), text


def test_generated_files_read_the_same_either_way():
    """Files in the template's shape with odd values, keys and indentation mixed in."""
    rng = random.Random(2026)

    def pick(choices: list[str], rare: list[str], chance: float = 0.05) -> str:
        return rng.choice(rare) if rng.random() < chance else rng.choice(choices)

    def mapping(keys: list[str], first: str, then: str) -> list[str]:
        """Lines of fields, the first key after ``first``; now and then a key repeats."""
        names = rng.sample(keys, rng.randint(1, len(keys)))
        names += [rng.choice(names)] if rng.random() < 0.03 else []
        lines = []
        for number, name in enumerate(names):
            value = pick(ORDINARY + ORDINARY + TYPED, ODD)
            space = pick([" "], ["", "  "]) if value else pick([""], [" "])
            lines.append(f"{then if number else first}{pick([name], ODD_KEYS)}:{space}{value}")
        return lines

    fast = 0
    for _ in range(400):
        top = rng.sample(["handle", "name", "bio", "website", "fediverse", "a_b"], 4)
        lines = mapping(top[:2], "", "")
        lines.append(pick(["links:"], ["links: x", "links: []", "  links:", "", "# c"]))
        dash = pick([" ", "  ", "    "], ["", "   ", "\t"])
        for _ in range(rng.randint(0, 3)):
            below = pick([dash + "  "], [dash, dash + " ", dash + "   ", "", dash + "- "])
            lines += mapping(["url", "title", "date", "tags", "note"], dash + "- ", below)
            if rng.random() < 0.1:
                lines.append(rng.choice(["", "# c", "  # c", "   ", "---", "  - "]))
        lines += mapping(top[2:], "", "") if rng.random() < 0.5 else []
        end = pick(["\n"], ["\r\n", "\n\n", " \n"])
        text = end.join(lines) + pick(["\n", ""], [end, "\n..."])
        fast += yamlsource._compose_in_c(text) is not yamlsource._UNSURE
        assert as_loaded(text) == in_python(text), text
    assert fast > 100, "too few files reached the libyaml path to test it"


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


def flow_depth(loader: yaml.SafeLoader | yaml.CSafeLoader) -> int:
    """How deep ``[ ]`` and ``{ }`` nest, as the parser reads them up to any mistake."""
    depth = deepest = 0
    try:
        while (event := loader.get_event()) is not None:
            if isinstance(event, yaml.CollectionStartEvent) and event.flow_style:
                depth += 1
                deepest = max(deepest, depth)
            elif isinstance(event, yaml.CollectionEndEvent) and depth:
                depth -= 1
    except yaml.YAMLError:
        pass
    finally:
        loader.dispose()
    return deepest


FLOW_PIECES = ["[", "]", "{", "}", "'", '"', "#", "!", "a", " ", ",", "\n", ": ", "- ", "\\"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(FLOW_PIECES), max_size=60).map("".join))
@example("['a]', [b]]")  # brackets hidden in quotes,
@example('["a}", {b: [c]}]')
@example("[a, #]\n [b]]")  # in a comment
@example("[!a] [b]]")  # and in a tag
@example("[a: [b: [c: d]]]")  # three [, six levels
def test_the_bracket_count_is_never_below_the_depth_either_parser_reads(text):
    # Past MAX_DEPTH libyaml would overflow the C stack, so the bound that spares the
    # second parse of nearly every file must never be under what a parser reaches.
    # Each [ may hold the mapping of a "[key: value]" entry too.
    bound = 2 * yamlsource._flow_depth_bound(text)
    assert bound >= flow_depth(yaml.SafeLoader(text))
    assert bound >= flow_depth(yaml.CSafeLoader(text))


def test_a_member_file_of_a_thousand_links_is_parsed_once(monkeypatch):
    # Its "tags: [a, b]" lines count one level each, not a thousand.
    def second_parse(loader):
        raise AssertionError("the depth was counted by a second parse")

    monkeypatch.setattr(yamlsource, "_deepest_event", second_parse)
    value, problems = load_yaml(PATH, template_member(1000))
    assert problems == [] and len(value.data["links"].data) == 1000
