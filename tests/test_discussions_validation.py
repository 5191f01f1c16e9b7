"""Every way an author can get a discussion file wrong is reported as path:line: field: what to do.

Thread files (``content/discussions/<slug>.yml``), the committed ``activity.json``
and the chat spaces in pelicanconf.py: each mistake names its place and its fix,
and none ends in a traceback.
"""

from __future__ import annotations

import datetime
import json
import os
import textwrap
from pathlib import Path

import pytest

from hearth_core.platforms import recognise
from hearth_core.settings import SettingsError
from hearth_discussions.activity import activity_json, read_activity, write_activity
from hearth_discussions.collect import discussion_sources, discussion_urls, load_threads
from hearth_discussions.model import Activity
from hearth_discussions.settings import chat_spaces
from hearth_discussions.threads import parse_thread
from hearth_issues.source import parse_issue
from hearth_members.validate import parse_member
from hearth_site.check import check_content
from tests.sites import ROOT, invoke, issue, settings_for, write_content

VOCABULARY = ("apps", "design", "side-projects", "tools", "zines")
ALLOWED_TAGS = "apps, design, side-projects, tools, zines"
TODAY = datetime.date(2026, 1, 30)
THREAD = "https://forum.theworkbench.example/t/show-and-tell/42"
GOOD = f"title: Show and tell\nurl: {THREAD}\nstarted: 2026-01-05\n"
FIELDS = "use title, url, started, tags, issue, link, or remove it"
NOT_A_DATE = "write YYYY-MM-DD"


def parse(text: str, name: str = "show-and-tell.yml"):
    path = Path("content/discussions") / name
    return parse_thread(path, textwrap.dedent(text), VOCABULARY, TODAY)


def problems_of(text: str) -> list[str]:
    """The problem lines for a file that must be refused."""
    thread, problems = parse(text)
    assert thread is None, "a file with problems must not become a thread"
    return [str(item) for item in sorted(problems)]


def with_fields(**fields: str | None) -> str:
    """GOOD with ``fields`` replaced or appended, in order; None removes the line."""
    lines = dict(line.split(": ", 1) for line in GOOD.splitlines())
    lines.update(fields)
    return "".join(f"{key}: {value}\n" for key, value in lines.items() if value is not None)


def valid(text: str):
    thread, problems = parse(text)
    assert problems == []
    assert thread is not None
    return thread


# The file as an author writes it


def test_a_complete_file_becomes_a_thread_that_remembers_its_lines():
    thread = valid(
        f"""\
        title: "Show and tell:   January"
        url: {THREAD}

        started: 2026-01-05
        tags: [apps, zines]
        issue: 8
        """
    )
    assert thread.title == "Show and tell: January"
    assert (thread.url, thread.started) == (THREAD, datetime.date(2026, 1, 5))
    assert (thread.tags, thread.issue, thread.link) == (("apps", "zines"), 8, None)
    assert thread.source == Path("content/discussions/show-and-tell.yml")
    assert [thread.line_of(name) for name in ("title", "url", "started", "issue")] == [1, 2, 4, 6]


def test_optional_fields_may_be_left_out_or_empty():
    for text in (GOOD, GOOD + "tags:\nissue:\nlink:\n", GOOD + "tags: []\n"):
        thread = valid(text)
        assert (thread.tags, thread.issue, thread.link) == ((), None, None)


TEMPLATE = ROOT / "content/discussions/_template.yml"


def test_the_template_is_a_valid_thread_and_each_optional_line_works_once_uncommented():
    text = TEMPLATE.read_text(encoding="utf-8")
    path = Path("content/discussions/show-and-tell-january.yml")
    thread, problems = parse_thread(path, text, VOCABULARY, datetime.date.today())
    assert problems == []
    assert thread is not None and set(thread.lines) == {"title", "url", "started", "tags"}
    assert recognise(thread.url).label == "Discourse"
    for field in ("issue", "link"):
        [line] = [line for line in text.splitlines() if line.startswith(f"# {field}: ")]
        uncommented = text.replace(line, line.removeprefix("# "))
        thread, problems = parse_thread(path, uncommented, VOCABULARY, datetime.date.today())
        assert problems == []
        assert thread is not None and getattr(thread, field) is not None


# YAML that surprises


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "title: 'Show and tell\n",
            "content/discussions/show-and-tell.yml:1: invalid YAML: the quote opened on line 1 "
            "is never closed — close it on the same line; inside 'single quotes' write a ' as ''",
        ),
        (
            f"title: Show and tell: January\nurl: {THREAD}\n",
            "content/discussions/show-and-tell.yml:1: invalid YAML: the value of title on line 1 "
            'holds ": ", which YAML reads as the start of another field — put the whole value '
            'in quotes: title: "Show and tell: January"',
        ),
        (
            "title: Show\n\tstarted: 2026-01-05\n",
            "content/discussions/show-and-tell.yml:2: invalid YAML: line 2 holds a tab — indent "
            "with spaces, never tabs",
        ),
        (
            f"title: Show\nurl: {THREAD}\n---\ntitle: Other\n",
            "content/discussions/show-and-tell.yml:3: invalid YAML: the --- on line 3 starts a "
            "second document — remove it: one thread per file",
        ),
        (
            f"url: {THREAD}\ntags: [apps\nstarted: 2026-01-05\n",
            "content/discussions/show-and-tell.yml:3: invalid YAML: the [ or { opened on line 2 "
            "is not closed before line 3 — close the bracket on its own line, and separate "
            "items with commas",
        ),
    ],
)
def test_broken_yaml_names_its_line_and_how_to_fix_it(text, expected):
    assert problems_of(text) == [expected]


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("", "is empty"),
        ("# only a comment\n", "is empty"),
        ("- Show\n", "holds a list, not fields"),
    ],
)
def test_a_file_without_fields_points_to_the_template(text, what):
    assert problems_of(text) == [
        f"content/discussions/show-and-tell.yml:1: the file {what}: copy "
        "content/discussions/_template.yml"
    ]


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("title: Other\n", "4: title: appears twice (first on line 1): keep one"),
        (
            "1984: x\n",
            "4: the key 1984 is not a field name (YAML reads it as a number): write field names "
            "as the template does, like name: or url:",
        ),
    ],
)
def test_a_key_written_twice_or_not_a_name_is_reported(extra, expected):
    assert problems_of(GOOD + extra) == [f"content/discussions/show-and-tell.yml:{expected}"]


def test_a_yaml_anchor_is_refused_because_the_author_meant_text():
    assert problems_of(with_fields(title="&Co")) == [
        "content/discussions/show-and-tell.yml:1: &Co is a YAML anchor, which thread files do "
        'not use: put text that starts with *, & or ! in "quotes"'
    ]


# Fields


def test_missing_required_fields_say_what_line_to_add():
    assert problems_of("tags: [apps]\n") == [
        "content/discussions/show-and-tell.yml:1: started: missing: add a line like "
        "started: 2026-11-02",
        "content/discussions/show-and-tell.yml:1: title: missing: add a line like "
        "title: Show and tell, November",
        "content/discussions/show-and-tell.yml:1: url: missing: add a line like "
        "url: https://forum.example/t/show-and-tell/42",
    ]


def test_required_fields_left_empty_are_reported_on_their_own_line():
    assert problems_of("title: ''\nurl:\nstarted:\n") == [
        "content/discussions/show-and-tell.yml:1: title: missing: add a line like "
        "title: Show and tell, November",
        "content/discussions/show-and-tell.yml:2: url: missing: add a line like "
        "url: https://forum.example/t/show-and-tell/42",
        "content/discussions/show-and-tell.yml:3: started: missing: add a line like "
        "started: 2026-11-02",
    ]


def test_unknown_fields_suggest_the_close_one_and_list_the_allowed_ones():
    assert problems_of(GOOD + "tag: [apps]\nsummary: Hi\n") == [
        f"content/discussions/show-and-tell.yml:4: tag: unknown field (did you mean tags?): "
        f"{FIELDS}",
        f"content/discussions/show-and-tell.yml:5: summary: unknown field: {FIELDS}",
    ]
    assert problems_of(with_fields(title=None, Titel="Show")) == [
        "content/discussions/show-and-tell.yml:1: title: missing: add a line like "
        "title: Show and tell, November",
        f"content/discussions/show-and-tell.yml:3: Titel: unknown field (did you mean title?): "
        f"{FIELDS}",
    ]


def test_a_title_is_plain_text_up_to_120_characters():
    assert valid(with_fields(title="x" * 120)).title == "x" * 120
    assert problems_of(with_fields(title="x" * 127)) == [
        "content/discussions/show-and-tell.yml:1: title: is 127 characters long, over 120: "
        "shorten it"
    ]
    assert problems_of(with_fields(title="1984")) == [
        "content/discussions/show-and-tell.yml:1: title: must be text, not a number: "
        'put it in "quotes"'
    ]


@pytest.mark.parametrize("written", ['"   "', '"Show\\u202Eand tell"'])
def test_a_blank_title_or_one_with_invisible_characters_is_refused(written):
    [line] = problems_of(with_fields(title=written))
    assert line.startswith("content/discussions/show-and-tell.yml:1: title: ")


# The thread's address


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        (
            "http://forum.theworkbench.example/t/x/1",
            "'http://forum.theworkbench.example/t/x/1' is not a discussion link: copy the "
            "thread's full https:// address from the chat's share or copy-link menu",
        ),
        (
            "forum.theworkbench.example/t/x/1",
            "'forum.theworkbench.example/t/x/1' has no scheme: write "
            "https://forum.theworkbench.example/t/x/1",
        ),
        (
            "see the forum",
            "'see the forum' contains a space, which cannot appear in a web address: copy the "
            "address again from the browser's address bar",
        ),
        (
            "https://localhost/t/x/1",
            "'https://localhost/t/x/1' does not name a public web site: link to an address like "
            "https://example.org/post that works for every reader",
        ),
        ("42", "must be the thread's https:// address, not a number"),
    ],
)
def test_a_url_that_is_not_an_https_web_address_is_refused(written, expected):
    assert problems_of(with_fields(url=written)) == [
        f"content/discussions/show-and-tell.yml:2: url: {expected}"
    ]


@pytest.mark.parametrize(
    "written", ["discord://discord.com/channels/1/2", "matrix:r/workbench:matrix.org"]
)
def test_a_chat_apps_own_scheme_is_refused_at_its_line(written):
    # The app's own link opens only in the app: readers need the web address.
    assert problems_of(with_fields(url=written)) == [
        f"content/discussions/show-and-tell.yml:2: url: {written!r} is not a discussion link: "
        "copy the thread's full https:// address from the chat's share or copy-link menu"
    ]


@pytest.mark.parametrize(
    ("url", "label"),
    [
        ("https://www.example.org/some/thread", "example.org"),
        ("https://bbs.example/viewtopic.php?t=7", "bbs.example"),
        ("https://github.com/theworkbench/community/discussions/17", "GitHub Discussions"),
        ("https://social.theworkbench.example/@workbench/115382794112390144", "Mastodon"),
    ],
)
def test_any_https_address_is_accepted_and_labelled_by_platform_or_host(url, label):
    thread = valid(with_fields(url=url))
    assert thread.url == url
    assert recognise(thread.url).label == label


# The day it started


@pytest.mark.parametrize("written", ["2026-01-05", "'2026-01-05'", "2026-01-30"])
def test_started_is_a_day_up_to_today_with_or_without_quotes(written):
    assert valid(with_fields(started=written)).started <= TODAY


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        (
            "2026-01-31",
            "2026-01-31 is in the future (today is 2026-01-30): write the day the thread was "
            "started",
        ),
        ("5 January 2026", f"cannot read '5 January 2026' as a date: {NOT_A_DATE}"),
        ("2026-13-45", f"cannot read '2026-13-45' as a date: {NOT_A_DATE}"),
        ("2026-01-05 09:30:00", "must be a day written YYYY-MM-DD, not a date and time"),
        ("2026-01-05T09:30:00+01:00", "must be a day written YYYY-MM-DD, not a date and time"),
        ("20260105", "must be a day written YYYY-MM-DD, not a number"),
    ],
)
def test_started_that_is_not_a_past_day_is_refused(written, expected):
    assert problems_of(with_fields(started=written)) == [
        f"content/discussions/show-and-tell.yml:3: started: {expected}"
    ]


@pytest.mark.parametrize("written", ["2026-W02-1", "'20260105'"])
def test_started_only_accepts_the_yyyy_mm_dd_form(written):
    problems_of(with_fields(started=written))


# Tags


def test_tags_must_be_a_list():
    assert problems_of(with_fields(tags="apps, tools")) == [
        "content/discussions/show-and-tell.yml:4: tags: must be a list like "
        "tags: [design, tools], not text"
    ]


def test_tags_outside_the_topics_suggest_one_and_repeated_tags_are_reported():
    assert problems_of(with_fields(tags="[desing, apps, apps, 3, cats]")) == [
        "content/discussions/show-and-tell.yml:4: tags[0]: 'desing' is not a topic here (did "
        f"you mean design?): use one of {ALLOWED_TAGS}, or add it to HEARTH_MEMBERS['tags'] in "
        "pelicanconf.py",
        "content/discussions/show-and-tell.yml:4: tags[2]: 'apps' is listed twice: keep one",
        "content/discussions/show-and-tell.yml:4: tags[3]: must be a topic name, not a number",
        f"content/discussions/show-and-tell.yml:4: tags[4]: 'cats' is not a topic here: use one "
        f"of {ALLOWED_TAGS}, or add it to HEARTH_MEMBERS['tags'] in pelicanconf.py",
    ]


def test_each_tag_is_reported_on_its_own_line_in_a_block_list():
    assert problems_of(GOOD + "tags:\n  - apps\n  - tols\n") == [
        "content/discussions/show-and-tell.yml:6: tags[1]: 'tols' is not a topic here (did you "
        f"mean tools?): use one of {ALLOWED_TAGS}, or add it to HEARTH_MEMBERS['tags'] in "
        "pelicanconf.py"
    ]


# What the thread is about, in the file itself


@pytest.mark.parametrize("written", ["twelve", "'12'", "0", "-3", "true", "1.5", "[12]"])
def test_issue_must_be_an_issue_number(written):
    [line] = problems_of(with_fields(issue=written))
    assert line.startswith("content/discussions/show-and-tell.yml:4: issue: must be an issue ")
    assert "like issue: 12, not " in line


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("example.org/post", "'example.org/post' has no scheme: write https://example.org/post"),
        ("5", "must be a member link's url, not a number"),
    ],
)
def test_link_must_be_a_web_address(written, expected):
    assert problems_of(with_fields(link=written)) == [
        f"content/discussions/show-and-tell.yml:4: link: {expected}"
    ]


# What the thread is about, checked against the issues and the members' links

ISSUE_DISCUSSION = "https://forum.theworkbench.example/t/hello/12"
LINK_DISCUSSION = "https://forum.theworkbench.example/t/tea-timer/13"
ADA = f"""\
name: Ada
links:
  - url: https://ada.example/tea-timer
    title: Tea timer
    date: 2026-01-03
    discussion: {LINK_DISCUSSION}
"""


def an_issue(number: int, title: str, **headers: str):
    name, text = issue(number, title, "2026-01-02 08:00", **headers)
    found, problems = parse_issue(Path("content") / name, text)
    assert problems == []
    return found


@pytest.fixture(scope="module")
def content():
    """Issue 1 (published, with a discussion), issue 2 (a draft) and one member's link."""
    issues = [
        an_issue(1, "Hello", Tags="apps", Discussion=ISSUE_DISCUSSION),
        an_issue(2, "Next", Status="draft"),
    ]
    ada, problems = parse_member(Path("content/members/ada.yml"), ADA, VOCABULARY, TODAY)
    assert problems == []
    return issues, [ada]


def sources_for(content, text: str):
    sources, problems = discussion_sources(*content, [valid(text)])
    return {source.url: source for source in sources}, [str(item) for item in problems]


def test_a_thread_about_a_published_issue_or_a_member_link_is_listed_with_it(content):
    sources, problems = sources_for(content, with_fields(issue="1"))
    assert problems == []
    assert (sources[THREAD].kind, sources[THREAD].about) == (
        "issue",
        ("Issue 1: Hello", "issues/1/"),
    )
    sources, problems = sources_for(content, with_fields(link="https://ada.example/tea-timer"))
    assert problems == []
    assert (sources[THREAD].kind, sources[THREAD].about[0]) == ("link", "Tea timer")
    sources, problems = sources_for(content, GOOD)
    assert (sources[THREAD].kind, sources[THREAD].about, problems) == ("topic", None, [])


@pytest.mark.parametrize("number", [2, 3])
def test_an_issue_that_is_not_published_is_reported_and_a_draft_does_not_count(content, number):
    sources, problems = sources_for(content, with_fields(issue=str(number)))
    assert problems == [
        f"content/discussions/show-and-tell.yml:4: issue: there is no published issue {number}: "
        "check the number, or remove the line"
    ]
    assert THREAD not in sources


def test_a_thread_about_both_an_issue_and_a_link_is_reported_at_the_link(content):
    text = with_fields(issue="1", link="https://ada.example/tea-timer")
    assert sources_for(content, text)[1] == [
        "content/discussions/show-and-tell.yml:5: link: a thread is about one issue or one "
        "link: keep issue or link"
    ]


def test_a_link_no_member_shared_is_reported(content):
    assert sources_for(content, with_fields(link="https://ada.example/other"))[1] == [
        "content/discussions/show-and-tell.yml:4: link: https://ada.example/other is not a link "
        "any member shared: copy the url of a link from content/members/, or remove the line"
    ]


@pytest.mark.parametrize(
    "written",
    [
        "https://ada.example/tea-timer/",
        "https://ada.example/tea-timer?utm_source=newsletter&fbclid=x",
        "http://ADA.example/tea-timer",
        "https://ada.example:443/tea-timer",
    ],
)
def test_a_link_written_in_an_equivalent_form_matches_the_members_link(content, written):
    sources, problems = sources_for(content, with_fields(link=written))
    assert problems == []
    assert (sources[THREAD].kind, sources[THREAD].about[0]) == ("link", "Tea timer")


def test_a_thread_file_repeating_an_issues_discussion_adds_its_title_and_tags(content):
    text = with_fields(url=ISSUE_DISCUSSION, tags="[tools]")
    sources, problems = sources_for(content, text)
    assert problems == []
    assert list(sources) == [ISSUE_DISCUSSION, LINK_DISCUSSION]
    repeated = sources[ISSUE_DISCUSSION]
    assert (repeated.title, repeated.kind, repeated.tags) == ("Show and tell", "issue", ("tools",))
    assert repeated.about == ("Issue 1: Hello", "issues/1/")
    assert (repeated.path, repeated.line) == (Path("content/discussions/show-and-tell.yml"), 2)


def test_a_thread_file_without_tags_keeps_the_tags_of_the_issue_it_repeats(content):
    sources, _ = sources_for(content, with_fields(url=ISSUE_DISCUSSION))
    assert sources[ISSUE_DISCUSSION].tags == ("apps",)


def test_a_thread_file_repeating_an_issues_discussion_in_another_form_is_still_one(content):
    sources, _ = sources_for(content, with_fields(url=ISSUE_DISCUSSION + "/"))
    assert len(sources) == 2


def test_two_thread_files_for_one_thread_are_reported(content):
    threads = [valid(GOOD), parse(GOOD, "again.yml")[0]]
    assert discussion_sources(*content, threads)[1] != []


# The folder


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """Authors run checks from the site's folder; paths in messages are relative to it."""
    monkeypatch.chdir(tmp_path)
    found = tmp_path / "content" / "discussions"
    found.mkdir(parents=True)
    return found


def test_the_folder_skips_the_template_hidden_files_and_activity_and_reports_other_files(folder):
    (folder / "show-and-tell.yml").write_text(GOOD, encoding="utf-8")
    (folder / "_template.yml").write_text("- not a thread\n", encoding="utf-8")
    (folder / ".show-and-tell.yml.swp").write_text("x", encoding="utf-8")
    (folder / "show-and-tell.yml~").write_text("x", encoding="utf-8")
    (folder / "activity.json").write_text("{}", encoding="utf-8")
    (folder / "notes.txt").write_text("x", encoding="utf-8")
    (folder / "other.yaml").write_text(GOOD, encoding="utf-8")
    (folder / "old").mkdir()
    threads, problems = load_threads(folder, VOCABULARY, TODAY)
    assert [thread.title for thread in threads] == ["Show and tell"]
    assert [str(item) for item in sorted(problems)] == [
        f"content/discussions/{name}:1: only thread files (.yml) and activity.json belong here"
        for name in ("notes.txt", "old", "other.yaml")
    ]


def test_the_folder_reports_every_file_and_keeps_the_valid_threads(folder):
    (folder / "a.yml").write_text(GOOD, encoding="utf-8")
    (folder / "b.yml").write_text(with_fields(started="2026-02-01"), encoding="utf-8")
    (folder / "c.yml").write_text("", encoding="utf-8")
    threads, problems = load_threads(folder, VOCABULARY, TODAY)
    assert [thread.source.name for thread in threads] == ["a.yml"]
    assert [str(item) for item in sorted(problems)] == [
        "content/discussions/b.yml:3: started: 2026-02-01 is in the future (today is "
        "2026-01-30): write the day the thread was started",
        "content/discussions/c.yml:1: the file is empty: copy content/discussions/_template.yml",
    ]


def test_a_missing_folder_means_no_threads_yet(tmp_path):
    assert load_threads(tmp_path / "discussions", VOCABULARY, TODAY) == ([], [])


def test_a_file_that_is_not_utf8_is_reported(folder):
    (folder / "a.yml").write_bytes(b"title: Caf\xe9\n")
    assert load_threads(folder, VOCABULARY, TODAY)[1] != []


# activity.json

ENTRY = {"title": "Show and tell", "replies": 3, "last_activity": "2026-01-30T09:15:00+00:00"}


@pytest.fixture
def activity_file(folder):
    return folder / "activity.json"


def write_threads(path: Path, threads: object) -> None:
    """An activity file with a good first entry, then ``threads``' entries."""
    if isinstance(threads, dict):
        threads = {"https://a.example/t/first/1": ENTRY, **threads}
    text = json.dumps({"about": "x", "threads": threads}, indent=2, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")


def test_a_missing_activity_file_is_no_activity(activity_file):
    assert read_activity(activity_file) == ({}, [])


def test_invalid_json_is_reported_with_its_line(activity_file):
    activity_file.write_text('{\n  "threads": {\n    "https://a.example/t/x/1": {,\n', "utf-8")
    [found] = read_activity(activity_file)[1]
    assert (found.path, found.line, found.field) == ("content/discussions/activity.json", 3, "")
    assert found.message.startswith(
        "invalid JSON: Expecting property name enclosed in double quotes; fix it by hand, or "
    )
    assert found.message.endswith("and run `invoke sync-discussions`")


@pytest.mark.parametrize("threads", [[], "none", None])
def test_threads_that_are_not_an_object_are_reported(activity_file, threads):
    write_threads(activity_file, threads)
    assert [str(item) for item in read_activity(activity_file)[1]] == [
        'content/discussions/activity.json:1: threads: must be an object: {"threads": {URL: {...}}}'
    ]


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({**ENTRY, "replies": -1}, "replies must be a whole number of at least 0, or null"),
        ({**ENTRY, "replies": True}, "replies must be a whole number of at least 0, or null"),
        ({**ENTRY, "replies": 2.5}, "replies must be a whole number of at least 0, or null"),
        (
            {**ENTRY, "last_activity": "2026-01-30T09:15:00"},
            "last_activity '2026-01-30T09:15:00' must be a time with its offset, like "
            "2026-01-30T09:15:00+00:00, or null",
        ),
        ({**ENTRY, "views": 40}, "unknown field views: use title, replies, last_activity"),
        ({**ENTRY, "title": ""}, "title must be text or null"),
        ("busy", "must be an object with title, replies and last_activity"),
    ],
)
def test_a_wrong_entry_is_reported_at_its_url_and_the_others_are_kept(
    activity_file, entry, message
):
    write_threads(activity_file, {THREAD: entry})
    found, problems = read_activity(activity_file)
    assert list(found) == ["https://a.example/t/first/1"]
    assert [str(item) for item in problems] == [
        f"content/discussions/activity.json:9: threads['{THREAD}']: {message}"
    ]


def test_a_wrong_entry_with_a_non_ascii_url_is_reported_at_its_url(activity_file):
    write_threads(activity_file, {"https://forum.example/t/café/9": {"replies": -1}})
    assert [item.line for item in read_activity(activity_file)[1]] == [9]


def test_activity_json_round_trips_through_read_activity(activity_file):
    activity = {
        THREAD: Activity(
            "Show and tell", 3, datetime.datetime(2026, 1, 30, 9, 15, tzinfo=datetime.UTC)
        ),
        "https://forum.example/t/café/9": Activity("Café", 0, None),
        "https://social.example/@ada/1": Activity(),
    }
    activity_file.write_text(activity_json(activity), encoding="utf-8")
    assert read_activity(activity_file) == (activity, [])


def test_activity_json_is_stable_so_a_sync_commit_shows_only_changed_counts():
    one = {THREAD: Activity("A", 1), "https://b.example/t/b/2": Activity("B", 2)}
    text = activity_json(one)
    assert text == activity_json(dict(reversed(one.items())))
    assert text.endswith("}\n") and '"replies": 1,\n' in text


def test_write_activity_leaves_an_unchanged_file_alone_and_leaves_no_temporary_file(
    activity_file,
):
    activity = {THREAD: Activity("Show and tell", 3)}
    assert write_activity(activity_file, activity) is True
    old = 1_700_000_000_000_000_000
    os.utime(activity_file, ns=(old, old))
    before = activity_file.read_bytes()
    assert write_activity(activity_file, activity) is False
    assert activity_file.read_bytes() == before
    assert activity_file.stat().st_mtime_ns == old
    assert write_activity(activity_file, {THREAD: Activity("Show and tell", 4)}) is True
    assert read_activity(activity_file)[0][THREAD].replies == 4
    assert [path.name for path in activity_file.parent.iterdir()] == ["activity.json"]


# Chat spaces in pelicanconf.py

FORUM = {"platform": "discourse", "name": "Forum", "url": "https://forum.theworkbench.example/"}


def spaces(*given):
    return chat_spaces({"HEARTH_DISCUSSIONS": {"spaces": list(given)}})


def test_a_space_needs_only_platform_name_and_url():
    [space] = spaces(FORUM)
    assert (space.name, space.join, space.description, space.api) == (
        "Forum",
        "https://forum.theworkbench.example/",
        "",
        None,
    )


@pytest.mark.parametrize(
    ("space", "message"),
    [
        ({"platform": "discourse", "url": FORUM["url"]}, "needs 'name' (text)"),
        ({**FORUM, "name": "  "}, "needs 'name' (text)"),
        (
            {**FORUM, "platform": "irc"},
            "platform 'irc' is not one Hearth knows: use one of bluesky, circle, discord, "
            "discourse, facebook, geneva, github, hackernews, lemmy, lobsters, mastodon, matrix, "
            "reddit, slack, zulip or 'other'",
        ),
        (
            {**FORUM, "join": "http://forum.theworkbench.example/invite"},
            "'join' must be an https:// address, not 'http://forum.theworkbench.example/invite'",
        ),
        (
            {**FORUM, "colour": "red"},
            "has unknown keys colour: allowed keys are api, description, join, name, platform, url",
        ),
    ],
)
def test_a_wrong_space_names_its_index_and_key(space, message):
    with pytest.raises(SettingsError) as error:
        spaces(FORUM, space)
    assert str(error.value) == f"pelicanconf.py: HEARTH_DISCUSSIONS['spaces'][1]: {message}"


def test_a_description_that_is_not_text_is_a_settings_error():
    with pytest.raises(SettingsError, match=r"HEARTH_DISCUSSIONS\['spaces'\]\[0\]"):
        spaces({**FORUM, "description": 5})


# The whole site, as `invoke check` and `invoke sync-discussions` see it


def test_check_and_sync_see_threads_issues_member_links_and_activity(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    files = dict([issue(1, "Hello", "2026-01-02 08:00", Discussion=ISSUE_DISCUSSION)])
    files["members/ada.yml"] = ADA
    files["discussions/show-and-tell.yml"] = with_fields(issue="1")
    files["discussions/typo.yml"] = with_fields(issue="9")
    files["discussions/activity.json"] = '{"threads": []}\n'
    settings = settings_for(write_content(tmp_path, files), tmp_path / "output")
    expected = [
        "content/discussions/activity.json:1: threads: must be an object: "
        '{"threads": {URL: {...}}}',
        "content/discussions/typo.yml:4: issue: there is no published issue 9: check the "
        "number, or remove the line",
    ]
    assert [str(item) for item in check_content(settings)] == expected
    urls, problems = discussion_urls(settings)
    assert urls == sorted([ISSUE_DISCUSSION, LINK_DISCUSSION, THREAD])
    assert [str(item) for item in problems] == expected


def test_invoke_check_passes_a_copied_template_and_lists_a_broken_thread_file(project):
    thread = project / "content/discussions/show-and-tell-january.yml"
    thread.write_text(TEMPLATE.read_text(encoding="utf-8"), encoding="utf-8")
    assert invoke(project, "check").stdout.strip() == "No problems found."
    lines = thread.read_text(encoding="utf-8").splitlines()
    line = next(number for number, text in enumerate(lines, 1) if text.startswith("started:"))
    lines[line - 1] = "started: 9 January 2026"
    thread.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = invoke(project, "check")
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stderr.splitlines() == [
        f"content/discussions/show-and-tell-january.yml:{line}: started: cannot read "
        "'9 January 2026' as a date: write YYYY-MM-DD",
        "1 problem(s) found.",
    ]
