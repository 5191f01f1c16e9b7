"""Every way an author can get an issue file wrong is reported as path:line: what to do."""

from __future__ import annotations

from pathlib import Path

import pytest

from hearth_core.problems import ContentError
from tests.sites import build_site, issue, write_content

GOOD = issue(1, "First light", "2025-10-03 08:00", Summary="The first one.", Tags="apps")


@pytest.fixture(autouse=True)
def in_site_folder(tmp_path, monkeypatch):
    """Authors run tasks from the site's folder; paths in messages are relative to it."""
    monkeypatch.chdir(tmp_path)


def problems_of(tmp_path: Path, files: dict[str, str]) -> list[str]:
    """Build the site and return the problem lines; the build must refuse to write anything."""
    content = write_content(tmp_path, dict([GOOD, *files.items()]))
    output = tmp_path / "output"
    with pytest.raises(ContentError) as failure:
        build_site(content, output)
    assert not output.exists(), "a site with invalid content must not be written"
    return str(failure.value).splitlines()


def test_unknown_key_names_line_key_and_the_allowed_keys(tmp_path):
    lines = problems_of(
        tmp_path,
        {"issues/0002-two.md": "Title: Two\nDate: 2025-10-10\nCategroy: news\n\nBody.\n"},
    )
    assert lines == [
        "content/issues/0002-two.md:3: Categroy: unknown header key: use one of Title, Date, "
        "Summary, Tags, Discussion, Status, Community, or remove it"
    ]


def test_unknown_key_close_to_a_real_one_suggests_it(tmp_path):
    lines = problems_of(
        tmp_path, {"issues/0002-two.md": "Title: Two\nDate: 2025-10-10\nTag: apps\n\nBody.\n"}
    )
    assert len(lines) == 1
    assert lines[0].startswith("content/issues/0002-two.md:3: Tag: unknown header key")
    assert "(did you mean Tags?)" in lines[0]


@pytest.mark.parametrize("missing", ["Title", "Date"])
def test_missing_required_key(tmp_path, missing):
    header = {"Title": "Title: Two", "Date": "Date: 2025-10-10"}
    header.pop(missing)
    text = "\n".join(header.values()) + "\n\nBody.\n"
    lines = problems_of(tmp_path, {"issues/0002-two.md": text})
    assert lines == [
        f"content/issues/0002-two.md:1: {missing}: missing: add a `{missing}: ...` line "
        "to the header at the top"
    ]


def test_unparseable_date(tmp_path):
    lines = problems_of(tmp_path, {"issues/0002-two.md": "Title: Two\nDate: 10/10/2025\n\nBody.\n"})
    assert lines == [
        "content/issues/0002-two.md:2: Date: cannot read '10/10/2025' as a date: "
        "write YYYY-MM-DD or YYYY-MM-DD HH:MM"
    ]


@pytest.mark.parametrize(
    "name", ["2-two.md", "0002_two.md", "0002-Two.md", "0000-zero.md", "0002-two.markdown"]
)
def test_file_name_outside_the_pattern(tmp_path, name):
    lines = problems_of(tmp_path, {f"issues/{name}": "Title: Two\nDate: 2025-10-10\n\nBody.\n"})
    assert len(lines) == 1
    assert lines[0].startswith(f"content/issues/{name}:1: ")
    assert "NNNN-slug.md" in lines[0] or "ending in .md" in lines[0]


def test_duplicate_issue_number_names_both_files_and_the_next_free_number(tmp_path):
    lines = problems_of(
        tmp_path, {"issues/0001-again.md": "Title: Again\nDate: 2025-10-10\n\nBody.\n"}
    )
    assert lines == [
        "content/issues/0001-first-light.md:1: issue number 1 is already used by "
        "0001-again.md: rename this file to 0002-first-light.md"
    ]


def test_header_key_pushed_into_the_body_by_a_blank_line(tmp_path):
    text = "Title: Two\nDate: 2025-10-10\n\nTags: apps, design\nSummary: Oops.\n\nBody.\n"
    lines = problems_of(tmp_path, {"issues/0002-two.md": text})
    assert lines == [
        "content/issues/0002-two.md:4: Tags: this header line is in the body: the blank line "
        "on line 3 ends the header. Remove the blank lines inside the header so this key is read",
        "content/issues/0002-two.md:5: Summary: this header line is in the body: the blank line "
        "on line 3 ends the header. Remove the blank lines inside the header so this key is read",
    ]


def test_category_in_the_body_is_caught_before_it_becomes_a_stray_category(tmp_path):
    text = "Title: Two\nDate: 2025-10-10\n\nCategory: news\n\nBody.\n"
    lines = problems_of(tmp_path, {"issues/0002-two.md": text})
    assert len(lines) == 1
    assert lines[0].startswith("content/issues/0002-two.md:4: Category: this header line is in")


def test_prose_with_a_colon_in_the_body_is_fine(tmp_path):
    text = "Title: Two\nDate: 2025-10-10\n\nNote: this is prose, not a header.\n"
    content = write_content(tmp_path, dict([GOOD, ("issues/0002-two.md", text)]))
    output = build_site(content, tmp_path / "output")
    assert (output / "issues/2/index.html").is_file()


def test_bad_values_of_optional_keys(tmp_path):
    text = (
        "Title: Two\nDate: 2025-10-10\nStatus: hidden\nDiscussion: javascript:alert(1)\n"
        "Tags: apps,,design\n\nBody.\n"
    )
    lines = problems_of(tmp_path, {"issues/0002-two.md": text})
    assert [line.split(": ")[1] for line in lines] == ["Status", "Discussion", "Tags"]
    assert "write draft or published" in lines[0]
    assert "copy the thread's full https:// address" in lines[1]


def test_every_problem_in_every_file_is_reported_at_once(tmp_path):
    lines = problems_of(
        tmp_path,
        {
            "issues/0002-two.md": "Title: Two\nDate: soon\n\nBody.\n",
            "issues/0003-three.md": "Date: 2025-10-17\nColour: red\n\nBody.\n",
            "pages/about.md": "Summary: no title\n\nAbout.\n",
        },
    )
    assert [line.split(":")[0] + ":" + line.split(":")[1] for line in lines] == [
        "content/issues/0002-two.md:2",
        "content/issues/0003-three.md:1",
        "content/issues/0003-three.md:2",
        "content/pages/about.md:1",
    ]


def test_a_line_that_is_not_a_header_line_inside_the_header(tmp_path):
    text = "Title: Two\nDate: 2025-10-10\nHello readers, welcome back!\n\nBody.\n"
    lines = problems_of(tmp_path, {"issues/0002-two.md": text})
    assert lines == [
        "content/issues/0002-two.md:3: this line is neither a `Key: value` header line nor "
        "after the header: put one blank line between the header and the body"
    ]


def test_non_markdown_file_among_issues(tmp_path):
    lines = problems_of(tmp_path, {"issues/0002-two.rst": "Two\n===\n"})
    assert lines == [
        "content/issues/0002-two.rst:1: only Markdown files ending in .md are read as issues: "
        "rename it, or move it out of issues/"
    ]
