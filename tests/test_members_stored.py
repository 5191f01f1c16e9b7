"""Checked members are kept, in the process and on disk, and never outlive a change."""

from __future__ import annotations

import os

import pytest

from hearth_core.state import BuildState, build_state, with_state
from hearth_core.stored import load_stored, store, store_later, store_pending
from hearth_issues.collect import load_site_issues
from hearth_members import collect, site
from tests.sites import invoke, issue, settings_for, write_content

ADA = """\
name: Ada Example
links:
  - url: https://ada.example/one
    title: One small app
    date: 2025-10-05
"""


@pytest.fixture
def project(tmp_path):
    files = dict([issue(1, "One", "2025-10-03 08:00"), issue(2, "Two", "2025-10-10 08:00")])
    files["members/ada.yml"] = ADA
    content = write_content(tmp_path, files)
    return content, with_state(settings_for(content, tmp_path / "output"), BuildState())


def load(settings):
    """As a build does: it stores the check by the time it ends."""
    result = site.load_community(settings, load_site_issues(settings)[0])
    store_pending(build_state(settings))
    return result


def forget_this_process(settings):
    build_state(settings).reset()


def test_a_stored_result_needs_the_same_key_and_a_readable_file(tmp_path):
    path = tmp_path / "cache/result.pickle"
    assert load_stored(path, "key") is None
    store(path, "key", ["checked"])
    assert load_stored(path, "key") == ["checked"]
    assert load_stored(path, "another key") is None
    path.write_bytes(b"half a file")
    assert load_stored(path, "key") is None


UNPICKLED = []


def unpickled(what):
    UNPICKLED.append(what)


class Recorded:
    """Says when it is unpickled."""

    def __reduce__(self):
        return (unpickled, ("read",))


def test_a_stored_result_under_another_key_is_not_read(tmp_path):
    # After a member's edit, the stored check of 20,000 links is out of date:
    # finding that out must not cost reading all of it.
    path = tmp_path / "cache/result.pickle"
    store(path, "key", Recorded())
    assert load_stored(path, "another key") is None
    assert UNPICKLED == []
    load_stored(path, "key")
    assert UNPICKLED == ["read"]


def test_a_result_stored_later_is_written_when_its_build_says_and_at_once_outside_one(tmp_path):
    path = tmp_path / "cache/result.pickle"
    store_later({}, path, "key", ["checked"])  # a lone command: no build to wait for
    assert load_stored(path, "key") == ["checked"]
    settings = with_state({}, BuildState())
    store_later(settings, path, "key", ["checked again"])
    assert load_stored(path, "key") == ["checked"]
    store_pending(build_state(settings))
    assert load_stored(path, "key") == ["checked again"]


def test_the_next_command_reads_the_members_as_checked(project):
    content, settings = project
    members, problems = load(settings)
    assert (content.parent / "cache/hearth-members.pickle").is_file()
    forget_this_process(settings)
    assert load(settings) == (members, problems)


def test_an_edited_member_file_is_checked_again(project):
    content, settings = project
    load(settings)
    forget_this_process(settings)
    member = content / "members/ada.yml"
    member.write_text(ADA.replace("https://ada.example/one", "javascript:alert(1)"))
    os.utime(member, ns=(1, 1))  # even with an old time: the size changed
    problems = load(settings)[1]
    assert [problem.field for problem in problems] == ["links[0].url"]


def test_after_a_stored_check_an_edit_parses_only_the_edited_file(project, monkeypatch):
    content, settings = project
    (content / "members/bo.yml").write_text(ADA.replace("ada", "bo").replace("Ada", "Bo"))
    load(settings)
    forget_this_process(settings)
    load(settings)  # as the next command starts: from the stored check
    parsed = []
    parse = collect.parse_member
    monkeypatch.setattr(
        collect, "parse_member", lambda path, *a: parsed.append(path.name) or parse(path, *a)
    )
    member = content / "members/ada.yml"
    member.write_text(member.read_text().replace("One small app", "One tiny app"))
    members = load(settings)[0]
    assert parsed == ["ada.yml"], "bo.yml is as the stored check parsed it"
    assert [m.links[0].title for m in members] == ["One tiny app", "One small app"]


def test_an_address_added_to_an_issue_is_checked_against_the_members(project):
    content, settings = project
    assert load(settings)[1] == []
    one = content / "issues/0001-one.md"
    one.write_text(one.read_text() + "\nSee https://ada.example/one for more.\n")
    problems = load(settings)[1]
    assert len(problems) == 1 and "already featured" in problems[0].message


def test_prose_edits_reuse_the_last_check(project, monkeypatch):
    content, settings = project
    checks = []
    check = site._load_community
    monkeypatch.setattr(site, "_load_community", lambda *args: checks.append(1) or check(*args))
    load(settings)
    two = content / "issues/0002-two.md"
    two.write_text(two.read_text() + "\nMore words, no new address.\n")
    load(settings)
    assert checks == [1], "checked once, not again"
    two.write_text(two.read_text() + "\nAnd https://elsewhere.example/ too.\n")
    load(settings)
    assert checks == [1, 1], "a new address is checked"


def test_after_a_stored_check_a_prose_edit_searches_only_that_issue(project, monkeypatch):
    # The live preview's first save after `invoke build`: the check comes from disk,
    # and the other issues' addresses need not be searched to see that none changed.
    content, settings = project
    load(settings)
    forget_this_process(settings)
    load(settings)
    searched = []
    search = site.urls_in_markdown
    monkeypatch.setattr(
        site,
        "urls_in_markdown",
        lambda path, *args: searched.append(path.name) or search(path, *args),
    )
    two = content / "issues/0002-two.md"
    two.write_text(two.read_text() + "\nMore words, no new address.\n")
    assert load(settings)[1] == []
    assert searched == ["0002-two.md", "0002-two.md"], "before and after the edit"


def test_invoke_email_after_a_build_still_refuses_a_new_problem(tmp_path):
    project = tmp_path / "project"
    content = write_content(project, dict([issue(1, "One", "2025-10-03 08:00")]))
    (content / "members").mkdir()
    (content / "members/ada.yml").write_text(ADA)
    root = site.Path(__file__).resolve().parent.parent
    for name in ("pelicanconf.py", "publishconf.py", "tasks.py", "theme", "plugins"):
        (project / name).symlink_to(root / name)
    assert invoke(project, "build").returncode == 0
    assert (project / "cache/hearth-members.pickle").is_file()
    (content / "members/ada.yml").write_text(ADA.replace("title: One small app", "title: ''"))
    result = invoke(project, "email", "--issue", "1")
    assert result.returncode == 1
    assert "content/members/ada.yml:4: links[0].title" in result.stderr
