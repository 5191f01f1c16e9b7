"""Every built page is valid HTML, as the Nu HTML Checker (vnu.jar) reads it."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

from hearth_core.platforms import link_href
from hearth_members.render import note_html
from tests.conftest import missing

INVALID = '<!doctype html><html lang="en"><title>Bad</title><a rel="ugc">no address</a>'


def nu_html_errors(vnu: Path, pages: list[Path]) -> list[dict]:
    java = shutil.which("java")
    if java is None:
        missing("Java is missing (apt-get install default-jre-headless): vnu.jar needs it")
    # One run for every page: starting the JVM costs more than checking a page.
    result = subprocess.run(
        [java, "-jar", str(vnu), "--errors-only", "--format", "json", *map(str, pages)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    return json.loads(result.stderr)["messages"]


def test_every_built_page_is_valid_html(demo_site, test_tool, tmp_path):
    planted = tmp_path / "planted.html"
    planted.write_text(INVALID, encoding="utf-8")
    pages = sorted(demo_site.rglob("*.html"))
    assert len(pages) > 50

    messages = nu_html_errors(test_tool("vnu-jar/build/dist/vnu.jar"), [*pages, planted])

    def where(message):
        return Path(unquote(urlsplit(message.get("url", "")).path))

    # The planted page proves the checker ran and reports what it finds.
    assert [where(m).name for m in messages if where(m) == planted] == ["planted.html"]
    errors = [
        f"{str(where(m)).removeprefix(f'{demo_site}/')}:{m.get('lastLine', '?')}: {m['message']}"
        for m in messages
        if where(m) != planted
    ]
    assert errors == [], "\n".join(errors)


def test_a_note_s_link_that_nh3_would_empty_becomes_plain_text():
    html = note_html("After [the one-screen issue](/issues/3/) and [this](javascript:alert(1)).")
    assert html == "<p>After the one-screen issue and this.</p>"
    kept = note_html("[Mine](https://wen.example/) or <wen@wen.example>")
    assert kept.count('rel="ugc nofollow noopener"') == 2 and "href=" in kept


def test_a_matrix_address_is_linked_in_the_form_html_allows():
    written = "https://matrix.to/#/#workbench-zines:matrix.org/$Kq3v9"
    assert link_href(written) == "https://matrix.to/#/%23workbench-zines:matrix.org/$Kq3v9"
    assert link_href("https://forum.example/t/a/1#post-4") == "https://forum.example/t/a/1#post-4"
