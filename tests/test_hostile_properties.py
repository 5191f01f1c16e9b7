"""Whatever `invoke check` accepts builds, and its pages pass the HTML checker.

Hypothesis writes member files, thread files and issue headers from hostile pieces:
control, direction and noncharacter code points, markup, broken percent escapes,
odd hosts, dates with offsets. Each is checked on its own as it is generated; every
one the check accepts goes into ONE site, which must pass the whole check, build,
and pass vnu in ONE run (starting the checker costs more than checking a page).
"""

from __future__ import annotations

import datetime
import html
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hearth_core.weburl import check_web_url
from hearth_discussions.threads import parse_thread
from hearth_issues.source import parse_issue
from hearth_members.validate import parse_member
from hearth_site.check import check_content
from pelicanconf import HEARTH_MEMBERS
from tests.sites import build_site, page, settings_for, write_content
from tests.test_html_valid import nu_html_errors

TODAY = datetime.date.today()
VOCABULARY = tuple(HEARTH_MEMBERS["tags"])
EXAMPLES = 300

# Pieces of text: ordinary ones, markup, and every kind of character the rule refuses.
PRINTABLE = [
    *("Ada", "zine", " ", "  ", "é", "ß", "😀", "e\u0301", "\u00a0", "\u200b", "\u2028"),
    *("<b>", "</p>", "&amp;", "&", '"', "'", "`", "*", "_", "[x](javascript:alert(1))"),
    *("{", "}", "|", "%", "#", "[", "]", "\\", ": ", " #", "- ", "!", "@", "---", "<!--"),
]
PIECES = [
    *PRINTABLE,
    *("\t", "\n", "\r", "\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9f"),
    *("\u061c", "\u200e", "\u202e", "\u2066", "\ufdd0", "\ufdef", "\ufffe", "\U0001ffff"),
]
URL_PIECES = [
    *("/", "a", "Z", "0", "-", ".", "_", "~", "%", "%41", "%zz", "%e2%80%ae", "é", "😀"),
    *("{", "}", "|", "^", "[", "]", "#", "?", "=", "&", "'", "(", ")", "*", "+", ",", ";"),
    *(":", "@", "!", "$", " ", "\\", "`", '"', "<", ">", "\u202e", "\u200b", "\ufdd0"),
]
HOSTS = [
    *("eve.example", "EVE.Example", "bücher.example", "xn--bcher-kva.example", "a_b.example"),
    *("eve.example.", "eve.123", "eve.0x1f", "1.2.3.4", "1.2.3.04", "xn--zz.example"),
    *("eve.example:8080", "eve.example:0", "eve.example:99999", "u@eve.example", "[::1]"),
    *("eve..example", "-eve.example", "ⓔve.example", "a\u2025b.example", "localhost"),
]
# Issue 22's examples of addresses the HTML checker refuses, and a few of their kin.
REFUSED = [
    "https://eve.example/a%zz",
    "https://eve.example/a{b",
    "https://eve.example/a|b",
    "https://eve.example/a#b#c",
    "https://eve.example.123/",
    "https://xn--zz.example/",
]
OFFSETS = ["", " +0200", " -0400", "+05:30", "Z", " +1400", " -1200", " +0000"]

# Mostly text that could pass, so that many entries reach the build; some of every kind.
text = st.one_of(
    st.lists(st.sampled_from(PRINTABLE), min_size=1, max_size=6).map("".join),
    st.lists(st.sampled_from(PIECES), max_size=6).map("".join),
)
# How a member writes a value: plain (the line reader's path), or quoted.
written = st.one_of(text, text.map(lambda value: json.dumps(value, ensure_ascii=False)))


def edge_day(usual: datetime.date) -> st.SearchStrategy[str]:
    """Mostly ``usual``; sometimes a day at or past the ends of what dates can hold."""
    edges = ["1970-01-01", "0001-01-01", "9999-12-31", "2025-02-29", "2025-1-5"]
    return st.one_of(st.just(usual.isoformat()), st.sampled_from(edges))


@st.composite
def urls(draw: st.DrawFn, unique: str) -> str:
    """An address; ``unique`` keeps two generated addresses from being one link."""
    scheme = draw(st.sampled_from(["https://", "http://", "HTTPS://"]))
    host = draw(st.sampled_from(HOSTS))
    path = "".join(draw(st.lists(st.sampled_from(URL_PIECES), max_size=6)))
    address = f"{scheme}{unique}.{host}/{path}"
    return draw(st.sampled_from([address, json.dumps(address, ensure_ascii=False)]))


def member_files(index: int) -> st.SearchStrategy[str]:
    @st.composite
    def build(draw: st.DrawFn) -> str:
        lines = [f"name: {draw(written)}"]
        if draw(st.booleans()):
            lines.append(f"bio: {draw(written)}")
        if draw(st.booleans()):
            lines.append(f"website: {draw(urls(f'w{index}'))}")
        if draw(st.booleans()):
            lines.append(f'fediverse: "@eve{index}@social.example"')
        links = draw(st.integers(0, 3))
        if links:
            lines.append("links:")
        for number in range(links):
            # A week apart, after every issue: no weekly limit or frozen issue is touched.
            day = datetime.date(2025, 8, 1) + datetime.timedelta(days=8 * number)
            lines += [
                f"  - url: {draw(urls(f'm{index}l{number}'))}",
                f"    title: {draw(written)}",
                f"    date: {draw(edge_day(day))}",
            ]
            if draw(st.booleans()):
                lines.append(f"    note: {draw(written)}")
            if draw(st.booleans()):
                tags = draw(st.lists(st.sampled_from(VOCABULARY), max_size=2, unique=True))
                lines.append(f"    tags: [{', '.join(tags)}]")
            if draw(st.booleans()):
                lines.append(f"    discussion: {draw(urls(f'd{index}l{number}'))}")
        return "\n".join(lines) + "\n"

    return build()


def thread_files(index: int) -> st.SearchStrategy[str]:
    @st.composite
    def build(draw: st.DrawFn) -> str:
        started = datetime.date(2025, 7, 1) + datetime.timedelta(days=index % 60)
        lines = [
            f"title: {draw(written)}",
            f"url: {draw(urls(f't{index}'))}",
            f"started: {draw(edge_day(started))}",
        ]
        if draw(st.booleans()):
            tags = draw(st.lists(st.sampled_from(VOCABULARY), max_size=2, unique=True))
            lines.append(f"tags: [{', '.join(tags)}]")
        return "\n".join(lines) + "\n"

    return build()


def issue_files(index: int) -> st.SearchStrategy[str]:
    @st.composite
    def build(draw: st.DrawFn) -> str:
        day = datetime.date(2025, 1, 1) + datetime.timedelta(days=index % 180)
        time = draw(st.sampled_from(["", " 08:00", " 23:59", " 00:30"]))
        offset = draw(st.sampled_from(OFFSETS)) if time else ""
        lines = [f"Title: {draw(text)}", f"Date: {draw(edge_day(day))}{time}{offset}"]
        if draw(st.booleans()):
            lines.append(f"Summary: {draw(text)}")
        if draw(st.booleans()):
            lines.append(f"Tags: {draw(text)}")
        if draw(st.booleans()):
            lines.append(f"Discussion: {draw(urls(f'i{index}')).strip(chr(34))}")
        # The body is the author's own Markdown, raw HTML and all: here only its first
        # characters are hostile.
        body = draw(st.sampled_from(["", "\x01", "\u202e", "\ufdd0", "\x85"])) + "Hello."
        return "\n".join(lines) + "\n\n" + body + "\n"

    return build()


def accepted(make, check) -> dict[str, str]:
    """Files ``make`` writes that pass ``check`` on their own, by the name they go under."""
    found: dict[str, str] = {}
    counter = iter(range(10**9))

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.data())
    def generate(data: st.DataObject) -> None:
        index = next(counter)
        file_text = data.draw(make(index))
        name = check(index, file_text)
        if name:
            found[name] = file_text

    generate()
    return found


def test_the_check_refuses_each_address_the_checker_refuses():
    for url in REFUSED:
        with pytest.raises(ValueError):
            check_web_url(url)


def accepted_member(index: int, file_text: str) -> str | None:
    path = Path(f"content/members/eve{index}.yml")
    member, _problems = parse_member(path, file_text, VOCABULARY, TODAY)
    return f"members/{path.name}" if member else None


def accepted_thread(index: int, file_text: str) -> str | None:
    path = Path(f"content/discussions/talk-{index}.yml")
    thread, _problems = parse_thread(path, file_text, VOCABULARY, TODAY)
    return f"discussions/{path.name}" if thread else None


def accepted_issue(index: int, file_text: str) -> str | None:
    path = Path(f"content/issues/{index + 1:04d}-generated-{index + 1}.md")
    found, _problems = parse_issue(path, file_text)
    return f"issues/{path.name}" if found else None


def test_everything_check_accepts_builds_and_passes_the_html_checker(
    tmp_path, test_tool, monkeypatch
):
    vnu = test_tool("vnu-jar/build/dist/vnu.jar")
    monkeypatch.chdir(tmp_path)  # problems name files as content/...
    files = {
        **accepted(member_files, accepted_member),
        **accepted(thread_files, accepted_thread),
        **accepted(issue_files, accepted_issue),
    }
    content = tmp_path / "content"
    for name, file_text in files.items():
        (content / name).parent.mkdir(parents=True, exist_ok=True)
        (content / name).write_text(file_text, encoding="utf-8")
    write_content(tmp_path, {})
    output = tmp_path / "output"
    site_settings = settings_for(content, output)
    # Files accepted one by one may clash (one topic spelt two ways): the site is what
    # the whole check accepts once the files it names are taken out.
    for _round in range(5):
        named = {str(item.path) for item in check_content(site_settings)}
        for path in named:
            Path(path).unlink()
    assert check_content(site_settings) == []
    kinds = {kind: len(list((content / kind).glob("*"))) for kind in ("members", "discussions")}
    kinds["issues"] = len(list((content / "issues").glob("*.md")))
    assert all(count >= 20 for count in kinds.values()), f"too few accepted to test: {kinds}"

    build_site(content, output)

    # The same run reads a page linking to the issue's examples, which the check
    # refuses: the checker must refuse each of them too, so the two rules agree.
    planted = tmp_path / "planted.html"
    planted.write_text(
        '<!doctype html><html lang="en"><title>Refused</title>'
        + "".join(f'<a href="{html.escape(url)}">x</a>' for url in REFUSED),
        encoding="utf-8",
    )
    messages = nu_html_errors(vnu, [*sorted(output.rglob("*.html")), planted])
    on_planted = [m for m in messages if m.get("url", "").endswith("/planted.html")]
    assert {url for url in REFUSED if any(url in m["message"] for m in on_planted)} == set(
        REFUSED
    ), on_planted
    errors = [
        f"{m.get('url', '?')}: {m['message']} [{m.get('extract', '')}]"
        for m in messages
        if m not in on_planted
    ]
    assert errors == [], "\n".join(errors[:40])


# The case the property test found (output/issues/312/): two U+2028 LINE SEPARATORs in a
# Summary once ended the header there, so "zine---</p>" became the body's first paragraph
# and the page held "<p>zine---</p></p>", which the checker refuses.
SEPARATED_SUMMARY = "Ada\u2028\u2028zine---</p>"


def test_a_summary_holding_two_line_separators_stays_in_the_header_and_passes_the_checker(
    tmp_path, test_tool
):
    vnu = test_tool("vnu-jar/build/dist/vnu.jar")
    content = write_content(tmp_path, {})
    (content / "issues" / "0312-generated-312.md").write_text(
        f"Title: Ada\nDate: 2025-01-02\nSummary: {SEPARATED_SUMMARY}\n\nHello.\n",
        encoding="utf-8",
    )
    output = tmp_path / "output"
    assert check_content(settings_for(content, output)) == []
    build_site(content, output)

    built = page(output, "/issues/312/")
    standfirst = built.css_first(".standfirst")
    assert standfirst is not None and standfirst.text() == SEPARATED_SUMMARY
    prose = built.css_first(".content.prose")
    assert prose is not None and "zine" not in prose.text() and "Hello." in prose.text()
    pages = [output / "issues" / "312" / "index.html"]
    errors = [f"{m['message']} [{m.get('extract', '')}]" for m in nu_html_errors(vnu, pages)]
    assert errors == []


def test_a_next_line_character_at_the_top_of_a_body_is_refused():
    # NEL (U+0085) was taken for a line end when the header was split, so it vanished
    # from the body instead of being reported like every other control character.
    path = Path("content/issues/0001-hello.md")
    found, problems = parse_issue(path, "Title: Ada\nDate: 2025-01-02\n\n\x85Hello.\n")
    assert found is None
    assert [(item.line, item.message) for item in problems] == [
        (4, "contains the invisible character U+0085: delete it")
    ]
