"""What each platform's typical markup becomes in Markdown, against hand-written
expectations; and whatever a post holds, the issue file written from it is valid."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from hearth_import.convert import convert, old_link_rewriter, unwrap_link, without_trackers
from hearth_import.ghostcards import render_lexical, render_mobiledoc
from hearth_import.importer import issue_text
from hearth_import.model import Post
from hearth_issues.source import parse_issue
from tests.sites import ROOT


def same(href: str) -> str:
    return href


SUBSTACK_IMAGE = (
    "https://substackcdn.com/image/fetch/w_1456,c_limit,f_auto,q_auto:good/"
    "https%3A%2F%2Fsubstack-post-media.s3.amazonaws.com%2Fpublic%2Fimages%2Fdesk.png"
)


def test_substack_captioned_image_and_buttons():
    html = f"""<p>Before.</p>
<div class="captioned-image-container"><figure><a class="image-link image2 is-viewable-img"
target="_blank" href="{SUBSTACK_IMAGE}"><div class="image2-inset"><picture>
<source type="image/webp" srcset="{SUBSTACK_IMAGE} 424w"><img src="{SUBSTACK_IMAGE}"
width="1456" height="816" alt="My desk" loading="lazy"></picture>
<div class="image-link-expand"><svg></svg></div></div></a>
<figcaption class="image-caption">My desk, <a href="https://example.org/?utm_source=substack">lamp</a>
included</figcaption></figure></div>
<p class="button-wrapper" data-attrs="{{}}"><a class="button primary"
href="https://ada.substack.com/subscribe?utm_source=post"><span>Subscribe now</span></a></p>
<p class="button-wrapper"><a class="button primary"
href="https://ada.substack.com/p/desk?utm_source=substack&amp;action=share"><span>Share</span></a></p>
<p class="button-wrapper"><a class="button primary"
href="https://shop.example.org/zine?utm_medium=email"><span>Get the zine</span></a></p>
<div class="subscription-widget-wrap"><div class="subscription-widget show-subscribe">
<p class="cta-caption">Thanks for reading! Subscribe for free.</p><form><input type="email">
</form></div></div>
<p><img src="https://eotrx.substackcdn.com/open?token=x" width="1" height="1" alt=""></p>"""
    assert convert(html, same) == (
        "Before.\n\n"
        "![My desk](https://substack-post-media.s3.amazonaws.com/public/images/desk.png)\n\n"
        "*My desk, [lamp](https://example.org/) included*\n\n"
        "[Get the zine](https://shop.example.org/zine)"
    )


def test_ghost_cards():
    html = """<figure class="kg-card kg-image-card kg-card-hascaption"><img
src="https://ghost.example.com/content/images/2023/01/desk.jpg" class="kg-image" alt=""
loading="lazy"><figcaption><span style="white-space: pre-wrap;">A desk</span></figcaption>
</figure><figure class="kg-card kg-bookmark-card"><a class="kg-bookmark-container"
href="https://example.org/essay?ref=ghost.example.com"><div class="kg-bookmark-content">
<div class="kg-bookmark-title">An essay</div><div class="kg-bookmark-description">About small
tools.</div><div class="kg-bookmark-metadata"><img class="kg-bookmark-icon"
src="https://example.org/favicon.ico" alt=""><span class="kg-bookmark-author">Example</span>
</div></div><div class="kg-bookmark-thumbnail"><img src="https://example.org/thumb.jpg" alt="">
</div></a></figure><div class="kg-card kg-button-card kg-align-center"><a
href="https://example.org/essay" class="kg-btn kg-btn-accent">Read it</a></div><div
class="kg-card kg-button-card"><a href="#/portal/signup" class="kg-btn">Subscribe</a></div>
<div class="kg-card kg-callout-card kg-callout-card-grey"><div class="kg-callout-emoji">💡</div>
<div class="kg-callout-text">A tip.</div></div><div class="kg-card kg-signup-card"><form
data-members-form><input type="email"><button>Sign up</button></form></div>"""
    assert convert(html, same) == (
        "![A desk](https://ghost.example.com/content/images/2023/01/desk.jpg)\n\n"
        "*A desk*\n\n"
        "[An essay](https://example.org/essay)\n\n"
        "About small tools.\n\n"
        "[Read it](https://example.org/essay)\n\n"
        "> 💡 A tip."
    )


def test_wordpress_blocks():
    html = """<!-- wp:paragraph -->
<p>Hello <strong>there</strong>, <em>you</em>.</p>
<!-- /wp:paragraph -->

<!-- wp:image {"id":12} -->
<figure class="wp-block-image size-large"><img src="https://blog.example.com/up/chart.png"
alt="A chart" class="wp-image-12"/><figcaption class="wp-element-caption">Words per week
</figcaption></figure>
<!-- /wp:image -->

<!-- wp:heading {"level":3} -->
<h3 class="wp-block-heading">Numbers</h3>
<!-- /wp:heading -->

<!-- wp:table -->
<figure class="wp-block-table"><table><thead><tr><th>Week</th><th>Words</th></tr></thead>
<tbody><tr><td>1</td><td>80</td></tr></tbody></table></figure>
<!-- /wp:table -->

<!-- wp:list {"ordered":true} -->
<ol><li>Fold</li><li>Cut</li></ol>
<!-- /wp:list -->

<!-- wp:quote -->
<blockquote class="wp-block-quote"><p>Small is fine.</p></blockquote>
<!-- /wp:quote -->

<!-- wp:code -->
<pre class="wp-block-code"><code>make zine</code></pre>
<!-- /wp:code -->

<!-- wp:buttons -->
<div class="wp-block-buttons"><!-- wp:button -->
<div class="wp-block-button"><a class="wp-block-button__link wp-element-button"
href="https://shop.example.org/zine">Buy it</a></div>
<!-- /wp:button --></div>
<!-- /wp:buttons -->
<div class="sharedaddy sd-sharing-enabled"><ul><li><a
href="https://blog.example.com/?share=twitter">Twitter</a></li></ul></div>
<img src="https://pixel.wp.com/g.gif?blog=1" alt="" width="1" height="1">"""
    assert convert(html, same) == (
        "Hello **there**, *you*.\n\n"
        "![A chart](https://blog.example.com/up/chart.png)\n\n"
        "*Words per week*\n\n"
        "## Numbers\n\n"  # the post's highest heading, under the title
        "| Week | Words |\n| --- | --- |\n| 1 | 80 |\n\n"
        "1. Fold\n2. Cut\n\n"
        "> Small is fine.\n\n"
        "```\nmake zine\n```\n\n"
        "[Buy it](https://shop.example.org/zine)"
    )


def test_ghost_lexical_renders_its_nodes_and_cards():
    document = {
        "root": {
            "children": [
                {
                    "type": "paragraph",
                    "children": [
                        {"type": "text", "text": "Hi ", "format": 0},
                        {"type": "text", "text": "bold", "format": 1},
                        {"type": "text", "text": " ", "format": 0},
                        {"type": "text", "text": "x()", "format": 16},
                    ],
                },
                {"type": "heading", "tag": "h2", "children": [{"type": "text", "text": "Cards"}]},
                {"type": "image", "src": "https://g.example/a.png", "altText": "A", "caption": ""},
                {"type": "button", "buttonText": "Go", "buttonUrl": "https://example.org/go"},
                {"type": "markdown", "markdown": "- one\n- two"},
                {"type": "unknown-card"},
            ]
        }
    }
    assert convert(render_lexical(document), same) == (
        "Hi **bold** `x()`\n\n## Cards\n\n![A](https://g.example/a.png)\n\n"
        "[Go](https://example.org/go)\n\n- one\n- two"
    )


def test_ghost_mobiledoc_renders_its_sections_and_cards():
    document = {
        "version": "0.3.1",
        "atoms": [["soft-return", "", {}]],
        "markups": [["a", ["href", "https://example.org/m"]], ["em"], ["script"]],
        "cards": [["image", {"src": "https://g.example/p.jpg", "alt": "P", "caption": "Cap"}]],
        "sections": [
            [1, "p", [[0, [], 0, "A "], [0, [0], 1, "link"], [0, [1], 1, " em"], [0, [2], 1, "!"]]],
            [10, 0],
            [3, "ol", [[[0, [], 0, "first"]], [[0, [], 0, "second"]]]],
        ],
    }
    assert convert(render_mobiledoc(document), same) == (
        "A [link](https://example.org/m) *em*!\n\n![P](https://g.example/p.jpg)\n\n*Cap*\n\n"
        "1. first\n2. second"
    )


def test_redirect_wrappers_and_trackers_come_off_links():
    payload = base64.urlsafe_b64encode(json.dumps({"e": "https://example.org/a"}).encode())
    wrapped = f"https://substack.com/redirect/2/{payload.decode().rstrip('=')}?j=x"
    assert unwrap_link(wrapped) == "https://example.org/a"
    assert unwrap_link("https://www.google.com/url?q=https://example.org/b&sa=D") == (
        "https://example.org/b"
    )
    assert without_trackers("https://example.org/?id=3&utm_source=x&fbclid=y&mc_eid=z") == (
        "https://example.org/?id=3"
    )


def test_links_to_the_old_hosts_posts_point_to_their_issues():
    rewrite = old_link_rewriter(
        {"*.substack.com", "blog.example.com"}, {"/p/desk": "{filename}/issues/0020-desk.md"}
    )
    assert rewrite("https://ada.substack.com/p/desk#notes") == (
        "{filename}/issues/0020-desk.md#notes"
    )
    assert rewrite("https://blog.example.com/p/desk/") == "{filename}/issues/0020-desk.md"
    assert rewrite("https://other.example/p/desk") == "https://other.example/p/desk"
    assert rewrite("https://ada.substack.com/p/elsewhere") == "https://ada.substack.com/p/elsewhere"


def test_markup_written_as_text_stays_text_and_script_links_go():
    html = (
        '<p>Write &lt;img src="https://t.example/x.gif"&gt; <a href="javascript:alert(1)">here'
        '</a> <a href="{filename}/x.md">there</a> <code>&lt;b&gt;</code></p>'
    )
    assert convert(html, same) == 'Write &lt;img src="https://t.example/x.gif"> here there `<b>`'


TEXT = st.text(max_size=80)


@settings(max_examples=150, deadline=None)
@given(
    title=TEXT,
    summary=st.text(max_size=1500),
    tags=st.lists(TEXT, max_size=4),
    body=st.text(max_size=300),
    draft=st.booleans(),
)
def test_any_post_becomes_an_issue_file_that_passes_the_check(title, summary, tags, body, draft):
    post = Post(
        key="k",
        old_path="/p/x",
        title=title,
        date=datetime(2023, 5, 1, 9, 30, tzinfo=UTC),
        html="",
        slug="x",
        where="w",
        summary=summary,
        tags=tuple(tags),
        draft=draft,
    )
    markdown = convert(f"<p>{body}</p>", same)
    text = issue_text(post, 16, markdown, {}, datetime(2023, 6, 1, tzinfo=UTC))
    issue, problems = parse_issue(Path("content/issues/0016-x.md"), text)
    assert problems == [], text
    assert issue is not None and issue.is_draft == draft


MARKUP = st.lists(
    st.sampled_from(
        [
            "<p>",
            "</p>",
            "<a href='",
            "'>",
            "</a>",
            "<img src=",
            "<figure>",
            "</figure>",
            "<figcaption>",
            "<table><tr><td>",
            "<ul><li>",
            "<pre><code>",
            "<!-- wp:x -->",
            "&lt;",
            "&amp;",
            "<h2>",
            "<blockquote>",
            "javascript:",
            "https://x.example/a b",
            '"',
            "*",
            "_",
            "\n",
            " ",
            "text",
            "<div class='kg-card kg-callout-card'>",
            "<em>",
            "</em>",
        ]
    ),
    max_size=40,
).map("".join)


@settings(max_examples=200, deadline=None)
@given(html=MARKUP)
def test_any_markup_converts_without_failing(html):
    assert isinstance(convert(html, same), str)


def test_wordpress_classic_editor_shortcodes():
    from hearth_import.wordpress import autop, shortcodes

    content = (
        '[caption id="attachment_7" align="aligncenter" width="300"]<a href="https://blog.example'
        '.com/up/desk.jpg"><img class="size-medium wp-image-7" src="https://blog.example.com/up/'
        'desk.jpg" alt="" width="300" height="200" /></a> My desk[/caption]\n\n'
        "A paragraph [sic] with a <em>word</em>.\n\n"
        "[embed]https://video.example.org/v/1[/embed]\n\n"
        '[gallery ids="1,2,3"]'
    )
    assert convert(autop(shortcodes(content)), same) == (
        "![My desk](https://blog.example.com/up/desk.jpg)\n\n*My desk*\n\n"
        "A paragraph \\[sic\\] with a *word*.\n\n"  # text, never a link's brackets
        "<https://video.example.org/v/1>"
    )


def test_headings_sit_under_the_title_without_skipping_a_level():
    html = "<h1>Top</h1><p>a</p><h4>Deep</h4><h3>Up</h3><h1>Again</h1><h4>Down</h4>"
    assert convert(html, same) == ("## Top\n\na\n\n### Deep\n\n### Up\n\n## Again\n\n### Down")


def test_a_post_naming_thousands_of_images_fetches_at_most_the_cap(tmp_path):
    """A hostile feed (or a gallery gone wrong) names more images than a post can hold:
    the first MAX_IMAGES_PER_POST come home, the rest stay plain links, listed."""
    from hearth_import.fetch import Fetcher
    from hearth_import.images import MAX_IMAGES_PER_POST, fetch_images, plan_images
    from tests.import_images import image_hosts

    count = MAX_IMAGES_PER_POST + 5
    body = "\n\n".join(f"![Picture {n}](https://img.example.com/p{n}.png)" for n in range(count))
    body, plan = plan_images(body, "", tmp_path / "images" / "0001")
    with image_hosts() as (url, requests):
        fetcher = Fetcher(max_bytes=1024 * 1024, timeout=10.0, via=url)
        body, missing = fetch_images(body, plan, fetcher, tmp_path)
    assert len(requests) == MAX_IMAGES_PER_POST
    assert len(missing) == 5
    assert "[Picture 204](https://img.example.com/p204.png)" in body
    assert "![Picture 0](/images/0001/p0.png)" in body


HOSTILE_POSTS = {
    "attr_list on a heading": '<h2>Title {: onclick="alert(1)" }</h2>',
    "attr_list on a paragraph": (
        '<p>Hello<br>{: onmouseover="alert(1)" style="position:fixed" }</p>'
    ),
    "attr_list after a link": '<p><a href="https://ok.example/">x</a>{: onclick="alert(2)" }</p>',
    "reference definition": "<p>[click][x]</p><p>[x]: javascript:alert(3)</p>",
    "inline link in text": "<p>[the post](javascript:alert(4))</p>",
    "link text closing the link": (
        '<p><a href="https://ok.example/">x](javascript:alert(1)) [y</a></p>'
    ),
    "alt text closing the image": (
        '<p><img src="https://img.example.com/a.png" '
        'alt="](x) [click me](javascript:alert(2)) ![z"></p>'
    ),
    "script image source": '<p><img src="javascript:alert(5)" alt="x"></p>',
    "data image source": '<p><img src="data:image/svg+xml,<svg onload=alert(6)>" alt="x"></p>',
    "parenthesis in an address": (
        '<p><a href="https://ok.example/a) [y](javascript:alert(7)">x</a></p>'
    ),
    "parenthesis in an image source": (
        '<p><img src="https://img.example.com/a.png) [y](javascript:alert(8)" alt="x"></p>'
    ),
}


@given(st.sampled_from(sorted(HOSTILE_POSTS)))
@settings(max_examples=len(HOSTILE_POSTS) * 3, deadline=None)
def test_imported_post_text_never_becomes_script_on_its_page(name):
    """An export (or a feed at any address) is untrusted: text that reads as Markdown
    syntax stays text, and the page the site's own Markdown makes of it runs nothing."""
    from hearth_core.settings import load_settings
    from hearth_import.convert import scripting_markup
    from hearth_issues.bodies import markdown_renderer

    markdown = markdown_renderer(load_settings(ROOT / "pelicanconf.py")["MARKDOWN"])
    html = markdown.reset().convert(convert(HOSTILE_POSTS[name], lambda href: href))
    assert scripting_markup(html) is None, (name, html)
    for attribute in ('href="javascript', 'src="javascript', 'src="data:'):
        assert attribute not in html, (name, html)


def test_the_last_guard_names_what_would_run():
    from hearth_import.convert import scripting_markup

    assert scripting_markup('<p onclick="x()">a</p>') == "a onclick attribute on <p>"
    assert scripting_markup('<a href="javascript:x()">a</a>').startswith("a href address")
    assert scripting_markup("<script>x()</script>") == "a <script> element"
    assert scripting_markup('<p><a href="https://ok.example/">ok</a></p>') is None
