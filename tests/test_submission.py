"""Sharing a link without git: `invoke submission` on the bodies GitHub renders from the
"Share a link" issue form, run as the workflow runs it, in a copy of the project.

GitHub renders each field as a "### Label" section, "_No response_" for an optional
field left empty, and the topics as "- [X] topic" lines.
"""

from __future__ import annotations

import datetime
import runpy
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from hearth_core.problems import Problem
from hearth_members.submission import (
    FORM,
    adds_exactly,
    comment_markdown,
    file_with_link,
    form_problems,
    new_member_file,
    parse_body,
)
from hearth_members.validate import parse_member
from tests.sites import ROOT, invoke

MEMBERS = Path("content/members")
TOPICS = runpy.run_path(str(ROOT / "pelicanconf.py"))["HEARTH_MEMBERS"]["tags"]


def rendered(
    url: str = "https://ada.example/posts/riso-inks",
    title: str = "Mixing riso inks by hand",
    note: str = "A short guide with *photos* of every mix.",
    topics: tuple[str, ...] = ("zines", "design"),
    discussion: str = "",
) -> str:
    """An issue body as GitHub renders the form, every topic listed, the chosen ticked."""
    boxes = "\n".join(f"- [{'X' if t in topics else ' '}] {t}" for t in TOPICS)
    boxes += "".join(f"\n- [X] {t}" for t in topics if t not in TOPICS)
    return (
        f"### Address\n\n{url}\n\n### Title\n\n{title}\n\n"
        f"### Why it is worth reading\n\n{note or '_No response_'}\n\n"
        f"### Topics\n\n{boxes}\n\n### Discussion address\n\n{discussion or '_No response_'}"
    )


def submit(project: Path, author: str, body: str | bytes, *extra: str):
    path = project.parent / "issue-body.md"
    if isinstance(body, str):
        body = body.encode("utf-8")
    path.write_bytes(body)
    return invoke(project, "submission", "--author", author, "--body-file", str(path), *extra)


def member_file(project: Path, login: str) -> Path:
    return project / MEMBERS / f"{login}.yml"


def links_of(path: Path) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["links"]


def refused(result, *lines: str) -> None:
    """The command failed with these problems, as one line each, and no traceback."""
    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stderr
    found = result.stderr.splitlines()
    assert found[-1].endswith("problem(s): the link was not added."), result.stderr
    for line in lines:
        assert any(line in problem for problem in found[:-1]), result.stderr


def today() -> datetime.date:
    from zoneinfo import ZoneInfo

    zone = runpy.run_path(str(ROOT / "pelicanconf.py"))["TIMEZONE"]
    return datetime.datetime.now(ZoneInfo(zone)).date()


# The examples of the issue, each as the workflow runs it.


def test_good_submission_adds_the_link_and_the_site_still_checks(project):
    result = submit(project, "ada", rendered())
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Added the link to content/members/ada.yml, a new file for ada."
    link = links_of(member_file(project, "ada"))[0]
    assert link == {
        "url": "https://ada.example/posts/riso-inks",
        "title": "Mixing riso inks by hand",
        "date": today(),
        "note": "A short guide with *photos* of every mix.",
        "tags": ["design", "zines"],  # in the form's order
    }
    check = invoke(project, "check")
    assert (check.returncode, check.stdout.strip()) == (0, "No problems found."), check.stderr


def test_first_timer_gets_a_new_file_named_by_their_login(project):
    result = submit(project, "Ada-Lovelace", rendered(discussion="https://forum.example/t/1"))
    assert result.returncode == 0, result.stderr
    path = member_file(project, "ada-lovelace")
    member, problems = parse_member(path, path.read_text(), TOPICS, today())
    assert problems == []
    assert member is not None and member.name == "Ada-Lovelace"
    assert member.links[0].discussion == "https://forum.example/t/1"
    assert path.read_text().startswith("# Started with the Share a link form.")


def test_existing_member_keeps_every_line_and_comment(project):
    path = member_file(project, "anneke")
    before = "# Anneke's own comment, kept\n" + path.read_text(encoding="utf-8")
    path.write_text(before, encoding="utf-8")
    result = submit(project, "anneke", rendered(topics=("typography",)))
    assert result.returncode == 0, result.stderr
    after = path.read_text(encoding="utf-8")
    assert after.startswith(before)
    assert after[len(before) :] == (
        "  - url: https://ada.example/posts/riso-inks\n"
        "    title: Mixing riso inks by hand\n"
        f"    date: {today().isoformat()}\n"
        "    note: A short guide with *photos* of every mix.\n"
        "    tags: [typography]\n"
    )
    assert "a new file" not in result.stdout


def test_bad_url_is_refused_by_the_member_file_rules(project):
    result = submit(project, "ada", rendered(url="javascript:alert(1)"))
    refused(result, "Address: ")
    assert not member_file(project, "ada").exists()


def test_unknown_topic_suggests_the_nearest(project):
    result = submit(project, "ada", rendered(topics=("typograhpy",)))
    refused(result, "Topics: 'typograhpy' is not a topic here (did you mean typography?)")
    assert not member_file(project, "ada").exists()


def test_duplicate_of_another_members_link_is_refused(project):
    shared = links_of(member_file(project, "anneke"))[0]["url"]
    result = submit(project, "ada", rendered(url=shared))
    refused(
        result, f"Address: {shared} was already shared by anneke in content/members/anneke.yml:"
    )
    assert not member_file(project, "ada").exists()


def test_weekly_limit_counts_the_links_already_in_the_file(project):
    day = today().isoformat()
    links = "".join(
        f"  - url: https://wen.example/{n}\n    title: Post {n}\n    date: {day}\n"
        for n in range(5)
    )
    path = member_file(project, "wendy")
    path.write_text(f"name: Wendy\nlinks:\n{links}", encoding="utf-8")
    before = path.read_bytes()
    result = submit(project, "wendy", rendered())
    refused(result, "Link: 6 links dated within 7 days", "over the limit of 5 in any 7 days")
    assert path.read_bytes() == before


def test_hostile_huge_body_is_refused_unread(project):
    result = submit(project, "ada", rendered(note="x" * 300_000))
    refused(result, "The issue's text is over the limit of 256 KiB")
    assert len(result.stderr) < 2000
    assert not member_file(project, "ada").exists()


@pytest.mark.parametrize("character", ["\x00", "\x1b", "\u202e", "\x85"])
def test_hostile_control_characters_are_refused(project, character):
    result = submit(project, "ada", rendered(title=f"Inks{character}[31m by hand"))
    refused(result, f"Title: contains the invisible character U+{ord(character):04X}: delete it")
    assert character not in result.stderr
    assert not member_file(project, "ada").exists()


def test_hostile_yaml_injection_in_a_field_stays_text(project):
    title = 'x" , notes: "y" # links: []'
    note = 'title: "x"\nnotes:\n  - url: https://evil.example\n---\n!!python/object:os.system'
    result = submit(project, "ada", rendered(title=title, note=note))
    assert result.returncode == 0, result.stderr
    data = yaml.safe_load(member_file(project, "ada").read_text(encoding="utf-8"))
    assert set(data) == {"name", "links"}
    assert len(data["links"]) == 1
    assert (data["links"][0]["title"], data["links"][0]["note"]) == (title, note)


def test_hostile_yaml_injection_over_two_lines_is_one_line_too_many(project):
    result = submit(project, "ada", rendered(title='x"\nnotes: evil'))
    refused(result, "Title: must be one line: join the lines into one")
    assert not member_file(project, "ada").exists()


@pytest.mark.parametrize(
    "login", ["../../etc/passwd", "ada/../../x", "-rf", "github-actions[bot]", "a" * 40, ""]
)
def test_login_with_path_traversal_is_refused(project, login):
    result = submit(project, login, rendered())
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "login" in result.stderr
    assert sorted(p.name for p in (project / MEMBERS).iterdir()) == sorted(
        p.name for p in (ROOT / MEMBERS).iterdir()
    )
    assert not (project.parent / "etc").exists()


def test_problems_are_written_as_a_comment_for_the_issue(project):
    comment = project.parent / "comment.md"
    result = submit(
        project, "ada", rendered(url="ftp://x", topics=("nope",)), "--comment-file", str(comment)
    )
    refused(result)
    text = comment.read_text(encoding="utf-8")
    assert text.startswith("Thank you for sharing! The link could not be added yet:")
    assert "```text\nAddress: " in text and "\nTopics: 'nope' is not a topic here" in text


def test_an_issue_made_without_the_form_is_explained(project):
    result = submit(project, "ada", "Please add https://ada.example/ to the site, thanks!")
    refused(result, 'Address: the issue has no "### Address" section')


def test_a_member_file_with_problems_is_fixed_first(project):
    path = member_file(project, "ada")
    path.write_text("name: Ada\nlinks:\n  - url: nope\n", encoding="utf-8")
    result = submit(project, "ada", rendered())
    refused(result, "content/members/ada.yml:3: links[0].url: ")
    assert path.read_text() == "name: Ada\nlinks:\n  - url: nope\n"


def test_a_symbolic_link_for_a_member_file_is_never_written_through(project, tmp_path):
    outside = tmp_path / "outside.yml"
    outside.write_text("name: Ada\nlinks: []\n")
    member_file(project, "ada").symlink_to(outside)
    refused(submit(project, "ada", rendered()), "content/members/ada.yml:1: is a symbolic link")
    assert outside.read_text() == "name: Ada\nlinks: []\n"


# Reading what GitHub renders.


def parsed(body: str):
    shared, problems = parse_body(Path("issue.md"), body)
    assert problems == [], problems
    assert shared is not None
    return shared


def test_empty_optional_fields_are_left_out():
    shared = parsed(rendered(note="", topics=()))
    assert (shared.note, shared.tags, shared.discussion) == ("", (), "")


def test_windows_line_endings_are_read_as_lines():
    shared = parsed(rendered(note="one\ntwo").replace("\n", "\r\n"))
    assert (shared.title, shared.note) == ("Mixing riso inks by hand", "one\ntwo")


def test_headings_typed_in_the_note_are_not_fields():
    note = "Look:\n\n### Topics\n\n- [X] apps\n\n### Discussion address\n\nhttps://evil.example"
    shared = parsed(rendered(note=note, topics=("zines",)))
    assert shared.note == note
    assert (shared.tags, shared.discussion) == (("zines",), "")


def test_an_empty_required_field_is_named():
    _, problems = parse_body(Path("issue.md"), rendered(title="_No response_"))
    assert [(p.field, p.message) for p in problems] == [
        ("Title", "is empty: edit the issue and fill it in")
    ]


def test_comment_fence_outlasts_any_backticks_a_member_typed():
    found = [Problem("issue.md", 3, "Title", "'````` @mara [x](https://evil.example)' is bad")]
    text = comment_markdown(found, Path("issue.md"))
    fence = text.split("\n")[2].removesuffix("text")
    assert fence == "``````"
    assert text.count(fence) == 2


# Writing the file.

printable = st.text(st.characters(blacklist_categories=("Cs",)), max_size=200)


@settings(max_examples=200, deadline=None)
@given(title=printable, note=printable, tag=printable)
def test_any_text_reaches_the_file_as_the_same_text(title, note, tag):
    """Whatever a member types, the file holds exactly it, or nothing is written."""
    link = {"url": "https://a.example/", "title": title, "date": datetime.date(2026, 1, 2)}
    link |= {"note": note, "tags": [tag]}
    for before in ("name: Bo\nlinks: []\n", "name: Bo\n", "name: Bo\nlinks:\n- url: x\n"):
        after = file_with_link(before, link)
        assert after is not None and adds_exactly(before, after, link, "bo")
    assert adds_exactly(None, new_member_file("bo", link), link, "bo")


def test_a_list_in_brackets_is_left_for_a_person():
    before = "name: Bo\nlinks: [{url: https://a.example, title: A, date: 2025-01-01}]\n"
    assert file_with_link(before, {"url": "https://b.example"}) is None


# The form.


def test_form_topics_match_pelicanconf():
    assert form_problems((ROOT / FORM).read_text(encoding="utf-8"), TOPICS) == []


def test_form_drift_is_caught():
    form = (ROOT / FORM).read_text(encoding="utf-8")
    assert "its topics are" in form_problems(form, [*TOPICS, "knitting"])[0]
    renamed = form.replace("label: Title\n", "label: Name of the page\n")
    assert "invoke submission reads" in form_problems(renamed, TOPICS)[0]
