"""Every way a member can get their links file wrong is reported as path:line: field: what to do."""

from __future__ import annotations

import datetime
import textwrap
from pathlib import Path

import pytest

from hearth_members.collect import load_members
from hearth_members.validate import parse_member

ROOT = Path(__file__).resolve().parent.parent
VOCABULARY = (
    *("apps", "design", "typography", "writing", "zines"),
    *("side-projects", "tools", "shipping", "accessibility"),
)
ALLOWED_TAGS = (
    "accessibility, apps, design, shipping, side-projects, tools, typography, writing, zines"
)
TODAY = datetime.date(2025, 10, 10)
GOOD = """\
    name: Ada Example
    links:
      - url: https://example.org/post
        title: A good post
        date: 2025-10-08
"""


def parse(text: str, name: str = "ada.yml", today: datetime.date = TODAY):
    path = Path("content/members") / name
    return parse_member(path, textwrap.dedent(text), VOCABULARY, today)


def problems_of(text: str, name: str = "ada.yml") -> list[str]:
    """The problem lines for a file that must be refused."""
    member, problems = parse(text, name)
    assert member is None, "a file with problems must not become a member"
    return [str(item) for item in sorted(problems)]


def with_link(**fields: str) -> str:
    """A valid file whose one link has ``fields`` replaced (value None removes the line)."""
    link = {"url": "https://example.org/post", "title": "A good post", "date": "2025-10-08"}
    link.update(fields)
    lines = [f"    {key}: {value}" for key, value in link.items() if value is not None]
    return "name: Ada Example\nlinks:\n  -" + "\n".join(lines)[3:] + "\n"


# The file as a member writes it


def test_a_complete_file_becomes_a_member_with_its_links():
    member, problems = parse(
        """\
        handle: ada
        name: Ada Example
        bio: Makes tiny apps.
        website: https://ada.example
        fediverse: "@ada@social.example"
        links:
          - url: https://example.org/post
            title: A good post
            date: 2025-10-08
            note: Why it is *worth* reading.
            tags: [design, tools]
            discussion: https://forum.theworkbench.example/t/x/12
        """
    )
    assert problems == []
    assert member is not None
    assert (member.handle, member.name, member.bio) == ("ada", "Ada Example", "Makes tiny apps.")
    assert (member.website, member.fediverse) == ("https://ada.example", "@ada@social.example")
    [link] = member.links
    assert link.url == "https://example.org/post"
    assert link.title == "A good post"
    assert link.date == datetime.date(2025, 10, 8)
    assert link.note == "Why it is *worth* reading."
    assert link.tags == ("design", "tools")
    assert link.discussion == "https://forum.theworkbench.example/t/x/12"
    assert (link.member, link.source) == ("ada", Path("content/members/ada.yml"))


def test_every_link_and_field_keeps_its_line_for_later_cross_file_messages():
    member, _ = parse(
        """\
        name: Ada Example

        links:
          - url: https://example.org/one
            title: One
            date: 2025-10-01
          - title: Two
            date: 2025-10-02
            url: https://example.org/two
        """
    )
    assert member is not None
    assert member.line_of("name") == 1
    assert member.line_of("links") == 3
    one, two = member.links
    assert (one.line, one.line_of("url"), one.line_of("date")) == (4, 4, 6)
    assert (two.line, two.line_of("url"), two.index) == (7, 9, 1)
    assert two.field_path("url") == "links[1].url"


def test_the_template_is_a_valid_member_once_named_after_its_handle():
    text = (ROOT / "content/members/_template.yml").read_text(encoding="utf-8")
    member, problems = parse_member(
        Path("content/members/your-login.yml"), text, VOCABULARY, datetime.date.today()
    )
    assert problems == []
    assert member is not None and member.links
    assert {field for link in member.links for field, _line in link.lines} == {
        *("url", "title", "date", "note", "tags", "discussion")
    }
    assert set(member.lines) == {
        *("handle", "name", "bio", "website", "feed", "blogroll", "fediverse", "links")
    }


def test_a_copied_template_with_its_handle_unchanged_is_refused():
    text = (ROOT / "content/members/_template.yml").read_text(encoding="utf-8")
    _, problems = parse_member(
        Path("content/members/bo.yml"), text, VOCABULARY, datetime.date.today()
    )
    assert [str(item) for item in problems] == [
        "content/members/bo.yml:12: handle: 'your-login' does not match the file name bo.yml: "
        "both are your GitHub login in lower case; make them the same, or remove the handle line"
    ]


@pytest.mark.parametrize("links", ["links: []", "links:", ""])
def test_a_member_may_share_no_links_yet(links):
    member, problems = parse(f"name: Ada Example\n{links}\n")
    assert problems == []
    assert member is not None and member.links == ()


def test_optional_fields_left_empty_count_as_absent():
    member, problems = parse(
        "name: Ada\nbio:\nwebsite:\nfediverse:\nlinks:\n"
        "  - url: https://example.org/post\n    title: T\n    date: 2025-10-08\n"
        "    note:\n    tags:\n    discussion:\n"
    )
    assert problems == []
    assert member is not None
    assert (member.bio, member.website, member.fediverse) == ("", None, None)
    [link] = member.links
    assert (link.note, link.tags, link.discussion) == ("", (), None)


# YAML that surprises


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "fediverse: @ada@social.example\n",
            "content/members/ada.yml:1: invalid YAML: a value on line 1 starts with @, which "
            'YAML reserves — put the whole value in quotes, like "@ada@social.example"',
        ),
        (
            "name: Ada\nlinks:\n  - url: https://example.org/post\n    note: *Really* good\n",
            "content/members/ada.yml:4: invalid YAML: a value on line 4 starts with *, which "
            'YAML reserves — put the whole value in quotes, like note: "*Really* good"',
        ),
        (
            "name: Ada: the sequel\n",
            'content/members/ada.yml:1: invalid YAML: the value of name on line 1 holds ": ", '
            "which YAML reads as the start of another field — put the whole value in quotes: "
            'name: "Ada: the sequel"',
        ),
        (
            "name: Ada\n\tbio: x\n",
            "content/members/ada.yml:2: invalid YAML: line 2 holds a tab — indent with spaces, "
            "never tabs",
        ),
        (
            "name: 'Ada\n",
            "content/members/ada.yml:1: invalid YAML: the quote opened on line 1 is never "
            "closed — close it on the same line; inside 'single quotes' write a ' as ''",
        ),
        (
            "name: Ada\nlinks:\n  - url: https://example.org/post\n   title: T\n",
            "content/members/ada.yml:4: invalid YAML: title: on line 4 starts in column 4, but "
            "url: on line 3 starts in column 5 — align title: with url: (or whichever is out "
            "of line), as each field of a link starts in the same column as url:",
        ),
        (
            "name: Ada\nlinks:\n  - url: https://example.org/post\n    title T\n    date: x\n",
            "content/members/ada.yml:4: invalid YAML: line 4 has no field name and colon — "
            "each line needs one, like title: A good post; a long value continues on lines "
            "indented under its field",
        ),
        (
            "name: Ada\n---\nname: Bo\n",
            "content/members/ada.yml:2: invalid YAML: the --- on line 2 starts a second "
            "document — remove it: one member per file",
        ),
        (
            "name: 'Ada\x07'\n",
            "content/members/ada.yml:1: invalid YAML: the file contains the invisible character "
            "U+0007 — delete it (retyping the line is the easiest way)",
        ),
    ],
)
def test_invalid_yaml_names_its_line_and_how_to_fix_it(text, expected):
    assert problems_of(text) == [expected]


def test_a_key_written_twice_is_reported_instead_of_silently_keeping_the_last():
    text = with_link(title="First\n    date: 2025-10-01\n    title: Second")
    assert problems_of(text) == [
        "content/members/ada.yml:6: links[0].title: appears twice (first on line 4): keep one",
        "content/members/ada.yml:7: links[0].date: appears twice (first on line 5): keep one",
    ]
    assert problems_of("name: Ada\nname: Bo\n") == [
        "content/members/ada.yml:2: name: appears twice (first on line 1): keep one"
    ]


def test_keys_that_yaml_reads_as_numbers_or_true_false_are_not_field_names():
    assert problems_of("name: Ada\n1984: x\nyes: y\n? [a]\n: z\n") == [
        "content/members/ada.yml:2: the key 1984 is not a field name (YAML reads it as a "
        "number): write field names as the template does, like name: or url:",
        "content/members/ada.yml:3: the key yes is not a field name (YAML reads it as "
        "true/false): write field names as the template does, like name: or url:",
        "content/members/ada.yml:4: a list or group of fields cannot be a key: write field "
        "names like name: or url:",
    ]


@pytest.mark.parametrize(
    ("value", "what"),
    [
        ("&Co", "&Co is a YAML anchor"),
        ("!important", "!important is a YAML tag"),
        ("!!binary aGk=", "!!binary is a YAML tag"),
    ],
)
def test_anchors_aliases_and_tags_are_refused_because_members_meant_text(value, what):
    assert problems_of(f"name: {value}\n") == [
        f"content/members/ada.yml:1: {what}, which member files do not use: "
        'put text that starts with *, & or ! in "quotes"'
    ]


def test_an_alias_is_refused_without_expanding_it():
    text = "name: &a Ada\nbio: *a\n"
    assert problems_of(text) == [
        "content/members/ada.yml:1: &a is a YAML anchor, which member files do not use: "
        'put text that starts with *, & or ! in "quotes"',
        "content/members/ada.yml:2: *a is a YAML alias, which member files do not use: "
        'put text that starts with *, & or ! in "quotes"',
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "the file is empty: copy content/members/_template.yml and fill it in"),
        (
            "- Ada\n",
            "the file holds a list, not fields: copy content/members/_template.yml and fill it in",
        ),
    ],
)
def test_a_file_without_fields_points_to_the_template(text, expected):
    assert problems_of(text) == [f"content/members/ada.yml:1: {expected}"]


# Fields


def test_unknown_fields_suggest_the_close_one_and_list_the_allowed_ones():
    text = with_link(titel="Typo") + "nmae: Ada\nurl: https://example.org/x\n"
    assert problems_of(text) == [
        "content/members/ada.yml:6: links[0].titel: unknown field (did you mean title?): use "
        "one of url, title, date, note, tags, discussion, or remove it",
        "content/members/ada.yml:7: nmae: unknown field (did you mean name?): use one of "
        "handle, name, bio, website, fediverse, feed, blogroll, links, or remove it",
        "content/members/ada.yml:8: url: unknown field (url belongs inside a link): use one of "
        "handle, name, bio, website, fediverse, feed, blogroll, links, or remove it",
    ]


def test_a_member_field_inside_a_link_is_pointed_back_to_the_top():
    assert problems_of(with_link(bio="Me")) == [
        "content/members/ada.yml:6: links[0].bio: unknown field (bio belongs at the top): use "
        "one of url, title, date, note, tags, discussion, or remove it"
    ]


def test_missing_required_fields_say_what_line_to_add():
    assert problems_of("bio: Hi\n") == [
        "content/members/ada.yml:1: name: missing: add a line like name: Ada Example"
    ]
    assert problems_of("name: Ada\nlinks:\n  - note: Hi\n") == [
        "content/members/ada.yml:3: links[0].date: missing: add a line like date: 2025-10-08 "
        "to this link",
        "content/members/ada.yml:3: links[0].title: missing: add a line like title: A good "
        "post to this link",
        "content/members/ada.yml:3: links[0].url: missing: add a line like url: "
        "https://example.org/post to this link",
    ]


def test_required_fields_left_empty_say_what_to_write():
    assert problems_of(with_link(url="", title="''", date="")) == [
        "content/members/ada.yml:3: links[0].url: is empty: write it after the colon, like "
        "url: https://example.org/post",
        "content/members/ada.yml:4: links[0].title: is empty: write it after the colon, like "
        "title: A good post",
        "content/members/ada.yml:5: links[0].date: is empty: write it after the colon, like "
        "date: 2025-10-08",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "name: 1984\n",
            'name: must be text, but YAML reads 1984 as a number: put it in quotes, like "1984"',
        ),
        (
            "name: Ada\nbio: yes\n",
            'bio: must be text, but YAML reads yes as true/false: put it in quotes, like "yes"',
        ),
        (
            "name: [Ada, Example]\n",
            "name: must be text, not a list: write it on the same line, after the colon",
        ),
        (
            "name: Ada\nlinks: https://example.org/post\n",
            'links: must be a list of links, each starting with "- url:" on a new line, not '
            "text: see content/members/_template.yml",
        ),
        (
            "name: Ada\nlinks:\n  - https://example.org/post\n",
            "links[0]: must be a link with url:, title: and date: lines, not text: see "
            "content/members/_template.yml",
        ),
        (
            "name: Ada\nwebsite: 42\n",
            "website: must be a web address like https://example.org/post, not a number",
        ),
    ],
)
def test_values_of_the_wrong_type_say_how_to_write_them(text, expected):
    line = text.count("\n")
    assert problems_of(text) == [f"content/members/ada.yml:{line}: {expected}"]


def test_tags_must_be_a_list():
    assert problems_of(with_link(tags="design, tools")) == [
        "content/members/ada.yml:6: links[0].tags: must be a list in square brackets, like "
        "tags: [design, tools], not text"
    ]


def test_tags_outside_the_vocabulary_list_the_allowed_ones():
    assert problems_of(with_link(tags="[desing, tools, tools, 3, cats]")) == [
        "content/members/ada.yml:6: links[0].tags[0]: 'desing' is not a topic here (did you "
        f"mean design?): use one of {ALLOWED_TAGS}",
        "content/members/ada.yml:6: links[0].tags[2]: 'tools' is listed twice: keep one",
        "content/members/ada.yml:6: links[0].tags[3]: must be text, but YAML reads 3 as a "
        'number: put it in quotes, like "3"',
        f"content/members/ada.yml:6: links[0].tags[4]: 'cats' is not a topic here: use one "
        f"of {ALLOWED_TAGS}",
    ]


@pytest.mark.parametrize(
    ("field", "limit", "text"),
    [
        ("name", 80, "name: {value}\n"),
        ("bio", 280, "name: Ada\nbio: {value}\n"),
        ("links[0].title", 120, with_link(title="{value}")),
        ("links[0].note", 500, with_link(note="{value}")),
    ],
)
def test_text_over_its_limit_says_the_limit_and_the_length(field, limit, text):
    fits = text.replace("{value}", "x" * limit)
    assert parse(fits)[1] == []
    too_long = text.replace("{value}", "x" * (limit + 7))
    line = too_long.splitlines().index(next(ln for ln in too_long.splitlines() if "xx" in ln))
    assert problems_of(too_long) == [
        f"content/members/ada.yml:{line + 1}: {field}: is {limit + 7} characters long, over "
        f"the limit of {limit}: shorten it"
    ]


def test_titles_and_names_are_one_line_but_notes_and_bios_may_have_several():
    assert problems_of(with_link(title='"Two\\nlines"')) == [
        "content/members/ada.yml:4: links[0].title: must be one line: join the lines into one"
    ]
    member, problems = parse(with_link(note="|\n      One.\n\n      Two.") + "bio: 'a\n\n  b'\n")
    assert problems == []
    assert member is not None and member.links[0].note == "One.\n\nTwo."


def test_invisible_direction_overrides_in_text_are_refused():
    assert problems_of('name: "Ada\\u202Emoc.live"\n') == [
        "content/members/ada.yml:1: name: contains the invisible character U+202E: delete it"
    ]


# Dates


@pytest.mark.parametrize("written", ["2025-10-08", "'2025-10-08'", '"2025-10-08"', "2025-10-10"])
def test_a_date_is_read_with_or_without_quotes_up_to_today(written):
    member, problems = parse(with_link(date=written))
    assert problems == []
    assert member is not None and member.links[0].date <= TODAY


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        (
            "2025-10-11",
            "2025-10-11 is in the future (today is 2025-10-10): write the day the link was "
            "published or found",
        ),
        ("2025-13-45", "'2025-13-45' is not a day of the calendar: check it"),
        ("8 October 2025", "cannot read '8 October 2025' as a date: write YYYY-MM-DD"),
        ("2025-10-8", "cannot read '2025-10-8' as a date: write YYYY-MM-DD"),
        ("2025-10-08 09:30:00", "has a time: write the day alone, like 2025-10-08"),
        ("20251008", "must be a date written YYYY-MM-DD, but YAML reads 20251008 as a number"),
    ],
)
def test_dates_that_are_not_a_past_day_are_refused(written, expected):
    assert problems_of(with_link(date=written)) == [
        f"content/members/ada.yml:5: links[0].date: {expected}"
    ]


# Addresses


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        (
            "javascript:alert(1)",
            "'javascript:alert(1)' is a javascript: address, not a web page: only http:// and "
            "https:// addresses can be shared",
        ),
        (
            "JaVaScRiPt:alert(1)",
            "'JaVaScRiPt:alert(1)' is a javascript: address, not a web page: only http:// and "
            "https:// addresses can be shared",
        ),
        (
            "data:text/html;base64,PHNjcmlwdD4=",
            "'data:text/html;base64,PHNjcmlwdD4=' is a data: address, not a web page: only "
            "http:// and https:// addresses can be shared",
        ),
        (
            "file:///etc/passwd",
            "'file:///etc/passwd' is a file: address, not a web page: only http:// and https:// "
            "addresses can be shared",
        ),
        ("example.org/post", "'example.org/post' has no scheme: write https://example.org/post"),
        (
            "//example.org/post",
            "'//example.org/post' has no scheme: write https://example.org/post",
        ),
        (
            "https:/example.org",
            "'https:/example.org' needs two slashes after https: write https://example.org",
        ),
        (
            "https:example.org",
            "'https:example.org' needs two slashes after https: write https://example.org",
        ),
        (
            "https://",
            "'https://' has no host name: write the full address, like https://example.org/post",
        ),
        (
            '" https://example.org/post"',
            "' https://example.org/post' has spaces or line breaks around it: remove them",
        ),
        (
            '"https://example.org/post\\n"',
            "'https://example.org/post\\n' has spaces or line breaks around it: remove them",
        ),
        (
            '"java\\tscript:alert(1)"',
            "'java\\tscript:alert(1)' contains the invisible character U+0009, which cannot appear "
            "in a web address: copy the address again from the browser's address bar",
        ),
        (
            '"https://exa\\u200bmple.org"',
            "'https://exa\\u200bmple.org' contains the invisible character U+200B, which cannot "
            "appear in a web address: copy the address again from the browser's address bar",
        ),
        (
            "https://example.org/my post",
            "'https://example.org/my post' contains a space, which cannot appear in a web "
            "address: copy the address again from the browser's address bar",
        ),
        (
            """'https://example.org/"onmouseover=alert(1)'""",
            """'https://example.org/"onmouseover=alert(1)' contains '"', which cannot appear in """
            "a web address: copy the address again from the browser's address bar",
        ),
        (
            "https://[::1",
            "'https://[::1' has a broken host name: check the part after //",
        ),
        (
            "https://example.org@evil.example/",
            "'https://example.org@evil.example/' has a user name before the host: remove "
            "everything from // to the @",
        ),
        (
            "https://example.org:eighty/",
            "'https://example.org:eighty/' has a port that is not a number from 1 to 65535: "
            "remove the : and port",
        ),
        (
            "http://localhost:8000/draft",
            "'http://localhost:8000/draft' does not name a public web site: link to an address "
            "like https://example.org/post that works for every reader",
        ),
    ],
)
def test_addresses_that_are_not_public_web_pages_are_refused(written, expected):
    assert problems_of(with_link(url=written)) == [
        f"content/members/ada.yml:3: links[0].url: {expected}"
    ]


def test_website_and_discussion_are_checked_like_link_addresses():
    text = with_link(discussion="javascript:alert(1)") + "website: https:/ada.example\n"
    assert problems_of(text) == [
        "content/members/ada.yml:6: links[0].discussion: 'javascript:alert(1)' is a javascript: "
        "address, not a web page: only http:// and https:// addresses can be shared",
        "content/members/ada.yml:7: website: 'https:/ada.example' needs two slashes after "
        "https: write https://ada.example",
    ]


@pytest.mark.parametrize(
    "written",
    [
        "https://example.org/post",
        "http://example.org",
        "HTTPS://Example.org/Post?x=1#top",
        "https://bücher.example/über",
        "https://en.wikipedia.org/wiki/Zine_(magazine)",
        "https://example.org:8443/a",
    ],
)
def test_ordinary_web_addresses_are_accepted(written):
    member, problems = parse(with_link(url=written))
    assert problems == []
    assert member is not None and member.links[0].url == written


# Who the file belongs to


def test_a_handle_that_differs_from_the_file_name_is_refused():
    assert problems_of("handle: bo\nname: Ada\n") == [
        "content/members/ada.yml:1: handle: 'bo' does not match the file name ada.yml: both "
        "are your GitHub login in lower case; make them the same, or remove the handle line"
    ]
    assert problems_of("handle: Ada\nname: Ada\n") == [
        "content/members/ada.yml:1: handle: write it in lower case, like the file name: ada"
    ]


@pytest.mark.parametrize(
    ("name", "fix"),
    [
        ("Ada.yml", ": rename it to ada.yml"),
        ("ada.yaml", ": rename it to ada.yml"),
        ("ada-.yml", ""),
        ("-ada.yml", ""),
        ("ada--lovelace.yml", ""),
        ("ada_lovelace.yml", ""),
        (f"{'a' * 40}.yml", ""),
    ],
)
def test_a_file_name_that_is_not_a_lowercase_github_login_is_refused(name, fix):
    assert problems_of(GOOD, name) == [
        f"content/members/{name}:1: the file name must be your GitHub login in lower case "
        f"followed by .yml, like ada-lovelace.yml{fix}"
    ]


@pytest.mark.parametrize("name", ["a.yml", "ada-lovelace.yml", "0x1.yml", f"{'a' * 39}.yml"])
def test_every_github_login_is_a_valid_file_name(name):
    member, problems = parse(textwrap.dedent(GOOD), name)
    assert problems == []
    assert member is not None and member.handle == name.removesuffix(".yml")


def test_a_fediverse_address_must_be_user_at_host():
    assert problems_of("name: Ada\nfediverse: ada@social.example\n") == [
        "content/members/ada.yml:2: fediverse: 'ada@social.example' is not a fediverse "
        'address: write "@user@host" in quotes, like fediverse: "@ada@social.example"'
    ]


# The folder


@pytest.fixture
def members_dir(tmp_path, monkeypatch):
    """Members run checks from the site's folder; paths in messages are relative to it."""
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "content" / "members"
    folder.mkdir(parents=True)
    return folder


def test_the_folder_skips_the_template_and_hidden_files_and_reports_other_files(members_dir):
    (members_dir / "ada.yml").write_text(textwrap.dedent(GOOD), encoding="utf-8")
    (members_dir / "_template.yml").write_text("not: a member\n", encoding="utf-8")
    (members_dir / "_draft.yml").write_text("- nope\n", encoding="utf-8")
    (members_dir / ".ada.yml.swp").write_text("x", encoding="utf-8")
    (members_dir / "bo.yaml").write_text(textwrap.dedent(GOOD), encoding="utf-8")
    (members_dir / "notes.txt").write_text("hi", encoding="utf-8")
    (members_dir / "old").mkdir()
    members, problems = load_members(members_dir, VOCABULARY, TODAY)
    assert [member.handle for member in members] == ["ada"]
    assert [str(item) for item in sorted(problems)] == [
        "content/members/bo.yaml:1: member files end in .yml: rename it to bo.yml",
        "content/members/notes.txt:1: only <handle>.yml files are read as members, not other "
        "files: move it out of members/",
        "content/members/old:1: only <handle>.yml files are read as members, not other "
        "folders: move it out of members/",
    ]


def test_the_folder_reports_every_file_and_keeps_the_valid_members(members_dir):
    (members_dir / "ada.yml").write_text(textwrap.dedent(GOOD), encoding="utf-8")
    (members_dir / "bo.yml").write_text("name: 1984\n", encoding="utf-8")
    (members_dir / "cy.yml").write_bytes(b"name: \xff\n")
    members, problems = load_members(members_dir, VOCABULARY, TODAY)
    assert [member.handle for member in members] == ["ada"]
    assert [str(item) for item in sorted(problems)] == [
        "content/members/bo.yml:1: name: must be text, but YAML reads 1984 as a number: put "
        'it in quotes, like "1984"',
        "content/members/cy.yml:1: is not UTF-8 text: save it as UTF-8",
    ]


def test_a_missing_folder_means_no_members_yet(tmp_path):
    assert load_members(tmp_path / "members", VOCABULARY, TODAY) == ([], [])
