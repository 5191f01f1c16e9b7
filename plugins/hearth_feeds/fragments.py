"""HTML fragments made fit for feed readers, which show content away from the site."""

from __future__ import annotations

import lxml.html

# The "#" permalinks beside headings help on the site and are noise in a feed reader.
SITE_ONLY_CLASSES = ("headerlink",)


def _parse(html: str) -> lxml.html.HtmlElement:
    wrapper = lxml.html.fragment_fromstring(html, create_parent="div")
    for name in SITE_ONLY_CLASSES:
        for element in wrapper.find_class(name):
            element.drop_tree()
    return wrapper


def feed_html(html: str, base_url: str) -> str:
    """``html`` with site-only decoration removed and every link made absolute."""
    if not html.strip():
        return html
    wrapper = _parse(html)
    wrapper.make_links_absolute(base_url, resolve_base_href=False)
    text = wrapper.text or ""
    return text + "".join(lxml.html.tostring(child, encoding="unicode") for child in wrapper)


def plain_text(html: str) -> str:
    """The text of an HTML fragment, whitespace folded: for summaries."""
    if not html.strip():
        return ""
    return " ".join(_parse(html).text_content().split())
