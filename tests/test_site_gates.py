"""The checks `invoke publish` runs on a built site before deploying it."""

from __future__ import annotations

import shutil

from hearth_site.gates import VNU, html_errors, outside_requests
from tests.conftest import missing
from tests.sites import ROOT

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>x</title>
<link rel="canonical" href="https://elsewhere.example/x/">
<link rel="stylesheet" href="https://fonts.example/css">
</head><body><p>Hi <img alt="" src="/images/a.png" srcset="https://cdn.example/a.png 2x">
<a href="https://elsewhere.example/">a link is not a request</a></p></body></html>"""


def test_anything_a_page_would_load_from_another_host_is_listed(tmp_path):
    (tmp_path / "index.html").write_text(PAGE)
    assert outside_requests(tmp_path, "https://news.example.org") == [
        "index.html: https://fonts.example/css",
        "index.html: https://cdn.example/a.png",
    ]


def test_the_demo_loads_nothing_from_other_hosts(demo_site):
    assert outside_requests(demo_site, "http://localhost:8000") == []


def test_invalid_html_is_listed_by_page_and_line(tmp_path, test_tool):
    if shutil.which("java") is None:
        missing("Java is missing (apt-get install default-jre-headless): vnu.jar needs it")
    vnu = test_tool("vnu-jar/build/dist/vnu.jar")
    (tmp_path / "ok.html").write_text(PAGE)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub/bad.html").write_text(PAGE.replace("<p>Hi", "<p>\n<div>Hi"))
    errors = html_errors(tmp_path, vnu=vnu)
    assert errors and all(line.startswith("sub/bad.html:") for line in errors), errors


def test_without_the_checker_publishing_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", "")
    [problem] = html_errors(tmp_path)
    assert "install Java (apt-get install default-jre-headless)" in problem
    # Only what is missing: `npm install` too when the checker's jar is not there either.
    jar_missing = not (ROOT / VNU).is_file()
    assert ("npm install --no-package-lock --ignore-scripts" in problem) == jar_missing
