"""The plain-text version of an email: Markdown is already plain text, with links spelled out."""

from __future__ import annotations

import re
from collections.abc import Callable

IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\]\((?P<src>[^)\s]+)(?:\s+\"[^\"]*\")?\)")
LINK = re.compile(r"(?<!!)\[(?P<text>[^\]]+)\]\((?P<href>[^)\s]+)(?:\s+\"[^\"]*\")?\)")
# The "{: .class}" attribute lists of Markdown's attr_list extension mean nothing in text.
ATTR_LIST = re.compile(r"\s*\{:[^}]*\}")


def markdown_as_text(markdown: str, absolute: Callable[[str], str]) -> str:
    """``markdown`` for plain-text readers: links as "text (https://...)", images by their alt."""

    def image(match: re.Match[str]) -> str:
        alt = match["alt"].strip()
        return f"[Image: {alt}]" if alt else "[Image]"

    def link(match: re.Match[str]) -> str:
        href = absolute(match["href"])
        text = match["text"]
        return href if text == href else f"{text} ({href})"

    text = IMAGE.sub(image, markdown)
    text = LINK.sub(link, text)
    text = ATTR_LIST.sub("", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
