"""Each patch of a library's private internals holds only for the version it was made for."""

from __future__ import annotations

import dataclasses
import re
import tomllib
from types import SimpleNamespace

import pytest
from pelican.contents import Content

import pelicanconf
from hearth_core import inline_fast
from hearth_core.inline_fast import FastInlineProcessor
from hearth_core.pins import Pin
from hearth_issues.bodies import markdown_renderer
from hearth_site import pagememo, plugin, staticlinks
from tests.sites import ROOT

PINS = [inline_fast.PIN, pagememo.PIN, staticlinks.PIN]
PERFORMANCE = (ROOT / "docs" / "performance.md").read_text(encoding="utf-8")


def declared_version(library: str) -> str:
    """The version pyproject.toml pins ``library`` to (its ``name==version`` line)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    for requirement in project["project"]["dependencies"]:
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)==(\S+)", requirement)
        if match and match[1].lower() == library.lower():
            return match[2]
    raise AssertionError(f"pyproject.toml pins no exact version of {library}")


@pytest.mark.parametrize("pin", PINS, ids=[pin.module for pin in PINS])
def test_each_patch_is_pinned_to_the_library_installed_and_declared(pin):
    assert pin.holds(), pin.moved()
    declared = declared_version(pin.library)
    assert declared == pin.version, (
        f"{pin.module} patches {pin.name} {pin.version}'s {pin.what}; pyproject.toml now "
        f"pins {pin.name} {declared}: re-measure the patch and update its pin"
    )


@pytest.mark.parametrize("pin", PINS, ids=[pin.module for pin in PINS])
def test_docs_list_each_patch_with_its_gain(pin):
    heading = "\n## Patches of library internals\n"
    assert heading in PERFORMANCE
    section = PERFORMANCE.split(heading, 1)[1].split("\n## ", 1)[0]
    assert f"`{pin.module}`" in section, f"docs/performance.md does not list {pin.module}"


def test_a_moved_pin_says_which_patch_to_measure_again():
    pin = Pin("hearth_core/inline_fast.py", "inline patterns", "markdown", "Markdown", "3.0")
    assert not pin.holds()
    assert pin.moved() == (
        "hearth_core/inline_fast.py patches Markdown 3.0's inline patterns; Markdown is now "
        "3.11.3: re-measure the patch and update its pin"
    )


@pytest.fixture
def another_version(monkeypatch):
    """As if each patched library were another version than the one its patch was made for."""

    def moved(module):
        monkeypatch.setattr(module, "PIN", dataclasses.replace(module.PIN, version="0.0"))

    return moved


TEXT = "A [*good* read](https://a.example/x): `x < y`.\n\n## Then\n\n> quoted\n"


def test_markdown_of_another_version_takes_its_own_path(another_version):
    fast_html = markdown_renderer(pelicanconf.MARKDOWN).convert(TEXT)
    another_version(inline_fast)
    renderer = markdown_renderer(pelicanconf.MARKDOWN)
    assert renderer.convert(TEXT) == fast_html
    assert renderer.treeprocessors["inline"]._fast is False


def test_the_inline_fast_path_alone_switches_off_for_another_version(another_version):
    another_version(inline_fast)
    renderer = markdown_renderer(pelicanconf.MARKDOWN)
    processor = renderer.treeprocessors["inline"]
    renderer.convert(TEXT)
    assert isinstance(processor, FastInlineProcessor) and processor._fast is False


def test_pelican_of_another_version_keeps_its_own_link_handling(another_version, monkeypatch):
    # register() replaces Pelican's methods for the whole process: put them back after.
    monkeypatch.setattr(Content, "get_static_links", staticlinks._SCAN)
    monkeypatch.setattr(Content, "_update_content", staticlinks._REWRITE)
    another_version(staticlinks)
    staticlinks.register()
    assert Content.get_static_links is staticlinks._SCAN
    assert Content._update_content is staticlinks._REWRITE


def test_a_preview_of_another_pelican_version_writes_every_page(another_version):
    preview = SimpleNamespace(settings={"HEARTH_PREVIEW": True})
    assert plugin.preview_writer(preview) is pagememo.PreviewWriter
    another_version(pagememo)
    assert plugin.preview_writer(preview) is None  # Pelican's own writer
