"""Red team of the splice (hearth_site.splice): edit sequences and theme constructs after
which a warm `invoke build` must still write what a cold build writes. A case marked
"Fixed" broke the promise until its fix."""

from __future__ import annotations

from pathlib import Path

import pytest

import tests.test_splice
from tests.test_splice import PLAIN, PlainProject, append, assert_same_site, issue_file

splices = tests.test_splice.splices  # the fixture: whether each build since was a splice


def _theme(project: PlainProject, name: str, old: str, new: str) -> None:
    path = project.root / "theme" / "templates" / name
    text = path.read_text(encoding="utf-8")
    assert old in text, (name, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _warm_then_edit(project: PlainProject, text: str = "A paragraph added later.") -> Path:
    project.warm_build()
    append(project, PLAIN, text)
    return project.warm_build()


# --- Templates that reach the issue's text through its model (`issue`, a header
# attribute the watch lets through) -------------------------------------------------

MODEL_READS = {
    # Fixed: `issue` is a header attribute; printing the Issue dataclass prints its
    # repr, which holds `body` (the Markdown), unseen by the watch.
    "the model printed": "<!-- {{ article.issue }} -->",
    # Handled: Jinja 3.1's `attr` reads through environment.getattr (noted).
    "attr body of the model": "<!-- {{ (article.issue|attr('body'))|length }} -->",
    # Fixed: _text_read flags only `body` of an Issue; its __dict__ holds it too.
    "the model's __dict__": "<!-- {{ article.issue.__dict__['body']|length }} -->",
    # Fixed: pprint of the model (issue_of(Issue) is None: not noted).
    "the model pprinted": "<!-- {{ article.issue|pprint|length }} -->",
    # Fixed: `metadata` is a header attribute; its repr holds the Issue's, with `body`.
    "the metadata printed": "<!-- {{ article.metadata|length }}{{ article.metadata }} -->",
}


@pytest.mark.parametrize("shown", MODEL_READS.values(), ids=MODEL_READS.keys())
def test_a_template_reading_the_issue_model_is_not_spliced_stale(tmp_path, splices, shown):
    project = PlainProject(tmp_path / "site")
    _theme(project, "article.html", "{% block content %}", "{% block content %}" + shown)
    output = _warm_then_edit(project)
    assert_same_site(output, project.cold_build())


# --- A page holding a carriage return --------------------------------------------------

CARRIAGE_RETURNS = {
    # Fixed: _spliced_pages reads each page with read_text (universal newlines): a CR
    # anywhere on the page (here the footer's site name) is written back as "\n".
    "in a setting the footer prints": ("setting", "The Workbench\r"),
    # Fixed: the same, from a theme's constant (Jinja keeps "\r" of a string literal).
    "in a template constant": ("theme", '{{ "\\r" }}'),
}


@pytest.mark.parametrize("where", CARRIAGE_RETURNS.values(), ids=CARRIAGE_RETURNS.keys())
def test_a_page_with_a_carriage_return_is_spliced_as_written(tmp_path, splices, where):
    kind, value = where
    project = PlainProject(tmp_path / "site")
    if kind == "setting":
        project.overrides["SITENAME"] = value
    else:
        _theme(
            project, "base.html", "<li>Built with Hearth</li>", f"<li>Built with{value}Hearth</li>"
        )
    output = _warm_then_edit(project)
    assert splices[-1] is True
    assert_same_site(output, project.cold_build())


# --- The issue's file and text ----------------------------------------------------------


def test_an_issue_file_saved_with_windows_line_ends_is_spliced_as_built(tmp_path, splices):
    project = PlainProject(tmp_path / "site")
    project.warm_build()
    path = issue_file(project, PLAIN)
    text = path.read_text(encoding="utf-8") + "\nAdded on Windows.\n"
    path.write_bytes(text.replace("\n", "\r\n").encode())
    output = project.warm_build()
    assert_same_site(output, project.cold_build())


def test_an_issue_file_with_a_byte_order_mark_is_spliced_as_built(tmp_path, splices):
    project = PlainProject(tmp_path / "site")
    project.warm_build()
    path = issue_file(project, PLAIN)
    path.write_text("\ufeff" + path.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    output = project.warm_build()
    assert_same_site(output, project.cold_build())


TEXTS = {
    "a footnote": "A claim.[^n]\n\n[^n]: The note behind it, with *emphasis*.",
    "a code block": "```python\ndef f(x):\n    return x < 1 and '&'\n```",
    "an HTML block": '<div class="aside" markdown="1">\n*Inside* a block &amp; more.\n</div>',
    "emoji and astral characters": "Well done 🎉🧵 — naïve café 𝔘𝔫𝔦𝔠𝔬𝔡𝔢.",
    "a table and a definition list": "| a | b |\n|---|---|\n| 1 | 2 |\n\nTerm\n:   Its meaning.",
    "an abbreviation": "The HTML spec.\n\n*[HTML]: Hyper Text Markup Language",
    "a heading": "#### A small heading below the sections",
    "a TOC marker": "[TOC]",
    "raw entities": "&#13; &#x1F389; &nbsp; <br> <!-- a comment -->",
}


@pytest.mark.parametrize("text", TEXTS.values(), ids=TEXTS.keys())
def test_appended_markdown_of_every_kind_is_spliced_as_built(tmp_path, splices, text):
    project = PlainProject(tmp_path / "site")
    output = _warm_then_edit(project, text)
    assert_same_site(output, project.cold_build())


def test_an_issue_without_a_summary_header_is_spliced_as_built(tmp_path, splices):
    """Pelican's summary and the feeds' are made from the text."""
    project = PlainProject(tmp_path / "site")
    path = issue_file(project, PLAIN)
    lines = path.read_text(encoding="utf-8").split("\n")
    path.write_text("\n".join(line for line in lines if not line.startswith("Summary:")))
    output = _warm_then_edit(project, "A last word, far past the summary's fifty.")
    assert splices[-1] is True
    assert_same_site(output, project.cold_build())


def test_the_newest_issue_edited_is_spliced_as_built(tmp_path, splices):
    project = PlainProject(tmp_path / "site")
    project.warm_build()
    append(project, "0014-printing-the-workbench-zine.md", "A line at the end of the newest.")
    output = project.warm_build()
    assert_same_site(output, project.cold_build())


def test_a_page_of_another_generator_printing_an_issue_model_is_not_left_stale(tmp_path, splices):
    # Fixed: the guarded environment (pages, topics...) lets `issue` through the same way:
    # the about page keeps the old Markdown in its repr of issue 12.
    project = PlainProject(tmp_path / "site")
    _theme(
        project,
        "page.html",
        "{% block content %}",
        "{% block content %}{% for one in articles %}<!-- {{ one.issue }} -->{% endfor %}",
    )
    output = _warm_then_edit(project)
    assert_same_site(output, project.cold_build())


# --- Settings ---------------------------------------------------------------------------

SETTINGS = {
    "relative URLs": {"RELATIVE_URLS": True},
    "a site under a sub-path": {"SITEURL": "/news"},
    "a sub-path and a feed domain": {
        "SITEURL": "https://example.org/news",
        "FEED_DOMAIN": "https://example.org/news",
    },
    "drafts shown (invoke build --drafts)": {"HEARTH_ISSUES": {"show_drafts": True}},
    "summary of one paragraph": {"SUMMARY_MAX_PARAGRAPHS": 1, "SUMMARY_MAX_LENGTH": None},
}


@pytest.mark.parametrize("overrides", SETTINGS.values(), ids=SETTINGS.keys())
def test_an_edit_under_other_settings_is_spliced_as_built(tmp_path, splices, overrides):
    project = PlainProject(tmp_path / "site")
    project.overrides.update(overrides)
    output = _warm_then_edit(project, "A root-relative [link](/issues/3/) is not new: see above.")
    assert_same_site(output, project.cold_build())


def test_an_edit_under_a_sub_path_keeps_root_relative_links_moved(tmp_path, splices):
    """The issue already links /issues/3/: the splice must move it under the sub-path."""
    project = PlainProject(tmp_path / "site")
    project.overrides["SITEURL"] = "/news"
    output = _warm_then_edit(project, "Plain words.")
    assert splices[-1] is True
    page = (output / "issues" / "12" / "index.html").read_text(encoding="utf-8")
    assert 'href="/news/issues/3/"' in page
    assert_same_site(output, project.cold_build())


def test_drafts_build_between_two_builds(tmp_path, splices):
    """`invoke build --drafts`, an edit, `invoke build`: drafts pages must go."""
    project = PlainProject(tmp_path / "site")
    project.warm_build()
    project.overrides["HEARTH_ISSUES"] = {"show_drafts": True}
    project.warm_build()
    append(project, PLAIN, "Edited between.")
    project.warm_build()
    project.overrides.clear()
    output = project.warm_build()
    assert_same_site(output, project.cold_build())
    append(project, PLAIN, "And again.")
    output = project.warm_build()
    assert_same_site(output, project.cold_build())


# --- Sequences ------------------------------------------------------------------------


def test_a_splice_that_crashes_midway_is_followed_by_a_correct_build(tmp_path, splices):
    """Pages written, then Pagefind fails: the next build must not trust the record."""
    import hearth_site.splice

    project = PlainProject(tmp_path / "site")
    project.warm_build()
    append(project, PLAIN, "Written before the crash.")

    def crash(*_args, **_kwargs):
        raise RuntimeError("Pagefind was killed")

    real = hearth_site.splice.replace_part
    hearth_site.splice.replace_part = crash
    try:
        with pytest.raises(RuntimeError):
            project.warm_build()
    finally:
        hearth_site.splice.replace_part = real
    output = project.warm_build()
    assert_same_site(output, project.cold_build())
    append(project, PLAIN, "And after it.")
    output = project.warm_build()
    assert_same_site(output, project.cold_build())


def test_splices_between_full_builds_of_other_edits(tmp_path, splices):
    """A splice, a member's edit (full), a template edit (full), a splice, a revert."""
    from tests.test_build_cache import edit

    project = PlainProject(tmp_path / "site")
    path = issue_file(project, PLAIN)
    original = path.read_bytes()
    project.warm_build()
    append(project, PLAIN, "First.")
    project.warm_build()
    edit(project, "member file", 1, "x")
    project.warm_build()
    edit(project, "template", 0, "t")
    project.warm_build()
    append(project, PLAIN, "Second, after the template changed.")
    output = project.warm_build()
    assert_same_site(output, project.cold_build())
    path.write_bytes(original)
    output = project.warm_build()
    assert_same_site(output, project.cold_build())


def test_an_issue_printed_on_several_pages_and_twice_on_one_moves_right(tmp_path, splices):
    """The home page shows the whole newest issue; the issue's page prints it twice; two
    edits of other lengths one after the other (the second relies on _moved_prints)."""
    project = PlainProject(tmp_path / "site")
    _theme(
        project,
        "article.html",
        '{% include "_subscribe.html" %}',
        '<noscript>{{ article.content|safe }}</noscript>{% include "_subscribe.html" %}',
    )
    _theme(
        project,
        "index.html",
        '{% include "_neighbours.html" %}',
        "{% for one in articles %}<div>{{ one.content|safe }}</div>{% endfor %}"
        '{% include "_neighbours.html" %}',
    )
    project.warm_build()
    append(project, PLAIN, "A long one. " * 40)
    project.warm_build()
    path = issue_file(project, PLAIN)
    path.write_text(path.read_text(encoding="utf-8").replace("A long one. " * 40, "Short."))
    output = project.warm_build()
    assert splices[-2:] == [True, True]
    assert_same_site(output, project.cold_build())


# --- Template constructs around `content` (each: a full build, or a splice as built) --

CONSTRUCTS = {
    "a macro printing it": "{% macro body(i) %}{{ i.content|safe }}{% endmacro %}"
    "{{ body(article) }}",
    "a macro called, result unused": "{% macro body(i) %}{{ i.content|safe }}{% endmacro %}"
    "{% set _ = body(article) %}",
    "a call block": "{% macro box() %}<div>{{ caller() }}</div>{% endmacro %}"
    "{% call box() %}{{ article.content|safe }}{% endcall %}",
    "self.block()": "{% block again %}<i></i>{% endblock %}{{ self.again() }}",
    "a namespace holding it": "{% set ns = namespace(c=article.content) %}{{ ns.c|safe }}",
    "a dict holding it": "{% set d = {'c': article.content} %}{{ d.c|safe }}",
    "loop over issues, printed whole": "{% for one in [article] %}{% if loop.first %}"
    "{{ one.content|safe }}{% endif %}{% endfor %}",
    "map then first then safe": "{{ [article]|map(attribute='content')|first|safe }}",
    "batch": "{% for row in [article]|batch(1) %}{{ row[0].content|safe }}{% endfor %}",
    "string formatting": "<!-- {{ '%d'|format(article.content|safe|length) }} -->",
    "tojson of the text": "<script>{{ article.content|tojson }}</script>",
    "wordcount via striptags": "<!-- {{ article.content|striptags|wordcount }} -->",
    "sum of lengths": "<!-- {{ [article]|sum(attribute='reading.minutes') }} -->",
    "an include with context": "{% with issue = article %}"
    '{% include "_issue_body.html" %}{% endwith %}',
    "the content printed twice in a row": "{{ article.content|safe }}{{ article.content|safe }}",
    "autoescape off, not marked safe": "{% autoescape false %}{{ article.content }}"
    "{% endautoescape %}",
    "a conditional expression": "{{ article.content|safe if article.title else '' }}",
    "indexing the article": "{{ article['content']|safe }}",
}


@pytest.mark.parametrize("shown", CONSTRUCTS.values(), ids=CONSTRUCTS.keys())
def test_a_construct_around_the_text_gives_what_a_cold_build_gives(tmp_path, splices, shown):
    project = PlainProject(tmp_path / "site")
    _theme(project, "article.html", "{% block content %}", "{% block content %}" + shown)
    output = _warm_then_edit(project, "A paragraph added later, *with emphasis*.")
    assert_same_site(output, project.cold_build())


def test_an_issue_saved_again_while_it_is_spliced_is_not_recorded_as_built(tmp_path, splices):
    # Found by this red team: the splice converted the file as it was when read, and
    # recorded the digest taken before; saved in between, then undone, the next build said
    # "Nothing changed" with the newer text in the pages. The splice now converts only the
    # very bytes that were digested, else builds in full.
    import hearth_site.splice

    project = PlainProject(tmp_path / "site")
    project.warm_build()
    append(project, PLAIN, "Saved first.")
    path = issue_file(project, PLAIN)
    first = path.read_bytes()
    real = hearth_site.splice.read_text_file

    def saved_meanwhile(*args, **kwargs):
        path.write_bytes(first + b"\nSaved again while the build ran.\n")
        return real(*args, **kwargs)

    hearth_site.splice.read_text_file = saved_meanwhile
    try:
        project.warm_build()
    finally:
        hearth_site.splice.read_text_file = real
    path.write_bytes(first)  # the author undoes the second save
    output = project.warm_build()
    assert_same_site(output, project.cold_build())


def test_two_issues_printed_on_one_page_spliced_one_after_the_other(tmp_path, splices):
    import re

    project = PlainProject(tmp_path / "site")
    other = issue_file(project, "0013-colour-contrast-without-the-maths.md")
    text = other.read_text(encoding="utf-8")  # its intrasite link made root-relative
    other.write_text(re.sub(r"\{filename\}/issues/0*(\d+)-[^)]*\.md", r"/issues/\1/", text))
    _theme(
        project,
        "index.html",
        '{% include "_neighbours.html" %}',
        "{% for one in articles %}<div>{{ one.content|safe }}</div>{% endfor %}"
        '{% include "_neighbours.html" %}',
    )
    project.warm_build()
    append(project, PLAIN, "Grown by a long line. " * 10)
    project.warm_build()
    append(project, "0013-colour-contrast-without-the-maths.md", "And the next issue too.")
    project.warm_build()
    append(project, PLAIN, "Then the first again.")
    output = project.warm_build()
    assert splices[-3:] == [True, True, True]
    assert_same_site(output, project.cold_build())


def test_an_edit_with_a_scheduled_issue_waiting_is_spliced_as_built(tmp_path, splices):
    project = PlainProject(tmp_path / "site")
    issue_file(project, "0016-from-the-future.md").write_text(
        "Title: From the future\nDate: 2030-01-04 08:00\nSummary: Not yet.\n\nLater.\n",
        encoding="utf-8",
    )
    output = _warm_then_edit(project, "Edited while issue 16 waits.")  # (built in full)
    assert_same_site(output, project.cold_build())


def test_a_root_relative_link_to_no_page_is_spliced_as_built(tmp_path, splices):
    """Root-relative addresses are not in the addresses' digest: a full build must not
    treat them otherwise (it does not check them either)."""
    project = PlainProject(tmp_path / "site")
    output = _warm_then_edit(project, "See [nowhere](/issues/99/) and [this](/no-such-page/).")
    assert_same_site(output, project.cold_build())
