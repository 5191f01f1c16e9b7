"""The webring in the footer, fediverse attribution and the Bridgy Fed redirects, in real
builds of the demo and of small sites."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from hearth_core.settings import SettingsError
from hearth_linkhealth.fediverse import bridgy_fed_redirects
from hearth_linkhealth.webring import webring
from tests.sites import ROOT, build_site, invoke, page, write_content
from tests.test_html_valid import nu_html_errors

AUTHOR = "@mara@social.theworkbench.example"
AUTHOR_PROFILE = "https://social.theworkbench.example/@mara"
NEWSLETTER_ACCOUNT = "https://social.theworkbench.example/@workbench"


def footer_ring(output: Path, url: str) -> list[tuple[str, str]]:
    nav = page(output, url).css_first("footer nav[aria-label='Webring']")
    assert nav is not None, f"no webring on {url}"
    return [(a.text(strip=True), a.attributes["href"]) for a in nav.css("li a")]


def test_webring_footer_nav_on_every_page(demo_site):
    ring = [
        ("Previous", "https://smallletters.example/previous?from=theworkbench.example"),
        ("Random", "https://smallletters.example/random"),
        ("Next", "https://smallletters.example/next?from=theworkbench.example"),
    ]
    for url in ("/", "/issues/", "/issues/1/", "/about/", "/links/", "/404.html"):
        assert footer_ring(demo_site, url) == ring
        home = page(demo_site, url).css_first("footer nav[aria-label='Webring'] p a")
        assert home.text() == "The Small Letters Ring"
    assert page(demo_site, "/").css("script") == []


def test_webring_footer_nav_is_vnu_clean(demo_site, test_tool):
    pages = [demo_site / "index.html", demo_site / "issues" / "1" / "index.html"]
    messages = nu_html_errors(test_tool("vnu-jar/build/dist/vnu.jar"), pages)
    assert [m["message"] for m in messages] == []


def test_issue_pages_carry_fediverse_creator(demo_site):
    issues = sorted((demo_site / "issues").glob("*/index.html"))
    assert len(issues) > 5
    for issue in issues:
        metas = page(demo_site, f"/issues/{issue.parent.name}/").css(
            "head meta[name='fediverse:creator']"
        )
        assert [meta.attributes["content"] for meta in metas] == [AUTHOR]
    assert page(demo_site, "/").css("meta[name='fediverse:creator']") == []


def test_rel_me_is_on_a_elements_never_on_link(demo_site):
    for path in sorted(demo_site.rglob("*.html")):
        html = page(demo_site, "/" + path.relative_to(demo_site).as_posix())
        assert [link.attributes for link in html.css("link") if "me" in
                (link.attributes.get("rel") or "").split()] == []  # fmt: skip
    home = page(demo_site, "/")
    me = {a.attributes["href"] for a in home.css("a[rel~='me']")}
    assert me == {AUTHOR_PROFILE, NEWSLETTER_ACCOUNT}
    byline = page(demo_site, "/issues/1/").css_first(".byline a[rel~='me']")
    assert byline.attributes["href"] == AUTHOR_PROFILE


def test_bridgy_fed_redirects_file_when_configured(demo_site, tmp_path):
    # The demo is published on GitHub Pages, which cannot redirect: no file there.
    assert not (demo_site / "_redirects").exists()
    content = write_content(tmp_path, {"issues/0001-a.md": "Title: A\nDate: 2026-01-02\n\nHi.\n"})
    (content / "pages").rmdir()
    shutil.copytree(ROOT / "content" / "pages", content / "pages")
    output = build_site(content, tmp_path / "output", HEARTH_FEDIVERSE={"bridgy_fed": True})

    rules = [
        line.split()
        for line in (output / "_redirects").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    assert rules == [
        [
            "/.well-known/host-meta*",
            "https://fed.brid.gy/.well-known/host-meta:splat",
            "302",
        ],
        ["/.well-known/webfinger*", "https://fed.brid.gy/.well-known/webfinger", "302"],
    ]
    # Without accounts of its own, the footer still links the author's.
    assert [a.attributes["href"] for a in page(output, "/").css("footer a[rel~='me']")] == [
        AUTHOR_PROFILE
    ]


def test_bridgy_fed_refuses_a_site_below_a_path():
    settings = {"SITEURL": "/news", "HEARTH_FEDIVERSE": {"bridgy_fed": True}}
    with pytest.raises(SettingsError, match=r"web\.brid\.gy"):
        bridgy_fed_redirects(settings)


OPML = """\
<?xml version="1.0" encoding="utf-8"?>
<opml version="2.0"><head><title>Ring</title></head><body>
  <outline text="Paper Routes" htmlUrl="https://paperroutes.example/"/>
  <outline text="Slow Type" htmlUrl="https://slowtype.example/"/>
  <outline text="The Workbench" htmlUrl="https://www.theworkbench.example"/>
</body></opml>
"""


def ring_settings(tmp_path: Path, **ring: str) -> dict:
    (tmp_path / "ring.opml").write_text(OPML, encoding="utf-8")
    return {"PATH": str(tmp_path), "HEARTH_WEBRING": {"name": "Ring", "opml": "ring.opml", **ring}}


def test_webring_from_opml_finds_this_site_and_wraps_around(tmp_path):
    ring = webring(ring_settings(tmp_path, site="https://theworkbench.example/"))
    assert ring is not None
    assert [(link.label, link.href) for link in ring.links] == [
        ("Previous: Slow Type", "https://slowtype.example/"),
        ("Next: Paper Routes", "https://paperroutes.example/"),
    ]


@pytest.mark.parametrize(
    ("ring", "says"),
    [
        ({"site": "https://elsewhere.example/"}, "is not among the htmlUrl addresses"),
        ({"site": "https://theworkbench.example/", "opml": "none.opml"}, "none.opml"),
        ({}, "give 'site'"),
        ({"site": "https://theworkbench.example/", "next": "https://x.example/"}, "not both"),
    ],
)
def test_webring_opml_mistakes_say_what_to_fix(tmp_path, ring, says):
    with pytest.raises(SettingsError, match=says):
        webring(ring_settings(tmp_path, **ring))


def test_webring_opml_with_opml_2_link_outlines_is_read(tmp_path):
    """A ring's file may list its sites as OPML 2.0 says links are written,
    `<outline type="link" url="...">`: they were not read, and the build stopped with
    "is not among the htmlUrl addresses"."""
    settings = ring_settings(tmp_path, site="https://theworkbench.example/")
    links = OPML.replace("htmlUrl=", 'type="link" url=')
    (tmp_path / "ring.opml").write_text(links, encoding="utf-8")
    ring = webring(settings)
    assert ring is not None
    assert [link.href for link in ring.links] == [
        "https://slowtype.example/",
        "https://paperroutes.example/",
    ]


def test_webring_opml_that_is_not_xml_names_its_line(tmp_path):
    settings = ring_settings(tmp_path, site="https://theworkbench.example/")
    (tmp_path / "ring.opml").write_text("<opml>\n<body>\n<outline\n", encoding="utf-8")
    with pytest.raises(SettingsError, match=r"ring.opml:\d+: is not OPML"):
        webring(settings)


def test_webring_typo_gives_clear_message_not_traceback(project):
    config = project / "pelicanconf.py"
    config.write_text(
        config.read_text(encoding="utf-8")
        + textwrap.dedent("""
            HEARTH_WEBRING = {"name": "Ring", "previos": "https://a.example/",
                              "next": "https://b.example/"}
            """),
        encoding="utf-8",
    )
    for task in ("check", "build"):
        result = invoke(project, task)
        assert result.returncode == 1, task
        assert "unknown key 'previos': did you mean 'previous'?" in result.stderr, task
        assert "Traceback" not in result.stderr + result.stdout, task


def test_imported_redirects_and_bridgy_fed_share_one_redirects_file(tmp_path):
    """An imported archive's old addresses and Bridgy Fed's lookups both need the one
    `_redirects` at the site's root: neither may replace the other."""
    content = write_content(tmp_path, {"issues/0001-a.md": "Title: A\nDate: 2026-01-02\n\nHi.\n"})
    (content / "pages").rmdir()
    shutil.copytree(ROOT / "content" / "pages", content / "pages")
    (content / "extra").mkdir()
    (content / "extra" / "redirects").write_text("/p/hello /issues/1/ 301\n", encoding="utf-8")
    output = build_site(content, tmp_path / "output", HEARTH_FEDIVERSE={"bridgy_fed": True})

    text = (output / "_redirects").read_text(encoding="utf-8")
    assert "/p/hello /issues/1/ 301" in text
    assert "/.well-known/webfinger* https://fed.brid.gy/.well-known/webfinger 302" in text
