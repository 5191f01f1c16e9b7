"""Ghost's editor documents (Lexical, and Mobiledoc before it) as the HTML Ghost renders.

No kept Python library renders either, so the common nodes and cards are done here;
a card of another kind becomes nothing, as an unknown card does in Ghost's own renderer.
The HTML matches Ghost's (``kg-*`` classes), so the one cleaning step reads both.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

import markdown

# Lexical text format bits.
_BOLD, _ITALIC, _STRIKE, _UNDERLINE, _CODE = 1, 2, 4, 8, 16
_INLINE_TAGS = frozenset({"a", "b", "strong", "em", "i", "code", "s", "u", "sup", "sub"})


def render_lexical(document: Mapping[str, Any]) -> str:
    return "".join(_lexical_node(node) for node in document["root"].get("children", []))


def _children(node: Mapping[str, Any]) -> str:
    return "".join(_lexical_node(child) for child in node.get("children") or [])


def _lexical_node(node: Mapping[str, Any]) -> str:
    kind = node.get("type")
    if kind == "text" or kind == "extended-text":
        return _formatted(escape(str(node.get("text", ""))), int(node.get("format") or 0))
    if kind == "linebreak":
        return "<br>"
    if kind == "link" or kind == "autolink":
        return f'<a href="{escape(str(node.get("url", "")))}">{_children(node)}</a>'
    if kind == "paragraph":
        return f"<p>{_children(node)}</p>"
    if kind in ("heading", "extended-heading"):
        tag = str(node.get("tag") or "h2")
        tag = tag if tag in ("h1", "h2", "h3", "h4", "h5", "h6") else "h2"
        return f"<{tag}>{_children(node)}</{tag}>"
    if kind == "list":
        tag = "ol" if node.get("listType") == "number" else "ul"
        return f"<{tag}>{_children(node)}</{tag}>"
    if kind == "listitem":
        return f"<li>{_children(node)}</li>"
    if kind in ("quote", "aside"):
        return f"<blockquote>{_children(node)}</blockquote>"
    return _card(str(kind), node)


def _formatted(text: str, bits: int) -> str:
    for bit, tag in ((_CODE, "code"), (_BOLD, "strong"), (_ITALIC, "em"), (_STRIKE, "s")):
        if bits & bit:
            text = f"<{tag}>{text}</{tag}>"
    return text


def _card(kind: str, card: Mapping[str, Any]) -> str:
    """A card, from its payload: the same names in Lexical nodes and Mobiledoc cards."""
    get = lambda key: str(card.get(key) or "")  # noqa: E731
    if kind == "image":
        return _figure(
            f'<img src="{escape(get("src"))}" alt="{escape(get("alt") or get("altText"))}">',
            get("caption"),
            "kg-image-card",
        )
    if kind == "gallery":
        images = "".join(
            f'<img src="{escape(str(image.get("src", "")))}" '
            f'alt="{escape(str(image.get("alt") or ""))}">'
            for image in card.get("images") or []
        )
        return _figure(images, get("caption"), "kg-gallery-card")
    if kind in ("markdown", "card-markdown"):
        return markdown.markdown(get("markdown"))
    if kind == "html":
        return get("html")
    if kind in ("code", "codeblock"):
        return f"<pre><code>{escape(get('code'))}</code></pre>"
    if kind in ("hr", "horizontalrule"):
        return "<hr>"
    if kind == "bookmark":
        return _bookmark(get("url"), card.get("metadata") or {}, get("caption"))
    if kind == "button":
        url, text = escape(get("buttonUrl")), escape(get("buttonText"))
        return (
            f'<div class="kg-card kg-button-card"><a href="{url}" class="kg-btn">{text}</a></div>'
        )
    if kind == "callout":
        return f'<div class="kg-card kg-callout-card">{get("calloutText")}</div>'
    return ""


def _figure(inner: str, caption: str, kind: str) -> str:
    caption_html = f"<figcaption>{caption}</figcaption>" if caption else ""
    return f'<figure class="kg-card {kind}">{inner}{caption_html}</figure>'


def _bookmark(url: str, metadata: Mapping[str, Any], caption: str) -> str:
    title = escape(str(metadata.get("title") or url))
    description = escape(str(metadata.get("description") or ""))
    return _figure(
        f'<a class="kg-bookmark-container" href="{escape(url)}"><div class="kg-bookmark-content">'
        f'<div class="kg-bookmark-title">{title}</div>'
        f'<div class="kg-bookmark-description">{description}</div></div></a>',
        caption,
        "kg-bookmark-card",
    )


def render_mobiledoc(document: Mapping[str, Any]) -> str:
    markups = document.get("markups") or []
    cards = document.get("cards") or []
    atoms = document.get("atoms") or []
    return "".join(_section(section, markups, cards, atoms) for section in document["sections"])


def _section(section: Sequence[Any], markups: Sequence, cards: Sequence, atoms: Sequence) -> str:
    kind = section[0]
    if kind == 1:  # markup section: [1, tag, markers]
        tag = str(section[1]).lower()
        tag = (
            tag if tag in ("p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "aside") else "p"
        )
        tag = "blockquote" if tag == "aside" else tag
        return f"<{tag}>{_markers(section[2], markups, atoms)}</{tag}>"
    if kind == 3:  # list section: [3, "ul" | "ol", [markers, ...]]
        tag = "ol" if section[1] == "ol" else "ul"
        items = "".join(f"<li>{_markers(item, markups, atoms)}</li>" for item in section[2])
        return f"<{tag}>{items}</{tag}>"
    if kind == 10:  # card section: [10, card index]
        name, payload = cards[section[1]]
        return _card(str(name), payload or {})
    if kind == 2:  # image section: [2, src]
        return f'<p><img src="{escape(str(section[1]))}" alt=""></p>'
    return ""


def _markers(markers: Sequence[Any], markups: Sequence, atoms: Sequence) -> str:
    """Text with its markups opened and closed as each marker says."""
    out: list[str] = []
    open_tags: list[str] = []
    for marker_type, opened, closed, value in markers:
        for index in opened:
            tag, *rest = markups[index]
            tag = tag if tag in _INLINE_TAGS else "span"
            attrs = dict(zip(rest[0][::2], rest[0][1::2], strict=False)) if rest else {}
            href = f' href="{escape(str(attrs["href"]))}"' if tag == "a" and "href" in attrs else ""
            out.append(f"<{tag}{href}>")
            open_tags.append(tag)
        if marker_type == 1:  # an atom: its text, as Ghost's soft returns and mentions show
            name, text, _payload = atoms[value]
            out.append("<br>" if name == "soft-return" else escape(str(text)))
        else:
            out.append(escape(str(value)))
        for _ in range(closed):
            out.append(f"</{open_tags.pop()}>")
    out.extend(f"</{tag}>" for tag in reversed(open_tags))
    return "".join(out)
