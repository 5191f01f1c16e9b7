"""A page that prints an issue's HTML whole is told apart from one that uses it otherwise
(hearth_site.bodyprints): the proof a fresh build after an edit to one issue's text needs
before it splices the new HTML into the old pages. Every page renders exactly as it would
without the watch."""

from __future__ import annotations

import copy
import filecmp
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from jinja2 import DictLoader, Environment
from pelican.contents import Article
from pelican.settings import DEFAULT_CONFIG
from pelican.utils import SafeDatetime

from hearth_core.state import BuildState
from hearth_issues.model import Issue
from hearth_site.bodyprints import EVERY_ISSUE, PagePrints, watching_environment
from hearth_site.build import build
from hearth_site.lastbuild import build_unless_unchanged
from tests.sites import ROOT, settings_for

HTML = '<p>Hello <a href="https://example.org/">there</a> &amp; welcome.</p>\n<p>Two.</p>'
SOURCE = "content/issues/0001-hello.md"


def _article(html: str = HTML, source: str = SOURCE) -> Article:
    issue = Issue(
        number=1, slug="hello", title="Hello", date=datetime(2026, 1, 5), summary="",
        tags=(), discussion=None, status="published", community=None, body="Hello",
        source=Path(source), body_line=4,
    )  # fmt: skip
    # As Hearth's reader gives them: Hearth's plugins, registered by another test in
    # this process, read them as Pelican makes the article.
    metadata = {
        "title": "Hello",
        "date": SafeDatetime(2026, 1, 5),
        "issue": issue,
        "is_draft": False,
        "summary_text": "",
    }
    return Article(html, metadata=metadata, settings=copy.deepcopy(DEFAULT_CONFIG))


def _render(templates: dict[str, str], **context: object) -> tuple[str, PagePrints, str]:
    """The page as watched, the watch, and the page as a plain environment renders it."""
    plain = Environment(loader=DictLoader(templates), autoescape=True)
    prints = PagePrints()
    watching = watching_environment(plain, prints, {"autoescape": True})
    page = watching.get_template("page.html").render(**context)
    prints.written("page.html")
    return page, prints, plain.get_template("page.html").render(**context)


PRINTED_WHOLE = {
    "alone": "{{ issue.content|safe }}",
    "after header values": "<h1>{{ issue.title }}</h1><p>{{ issue.date.year }}</p>\n"
    "{{ issue.content|safe }}<footer>{{ issue.url }}</footer>",
    "inside a test of what it is": "{% if issue is defined %}{{ issue.content|safe }}{% endif %}",
    "in a loop of issues": "{% for one in [issue] %}<div>{{ one.content|safe }}</div>{% endfor %}",
    "in a with block": "{% with it = issue %}{{ it.content|safe }}{% endwith %}",
    "through an include": '<main>{% include "body.html" %}</main>',
    "in a child's block": '{% extends "base.html" %}{% block main %}{{ issue.content|safe }}'
    "{% endblock %}",
}

READ_OTHERWISE = {
    "escaped": "{{ issue.content }}",
    "truncated": "{{ issue.content|safe|truncate(10) }}",
    "its length": "{{ issue.content|length }}",
    "as a condition": "{% if issue.content %}yes{% endif %}{{ issue.content|safe }}",
    "compared": "{% if issue.content == 'x' %}x{% endif %}",
    "sliced": "{{ issue.content[:5] }}",
    "joined to text": "{{ issue.content ~ '!' }}",
    "by a str method": "{{ issue.content.upper() }}",
    "captured by set": "{% set x %}{{ issue.content|safe }}{% endset %}{{ x }}",
    "captured, then tested": "{% set x %}{{ issue.content|safe }}{% endset %}"
    "{% if x|length > 5 %}{% endif %}{{ x }}",
    "inside a macro's caller": "{% macro m() %}{{ caller() }}{% endmacro %}"
    "{% call m() %}{{ issue.content|safe }}{% endcall %}",
    "inside a filter block": "{% filter trim %}{{ issue.content|safe }}{% endfilter %}",
    "its Markdown": "{{ issue.issue.body }}",
    "by Pelican's method": "{{ issue.get_content('') }}",
    "an unknown attribute": "{{ issue.whatever_a_plugin_adds }}{{ issue.content|safe }}",
    "given whole to a filter": "{{ issue|string }}{{ issue.content|safe }}",
    "by item": "{{ issue['content']|safe|striptags }}",
    "through map": "{{ [issue]|map(attribute='content')|join }}",
}


@pytest.mark.parametrize("template", PRINTED_WHOLE.values(), ids=PRINTED_WHOLE.keys())
def test_a_page_printing_an_issue_whole_notes_where(template):
    templates = {
        "page.html": template,
        "body.html": "<article>{{ issue.content|safe }}</article>",
        "base.html": "<html>{% block main %}{% endblock %}</html>",
    }
    page, prints, plain = _render(templates, issue=_article())
    assert page == plain
    watch = prints.pages["page.html"]
    assert watch.other == set()
    assert [(key, length) for key, _start, length in watch.prints] == [(SOURCE, len(HTML))]
    (_key, start, length), *_ = watch.prints
    assert page[start : start + length] == HTML


def test_each_print_of_an_issue_is_noted():
    template = "{{ a.content|safe }}<hr>{{ b.content|safe }}<hr>{{ a.content|safe }}"
    other_html = "<p>Another issue</p>"
    a, b = _article(), _article(other_html, "content/issues/0002-other.md")
    page, prints, plain = _render({"page.html": template}, a=a, b=b)
    assert page == plain
    found = [(key, page[start : start + n]) for key, start, n in prints.pages["page.html"].prints]
    assert found == [(SOURCE, HTML), ("content/issues/0002-other.md", other_html), (SOURCE, HTML)]


@pytest.mark.parametrize("template", READ_OTHERWISE.values(), ids=READ_OTHERWISE.keys())
def test_any_other_use_of_an_issues_text_is_noted_and_renders_as_usual(template):
    page, prints, plain = _render({"page.html": template}, issue=_article())
    assert page == plain
    assert SOURCE in prints.pages["page.html"].other


def test_a_page_that_reaches_the_build_state_may_have_read_any_issue():
    _page, prints, _plain = _render({"page.html": "{{ state.reset }}"}, state=BuildState())
    assert prints.pages["page.html"].other == {EVERY_ISSUE}


def test_a_page_that_touches_no_issue_text_is_not_kept():
    _page, prints, _plain = _render(
        {"page.html": "{{ issue.title }} {{ issue.reading }}"}, issue=_article()
    )
    assert prints.pages == {}


def test_an_issue_printed_by_a_render_that_is_no_page_is_said_to_be_anywhere():
    plain = Environment(loader=DictLoader({"part.html": "{{ issue.content|safe }}"}))
    prints = PagePrints()
    watching = watching_environment(plain, prints, {"autoescape": True})
    watching.get_template("part.html").render(issue=_article())
    assert prints.read_elsewhere() == {SOURCE}
    assert prints.pages == {}


def test_the_demo_site_builds_byte_for_byte_as_without_the_watch(tmp_path):
    """As `invoke build` watches its pages (hearth_site.lastbuild)."""
    state = BuildState()
    state.part(PagePrints).wanted = True
    watched = tmp_path / "watched" / "output"
    build(settings_for(ROOT / "content", watched), state)
    plain = tmp_path / "plain" / "output"
    build(settings_for(ROOT / "content", plain), BuildState())
    compared = filecmp.dircmp(watched, plain, ignore=["pagefind"])
    assert _differences(compared) == []
    pages = state.part(PagePrints).pages
    issue_pages = {page for page in pages if "/issues/" in page}
    assert len(issue_pages) >= 10
    for page, watch in pages.items():
        text = Path(page).read_text(encoding="utf-8")
        for key, start, length in watch.prints:
            issue_html = text[start : start + length]
            assert issue_html.startswith("<") and issue_html.endswith(">"), (page, key)
        if page in issue_pages:
            assert watch.other == set(), page
            assert len(watch.prints) == 1, page
    assert state.part(PagePrints).read_elsewhere() == set()


def _differences(compared: filecmp.dircmp) -> list[str]:
    found = [*compared.left_only, *compared.right_only, *compared.diff_files]
    for sub in compared.subdirs.values():
        found += _differences(sub)
    return found


def test_templates_compiled_by_a_watched_build_run_in_any_other(tmp_path):
    """`invoke build` watches, a direct build does not; both keep compiled templates in
    the same cache, and each runs the other's."""
    output = tmp_path / "output"
    settings = settings_for(ROOT / "content", output)
    assert build_unless_unchanged(settings) is True  # watched: compiles and keeps them
    shutil.rmtree(output)
    build(settings, BuildState())  # not watched: runs the templates the first compiled
    assert (output / "issues" / "12" / "index.html").is_file()
    shutil.rmtree(output)
    assert build_unless_unchanged(settings) is True
    assert (output / "issues" / "12" / "index.html").is_file()
