"""Hostile input where content enters: member files, thread files, issue and page files.

Issue 22, classes 3, 4 and 8: whatever ``invoke check`` accepts builds and passes the
HTML checker (tests/test_hostile_properties.py holds that for generated content);
whatever it refuses is named ``file:line: field: what to do``, never a traceback.
"""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from hearth_core.problems import ContentError
from hearth_core.yamlsource import MAX_DEPTH, load_yaml
from hearth_discussions.threads import parse_thread
from hearth_members.validate import MAX_LINKS, parse_member
from hearth_site.check import check_content
from tests.sites import ROOT, build_site, issue, page, settings_for, write_content

TODAY = datetime.date(2026, 1, 15)
VOCABULARY = ("apps", "typography")
MEMBER = Path("content/members/eve.yml")
THREAD = Path("content/discussions/eve-talk.yml")


@pytest.fixture(autouse=True)
def in_site_folder(tmp_path, monkeypatch):
    """Authors run tasks from the site's folder; paths in messages are relative to it."""
    monkeypatch.chdir(tmp_path)


def member_problems(text: str) -> list[str]:
    member, problems = parse_member(MEMBER, textwrap.dedent(text), VOCABULARY, TODAY)
    assert member is None, "a file with problems must not become a member"
    return [str(item) for item in sorted(problems)]


def thread_problems(text: str) -> list[str]:
    thread, problems = parse_thread(THREAD, textwrap.dedent(text), VOCABULARY, TODAY)
    assert thread is None, "a file with problems must not become a thread"
    return [str(item) for item in sorted(problems)]


def member_with(**fields: str) -> str:
    """A valid member file whose one link has ``fields`` replaced."""
    link = {"url": "https://eve.example/post", "title": "A post", "date": "2025-10-08"}
    link.update(fields)
    lines = "".join(f"    {key}: {value}\n" for key, value in link.items())
    return "name: Eve\nlinks:\n  -" + lines[3:]


def thread_with(**fields: str) -> str:
    thread = {
        "title": "Eve's talk",
        "url": "https://forum.example/t/eve/1",
        "started": "2025-10-08",
    }
    thread.update(fields)
    return "".join(f"{key}: {value}\n" for key, value in thread.items())


def site_problems(tmp_path: Path, files: dict[str, str]) -> list[str]:
    """What `invoke check` lists for a site of ``files`` (and one good issue)."""
    content = write_content(tmp_path, dict([issue(1, "One", "2025-10-03 08:00"), *files.items()]))
    return [str(item) for item in check_content(settings_for(content, tmp_path / "output"))]


def refused_build(tmp_path: Path) -> list[str]:
    """The problems a build of the content written so far stops at, writing nothing."""
    output = tmp_path / "output"
    with pytest.raises(ContentError) as failure:
        build_site(tmp_path / "content", output)
    assert not output.exists(), "a site with invalid content must not be written"
    return str(failure.value).splitlines()


# Class 3: addresses as browsers and the HTML checker parse them

BAD_ADDRESSES = {
    "https://eve.example/a%zz": "has a % that is not followed by two hexadecimal digits",
    "https://eve.example/a{b}": "contains '{', which a web address must write as %7B",
    "https://eve.example/a|b": "contains '|', which a web address must write as %7C",
    "https://eve.example/a#b#c": "has a second #: write it as %23",
    "https://eve.example/?q[]=1": "contains '[', which a web address must write as %5B",
    "https://eve.example.123/": "does not name a public web site",
    "https://xn--zz.example/": "does not name a public web site",
    "https://1.2.3.04/": "does not name a public web site",
}


@pytest.mark.parametrize(("url", "message"), BAD_ADDRESSES.items(), ids=list(BAD_ADDRESSES))
def test_member_url_eve_example_a_percent_zz_and_its_kin_are_refused(url, message):
    found = member_problems(member_with(url=f'"{url}"'))
    assert len(found) == 1
    assert found[0].startswith(f"content/members/eve.yml:3: links[0].url: '{url}' {message}")


@pytest.mark.parametrize("url", ["https://eve.example/a%zz", "https://eve.example/a{b"])
def test_every_address_field_uses_the_one_rule(tmp_path, url):
    refused = [
        member_problems(f'name: Eve\nwebsite: "{url}"\n'),
        member_problems(member_with(discussion=f'"{url}"')),
        thread_problems(thread_with(url=f'"{url}"')),
        thread_problems(thread_with(link=f'"{url}"')),
    ]
    assert all(len(found) == 1 and repr(url) in found[0] for found in refused), refused
    lines = site_problems(
        tmp_path,
        dict(
            [
                issue(2, "Two", "2025-10-10", Discussion=url),
                issue(3, "Three", "2025-10-11", Community=url),
            ]
        ),
    )
    assert [line.split(": ")[1] for line in lines] == ["Discussion", "Community"]
    assert all(repr(url) in line for line in lines)


def test_a_matrix_room_address_keeps_its_second_hash_as_a_discussion():
    # Pages write it with %23 (hearth_discussions.model.link_href), which HTML allows.
    url = "https://matrix.to/#/#workbench:matrix.org"
    member, problems = parse_member(MEMBER, member_with(discussion=url), VOCABULARY, TODAY)
    assert problems == [] and member.links[0].discussion == url
    assert "has a second #" in member_problems(member_with(url=url))[0]


def test_ordinary_addresses_are_still_accepted():
    for url in [
        "https://eve.example/a%41?b=c&d=(e)*!$,;:@~'#top",
        "https://bücher.example/straße",
        "http://eve.example:8080/",
        "https://1.2.3.4/",
        "HTTPS://Eve.Example/Post",
    ]:
        _member, problems = parse_member(MEMBER, member_with(url=url), VOCABULARY, TODAY)
        assert problems == [], url


# Class 3: characters a page cannot hold, in every text field


def test_a_noncharacter_u_fdd0_in_a_title_is_refused(tmp_path):
    assert member_problems(member_with(title="A \ufdd0 post")) == [
        "content/members/eve.yml:4: links[0].title: contains the invisible character U+FDD0: "
        "delete it"
    ]
    assert thread_problems(thread_with(title="Eve\ufdd0")) == [
        "content/discussions/eve-talk.yml:1: title: contains the invisible character U+FDD0: "
        "delete it"
    ]
    assert site_problems(
        tmp_path,
        dict([issue(2, "Two", "2025-10-10")])
        | {"issues/0002-two.md": "Title: Two \ufdd0\nDate: 2025-10-10\n\nBody.\n"},
    ) == ["content/issues/0002-two.md:1: Title: contains the invisible character U+FDD0: delete it"]


@pytest.mark.parametrize("character", ["\x01", "\x7f", "\x85", "\u202e", "\u2066", "\ufffe"])
def test_every_member_and_thread_text_field_refuses_forbidden_characters(character):
    quoted = f'"a\\u{ord(character):04x}b"'  # a YAML escape: the raw character is refused earlier
    for text in (f"name: {quoted}\n", f"name: Eve\nbio: {quoted}\n"):
        found = member_problems(text)
        field = text.splitlines()[-1].split(":")[0]
        assert len(found) == 1 and f"{field}: contains the invisible character U+" in found[0]
    for field in ("title", "note"):
        found = member_problems(member_with(**{field: quoted}))
        assert len(found) == 1 and f"{field}: contains the invisible character U+" in found[0]
    if character.isspace():
        return  # a thread's title joins its words with single spaces, as \x85 is one
    found = thread_problems(thread_with(title=quoted))
    assert len(found) == 1 and "title: contains the invisible character U+" in found[0]


def test_a_control_character_in_summary_is_refused_not_a_crash(tmp_path):
    write_content(tmp_path, dict([issue(1, "One", "2025-10-03", Summary="Bell \x07 rings")]))
    assert refused_build(tmp_path) == [
        "content/issues/0001-one.md:3: Summary: contains the invisible character U+0007: delete it"
    ]


@pytest.mark.parametrize(
    ("name", "text", "line"),
    [
        ("issues/0002-two.md", "Title: Two\nDate: 2025-10-10\nTags: a\u202eb\n\nBody.\n", 3),
        ("issues/0002-two.md", "Title: Two\nDate: 2025-10-10\n\nBody.\n\nA \x1b[31m red.\n", 6),
        ("pages/about.md", "Title: About\u2067\n\nBody.\n", 1),
        ("pages/about.md", "Title: About\nSummary: \x00\n\nBody.\n", 2),
    ],
)
def test_issue_and_page_headers_and_bodies_refuse_forbidden_characters(tmp_path, name, text, line):
    lines = site_problems(tmp_path, {name: text})
    assert len(lines) == 1 and lines[0].startswith(f"content/{name}:{line}: ")
    assert "contains the invisible character U+" in lines[0]


# Class 3: dates with offsets


def test_date_2025_10_10_08_00_plus_0200_in_an_issue_builds(tmp_path):
    content = write_content(
        tmp_path,
        dict(
            [
                issue(1, "One", "2025-10-10 08:00 +0200"),
                # 23:30 in New York is 05:30 the next day in Stockholm, the site's zone.
                issue(2, "Two", "2025-10-11 23:30 -0400"),
                issue(3, "Three", "2025-10-12"),
            ]
        ),
    )
    output = build_site(content, tmp_path / "output")
    times = {
        number: page(output, f"/issues/{number}/").css_first("time").attributes["datetime"]
        for number in (1, 2, 3)
    }
    assert times[1].startswith("2025-10-10T08:00:00+02:00")
    assert times[2].startswith("2025-10-12T05:30:00+02:00")


# Class 4: parsers are bounded


def test_bio_nested_500_deep_is_refused_with_its_line():
    assert member_problems("name: Eve\nbio: " + "[" * 500 + "]" * 500 + "\n") == [
        f"content/members/eve.yml:2: invalid YAML: lists and groups of fields nest over "
        f"{MAX_DEPTH} levels deep here — a member file needs a few: check the brackets and "
        "the indentation"
    ]


def test_bio_nested_50_000_deep_is_refused_before_libyaml_sees_it():
    # In a child process: were libyaml to compose it, the process would end in a segfault.
    script = textwrap.dedent(
        """
        import datetime, sys
        from pathlib import Path
        from hearth_members.validate import parse_member
        from hearth_discussions.threads import parse_thread
        deep = "[" * 50_000 + "]" * 50_000
        today = datetime.date(2026, 1, 1)
        print(parse_member(Path("eve.yml"), "name: Eve\\nbio: " + deep, (), today)[1][0])
        deep = "[" * 30_000 + "]" * 30_000  # under the size limit of a thread file
        print(parse_thread(Path("t.yml"), "title: " + deep, (), today)[1][0])
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT / "plugins")},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"eve.yml:2: invalid YAML: lists and groups of fields nest over {MAX_DEPTH} levels "
        "deep here — a member file needs a few: check the brackets and the indentation",
        f"t.yml:1: invalid YAML: lists and groups of fields nest over {MAX_DEPTH} levels "
        "deep here — a thread file needs a few: check the brackets and the indentation",
    ]


@pytest.mark.parametrize(
    "bio",
    [
        "\n" + "".join(" " * depth + "- \n" for depth in range(1, 200)),
        "\n" + "- " * 500 + "x\n",
        " {a: " * 300 + "x" + "}" * 300 + "\n",
        # Quoted closing brackets close nothing: ten levels deeper each time, 500 in all.
        " " + '[[[[[[[[[[ "]]]]]]]]]]", ' * 50 + "x" + "]" * 500 + "\n",
    ],
    ids=["indented", "compact", "mappings", "quoted-brackets"],
)
def test_deep_nesting_of_every_kind_is_refused(bio):
    found = member_problems("name: Eve\nbio:" + bio)
    assert len(found) == 1 and "nest over" in found[0]


def test_thread_files_are_bounded_likewise():
    found = thread_problems("title: Talk\ntags: " + "[" * 500 + "]" * 500 + "\n")
    assert found == [
        f"content/discussions/eve-talk.yml:2: invalid YAML: lists and groups of fields nest "
        f"over {MAX_DEPTH} levels deep here — a thread file needs a few: check the brackets "
        "and the indentation"
    ]
    big = thread_with(title="Talk") + "# " + "x" * 70_000 + "\n"
    assert thread_problems(big) == [
        "content/discussions/eve-talk.yml:1: the file is 68 KiB, over the limit of 64 KiB "
        "for a thread file: shorten it"
    ]


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path):
    members = tmp_path / "content/members"
    members.mkdir(parents=True)
    (members / "eve.yml").write_bytes(b"name: Eve\n" + b"#" * (2 * 1024 * 1024))
    lines = site_problems(tmp_path, {})
    assert lines == [
        "content/members/eve.yml:1: is over the limit of 1024 KiB for this kind of file: "
        "split it or shorten it"
    ]


def test_links_over_the_cap_are_refused_with_a_clear_message():
    link = "  - url: https://eve.example/{n}\n    title: Post {n}\n    date: 2025-10-08\n"
    text = "name: Eve\nlinks:\n" + "".join(link.format(n=n) for n in range(MAX_LINKS + 1))
    assert member_problems(text) == [
        f"content/members/eve.yml:2: links: holds {MAX_LINKS + 1} links, over the limit of "
        f"{MAX_LINKS} per member: remove the oldest"
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (member_with(url="https://eve.example/" + "a" * 2000), "over the limit of 2000"),
        ('name: Eve\nfediverse: "@eve@' + "a" * 300 + '.example"\n', "over the limit of 200"),
        ("name: " + "E" * 81 + "\n", "over the limit of 80"),
        (member_with(note="n" * 501), "over the limit of 500"),
    ],
    ids=["url", "fediverse", "name", "note"],
)
def test_every_field_has_a_length_limit(text, message):
    found = member_problems(text)
    assert len(found) == 1 and message in found[0]


def test_issue_header_fields_have_length_limits(tmp_path):
    header = "Title: " + "T" * 301 + "\nDate: 2025-10-10\n\nBody.\n"
    lines = site_problems(tmp_path, {"issues/0002-two.md": header})
    assert len(lines) == 1 and "Title: is 301 characters long, over the limit of 300" in lines[0]


def test_bio_pipe_hash_x_is_refused_on_every_yaml_path():
    from tests.test_yaml_speed_paths import as_loaded, in_python

    text = "name: Eve\nbio: |#x\n  hello\n"
    assert as_loaded(text) == in_python(text)
    value, problems = load_yaml(MEMBER, text)
    assert value is None and [str(p) for p in problems] == [
        "content/members/eve.yml:2: invalid YAML: the | or > on line 2 must end its line (a "
        'comment after it needs a space before the #) — or put the value in "quotes"'
    ]


def test_an_issue_body_nested_2000_lists_deep_is_refused_not_a_recursion_error(tmp_path):
    body = "Fine.\n\n" + "- " * 2000 + "x\n"
    lines = site_problems(tmp_path, dict([issue(2, "Two", "2025-10-10", body)]))
    assert lines == [
        "content/issues/0002-two.md:6: this line starts with over 256 characters of list and "
        "quote marks and indentation, too deeply nested to convert: flatten it"
    ]
    nested = "".join("    " * level + "- x\n" for level in range(300))
    (tmp_path / "content/issues/0002-two.md").unlink()
    lines = site_problems(tmp_path, {"pages/about.md": "Title: About\n\n" + nested})
    assert lines[0].startswith("content/pages/about.md:67: this line starts with over 256")


# Class 8: only real files are read


def test_a_symlink_to_another_member_s_file_is_refused_naming_it(tmp_path):
    write_content(tmp_path, {"members/ada.yml": "name: Ada\n"})
    (tmp_path / "content/members/eve.yml").symlink_to("ada.yml")
    expected = [
        "content/members/eve.yml:1: is a symbolic link to content/members/ada.yml: content is "
        "read from real files only: put a copy of the file here, or remove it"
    ]
    assert site_problems(tmp_path, {}) == expected
    assert refused_build(tmp_path) == expected


def test_symlinks_and_fifos_anywhere_under_content_are_refused(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "0009-x.md").write_text("Title: X\nDate: 2025-10-10\n\nSecret.\n", "utf-8")
    write_content(tmp_path, {})
    content = tmp_path / "content"
    (content / "issues/linked").symlink_to(outside, target_is_directory=True)
    for folder in ("images", "members", "discussions"):
        (content / folder).mkdir()
    for name in (
        "images/pipe.svg",
        "members/eve.yml",
        "issues/0002-two.md",
        "discussions/talk.yml",
    ):
        os.mkfifo(content / name)
    lines = site_problems(tmp_path, {})
    assert [line.split(": ", 1)[0] for line in lines] == [
        "content/discussions/talk.yml:1",
        "content/images/pipe.svg:1",
        "content/issues/0002-two.md:1",
        "content/issues/linked:1",
        "content/members/eve.yml:1",
    ]
    assert all("is not a regular file" in line or "symbolic link" in line for line in lines)


def test_an_editor_s_lock_link_is_left_alone(tmp_path):
    # Emacs marks a file being edited with a link to nowhere, "user@host.pid".
    write_content(tmp_path, {"members/ada.yml": "name: Ada\n"})
    for folder in ("issues", "members", "discussions"):
        (tmp_path / "content" / folder).mkdir(exist_ok=True)
        (tmp_path / "content" / folder / ".#ada.yml").symlink_to("user@host.1234:1")
    assert site_problems(tmp_path, {}) == []
    build_site(tmp_path / "content", tmp_path / "output")


def test_a_non_utf8_issue_file_is_named_not_a_traceback(tmp_path):
    write_content(tmp_path, dict([issue(1, "One", "2025-10-03")]))
    (tmp_path / "content/issues/0002-two.md").write_bytes(
        "Title: Två\nDate: 2025-10-10\n\nBody.\n".encode("latin-1")
    )
    expected = ["content/issues/0002-two.md:1: is not UTF-8 text: save it as UTF-8"]
    assert site_problems(tmp_path, {}) == expected
    assert refused_build(tmp_path) == expected


def test_invoke_check_names_the_file_without_a_traceback(project):
    (project / "content/issues/0099-bad.md").write_bytes(b"Title: \xff\nDate: 2025-10-10\n\nx\n")
    (project / "content/members/zed.yml").symlink_to("mara.yml")
    from tests.sites import invoke

    result = invoke(project, "check")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "content/issues/0099-bad.md:1: is not UTF-8 text: save it as UTF-8" in result.stderr
    assert "content/members/zed.yml:1: is a symbolic link to content/members/mara.yml" in (
        result.stderr
    )


# Found by tests/test_hostile_properties.py: checked, then refused by the build


def test_a_topic_without_a_letter_or_digit_is_refused(tmp_path):
    lines = site_problems(tmp_path, dict([issue(2, "Two", "2025-10-10", Tags="apps, !}")]))
    assert lines == [
        "content/issues/0002-two.md:3: Tags: the topic '!}' has no letter or digit to make "
        "its page's address from: name it with words"
    ]


def test_one_topic_spelt_two_ways_is_refused(tmp_path):
    files = dict(
        [issue(2, "Two", "2025-10-10", Tags="Zines"), issue(3, "Three", "2025-10-11", Tags="zines")]
    )
    assert site_problems(tmp_path, files) == [
        "content/issues/0003-three.md:1: Tags: 'zines' is the topic 'Zines' of 0002-two.md "
        "written another way: write it 'Zines'"
    ]


def test_two_issues_with_one_slug_are_refused(tmp_path):
    files = {"issues/0002-one.md": "Title: Again\nDate: 2025-10-10\n\nBody.\n"}
    assert site_problems(tmp_path, files) == [
        "content/issues/0002-one.md:1: the name after the number, one, is already used by "
        "0001-one.md: give this issue another, like 0002-one-2.md"
    ]


def test_a_year_appears_once_in_the_archive_when_numbers_and_dates_disagree(tmp_path):
    files = dict(
        [
            issue(1, "One", "2024-10-03"),
            issue(2, "Two", "2025-01-10"),
            issue(3, "Three", "2024-01-17"),
        ]
    )
    output = build_site(write_content(tmp_path, files), tmp_path / "output")
    headings = [h2.text() for h2 in page(output, "/issues/").css("section.year h2")]
    assert headings == ["2024", "2025"]


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1969-12-31"])
def test_a_date_at_year_1_or_9999_is_refused_in_every_file(tmp_path, day):
    files = {
        "members/eve.yml": member_with(date=day),
        "discussions/talk.yml": thread_with(started=day),
        "issues/0002-two.md": f"Title: Two\nDate: {day} 23:00 -1200\n\nBody.\n",
    }
    lines = site_problems(tmp_path, files)
    assert [line.split(": ")[1] for line in lines] == ["started", "Date", "links[0].date"]
    assert all(f"{day} is outside the dates Hearth accepts (1970 to 2999)" in x for x in lines)


def test_a_topic_with_a_semicolon_is_one_topic(tmp_path):
    content = write_content(tmp_path, dict([issue(1, "One", "2025-10-03", Tags="R&amp;D, apps")]))
    output = build_site(content, tmp_path / "output")
    # Pelican would have split "R&amp;D, apps" at the ";" into "R&amp" and "D, apps".
    assert sorted(path.name for path in (output / "topics").iterdir()) == [
        "apps",
        "index.html",
        "rd",
    ]
