"""Fragments kept between builds: a live preview re-renders only what changed."""

from __future__ import annotations

from typing import NamedTuple

import pytest
from jinja2 import Environment, FileSystemLoader

from hearth_core.fragments import Fragments
from hearth_site.build import CompiledTemplates


class Item(NamedTuple):
    title: str


def theme(tmp_path, source, **options):
    """As Pelican makes it, unless ``options`` say otherwise; ``renders`` names each item
    rendered, as many times as it was."""
    (tmp_path / "_item.html").write_text(source)
    options = {"trim_blocks": True, "lstrip_blocks": True, **options}
    env = Environment(loader=FileSystemLoader(tmp_path), autoescape=True, **options)
    renders = []
    env.globals["counted"] = lambda item: renders.append(item.title) or ""
    return env, renders


ITEM = '{{ counted(item) }}<li><a href="{{ SITEURL }}/x/">{{ item.title }}</a> {{ level }}</li>'


def test_each_item_is_rendered_once_across_pages_and_builds(tmp_path):
    fragments = Fragments("_item.html", "item")
    items = [Item("One"), Item("Two")]
    for _build in range(3):
        env, renders = theme(tmp_path, ITEM)
        fragments.start_build(env)
        first = fragments.render_all("", items, level=2)
        again = fragments.render_all("", [Item("Two"), Item("One")], level=2)
    assert renders == [], "the third build renders nothing: nothing changed"
    assert first == '<li><a href="/x/">One</a> 2</li><li><a href="/x/">Two</a> 2</li>'
    assert again == '<li><a href="/x/">Two</a> 2</li><li><a href="/x/">One</a> 2</li>'


def test_items_a_build_did_not_show_are_kept_for_the_next(tmp_path):
    # A live preview skips unchanged pages: an edit to an issue writes no link page,
    # and the next save, a new link, must not render the other 20,000 links again.
    fragments = Fragments("_item.html", "item")
    items = [Item("One"), Item("Two")]
    env, renders = theme(tmp_path, ITEM)
    fragments.start_build(env)
    fragments.render_all("", items, level=2)
    env, renders = theme(tmp_path, ITEM)
    fragments.start_build(env)  # a build that shows none of them
    env, renders = theme(tmp_path, ITEM)
    fragments.start_build(env)
    fragments.render_all("", [Item("Three"), *items], level=2)
    assert set(renders) == {"Three"}, "only the new item"


def test_a_changed_item_option_or_template_renders_anew(tmp_path):
    fragments = Fragments("_item.html", "item")
    env, _ = theme(tmp_path, ITEM)
    fragments.start_build(env)
    assert fragments.render("", Item("One"), level=2).endswith("One</a> 2</li>")
    assert fragments.render("", Item("One!"), level=2).endswith("One!</a> 2</li>")
    assert fragments.render("", Item("One"), level=3).endswith("One</a> 3</li>")
    env, _ = theme(tmp_path, ITEM.replace("<li>", '<li class="new">'))
    fragments.start_build(env)
    assert fragments.render("", Item("One"), level=2).startswith('<li class="new">')


def test_a_new_build_with_the_same_theme_compiles_nothing_again(tmp_path, monkeypatch):
    # Pelican makes new environments for every build of a live preview.
    kept, compiled = CompiledTemplates(), []  # as a build state keeps them, afresh
    compile_source = Environment.compile

    def counted(env, source, name=None, *args, **kwargs):
        compiled.append(name)
        return compile_source(env, source, name, *args, **kwargs)

    monkeypatch.setattr(Environment, "compile", counted)
    fragments = Fragments("_item.html", "item")
    for build in range(2):
        env, _ = theme(tmp_path, ITEM, bytecode_cache=kept)
        fragments.start_build(env)
        html = fragments.render_all("", [Item(f"One {build}"), Item(f"Two {build}")], level=2)
        assert html.count("<li>") == 2
        if build == 0:
            assert compiled, "the first build compiles the templates"
            compiled.clear()
    assert compiled == []


def test_each_page_gets_its_own_siteurl(tmp_path):
    env, _ = theme(tmp_path, ITEM)
    fragments = Fragments("_item.html", "item")
    fragments.start_build(env)
    env.globals["items_html"] = fragments.in_template()
    page = env.from_string("<ul>{{ items_html(items, level=2) }}</ul>")
    assert 'href="../x/"' in page.render(SITEURL="..", items=[Item("<One>")])
    html = page.render(SITEURL="https://news.example", items=[Item("<One>")])
    assert 'href="https://news.example/x/">&lt;One&gt;</a>' in html, "not escaped twice"


def test_python_gets_plain_text_that_joins_without_escaping(tmp_path):
    env, _ = theme(tmp_path, ITEM)
    fragments = Fragments("_item.html", "item")
    fragments.start_build(env)
    joined = "<p>Issue body</p>" + fragments.render("", Item("One"), level=2)
    assert joined.startswith("<p>Issue body</p><li>"), "a Markup result would escape the body"


def test_rendering_before_a_build_started_says_so():
    with pytest.raises(RuntimeError, match="start_build was not called"):
        Fragments("_item.html", "item").render("", Item("One"))


def alone(env, item, **options):
    return env.get_template("_item.html").render(SITEURL="/s", item=item, **options)


# Rendered many at a time in one loop, which looks like rendering each alone but is
# not always: each must come out exactly as it would alone.
TEMPLATES = {
    "Pelican's settings": (ITEM + "\n", {}),
    "blocks, lines and spaces": (
        "{# one item #}\n  <li>\n  {% if level > 2 %}\n    <b>{{ item.title }}</b>\n"
        "  {% endif %}\n{% for n in [1, 2] %} {{ n }}{% endfor %}\n</li>\n\n",
        {},
    ),
    "no trimmed blocks": (
        "{% if level %}\n<li>{{ item.title }}</li>{% endif %}\n",
        {"trim_blocks": False},
    ),
    "a trailing newline kept": ("<li>{{ item.title }}</li>\n", {"keep_trailing_newline": True}),
    "a variable set": ('{% if item.title == "One" %}{% set x = 1 %}{% endif %}{{ x }}', {}),
    "loop": ("{{ loop is defined }}<li>{{ item.title }}</li>", {}),
    "the separator in an item": ("<li>{{ item.title }}</li>", {}),
}


@pytest.mark.parametrize("name", TEMPLATES)
def test_many_items_render_as_each_would_alone(tmp_path, name):
    source, options = TEMPLATES[name]
    env, _ = theme(tmp_path, source, **options)
    titles = ["One", "Two", "Three"] + (["Bad\x00one"] if "separator" in name else [])
    items = [Item(title) for title in titles]
    fragments = Fragments("_item.html", "item")
    fragments.start_build(env)
    together = fragments.render_all("/s", items, level=3)
    assert together == "".join(alone(env, item, level=3) for item in items)
