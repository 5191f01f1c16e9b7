"""A post's HTML as clean Markdown: the platform's chrome dropped, links freed of trackers.

Cleaning works on the parsed HTML (BeautifulSoup), then markdownify writes Markdown.
Images are left as they were found; ``hearth_import.images`` brings them home.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable, Mapping
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from bs4 import BeautifulSoup, Comment, Tag
from markdownify import MarkdownConverter

from hearth_core.text import FORBIDDEN

# Whole blocks no reader of the archive needs: subscribe forms and widgets, share and
# comment buttons, related posts, the platform's footers.
CHROME = ", ".join(
    (
        "script, style, noscript, form, iframe, object, embed, svg, button, input",
        ".subscription-widget-wrap, .subscription-widget, .subscribe-widget",
        ".share-dialog, .post-ufi, .footnote-anchor-button, .image-link-expand",
        "[data-component-name=SubscribeWidgetToDOM], [data-component-name=ButtonCreateButton]",
        ".kg-signup-card, .kg-cta-card, .kg-header-card [data-members-form]",
        "[data-members-form], .gh-post-upgrade-cta",
        ".sharedaddy, .sd-sharing-enabled, .jp-relatedposts, .wp-block-jetpack-subscriptions",
        ".wp-block-jetpack-sharing-buttons, .wp-block-post-comments-form, .wpcnt",
        ".medium-feed-item, .beehiiv__footer, .share-buttons, .social-share",
    )
)
# Buttons to these pages only ask the reader to subscribe, share, comment or get an app.
CHROME_LINK = re.compile(
    r"/(?:subscribe|account|share|comments?|app|embed|signup|upgrade|welcome|#/portal)\b"
    r"|[?&](?:action=share|utm_medium=share)|#/portal|facebook\.com/sharer|twitter\.com/intent"
    r"|x\.com/intent|linkedin\.com/share|reddit\.com/submit",
    re.IGNORECASE,
)
BUTTONS = "p.button-wrapper, div.kg-button-card, div.wp-block-buttons, div.wp-block-button"
TRACKER_HOSTS = (
    "pixel.wp.com",
    "stats.wp.com",
    "www.google-analytics.com",
    "google-analytics.com",
    "eotrx.substackcdn.com",
    "email.mg.substack.com",
    "medium.com/_/stat",
    "feeds.feedburner.com/~r",
    "pixel.quantserve.com",
    "www.facebook.com/tr",
    "beehiiv-images-production.s3.amazonaws.com/uploads/asset/file/pixel",
)
TRACKING_PARAMS = re.compile(
    r"^(?:utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|_hsenc|_hsmi|mkt_tok|oly_\w+"
    r"|vero_\w+|ck_subscriber_id|r|s|triedRedirect|publication_id|post_id|isFreemail)$"
)
# Addresses that only send the reader on, and the query parameter that says where.
REDIRECTORS = {
    "www.google.com": "q",
    "google.com": "q",
    "l.facebook.com": "u",
    "out.reddit.com": "url",
    "href.li": "",
}
# Characters a link keeps as they are; any other (a space, "|", "{") is percent-encoded,
# as the HTML checker of `invoke publish` wants it.
# No parentheses: a ")" in an address would end its Markdown link early and make the rest
# of the address Markdown of its own (a second link, to anything).
URL_SAFE = ":/?#[]@!$&'*+,;=%~-._"
# Characters Markdown would read as syntax in a post's text: a link or an image
# ("[x](javascript:...)"), an attribute list ("{: onclick=...}"). Escaped, they stay text.
MARKDOWN_SYNTAX = re.compile(r"([\\\[\]{}])")
ENTITY_LIKE = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
SUBSTACK_CDN = re.compile(r"^https://substackcdn\.com/image/fetch/[^/]*/(?P<inner>https?%3A.*)$")


def clean_html(html: str, rewrite: Callable[[str], str]) -> BeautifulSoup:
    """The post without chrome; each link through ``rewrite`` once trackers are gone."""
    soup = BeautifulSoup(html, "html.parser")
    for comment in soup.find_all(string=lambda text: isinstance(text, Comment)):
        comment.extract()  # WordPress's <!-- wp:... --> block marks among them
    for node in soup.select(BUTTONS):
        _button(soup, node, rewrite)
    for node in soup.select(CHROME):
        node.decompose()
    for image in soup.find_all("img"):
        if _is_pixel(image):
            image.decompose()
    for callout in soup.select(".kg-callout-card"):
        callout.name = "blockquote"  # Ghost's callout: an aside, as a quote shows one
        emoji, text = (
            callout.select_one(".kg-callout-emoji"),
            callout.select_one(".kg-callout-text"),
        )
        if text is not None:
            text.name = "p"
            if emoji is not None:
                text.insert(0, emoji.get_text().strip() + " ")
        if emoji is not None:
            emoji.decompose()
    for figure in soup.find_all("figure"):
        _figure(soup, figure)
    for picture in soup.find_all("picture"):
        picture.unwrap()
    for link in soup.find_all("a"):
        _link(link, rewrite)
    for image in soup.find_all("img"):
        _image(image)
    _escape_markup_in_text(soup)
    _heading_levels(soup)
    return soup


HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def _heading_levels(soup: BeautifulSoup) -> None:
    """Headings under the issue's title (its page's h1): the post's highest becomes h2,
    and none skips a level, as the HTML checker of `invoke publish` requires."""
    headings = soup.find_all(HEADINGS)
    used = sorted({int(heading.name[1]) for heading in headings})
    previous = 1
    for heading in headings:
        level = min(2 + used.index(int(heading.name[1])), previous + 1, 6)
        heading.name = f"h{level}"
        previous = level


def _escape_markup_in_text(soup: BeautifulSoup) -> None:
    """Text that reads ``<img src=...>`` (a post about HTML) or ``[x](javascript:...)``
    stays text: Markdown would make it markup, and the page would run or load it."""
    for text in soup.find_all(string=True):
        if text.find_parent(["code", "pre"]) is None:
            plain = MARKDOWN_SYNTAX.sub(r"\\\1", str(text))
            if plain != text or "<" in text or "&" in text:
                text.replace_with(ENTITY_LIKE.sub(r"&amp;", plain).replace("<", "&lt;"))


def _image(image: Tag) -> None:
    """An image from the web or the site itself, its alt text one line of plain text;
    any other source (javascript:, data:) goes, with its image."""
    src = image_source(str(image.get("src") or "").strip())
    if not _safe(src) or src.lower().startswith("mailto:"):
        image.decompose()
        return
    alt = " ".join(str(image.get("alt") or "").split())
    image.attrs = {"src": quote(src, safe=URL_SAFE), "alt": MARKDOWN_SYNTAX.sub(r"\\\1", alt)}


def image_source(src: str) -> str:
    """The image itself, not the copy a CDN resizes on the fly (Substack's fetch URLs)."""
    found = SUBSTACK_CDN.match(src)
    return unquote(found["inner"]) if found else src


def _button(soup: BeautifulSoup, node: Tag, rewrite: Callable[[str], str]) -> None:
    """A button that goes somewhere worth reading stays as a link; chrome goes."""
    links = [a for a in node.find_all("a") if a.get("href")]
    kept = [a for a in links if not CHROME_LINK.search(unwrap_link(str(a["href"])))]
    if not kept:
        node.decompose()
        return
    paragraph = soup.new_tag("p")
    for a in kept:
        new = soup.new_tag("a", href=str(a["href"]))
        new.string = " ".join(a.get_text(" ").split())
        paragraph.append(new)
    node.replace_with(paragraph)


def _is_pixel(image: Tag) -> bool:
    src = str(image.get("src") or "")
    tiny = str(image.get("width")) in ("0", "1") and str(image.get("height")) in ("0", "1")
    rest = src.split("://", 1)[-1]
    return tiny or not src or any(rest.startswith(host) for host in TRACKER_HOSTS)


def _figure(soup: BeautifulSoup, figure: Tag) -> None:
    """A figure (Substack's captioned image, Ghost's and WordPress's image cards) as its
    images, then its caption in italics: the caption also serves as missing alt text."""
    bookmark = figure.find("a", class_="kg-bookmark-container")
    if bookmark is not None:
        for image in bookmark.find_all("img"):
            image.decompose()  # the site's icon and thumbnail: decoration
        figure.replace_with(bookmark)
        return
    caption_node = figure.find("figcaption")
    caption = " ".join(caption_node.get_text(" ").split()) if caption_node else ""
    images = figure.find_all("img")
    if not images:
        if caption_node:
            caption_node.name = "p"
        figure.unwrap()
        return
    replacement = []
    for image in images:
        alt = " ".join(str(image.get("alt") or "").split()) or caption
        paragraph = soup.new_tag("p")
        paragraph.append(soup.new_tag("img", src=str(image.get("src") or ""), alt=alt))
        replacement.append(paragraph)
    if caption and caption_node is not None:
        paragraph = soup.new_tag("p")
        emphasis = soup.new_tag("em")
        for text in caption_node.find_all(string=True):
            text.replace_with(re.sub(r"\s+", " ", str(text)))  # one line: one emphasis
        emphasis.extend(list(caption_node.contents))  # its links and markup kept
        paragraph.append(emphasis)
        replacement.append(paragraph)
    figure.replace_with(*replacement)


def _link(link: Tag, rewrite: Callable[[str], str]) -> None:
    href = str(link.get("href") or "")
    if not href:
        link.unwrap()
        return
    classes = list(link.get("class") or [])
    try:
        target = without_trackers(unwrap_link(href.strip()))
    except ValueError:  # an address no parser reads, as "http://[x"
        target = "javascript:"
    if not _safe(target):
        link.unwrap()  # javascript:, data: or a Pelican {placeholder}: its text is enough
        return
    link.attrs = {"href": rewrite(quote(target, safe=URL_SAFE))}
    if "kg-bookmark-container" in classes:
        link["class"] = "kg-bookmark-container"


def _safe(href: str) -> bool:
    """A link to the web, to mail, or relative; not a script, nor Pelican's {placeholders}."""
    try:
        scheme = urlsplit(href).scheme.lower()
    except ValueError:
        return False
    return scheme in ("http", "https", "mailto", "") and not href.startswith(("{", "|"))


def unwrap_link(href: str) -> str:
    """Where a redirect wrapper (Substack's, a search engine's) sends the reader."""
    parts = urlsplit(href)
    host = (parts.hostname or "").lower()
    if host.endswith("substack.com") and parts.path.startswith("/redirect/"):
        return _substack_target(parts.path) or href
    if host in REDIRECTORS:
        key = REDIRECTORS[host]
        query = dict(parse_qsl(parts.query))
        target = query.get(key, "") if key else unquote(parts.query)
        if target.startswith(("http://", "https://")) and (key or parts.path in ("", "/")):
            return target
    return href


def _substack_target(path: str) -> str:
    """``/redirect/2/<base64 JSON>``: the JSON's ``e`` is the address."""
    for part in path.split("/")[2:]:
        try:
            data = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
        except (binascii.Error, ValueError, UnicodeDecodeError):
            continue
        target = data.get("e") if isinstance(data, dict) else None
        if isinstance(target, str) and target.startswith(("http://", "https://")):
            return target
    return ""


def without_trackers(href: str) -> str:
    parts = urlsplit(href)
    if not parts.query or parts.scheme not in ("http", "https"):
        return href
    kept = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not TRACKING_PARAMS.match(k) and not (k == "ref" and _is_host(v))
    ]
    return urlunsplit(parts._replace(query=urlencode(kept)))


def _is_host(value: str) -> bool:
    """Ghost and others add ``?ref=<their site>`` to every outgoing link."""
    return bool(re.fullmatch(r"[a-z0-9-]+(?:\.[a-z0-9-]+)+", value.lower()))


class _Converter(MarkdownConverter):
    """markdownify, with a bookmark card as a link and its description."""

    def convert_a(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        if "kg-bookmark-container" in (el.get("class") or []):
            title = el.find(class_="kg-bookmark-title")
            description = el.find(class_="kg-bookmark-description")
            heading = " ".join(title.get_text(" ").split()) if title else str(el["href"])
            about = " ".join(description.get_text(" ").split()) if description else ""
            return f"\n\n[{heading}]({el['href']})" + (f"\n\n{about}" if about else "") + "\n\n"
        return str(MarkdownConverter.convert_a(self, el, text, parent_tags))  # type: ignore[attr-defined]


def to_markdown(soup: BeautifulSoup) -> str:
    """Clean Markdown: ATX headings, ``-`` bullets, fenced code, one blank line at most."""
    text = _Converter(
        heading_style="ATX",
        bullets="-",
        code_language="",
        strong_em_symbol="*",
        escape_misc=False,
        strip=["span", "div", "font", "u", "center", "section", "article", "header", "footer"],
    ).convert_soup(soup)
    text = FORBIDDEN.sub("", text.replace("\xa0", " "))
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def convert(html: str, rewrite: Callable[[str], str]) -> str:
    return to_markdown(clean_html(html, rewrite))


def old_link_rewriter(hosts: set[str], issues: Mapping[str, str]) -> Callable[[str], str]:
    """Links to a post on the old host point to its issue (``issues``: old path to link)."""

    def rewrite(href: str) -> str:
        try:
            parts = urlsplit(href)
            host = (parts.hostname or "").lower()
        except ValueError:
            return href
        own = host in hosts or any(h.startswith("*.") and host.endswith(h[1:]) for h in hosts)
        if not own:
            return href
        for path in (parts.path, parts.path.rstrip("/"), parts.path.rstrip("/") + "/"):
            if path in issues:
                return issues[path] + (f"#{parts.fragment}" if parts.fragment else "")
        return href

    return rewrite


SCRIPTING_TAGS = {"script", "iframe", "object", "embed", "form", "style", "base", "meta", "link"}
ADDRESS_ATTRIBUTES = {"href", "src", "action", "formaction", "srcset", "poster", "data"}


def scripting_markup(html: str) -> str | None:
    """What in a converted post's HTML (as the site's Markdown renders it) could run
    script or restyle the page, named; None when there is nothing. The last guard of the
    import: whatever the escaping above missed is refused, never published."""
    for node in BeautifulSoup(html, "html.parser").find_all(True):
        if node.name in SCRIPTING_TAGS:
            return f"a <{node.name}> element"
        for name, value in node.attrs.items():
            if name.startswith("on") or name == "style":
                return f"a {name} attribute on <{node.name}>"
            address = str(value).strip()
            # {filename}: the import's own link to another imported post, for Pelican.
            if name in ADDRESS_ATTRIBUTES and not (
                _safe(address) or address.startswith("{filename}/")
            ):
                return f"a {name} address {address[:40]!r} on <{node.name}>"
    return None
