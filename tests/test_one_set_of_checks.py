"""One set of checks: what `invoke build` refuses, `invoke check` reports first, at its
file and line; a problem in a draft holds back that draft, never the published issues;
and whatever Pelican warns of is said as Hearth says a problem (docs/checks.md)."""

from __future__ import annotations

import ast
import logging
import re
from pathlib import Path

import markdown
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pelican.readers import find_empty_alt

from hearth_core.errors import HearthError
from hearth_core.problems import Problem
from hearth_issues.bodychecks import empty_alt_images, other_hosts_loaded
from hearth_site.check import load_site_content
from hearth_site.pelicanlog import (
    SAME_ADDRESS,
    TRANSLATIONS,
    Site,
    logged_problems,
    pelican_log,
    translate,
)
from tests.sites import ROOT, build_site, invoke, issue, settings_for, write_content

# `path:line: ` at the start of every line a refusal prints.
WHERE = re.compile(r"^\S+:\d+: ")
DRAFT_PICTURE = """\
Title: A draft with a picture
Date: 2025-12-01
Status: draft

Hello.

![](/images/workbench.svg)
"""


def checked(content: Path, tmp_path: Path, **overrides):
    return load_site_content(settings_for(content, tmp_path / "out", **overrides))


def refusal(content: Path, output: Path, **overrides) -> str:
    """What a build of ``content`` refuses, or "" when it builds."""
    try:
        build_site(content, output, **overrides)
    except HearthError as error:
        return str(error)
    return ""


# ---- the example the issue names, as an author runs it --------------------------------


def test_a_draft_with_an_image_without_alt_text(project):
    draft = project / "content/issues/0016-a-draft-with-a-picture.md"
    draft.write_text(DRAFT_PICTURE)
    where = "content/issues/0016-a-draft-with-a-picture.md:7: image: the image workbench.svg"

    check = invoke(project, "check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert where in check.stderr, "check reports the draft's problem at its line"
    assert "left out of the build" in check.stderr

    build = invoke(project, "build")
    assert build.returncode == 0, build.stdout + build.stderr
    assert "Built the site in output/" in build.stdout
    assert where in build.stderr
    assert (project / "output/issues/14/index.html").is_file(), "published issues are built"
    assert not (project / "output/issues/16").exists()
    # One line per problem, as Hearth says it: no rich console, no Pelican wording.
    said = build.stdout + build.stderr
    assert "WARNING" not in said and "readers.py" not in said and "Empty alt" not in said
    assert [line for line in build.stderr.splitlines() if "workbench.svg" in line] == [
        line for line in build.stderr.splitlines() if line.startswith(where)
    ]

    preview = invoke(project, "build", "--drafts")
    assert preview.returncode == 0, preview.stdout + preview.stderr
    assert where in preview.stderr
    assert not (project / "output/issues/16").exists(), "left out of a --drafts build too"


def test_a_published_issue_with_an_image_without_alt_text_is_refused_by_check_first(project):
    published = project / "content/issues/0016-a-picture.md"
    published.write_text(DRAFT_PICTURE.replace("Status: draft\n", ""))
    where = "content/issues/0016-a-picture.md:6: image: the image workbench.svg has no alt text"

    check = invoke(project, "check")
    assert check.returncode == 1
    assert where in check.stderr + check.stdout
    build = invoke(project, "build")
    assert build.returncode == 1
    lines = build.stderr.strip().splitlines()
    assert lines[0].startswith(where)
    assert lines[-1] == "The site was not built: fix the problems above."
    assert "Traceback" not in build.stderr


def test_an_issue_showing_an_image_from_another_host_is_refused_by_check_as_publish_would(
    project,
):
    """Publishing refuses a page that loads anything from another host; `invoke check`
    and the build say so first, at the line, instead of passing it."""
    published = project / "content/issues/0016-a-picture.md"
    published.write_text(
        "Title: A picture\nDate: 2025-12-01\n\nHello.\n\n"
        "![A bench](https://assets.example.net/bench.png)\n\n"
        "[The bench's maker](https://maker.example.net/) is a link, which is fine.\n"
    )
    where = "content/issues/0016-a-picture.md:6: image: https://assets.example.net/bench.png"

    check = invoke(project, "check")
    assert check.returncode == 1
    assert where in check.stderr + check.stdout
    assert "maker.example.net" not in check.stderr + check.stdout
    build = invoke(project, "build")
    assert build.returncode == 1
    assert build.stderr.strip().splitlines()[0].startswith(where)
    assert "Traceback" not in build.stderr


@pytest.mark.parametrize(
    "body",
    [
        "![a](https://cdn.example.net/a.png)",
        "![a][pic]\n\n[pic]: https://cdn.example.net/a.png",
        '<img src="/images/a.png" srcset="https://cdn.example.net/a2.png 2x" alt="a">',
        '<iframe src="https://video.example.net/embed/1" title="a video"></iframe>',
        '<video controls poster="//cdn.example.net/p.jpg"></video>',
        '<audio controls><source src="https://cdn.example.net/a.mp3"></audio>',
        '<script src="https://tracker.example.net/t.js"></script>',
    ],
)
def test_every_way_a_body_loads_from_another_host_is_found(body):
    assert other_hosts_loaded(markdown.markdown(body, extensions=["extra"]))


@pytest.mark.parametrize(
    "body",
    [
        "[a link](https://example.net/page)",
        "![a](/images/a.png)",
        "![a]({static}/images/a.png)",
        "<https://example.net/>",
        "Hello, no HTML at all.",
    ],
)
def test_links_and_the_sites_own_files_load_nothing_from_another_host(body):
    assert other_hosts_loaded(markdown.markdown(body, extensions=["extra"])) == []


def test_a_draft_that_reuses_a_published_number_holds_back_only_the_draft(project):
    (project / "content/issues/0003-a-draft-again.md").write_text(
        "Title: Again\nDate: 2025-12-01\nStatus: draft\n\nHello.\n"
    )
    check = invoke(project, "check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "content/issues/0003-a-draft-again.md:1: issue number 3 is already used" in (
        check.stderr
    )
    build = invoke(project, "build")
    assert build.returncode == 0, build.stderr
    assert (project / "output/issues/3/index.html").is_file()


# ---- a table of content mistakes: check refuses exactly what build refuses -------------

ALT = "![a bench](/images/a.png)\n"
BROKEN_BODIES = {
    "image without alt text": ("![](/images/a.png)\n", 4, "image"),
    "html image with an empty alt": ('<img src="/images/a.png" alt="">\n', 4, "image"),
    "link to a missing issue": ("See [it]({filename}/issues/0009-gone.md).\n", 4, "link"),
    "filename link to an image": ("See [it]({filename}/images/a.png).\n", 4, "link"),
    "static link to a missing file": (ALT + "![b]({static}/images/none.png)\n", 5, "link"),
    "unknown link kind": ("See [it]({article}/issues/0002-two.md).\n", 4, "link"),
}
GOOD_BODIES = {
    "image with alt text": ALT,
    "link to an issue": "See [it]({filename}/issues/0002-two.md).\n",
    "relative link to an issue": "See [it]({filename}0002-two.md).\n",
    "static link": "![a bench]({static}/images/a.png)\n",
    "static link outside the static folder": "![b]({static}/extra/b.png)\n",
    "one attach link": "![a bench]({attach}/images/a.png)\n",
    "tag link": "See [tools]({tag}tools).\n",
    "braces in code": "Write `[x]({article}/y)` or `![](/a.png)`.\n",
}


def _site(tmp_path: Path, body: str, **headers: str) -> Path:
    files = dict([issue(1, "One", "2025-01-03", body, **headers), issue(2, "Two", "2025-01-10")])
    files["images/a.png"] = "png"
    files["extra/b.png"] = "png"
    return write_content(tmp_path, files)


@pytest.mark.parametrize("name", BROKEN_BODIES)
def test_check_refuses_what_pelican_would_warn_of_at_its_line(tmp_path, name):
    body, line, field = BROKEN_BODIES[name]
    content = _site(tmp_path, body)
    [found] = checked(content, tmp_path).problems
    assert (Path(found.path).name, found.line, found.field) == ("0001-one.md", line, field)
    said = refusal(content, tmp_path / "o")
    assert said.splitlines()[0] == str(found), "the build refuses with the check's words"


@pytest.mark.parametrize("name", BROKEN_BODIES)
def test_the_same_mistake_in_a_draft_holds_back_only_the_draft(tmp_path, name):
    body, line, field = BROKEN_BODIES[name]
    content = _site(tmp_path, body, Status="draft")
    found = checked(content, tmp_path)
    assert found.problems == []
    # One line lower: the Status line is above the body.
    assert [(p.line, p.field) for p in found.draft_problems] == [(line + 1, field)]
    for drafts in (False, True):
        output = tmp_path / f"o{drafts}"
        assert refusal(content, output, HEARTH_ISSUES={"show_drafts": drafts}) == ""
        assert (output / "issues/2/index.html").is_file()
        assert not (output / "issues/1").exists()


@pytest.mark.parametrize("name", GOOD_BODIES)
def test_what_check_accepts_builds(tmp_path, name):
    content = _site(tmp_path, GOOD_BODIES[name])
    assert checked(content, tmp_path).problems == []
    assert refusal(content, tmp_path / "o") == ""


BROKEN_FILES = {
    "an issue without a date": {"issues/0003-x.md": "Title: X\n\nHi.\n"},
    "a date Hearth cannot read": {"issues/0003-x.md": "Title: X\nDate: 3 May\n\nHi.\n"},
    "two issues with one number": {"issues/0002-again.md": "Title: A\nDate: 2025-02-01\n\nHi.\n"},
    "a page at the address of Hearth's members page": {"pages/members.md": "Title: M\n\nHi.\n"},
    "two pages with one address": {
        "pages/about.md": "Title: A\n\nHi.\n",
        "pages/more/about.md": "Title: B\n\nHi.\n",
    },
    "a page with an image without alt": {"pages/about.md": "Title: A\n\n![](/images/a.png)\n"},
    "a member link that is not an address": {
        "members/ada.yml": "name: Ada\nlinks:\n  - url: not-an-address\n"
        "    title: A post\n    date: 2025-01-02\n"
    },
    "a thread file with a bad address": {
        "discussions/t.yml": "title: T\nurl: ftp://forum.example/t/1\nstarted: 2025-01-02\n"
    },
    "an attach link to a file another issue attaches": {
        "issues/0003-x.md": "Title: X\nDate: 2025-01-20\n\n![b]({attach}/images/a.png)\n",
        "issues/0004-y.md": "Title: Y\nDate: 2025-01-21\n\n![c]({attach}/images/a.png)\n",
    },
}


@pytest.mark.parametrize("name", BROKEN_FILES)
def test_check_refuses_every_file_the_build_refuses(tmp_path, name):
    content = _site(tmp_path, ALT)
    for relative, text in BROKEN_FILES[name].items():
        (content / relative).parent.mkdir(parents=True, exist_ok=True)
        (content / relative).write_text(text)
    problems = checked(content, tmp_path).problems
    assert problems, "check refuses it"
    said = refusal(content, tmp_path / "o")
    assert said, "and so does the build"
    assert all(WHERE.match(line) for line in said.splitlines()), said


BROKEN_DRAFTS = {
    "a draft with a date Hearth cannot read": {
        "issues/0003-x.md": "Title: X\nDate: 3 May\nStatus: draft\n\nHi.\n"
    },
    "a draft with an unknown header key": {
        "issues/0003-x.md": "Title: X\nDate: 2025-02-01\nStatus: Draft\nAuthor: me\n\nHi.\n"
    },
    "a draft named like a published issue": {
        "issues/0001-one-again.md": "Title: X\nDate: 2025-02-01\nStatus: draft\n\nHi.\n"
    },
    "a draft page at the address of Hearth's members page": {
        "pages/members.md": "Title: M\nStatus: draft\n\nUnseen draft.\n"
    },
    "a draft page with an image without alt": {
        "pages/about.md": "Title: A\nStatus: draft\n\nUnseen draft.\n\n![](/images/a.png)\n"
    },
}


@pytest.mark.parametrize("name", BROKEN_DRAFTS)
def test_a_broken_draft_is_reported_and_left_out_while_the_site_builds(tmp_path, name):
    content = _site(tmp_path, ALT)
    for relative, text in BROKEN_DRAFTS[name].items():
        (content / relative).parent.mkdir(parents=True, exist_ok=True)
        (content / relative).write_text(text)
    found = checked(content, tmp_path)
    assert found.problems == []
    assert found.draft_problems, "reported"
    assert {Path(p.path).name for p in found.draft_problems} == {
        Path(relative).name for relative in BROKEN_DRAFTS[name]
    }
    for drafts in (False, True):
        output = tmp_path / f"o{drafts}"
        assert refusal(content, output, HEARTH_ISSUES={"show_drafts": drafts}) == ""
        assert (output / "issues/1/index.html").is_file()
        assert not (output / "issues/3").exists()
        for relative in BROKEN_DRAFTS[name]:
            written = output / Path(relative).stem / "index.html"
            if relative.startswith("pages/") and written.exists():
                assert "Unseen draft." not in written.read_text(), "Hearth's own page"


@pytest.mark.parametrize(
    ("link", "suggested"),
    [
        ("{filename}/issues/0002-tw.md", "did you mean {filename}/issues/0002-two.md?"),
        ("{filename}/issues/0009-two.md", "check its spelling"),
        ("{static}/images/b.png", "did you mean {static}/images/a.png?"),
    ],
)
def test_a_link_to_no_file_suggests_the_file_meant(tmp_path, link, suggested):
    content = _site(tmp_path, f"See [it]({link}).\n")
    [found] = checked(content, tmp_path).problems
    assert found.message.endswith(suggested), found


# Pieces of an issue's body an author might write, right and wrong.
PIECES = st.sampled_from(
    [
        ALT,
        "![](/images/a.png)\n",
        '<img alt="" src="/images/a.png">\n',
        '<img src="/images/a.png" alt="a bench">\n',
        "[two]({filename}/issues/0002-two.md)\n",
        "[gone]({filename}/issues/0007-gone.md)\n",
        "[pic]({filename}/images/a.png)\n",
        "![b]({static}/images/a.png)\n",
        "![b]({static}/images/b.png)\n",
        "[x]({index})\n",
        "[x]({nothing}/y)\n",
        "`{nothing}` and `![](x.png)`\n",
        "Plain words.\n",
        "[pic]: /images/a.png\n",
        "![][pic]\n",
    ]
)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(pieces=st.lists(PIECES, min_size=1, max_size=4), draft=st.booleans())
def test_the_build_refuses_exactly_what_check_refuses(tmp_path_factory, pieces, draft):
    root = tmp_path_factory.mktemp("property")
    headers = {"Status": "draft"} if draft else {}
    content = _site(root, "\n".join(pieces), **headers)
    found = checked(content, root)
    said = refusal(content, root / "o")
    assert bool(found.problems) == bool(said), (found, said)
    if draft:
        assert not said, "a draft never stops a build"
    assert not (root / "o/issues/1").exists() or not (found.problems or found.draft_problems)


# ---- Pelican's own records, said as Hearth's problems ----------------------------------


def _logged_templates() -> set[str]:
    """Every format string Pelican's own modules pass to logger.warning or .error."""
    found = set()
    for path in Path(__import__("pelican").__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("warning", "error", "exception")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.add(node.args[0].value)
    return found


def test_each_translated_message_is_one_pelican_logs():
    templates = _logged_templates()
    assert set(TRANSLATIONS) <= templates
    # Pelican builds this one's end from the number of files ("\n%s" for each).
    utils = Path(__import__("pelican").__file__).parent / "utils.py"
    assert "'There are %s items \"%s\" with lang %s'" in utils.read_text()
    assert SAME_ADDRESS.startswith('There are %s items "%s" with lang %s')


def _record(message: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord("pelican.x", logging.WARNING, "x.py", 1, message, args, None)


@pytest.fixture
def site(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    content = write_content(
        tmp_path,
        {
            "issues/0001-one.md": "Title: One\nDate: 2025-01-03\n\nHi.\n\n"
            "![](/images/a.png)\n[x]({filename}/issues/0009-gone.md)\n"
            "[y]({filename}/images/a.png)\n[z]({nothing}/y)\n![b]({static}/images/no.png)\n"
            "![c]({attach}/images/a.png)\n",
            "pages/about.md": "Title: About\n\nHi.\n",
            "pages/more/about.md": "Title: About\n\nHi.\n",
            "images/a.png": "png",
        },
    )
    (tmp_path / "pelicanconf.py").write_text("SITENAME = 'x'\nARTICLE_ORDER_BY = 'x'\n")
    return Site.of({"PATH": str(content), "ARTICLE_PATHS": ["issues"], "PAGE_PATHS": ["pages"]})


ONE = "content/issues/0001-one.md"
PELICAN_RECORDS = {
    "empty alt": (
        ("Empty alt attribute for image %s in %s", "a.png", f"/ABS/{ONE}"),
        f"{ONE}:6: image: the image a.png has no alt text",
    ),
    "unresolved filename link": (
        ("Unable to find '%s', skipping url replacement.", "/issues/0009-gone.md"),
        f"{ONE}:7: link: /issues/0009-gone.md names no issue, page or file",
    ),
    "filename link to static content": (
        (
            "{filename} used for linking to static content %s in %s. Use {static} instead",
            "/images/a.png",
            "issues/0001-one.md",
        ),
        f"{ONE}:8: link: {{filename}}/images/a.png is a file, not an issue or page",
    ),
    "unknown replacement indicator": (
        (
            "Replacement Indicator %r not recognized in %r, skipping replacement",
            "nothing",
            "{nothing}/y",
        ),
        f"{ONE}:9: link: {{nothing}} is not a link Pelican knows",
    ),
    "missing static file": (
        ("Cannot get modification stamp for %s\n\t%s", "/ABS/content/images/no.png", "Errno 2"),
        f"{ONE}:10: link: images/no.png is not in content/",
    ),
    "attach relocation": (
        (
            "The {attach} link in %s cannot relocate %s because %s. Falling back to "
            "{filename} link behavior instead.",
            "issues/0001-one.md",
            "images/a.png",
            "its output location was already overridden",
        ),
        f"{ONE}:11: link: {{attach}} moves a.png next to one page",
    ),
    "one address for two pages": (
        (
            SAME_ADDRESS + "\n%s\n%s",
            2,
            'with slug "about"',
            "en",
            "/ABS/content/pages/about.md",
            "/ABS/content/pages/more/about.md",
        ),
        "content/pages/more/about.md:1: this file and content/pages/about.md have one address",
    ),
    "a file Pelican could not process": (
        ("Could not process %s", "issues/0001-one.md"),
        f"{ONE}:1: Pelican could not read this file: run `invoke check`",
    ),
    "anything else naming a file": (
        ("Something new about %s", "pages/about.md"),
        "content/pages/about.md:1: Pelican: Something new about pages/about.md",
    ),
    "anything else starting with a file": (
        ("pages/about.md: Pelican cannot read this kind of file",),
        "content/pages/about.md:1: Pelican: pages/about.md: Pelican cannot read",
    ),
    "anything else naming a setting": (
        ('There is no "%s" attribute in "%s". Defaulting to ARTICLE_ORDER_BY', "x", "y"),
        'pelicanconf.py:2: Pelican: There is no "x" attribute in "y". Defaulting to',
    ),
    "anything else on several lines": (
        ("Could not save cache %s\n ... %s", "somewhere", "disk full"),
        "pelicanconf.py:1: Pelican: Could not save cache somewhere; ... disk full",
    ),
}


@pytest.mark.parametrize("name", PELICAN_RECORDS)
def test_each_pelican_warning_is_said_as_a_problem_at_its_file_and_line(site, tmp_path, name):
    (message, *args), expected = PELICAN_RECORDS[name]
    args = [str(a).replace("/ABS", str(tmp_path)) if isinstance(a, str) else a for a in args]
    said = str(translate(_record(message, *args), site))
    assert said.startswith(expected), said
    assert "\n" not in said


def test_hearth_readers_problems_are_kept_and_pelicans_echo_dropped(site, tmp_path):
    mistake = Problem("content/issues/0001-one.md", 2, "Date", "write YYYY-MM-DD")
    records = [_record("%s", mistake), _record("Could not process %s", "issues/0001-one.md")]
    settings = {"PATH": str(site.content), "ARTICLE_PATHS": ["issues"], "PAGE_PATHS": []}
    assert logged_problems(records, settings) == ([mistake], [])
    drafts = {(tmp_path / "content/issues/0001-one.md").resolve()}
    assert logged_problems(records, settings, drafts) == ([], [mistake])


def test_every_image_without_alt_is_recorded_in_every_build_of_a_process():
    """Pelican's own filter drops a message it has logged once, and every image past
    the fifth: a live preview's second build would pass with the same mistakes."""
    html = "".join(f'<img src="/i/{n}.png" alt="">' for n in range(7))
    for _build in range(2):
        with pelican_log() as records:
            find_empty_alt(html, "/site/content/issues/0001-one.md")
        assert [r.args[0] for r in records] == [f"{n}.png" for n in range(7)]


IMG = st.builds(
    lambda src, alt, alt_first, quote: (
        f"<img alt={quote}{alt}{quote} src={quote}{src}{quote}>"
        if alt_first
        else f"<img src={quote}{src}{quote} alt={quote}{alt}{quote}>"
    ),
    st.sampled_from(["/a.png", "b.svg", "/x/c d.png"]),
    st.sampled_from(["", "a bench", " "]),
    st.booleans(),
    st.sampled_from(['"', "'"]),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(IMG, st.sampled_from(["<p>", "text", "<img src=/d.png>"])), max_size=6))
def test_check_sees_the_images_pelican_would_warn_of(parts):
    page_html = "\n".join(parts)
    with pelican_log() as records:
        find_empty_alt(page_html, "x.md")
    pelican = [r.args[0] for r in records]
    assert [Path(src).name for src in empty_alt_images(page_html)] == pelican


def test_the_shipped_demo_passes_check(tmp_path):
    assert checked(ROOT / "content", tmp_path).problems == []
