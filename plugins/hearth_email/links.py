"""Links in an issue's HTML made to work in an inbox: absolute, ``{filename}`` resolved."""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from urllib.parse import urljoin

import lxml.html

from hearth_feeds.fragments import SITE_ONLY_CLASSES

# Pelican's intra-site link syntax: [the body text issue]({filename}/issues/0004-x.md).
INTERNAL = re.compile(r"^\{(?P<kind>filename|static|attach)\}(?P<path>[^?#]*)(?P<rest>.*)$")
ISSUE_FILE = re.compile(r"^(?P<number>\d{4})-[^/]+\.md$")


def internal_target(link: str, site_url: str) -> str:
    """Where a ``{filename}`` or ``{static}`` link leads on the published site."""
    match = INTERNAL.match(link)
    if not match:
        return link
    path = PurePosixPath(match["path"].lstrip("/"))
    issue = ISSUE_FILE.match(path.name)
    if match["kind"] == "filename" and issue and path.parent.name == "issues":
        target = f"issues/{int(issue['number'])}/"
    elif match["kind"] == "filename" and path.suffix == ".md":
        target = f"{path.stem}/"
    else:
        target = path.as_posix()
    return f"{site_url}/{target}{match['rest']}"


def absolute_url(link: str, page_url: str, site_url: str) -> str:
    """``link`` as an inbox needs it; "/issues/3/" is below the site's path, not the host's root."""
    link = internal_target(link, site_url)
    if link.startswith("/") and not link.startswith("//"):
        return f"{site_url}{link}"
    return urljoin(page_url, link)


def absolute_html(html: str, page_url: str, site_url: str) -> str:
    """``html`` with site-only decoration removed and every href and src absolute."""
    if not html.strip():
        return html
    wrapper = lxml.html.fragment_fromstring(html, create_parent="div")
    for name in SITE_ONLY_CLASSES:
        for element in wrapper.find_class(name):
            element.drop_tree()
    for element in wrapper.iter():
        for attribute in ("href", "src"):
            value = element.get(attribute)
            if value is not None:
                element.set(attribute, absolute_url(value, page_url, site_url))
    text = wrapper.text or ""
    return text + "".join(lxml.html.tostring(child, encoding="unicode") for child in wrapper)
